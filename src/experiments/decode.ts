// Translation at the id level for the experiments: the text pipeline encodes
// sources, the runner may reverse them (Sutskever's trick), the search runs
// on ids, the pipeline decodes the output. The Translator of src/pipeline
// does the same for a model file; this path exists because a reversed-source
// model needs its ids transformed between the two.

import type { SentencePair } from "../data/corpus.js";
import type { PairIds } from "../decode/score.js";
import { scoreIds } from "../decode/score.js";
import { searchIds, type Hypothesis } from "../decode/search.js";
import type { Model } from "../model/model.js";
import { oneLine } from "../pipeline/lines.js";
import type { TextPipeline } from "../pipeline/tokenizer.js";
import { BOS_ID, EOS_ID, PAD_ID } from "../text/vocab.js";

/** Reverses the tokens of a source before its final EOS: [a, b, c, EOS] → [c, b, a, EOS]. */
export function reverseSource(ids: readonly number[]): number[] {
  const n = ids.length > 0 && ids[ids.length - 1] === EOS_ID ? ids.length - 1 : ids.length;
  const out = ids.slice(0, n).reverse();
  if (n < ids.length) out.push(EOS_ID);
  return out;
}

/** The ids the model sees for a pair list (sources reversed when asked). */
export function modelPairs(pairs: readonly PairIds[], reverse: boolean): PairIds[] {
  return reverse ? pairs.map((p) => ({ src: reverseSource(p.src), tgt: p.tgt })) : pairs.slice();
}

export interface SourceText {
  /** source pieces as the encoder sees them (in text order) + "</s>" */
  pieces: string[];
  /** Moses tokens of the source (its length in words) */
  words: number;
  /** ids in text order, ending with EOS */
  ids: number[];
}

export function encodeSources(pipeline: TextPipeline, lines: readonly string[]): SourceText[] {
  return lines.map((l) => {
    const e = pipeline.encodeSource(l);
    return { pieces: [...e.pieces, "</s>"], words: e.words.length, ids: e.ids };
  });
}

export interface Translation {
  text: string;
  /** output tokens, one per search step ("</s>" when EOS was produced) */
  steps: string[];
  /** attention rows over the source pieces in text order (null without attention or when not asked) */
  attention: number[][] | null;
}

export interface TranslateOptions {
  beam: number;
  alpha: number;
  reverse: boolean;
  attention?: boolean;
  /** called after each chunk with the number of sentences done */
  onProgress?: (done: number) => void;
}

/** Output ids → text: pieces up to EOS (<pad>/<s> dropped), BPE removed, detokenized. */
export function idsToText(pipeline: TextPipeline, ids: readonly number[]): { text: string; steps: string[] } {
  const tv = pipeline.tgtVocab;
  const steps = ids.map((id) => tv.token(id));
  const pieces: string[] = [];
  for (const id of ids) {
    if (id === EOS_ID) break;
    if (id === PAD_ID || id === BOS_ID) continue;
    pieces.push(tv.token(id));
  }
  return { text: oneLine(pipeline.decodeTarget(pieces)), steps };
}

/** Translates encoded sources; attention columns are mapped back to text order for reversed models. */
export function translateSources(model: Model, pipeline: TextPipeline, sources: readonly SourceText[], o: TranslateOptions): Translation[] {
  const out: Translation[] = [];
  const chunk = 200;
  for (let i = 0; i < sources.length; i += chunk) {
    const part = sources.slice(i, i + chunk);
    const srcs = part.map((s) => (o.reverse ? reverseSource(s.ids) : s.ids));
    const res: Hypothesis[][] = searchIds(model, srcs, { beam: o.beam, alpha: o.alpha, attention: Boolean(o.attention), batchSentences: 64 });
    res.forEach((hs, k) => {
      const h = hs[0];
      const { text, steps } = idsToText(pipeline, h.ids);
      let attention: number[][] | null = null;
      if (h.attention) {
        const S = srcs[k].length;
        attention = h.attention.map((row) => {
          const r = Array.from(row, (x) => Math.round(x * 1e4) / 1e4);
          if (!o.reverse) return r;
          // model position p < S-1 holds text position S-2-p; EOS stays last
          const t = new Array<number>(S);
          for (let p = 0; p < S - 1; p++) t[S - 2 - p] = r[p];
          t[S - 1] = r[S - 1];
          return t;
        });
      }
      out.push({ text, steps, attention });
    });
    o.onProgress?.(Math.min(sources.length, i + chunk));
  }
  return out;
}

/** Teacher-forced log-probabilities of the reference tokens (for perplexity and per-position plots). */
export function referenceLogprobs(model: Model, pairs: readonly PairIds[], reverse: boolean): number[][] {
  return scoreIds(model, modelPairs(pairs, reverse), { attention: false }).map((r) => r.logprobs);
}

/** Perplexity exp(−mean log p) over all target tokens (EOS included) of the pairs. */
export function perplexity(logprobs: readonly number[][]): { ppl: number; nll: number; tokens: number } {
  let sum = 0, n = 0;
  for (const lp of logprobs) {
    for (const x of lp) sum -= x;
    n += lp.length;
  }
  const nll = n === 0 ? 0 : sum / n;
  return { ppl: Math.exp(nll), nll, tokens: n };
}

/** Pairs as ids for scoring: sources in text order, targets with EOS. */
export function pairIds(pipeline: TextPipeline, pairs: readonly SentencePair[]): PairIds[] {
  return pairs.map((p) => ({ src: pipeline.encodeSource(p.src).ids, tgt: pipeline.encodeTarget(p.tgt).ids }));
}
