// The report's BLEU-by-source-length table: the test set and its joined
// versions scored together, bucketed by src/eval/bylength.ts (the same
// buckets and the same source length as `s2s eval`).

import type { BleuOptions } from "../eval/bleu.js";
import { bleuByLength, DEFAULT_LENGTH_EDGES, sourceLength } from "../eval/bylength.js";
import type { LengthRow } from "./files.js";

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** One evaluation set's sources, translations and references (one reference each). */
export interface LengthSet {
  name: string;
  sources: readonly string[];
  hypotheses: readonly string[];
  references: readonly string[];
}

/**
 * BLEU by source length over `sets` together: rows of the standard buckets
 * (DEFAULT_LENGTH_EDGES), each with its segment count per set, BLEU and
 * brevity penalty rounded to 4 decimals (null for an empty bucket).
 */
export function lengthTable(sets: readonly LengthSet[], lang: string, bleu: BleuOptions): { edges: number[]; sets: string[]; rows: LengthRow[] } {
  const sources: number[] = [], hyps: string[] = [], refs: string[] = [], setOf: string[] = [];
  for (const s of sets) {
    s.sources.forEach((src, i) => {
      sources.push(sourceLength(src, lang));
      hyps.push(s.hypotheses[i]);
      refs.push(s.references[i]);
      setOf.push(s.name);
    });
  }
  const bl = bleuByLength({ sources, hypotheses: hyps, references: [refs], bleu });
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
  return { edges: [...DEFAULT_LENGTH_EDGES], sets: sets.map((s) => s.name), rows };
}
