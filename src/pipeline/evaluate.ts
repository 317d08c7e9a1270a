// Scoring translations: sacreBLEU-compatible BLEU and chrF, and BLEU by
// source length, as one report.

import { S2SError } from "../errors.js";
import { bleuSignature, corpusBleu, formatBleu, type BleuOptions, type BleuScore } from "../eval/bleu.js";
import { bleuByLength, formatBleuByLength } from "../eval/bylength.js";
import { chrfSignature, corpusChrf, formatChrf, type ChrfScore } from "../eval/chrf.js";
import { userErrors } from "./lines.js";

export interface EvalReport {
  bleu: BleuScore;
  chrf: ChrfScore;
  /** sacreBLEU-style lines, e.g. "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp = 35.20 ..." */
  bleuLine: string;
  chrfLine: string;
  /** the BLEU-by-source-length table (when sources were given) */
  byLength: string | null;
}

/** Number of references per segment for the signature: a count, or "var". */
export function nrefsOf(refs: readonly (readonly string[])[]): number | "var" {
  if (refs.length === 0) return 1;
  const n = refs[0].length;
  let common: number | null = null;
  for (let i = 0; i < n; i++) {
    const k = refs.filter((s) => s[i] !== "").length;
    if (common === null) common = k;
    else if (k !== common) return "var";
  }
  return common ?? refs.length;
}

export function checkStreams(hyps: readonly string[], refs: readonly (readonly string[])[], names: readonly string[]): void {
  refs.forEach((r, i) => {
    if (r.length !== hyps.length) {
      throw new S2SError(`${names[i] ?? "reference"} has ${r.length} lines but the hypotheses have ${hyps.length}`);
    }
  });
}

/** Source lines and their language, for BLEU by source length (their Moses tokens, src/eval/bylength.ts). */
export interface LengthSources {
  lines: readonly string[];
  lang: string;
  /** upper bucket edges (default DEFAULT_LENGTH_EDGES: 1-10, ..., 71+) */
  edges?: readonly number[];
}

/** BLEU (sacreBLEU default unless bleu options say otherwise), chrF and, with sources, BLEU by source length. */
export function evaluateText(hyps: readonly string[], refs: readonly (readonly string[])[], sources: LengthSources | null, bleuOpts: BleuOptions = {}): EvalReport {
  return userErrors(() => {
    const nrefs = nrefsOf(refs);
    const bleu = corpusBleu(hyps, refs, bleuOpts);
    const chrf = corpusChrf(hyps, refs, { lowercase: bleuOpts.lowercase });
    return {
      bleu,
      chrf,
      bleuLine: formatBleu(bleu, { signature: bleuSignature(nrefs, bleuOpts) }),
      chrfLine: formatChrf(chrf, { signature: chrfSignature(nrefs, { lowercase: bleuOpts.lowercase }) }),
      byLength: sources ? formatBleuByLength(bleuByLength({ sources: sources.lines, lang: sources.lang, hypotheses: hyps, references: refs, bleu: bleuOpts, edges: sources.edges })) : null,
    };
  });
}
