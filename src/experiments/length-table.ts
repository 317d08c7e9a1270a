// The report's BLEU-by-source-length table: the test set and its joined
// versions scored together, bucketed by src/eval/bylength.ts (the same
// buckets and the same source length as `s2s eval`).

import type { BleuOptions } from "../eval/bleu.js";
import { bleuByLength, DEFAULT_LENGTH_EDGES, sourceLength } from "../eval/bylength.js";
import type { LengthRow, PplRow } from "./files.js";

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** One evaluation set's sources, translations and references (one reference each). */
export interface LengthSet {
  name: string;
  sources: readonly string[];
  hypotheses: readonly string[];
  references: readonly string[];
}

/**
 * BLEU by source length over `sets` together: rows of the buckets of `edges`
 * (default: the standard DEFAULT_LENGTH_EDGES), each with its segment count
 * per set, BLEU and brevity penalty rounded to 4 decimals (null for an empty
 * bucket).
 */
export function lengthTable(sets: readonly LengthSet[], lang: string, bleu: BleuOptions, edges: readonly number[] = DEFAULT_LENGTH_EDGES): { edges: number[]; sets: string[]; rows: LengthRow[] } {
  const sources: number[] = [], hyps: string[] = [], refs: string[] = [], setOf: string[] = [];
  for (const s of sets) {
    s.sources.forEach((src, i) => {
      sources.push(sourceLength(src, lang));
      hyps.push(s.hypotheses[i]);
      refs.push(s.references[i]);
      setOf.push(s.name);
    });
  }
  const bl = bleuByLength({ sources, hypotheses: hyps, references: [refs], bleu, edges });
  const rows: LengthRow[] = bl.rows.map((row) => {
    const bySet: Record<string, number> = {};
    sources.forEach((len, i) => {
      if (len >= row.min && len <= row.max) bySet[setOf[i]] = (bySet[setOf[i]] ?? 0) + 1;
    });
    return {
      label: row.label, min: row.min, max: Number.isFinite(row.max) ? row.max : null, sentences: row.sentences, bySet,
      bleu: row.bleu ? round(row.bleu.score) : null, bp: row.bleu ? round(row.bleu.bp) : null,
    };
  });
  return { edges: [...edges], sets: sets.map((s) => s.name), rows };
}

/**
 * Teacher-forced perplexity of the references by source-length bucket (the
 * buckets of lengthTable): `logprobs[i]` are the log-probabilities of
 * reference i's tokens (pieces and </s>); a bucket's perplexity is
 * exp(−Σ log p / tokens) over its sentences (null for an empty bucket),
 * rounded to 4 decimals.
 */
export function perplexityByLength(sources: readonly string[], logprobs: readonly (readonly number[])[], lang: string, edges: readonly number[] = DEFAULT_LENGTH_EDGES): { edges: number[]; rows: PplRow[] } {
  if (sources.length !== logprobs.length) throw new Error(`perplexityByLength: ${sources.length} sources but ${logprobs.length} references`);
  const rows: PplRow[] = [];
  let lo = 1;
  for (const e of [...edges, Infinity]) {
    rows.push({ label: Number.isFinite(e) ? `${lo}-${e}` : `${lo}+`, min: lo, max: Number.isFinite(e) ? e : null, sentences: 0, tokens: 0, ppl: null });
    lo = e + 1;
  }
  const nll = rows.map(() => 0);
  sources.forEach((src, i) => {
    const len = sourceLength(src, lang);
    // length 0 goes into the first bucket, as bleuByLength counts it
    const b = Math.max(0, rows.findIndex((r) => r.max === null || len <= r.max));
    rows[b].sentences++;
    rows[b].tokens += logprobs[i].length;
    for (const x of logprobs[i]) nll[b] -= x;
  });
  rows.forEach((r, b) => {
    if (r.tokens > 0) r.ppl = round(Math.exp(nll[b] / r.tokens));
  });
  return { edges: [...edges], rows };
}
