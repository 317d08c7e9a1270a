// Text translation with a complete model file: a line of text → tokens →
// BPE pieces → ids (+EOS) → beam search → ids → pieces → text.
//
// Defined behaviour for awkward input (docs/model.md, "Text behaviour"):
// - an empty line, or one with no tokens, gives an empty translation
//   (score 0) without running the model;
// - a piece not in the source vocabulary becomes <unk> (id 1); an output
//   <unk> is written as the literal "<unk>", or with replaceUnk replaced by
//   the source word that got the highest attention weight;
// - a source longer than maxSrcPieces pieces (default: the model's training
//   length, `train_max_src_pieces` metadata, else 100) is split at sentence
//   ends first, and a sentence still longer is cut, at word boundaries where
//   possible, into parts of at most maxSrcPieces pieces; the parts are
//   translated independently and their translations joined by a space (one
//   output line);
// - any Unicode is accepted; the output is always one line.

import { S2SError } from "../errors.js";
import { searchIds, type SearchOptions } from "../decode/search.js";
import type { Model } from "../model/model.js";
import { BOS_ID, EOS_ID, PAD_ID, UNK, UNK_ID } from "../text/vocab.js";
import { splitSentences } from "../text/sentences.js";
import { TextPipeline, type EncodedSource } from "./tokenizer.js";
import { oneLine } from "./one-line.js";
import { trainLengthOf } from "./train-length.js";

/** `s2s eval`'s part length: test sources are translated whole up to this many pieces. */
export const DEFAULT_MAX_SRC_PIECES = 250;

export interface TextTranslateOptions extends SearchOptions {
  /** replace each output <unk> by the source word with the highest attention weight */
  replaceUnk?: boolean;
  /**
   * a longer source is split at sentence ends, then into parts of at most
   * this many pieces (default: the model's training length, {@link Translator.trainLength})
   */
  maxSrcPieces?: number;
}

export interface TextHypothesis {
  /** the translation, one line */
  text: string;
  /** search score (normalised log-probability; the sum over the parts of a cut source) */
  score: number;
  /** output pieces (after replace-unk), without EOS */
  pieces: string[];
  /** the token of every search step (pieces, "</s>" ending each part), aligned with the attention rows */
  steps: string[];
  /**
   * attention: one row per output step (pieces, then EOS if produced) over
   * the source positions of `LineTranslation.srcTokens`; null for models
   * without attention
   */
  attention: number[][] | null;
}

export interface LineTranslation {
  source: EncodedSource;
  /** source pieces as the encoder saw them, each part followed by "</s>" */
  srcTokens: string[];
  /** hypotheses, best first (at most nbest) */
  hyps: TextHypothesis[];
  /** number of parts the source was cut into (0 for an empty line) */
  parts: number;
}

/** Splits pieces [from, to) into parts of at most max, preferring cuts after a word's last piece. */
function cutParts(pieces: readonly string[], sep: string, max: number, from = 0, to = pieces.length): [number, number][] {
  const parts: [number, number][] = [];
  let start = from;
  while (start < to) {
    let end = Math.min(to, start + max);
    if (end < to) {
      let k = end;
      while (k > start + Math.floor(max / 2) && pieces[k - 1].endsWith(sep)) k--;
      if (!pieces[k - 1].endsWith(sep)) end = k;
    }
    parts.push([start, end]);
    start = end;
  }
  return parts;
}

/**
 * Several encoded sentences as one source (pieces, words and ids in order, one EOS at the end);
 * `unknownWords` is the whole line's count of distinct unknown words.
 */
function concatSources(parts: readonly EncodedSource[], unknownWords: number): EncodedSource {
  const out: EncodedSource = { words: [], pieces: [], wordOf: [], ids: [], unknownWords };
  for (const p of parts) {
    const w0 = out.words.length;
    out.words.push(...p.words);
    out.pieces.push(...p.pieces);
    for (const w of p.wordOf) out.wordOf.push(w0 + w);
    out.ids.push(...p.ids.slice(0, -1));
  }
  out.ids.push(EOS_ID);
  return out;
}

/**
 * A model file as a text translator: its own pipeline (the `tokenizer`,
 * `src_vocab` and `tgt_vocab` metadata of docs/model.md) around beam search.
 *
 *     const translator = new Translator(Model.fromBytes(engine, bytes));
 *     translator.translate(["Ein Mann fährt Rad."], { beam: 5 })[0].hyps[0].text
 *
 * Exported by the `seq2seq-wasm/text` entry (every runtime) and the Node entry.
 */
export class Translator {
  /** the text pipeline: tokenizer, BPE and vocabularies */
  readonly pipeline: TextPipeline;
  /**
   * the longest source the model was trained on, in pieces: the
   * `train_max_src_pieces` metadata, or 100 for a file without it; the
   * default part length of {@link translate}
   */
  readonly trainLength: number;

  /**
   * @param model a loaded model with vocabularies (a text model); an id-only
   *   model (no `src_vocab`/`tgt_vocab`) is refused with an S2SError
   * @param pipeline a pipeline to use instead of the model's metadata
   * @param source name of the model in error messages
   */
  constructor(readonly model: Model, pipeline?: TextPipeline, source = "model") {
    const p = pipeline ?? TextPipeline.fromMetadata(model.metadata, source);
    if (!p) throw new S2SError(`${source}: the model has no vocabularies (src_vocab/tgt_vocab metadata), so it only translates token ids: pass --ids`);
    const d = model.dims;
    if (p.srcVocab.size !== d.Vs) throw new S2SError(`${source}: src_vocab has ${p.srcVocab.size} entries but the config says src_vocab_size ${d.Vs}`);
    if (p.tgtVocab.size !== d.Vt) throw new S2SError(`${source}: tgt_vocab has ${p.tgtVocab.size} entries but the config says tgt_vocab_size ${d.Vt}`);
    this.pipeline = p;
    this.trainLength = trainLengthOf(model.metadata, source);
  }

  /**
   * A source line as the encoder gets it, in parts of at most `max` pieces:
   * a line within the limit is one part; a longer one is split at sentence
   * ends (each sentence encoded on its own), and a sentence still longer is
   * cut at word boundaries where possible. Parts are [from, to) piece ranges
   * of the returned source.
   */
  private encodeParts(line: string, max: number): { source: EncodedSource; ranges: [number, number][] } {
    const whole = this.pipeline.encodeSource(line);
    const sep = this.pipeline.separator;
    if (whole.pieces.length <= max) return { source: whole, ranges: whole.pieces.length ? [[0, whole.pieces.length]] : [] };
    const sentences = splitSentences(line, this.pipeline.spec.src.lang);
    if (sentences.length <= 1) return { source: whole, ranges: cutParts(whole.pieces, sep, max) };
    const encoded = sentences.map((x) => this.pipeline.encodeSource(x));
    // the note counts the line's distinct unknown words, as for a line translated whole
    const source = concatSources(encoded, whole.unknownWords);
    const ranges: [number, number][] = [];
    let at = 0;
    for (const e of encoded) {
      ranges.push(...cutParts(source.pieces, sep, max, at, at + e.pieces.length));
      at += e.pieces.length;
    }
    return { source, ranges };
  }

  get hasAttention(): boolean {
    return this.model.config.attention !== "none";
  }

  /**
   * Translates lines of text (tokenize, BPE, ids + EOS, beam search, ids →
   * pieces, remove BPE, detokenize); one result per line, in order, each
   * with up to `nbest` hypotheses (default 1), best first. Options are those
   * of searchIds (`beam`, `alpha`, `nbest`, `maxLenA`/`maxLenB`, `attention`)
   * plus `replaceUnk` and `maxSrcPieces`.
   */
  translate(lines: readonly string[], o: TextTranslateOptions = {}): LineTranslation[] {
    const maxPieces = o.maxSrcPieces ?? this.trainLength;
    if (!Number.isInteger(maxPieces) || maxPieces < 1) throw new S2SError(`maxSrcPieces must be a positive integer, got ${maxPieces}`);
    const nbest = o.nbest ?? 1;
    const wantAttn = (o.attention ?? true) || Boolean(o.replaceUnk);
    const encoded = lines.map((l) => this.encodeParts(l, maxPieces));
    const sources = encoded.map((e) => e.source);
    const jobs: number[][] = [];
    const partsOf: { job: number; from: number; to: number }[][] = encoded.map(({ source: s, ranges }) => {
      return ranges.map(([from, to]) => {
        jobs.push([...s.ids.slice(from, to), EOS_ID]);
        return { job: jobs.length - 1, from, to };
      });
    });
    const results = jobs.length > 0 ? searchIds(this.model, jobs, { ...o, attention: wantAttn }) : [];
    const tv = this.pipeline.tgtVocab;
    return sources.map((source, li) => {
      const parts = partsOf[li];
      const srcTokens: string[] = [];
      for (const p of parts) srcTokens.push(...source.pieces.slice(p.from, p.to), "</s>");
      if (parts.length === 0) {
        return { source, srcTokens, parts: 0, hyps: [{ text: "", score: 0, pieces: [], steps: [], attention: this.hasAttention && wantAttn ? [] : null }] };
      }
      const nh = Math.max(...parts.map((p) => results[p.job].length));
      const hyps: TextHypothesis[] = [];
      for (let r = 0; r < Math.min(nbest, nh); r++) {
        let score = 0;
        const steps: string[] = [], stepIds: number[] = [];
        // output pieces of steps [from, to): <pad> and <s> are never trained as outputs; if produced they are dropped, like EOS
        const keep = (from: number, to: number) => steps.slice(from, to).filter((_, k) => stepIds[from + k] !== EOS_ID && stepIds[from + k] !== PAD_ID && stepIds[from + k] !== BOS_ID);
        const attention: number[][] | null = this.hasAttention && wantAttn ? [] : null;
        let col0 = 0;
        const partTexts: string[] = [];
        for (const p of parts) {
          const first = steps.length;
          const hs = results[p.job];
          const h = hs[Math.min(r, hs.length - 1)];
          score += h.score;
          const width = p.to - p.from + 1;
          h.ids.forEach((id, t) => {
            const row = h.attention?.[t];
            if (attention && row) {
              const full = new Array<number>(srcTokens.length).fill(0);
              for (let j = 0; j < width; j++) full[col0 + j] = row[j];
              attention.push(full);
            }
            if (id === UNK_ID && o.replaceUnk && row) {
              let best = -1, bj = -1;
              for (let j = 0; j < width - 1; j++) if (row[j] > best) { best = row[j]; bj = j; }
              steps.push(bj >= 0 ? source.words[source.wordOf[p.from + bj]] : UNK);
              stepIds.push(id);
              return;
            }
            steps.push(tv.token(id));
            stepIds.push(id);
          });
          col0 += width;
          // each part is decoded on its own: a piece left open by one part does not glue onto the next part's first word
          partTexts.push(this.pipeline.decodeTarget(keep(first, steps.length)));
        }
        const pieces = keep(0, steps.length);
        const text = oneLine(partTexts.filter((t) => t !== "").join(" "));
        hyps.push({ text, score, pieces, steps, attention });
      }
      return { source, srcTokens, parts: parts.length, hyps };
    });
  }
}
