/**
 * chrF and chrF++ exactly as sacreBLEU 2.x computes them (`sacrebleu.corpus_chrf`,
 * `sacrebleu.sentence_chrf`, class `CHRF`).
 *
 * Defaults (sacreBLEU's): character n-grams of order 1..6 over the segment
 * with all (Python) whitespace removed, no word n-grams, beta 2, case
 * sensitive, and the sacreBLEU >= 2.0 "effective order" averaging: precision
 * and recall are averaged over the orders where both the hypothesis and the
 * reference have at least one n-gram, then combined into one F-beta.
 * chrF++ is `wordOrder: 2` (word unigrams and bigrams added as extra orders;
 * words come from a whitespace split with one leading or trailing punctuation
 * character split off). Corpus chrF sums the per-segment statistics
 * `[hyp, ref, match]` of every order and scores the sums once. With several
 * references, each segment uses the statistics of the reference that gives
 * the highest segment score (the first one on ties).
 *
 * Characters are Unicode code points, as in Python.
 */

import { collectReferences } from './bleu.js';
import { pyFormatFixed, pyRemoveWhitespace, pySplit } from './pystr.js';

/** Options of chrF; the defaults are sacreBLEU's `CHRF()` defaults. */
export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order (default 0; 2 gives chrF++). */
  wordOrder?: number;
  /** Recall weight beta (default 2). */
  beta?: number;
  /** Lowercase both sides first (default false). */
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false: all whitespace removed). */
  whitespace?: boolean;
  /** chrF++.py / NLTK / Moses style epsilon smoothing instead of effective order (default false). */
  epsSmoothing?: boolean;
}

/** A chrF result. */
export interface ChrfScore {
  /** The chrF score, 0..100. */
  score: number;
  /** `chrF2`, `chrF2++`, ... (sacreBLEU's name: 'chrF' + beta + '+' repeated wordOrder times). */
  name: string;
  char_order: number;
  word_order: number;
  beta: number;
  /** The summed statistics, `[hyp, ref, match]` per order (character orders first). */
  stats: number[];
}

interface ResolvedChrf {
  charOrder: number;
  wordOrder: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  epsSmoothing: boolean;
}

function resolve(opts?: ChrfOptions): ResolvedChrf {
  const o: ResolvedChrf = {
    charOrder: opts?.charOrder ?? 6,
    wordOrder: opts?.wordOrder ?? 0,
    beta: opts?.beta ?? 2,
    lowercase: opts?.lowercase ?? false,
    whitespace: opts?.whitespace ?? false,
    epsSmoothing: opts?.epsSmoothing ?? false,
  };
  if (!Number.isInteger(o.charOrder) || o.charOrder < 0) throw new RangeError(`charOrder must be an integer >= 0, got ${o.charOrder}`);
  if (!Number.isInteger(o.wordOrder) || o.wordOrder < 0) throw new RangeError(`wordOrder must be an integer >= 0, got ${o.wordOrder}`);
  if (o.charOrder + o.wordOrder === 0) throw new RangeError('chrF needs charOrder + wordOrder >= 1');
  if (!(o.beta >= 0) || !Number.isFinite(o.beta)) throw new RangeError(`beta must be a finite number >= 0, got ${o.beta}`);
  return o;
}

/** string.punctuation, the set sacreBLEU's chrF++ splits off words. */
const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/**
 * sacreBLEU's `_remove_punctuation`: whitespace-split words; a word longer
 * than one character whose last character is punctuation is split into
 * (rest, last); otherwise, if its first character is punctuation, into
 * (first, rest). Only one character is split off ('(hi)' -> '(hi', ')').
 */
export function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    const cps = Array.from(w);
    if (cps.length === 1) {
      out.push(w);
    } else if (PUNCTS.has(cps[cps.length - 1]!)) {
      out.push(cps.slice(0, -1).join(''), cps[cps.length - 1]!);
    } else if (PUNCTS.has(cps[0]!)) {
      out.push(cps[0]!, cps.slice(1).join(''));
    } else {
      out.push(w);
    }
  }
  return out;
}

function charNgrams(line: string, maxOrder: number, whitespace: boolean): Map<string, number>[] {
  const cps = Array.from(whitespace ? line : pyRemoveWhitespace(line));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= cps.length; i++) {
      const g = n === 1 ? cps[i]! : cps.slice(i, i + n).join('');
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    out.push(m);
  }
  return out;
}

function wordNgrams(words: readonly string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(' ');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

function allNgrams(sent: string, o: ResolvedChrf): Map<string, number>[] {
  const grams = charNgrams(sent, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const words = chrfWords(sent);
    for (let n = 1; n <= o.wordOrder; n++) grams.push(wordNgrams(words, n));
  }
  return grams;
}

/** sacreBLEU's `_get_match_statistics`: [hyp count (0 if the reference has none), ref count, matches]. */
function matchStats(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let match = 0;
  let hypCount = 0;
  for (const [g, c] of hyp) {
    hypCount += c;
    const r = ref.get(g);
    if (r !== undefined) match += Math.min(c, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  return [ref.size > 0 ? hypCount : 0, refCount, match];
}

/**
 * sacreBLEU's `CHRF._compute_f_score` on a flat `[hyp, ref, match]*orders`
 * list. Without eps smoothing: average precision and recall over the orders
 * where hyp > 0 and ref > 0, then F-beta of the averages times 100 (0 when no
 * order qualifies or both averages are 0). With eps smoothing: the mean over
 * all orders of each order's F-beta, where a missing precision/recall is
 * 1e-16 and an undefined F is 1e-16.
 */
export function chrfFromStats(stats: readonly number[], opts?: ChrfOptions): number {
  const o = resolve(opts);
  const order = o.charOrder + o.wordOrder;
  if (stats.length !== 3 * order) throw new RangeError(`chrF stats of length ${stats.length}, expected ${3 * order}`);
  const eps = 1e-16;
  const factor = o.beta ** 2;
  let score = 0;
  let effectiveOrder = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effectiveOrder === 0) {
    avgPrec = 0;
    avgRec = 0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec) {
    return (100 * ((1 + factor) * avgPrec * avgRec)) / (factor * avgPrec + avgRec);
  }
  return 0.0;
}

function segmentStats(hyp: string, refs: readonly string[], o: ResolvedChrf): number[] {
  const prep = (s: string) => (o.lowercase ? s.toLowerCase() : s);
  const hypNgrams = allNgrams(prep(hyp), o);
  let best: number[] = [];
  let bestF = -1.0;
  for (const ref of refs) {
    const refNgrams = allNgrams(prep(ref), o);
    const stats: number[] = [];
    for (let k = 0; k < hypNgrams.length; k++) stats.push(...matchStats(hypNgrams[k]!, refNgrams[k]!));
    const f = chrfFromStats(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

function makeScore(stats: number[], o: ResolvedChrf): ChrfScore {
  return {
    score: chrfFromStats(stats, o),
    name: `chrF${o.beta}${'+'.repeat(o.wordOrder)}`,
    char_order: o.charOrder,
    word_order: o.wordOrder,
    beta: o.beta,
    stats,
  };
}

/**
 * Per-segment chrF statistics of a corpus (flat `[hyp, ref, match]` per
 * order), with the same reference rules as {@link corpusChrf}.
 */
export function chrfCorpusStats(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  opts?: ChrfOptions,
): number[][] {
  const o = resolve(opts);
  const { perSegment } = collectReferences('chrF', hypotheses, references);
  return hypotheses.map((h, i) => segmentStats(h, perSegment[i]!, o));
}

/**
 * sacreBLEU's `corpus_chrf(hypotheses, references, ...)`. `references` is a
 * list of reference streams, each as long as `hypotheses`; empty reference
 * strings are skipped per segment and a segment with only empty references
 * throws. An empty hypothesis contributes reference n-gram counts only. An
 * empty corpus scores 0.
 */
export function corpusChrf(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  opts?: ChrfOptions,
): ChrfScore {
  const o = resolve(opts);
  const per = chrfCorpusStats(hypotheses, references, o);
  const sum = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  for (const s of per) for (let i = 0; i < sum.length; i++) sum[i]! += s[i]!;
  return makeScore(sum, o);
}

/** sacreBLEU's `sentence_chrf(hypothesis, references, ...)`: chrF of one segment (empty references ignored; all empty throws). */
export function sentenceChrf(hypothesis: string, references: readonly string[], opts?: ChrfOptions): ChrfScore {
  const o = resolve(opts);
  const refs = references.filter((r) => r !== '');
  if (refs.length === 0) throw new Error('chrF: segment 1 has only empty references');
  return makeScore(segmentStats(hypothesis, refs, o), o);
}

/**
 * sacreBLEU's chrF signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no`,
 * with `|version:...` appended only when `version` is given.
 */
export function chrfSignature(nrefs: number | 'var', opts?: ChrfOptions & { version?: string }): string {
  const o = resolve(opts);
  const parts = [
    `nrefs:${nrefs}`,
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.epsSmoothing ? 'no' : 'yes'}`,
    `nc:${o.charOrder}`,
    `nw:${o.wordOrder}`,
    `space:${o.whitespace ? 'yes' : 'no'}`,
  ];
  if (opts?.version !== undefined) parts.push(`version:${opts.version}`);
  return parts.join('|');
}

/**
 * sacreBLEU's text rendering: `chrF2 = 59.73` (or `chrF2|<signature> = 59.73`);
 * `width` decimals (default 2), Python rounding. `scoreOnly` returns just the number.
 */
export function formatChrf(score: ChrfScore, opts: { width?: number; signature?: string; scoreOnly?: boolean } = {}): string {
  const sc = pyFormatFixed(score.score, opts.width ?? 2);
  if (opts.scoreOnly) return sc;
  const name = opts.signature ? `${score.name}|${opts.signature}` : score.name;
  return `${name} = ${sc}`;
}
