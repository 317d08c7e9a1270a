/**
 * BLEU exactly as sacreBLEU 2.x computes it (`sacrebleu.corpus_bleu`,
 * `sacrebleu.sentence_bleu`, `BLEU.compute_bleu`), for the "13a" and "none"
 * tokenizers.
 *
 * Pipeline per segment: optional lowercasing, Python `rstrip()`, tokenizer,
 * split on Python whitespace, n-grams of order 1..maxNgramOrder. With several
 * references the clipped count of an n-gram is the maximum of its counts over
 * the references, and the reference length is the one closest to the
 * hypothesis length (the shorter one on a tie). Corpus statistics are sums of
 * segment statistics; the score is computed once from the sums.
 */

import { getBleuTokenizer, type BleuTokenizerName } from './tokenizer13a.js';
import { pyFormatFixed, pyRstrip, pySplit } from './pystr.js';

/** sacreBLEU's smoothing methods (Chen & Cherry 2014): none, floor (1), add-k (2), exp (3, NIST). */
export type BleuSmoothMethod = 'none' | 'floor' | 'add-k' | 'exp';

/** Default smoothing values, as sacreBLEU's `BLEU.SMOOTH_DEFAULTS`. */
export const BLEU_SMOOTH_DEFAULTS: Readonly<Record<BleuSmoothMethod, number | null>> = {
  none: null,
  floor: 0.1,
  'add-k': 1,
  exp: null,
};

/** Options of BLEU; the defaults are sacreBLEU's `BLEU()` defaults. */
export interface BleuOptions {
  /** Tokenizer: '13a' (default) or 'none'. */
  tokenize?: BleuTokenizerName;
  /** Lowercase hypotheses and references before tokenizing (default false). */
  lowercase?: boolean;
  /** Smoothing method (default 'exp'). */
  smoothMethod?: BleuSmoothMethod;
  /** Value for 'floor' (default 0.1) and 'add-k' (default 1); ignored by the others. */
  smoothValue?: number;
  /** Average only over the n-gram orders with a non-zero total (default false for corpus BLEU). */
  effectiveOrder?: boolean;
  /** Maximum n-gram order (default 4). */
  maxNgramOrder?: number;
}

/** A BLEU result with sacreBLEU's `BLEUScore` fields (scores in [0, 100]). */
export interface BleuScore {
  /** The BLEU score, 0..100. */
  score: number;
  /** Clipped n-gram matches per order (after add-k smoothing, as sacreBLEU reports them). */
  counts: number[];
  /** Hypothesis n-grams per order (after add-k smoothing, as sacreBLEU reports them). */
  totals: number[];
  /** Modified n-gram precisions per order, 0..100 (smoothed where the method says so). */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** Total hypothesis length in tokens. */
  sys_len: number;
  /** Total (closest) reference length in tokens. */
  ref_len: number;
  /** sys_len / ref_len, or 0 when ref_len is 0. */
  ratio: number;
}

/**
 * Segment statistics: `[hypLen, refLen, correct_1..correct_N, total_1..total_N]`
 * with N = maxNgramOrder (sacreBLEU's flattened list).
 */
export type BleuStats = number[];

interface ResolvedBleuOptions {
  tokenize: BleuTokenizerName;
  lowercase: boolean;
  smoothMethod: BleuSmoothMethod;
  smoothValue: number | undefined;
  effectiveOrder: boolean;
  maxNgramOrder: number;
}

function resolveOptions(opts: BleuOptions | undefined, effectiveOrderDefault: boolean): ResolvedBleuOptions {
  const smoothMethod = opts?.smoothMethod ?? 'exp';
  if (!(smoothMethod in BLEU_SMOOTH_DEFAULTS)) {
    throw new Error(`unknown BLEU smoothing method ${JSON.stringify(smoothMethod)} (none, floor, add-k, exp)`);
  }
  const maxNgramOrder = opts?.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxNgramOrder) || maxNgramOrder < 1) {
    throw new RangeError(`maxNgramOrder must be a positive integer, got ${maxNgramOrder}`);
  }
  const tokenize = opts?.tokenize ?? '13a';
  getBleuTokenizer(tokenize); // validates the name
  return {
    tokenize,
    lowercase: opts?.lowercase ?? false,
    smoothMethod,
    smoothValue: opts?.smoothValue,
    effectiveOrder: opts?.effectiveOrder ?? effectiveOrderDefault,
    maxNgramOrder,
  };
}

/**
 * Python's `math.log` floored as sacreBLEU's `my_log`: log(0) is -9999999999.
 * (sacreBLEU only ever passes non-negative precisions.)
 */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/**
 * sacreBLEU's `BLEU.compute_bleu`: the score from (summed) sufficient
 * statistics. `correct` and `total` are copied, not modified. Behaviour, as in
 * sacreBLEU:
 * - BP = exp(1 - refLen/sysLen) if sysLen < refLen (0 if sysLen is 0), else 1;
 * - if no n-gram of any order matched, the score and all precisions are 0;
 * - 'add-k' adds k to correct and total of orders >= 2 (and reports them so);
 * - orders after the first one whose total is 0 are not visited (their
 *   precision stays 0, which zeroes the score unless `effectiveOrder`);
 * - a zero match count gives precision 0 ('none', 'add-k'), 100*value/total
 *   ('floor'), or 100/(2^k * total) for the k-th such order ('exp');
 * - with `effectiveOrder` the geometric mean runs over the orders up to the
 *   last one with a non-zero total.
 * Defaults here are those of the static method: smoothMethod 'none',
 * effectiveOrder false, maxNgramOrder = correct.length.
 */
export function computeBleu(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  opts: { smoothMethod?: BleuSmoothMethod; smoothValue?: number; effectiveOrder?: boolean; maxNgramOrder?: number } = {},
): BleuScore {
  const smoothMethod = opts.smoothMethod ?? 'none';
  if (!(smoothMethod in BLEU_SMOOTH_DEFAULTS)) {
    throw new Error(`unknown BLEU smoothing method ${JSON.stringify(smoothMethod)} (none, floor, add-k, exp)`);
  }
  const maxOrder = opts.maxNgramOrder ?? correct.length;
  if (correct.length !== maxOrder || total.length !== maxOrder) {
    throw new RangeError(
      `computeBleu: expected ${maxOrder} counts and totals, got ${correct.length} and ${total.length}`,
    );
  }
  const smoothValue = opts.smoothValue ?? BLEU_SMOOTH_DEFAULTS[smoothMethod] ?? 0;
  const effectiveOrder = opts.effectiveOrder ?? false;
  const counts = correct.slice();
  const totals = total.slice();

  let bp: number;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;
  else bp = 1.0;

  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuScore => ({
    score,
    counts,
    totals,
    precisions,
    bp,
    sys_len: sysLen,
    ref_len: refLen,
    ratio: refLen ? sysLen / refLen : 0,
  });

  if (!counts.some((c) => c !== 0)) return result(0.0);

  let smoothMteval = 1.0;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smoothMethod === 'add-k' && n > 1) {
      counts[n - 1]! += smoothValue;
      totals[n - 1]! += smoothValue;
    }
    if (totals[n - 1] === 0) break;
    if (effectiveOrder) effOrder = n;
    if (counts[n - 1] === 0) {
      if (smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100.0 / (smoothMteval * totals[n - 1]!);
      } else if (smoothMethod === 'floor') {
        precisions[n - 1] = (100.0 * smoothValue) / totals[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100.0 * counts[n - 1]!) / totals[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return result(bp * Math.exp(logSum / effOrder));
}

/** Counts the word n-grams (orders 1..maxOrder) of a tokenized segment; keys are tokens joined by ' '. */
function wordNgrams(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(' ');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** sacreBLEU's `_get_closest_ref_len`: the reference length closest to hypLen, the shorter one on ties. */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = len;
    } else if (diff === closestDiff && len < closestLen) {
      closestLen = len;
    }
  }
  return closestLen;
}

function makePreprocessor(o: ResolvedBleuOptions): (s: string) => string {
  const tok = getBleuTokenizer(o.tokenize);
  return (s) => tok(pyRstrip(o.lowercase ? s.toLowerCase() : s));
}

/**
 * Validates the shape of hypotheses/reference streams and transposes the
 * streams to per-segment reference lists with empty references dropped
 * (sacreBLEU's variable-number-of-references rule). Returns the per-segment
 * lists and the signature's `nrefs` value (a number, or 'var').
 */
export function collectReferences(
  metric: string,
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
): { perSegment: string[][]; nrefs: number | 'var' } {
  if (!Array.isArray(hypotheses)) throw new TypeError(`${metric}: hypotheses must be an array of strings`);
  if (!Array.isArray(references) || references.length === 0 || !references.every((r) => Array.isArray(r))) {
    throw new TypeError(`${metric}: references must be a non-empty array of reference streams (arrays of strings)`);
  }
  references.forEach((stream, k) => {
    if (stream.length !== hypotheses.length) {
      throw new Error(
        `${metric}: reference stream ${k + 1} has ${stream.length} segments but there are ${hypotheses.length} hypotheses`,
      );
    }
  });
  const perSegment: string[][] = [];
  const sizes = new Set<number>();
  for (let i = 0; i < hypotheses.length; i++) {
    if (typeof hypotheses[i] !== 'string') throw new TypeError(`${metric}: hypothesis ${i + 1} is not a string`);
    const refs: string[] = [];
    for (const stream of references) {
      const r = stream[i];
      if (r === undefined || r === null || r === '') continue;
      if (typeof r !== 'string') throw new TypeError(`${metric}: reference for segment ${i + 1} is not a string`);
      refs.push(r);
    }
    if (refs.length === 0) throw new Error(`${metric}: segment ${i + 1} has only empty references`);
    sizes.add(refs.length);
    perSegment.push(refs);
  }
  const nrefs: number | 'var' = sizes.size === 1 ? [...sizes][0]! : sizes.size === 0 ? references.length : 'var';
  return { perSegment, nrefs };
}

/**
 * Segment statistics for one hypothesis against its (non-empty) references,
 * after the given options' lowercasing and tokenization. An empty hypothesis
 * gives hypLen 0 and all totals 0.
 */
export function bleuSegmentStats(hypothesis: string, references: readonly string[], opts?: BleuOptions): BleuStats {
  const o = resolveOptions(opts, false);
  return segmentStats(makePreprocessor(o), hypothesis, references, o.maxNgramOrder);
}

function segmentStats(
  prep: (s: string) => string,
  hypothesis: string,
  references: readonly string[],
  maxOrder: number,
): BleuStats {
  if (references.length === 0) throw new Error('BLEU: a segment needs at least one reference');
  let refNgrams: Map<string, number> | null = null;
  const refLens: number[] = [];
  for (const ref of references) {
    const tokens = pySplit(prep(ref));
    refLens.push(tokens.length);
    const ngrams = wordNgrams(tokens, maxOrder);
    if (refNgrams === null) {
      refNgrams = ngrams;
    } else {
      for (const [g, c] of ngrams) {
        const prev = refNgrams.get(g) ?? 0;
        if (c > prev) refNgrams.set(g, c);
      }
    }
  }
  const hypTokens = pySplit(prep(hypothesis));
  const hypLen = hypTokens.length;
  const refLen = closestRefLen(hypLen, refLens);
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (const [g, c] of wordNgrams(hypTokens, maxOrder)) {
    let n = 1;
    for (let k = 0; k < g.length; k++) if (g.charCodeAt(k) === 32) n++;
    total[n - 1]! += c;
    const r = refNgrams!.get(g);
    if (r !== undefined) correct[n - 1]! += Math.min(c, r);
  }
  return [hypLen, refLen, ...correct, ...total];
}

/** Sums segment statistics element-wise (sacreBLEU's `sum_of_lists`); an empty list gives zeros of length 2+2N. */
export function sumBleuStats(stats: readonly BleuStats[], maxNgramOrder = 4): BleuStats {
  const out = new Array<number>(2 + 2 * maxNgramOrder).fill(0);
  for (const s of stats) {
    if (s.length !== out.length) throw new RangeError(`BLEU stats of length ${s.length}, expected ${out.length}`);
    for (let i = 0; i < out.length; i++) out[i]! += s[i]!;
  }
  return out;
}

/** Computes the BLEU score of summed statistics under the given options (corpus defaults). */
export function bleuFromStats(stats: BleuStats, opts?: BleuOptions): BleuScore {
  const o = resolveOptions(opts, false);
  return scoreFromStats(stats, o);
}

function scoreFromStats(stats: BleuStats, o: ResolvedBleuOptions): BleuScore {
  const N = o.maxNgramOrder;
  if (stats.length !== 2 + 2 * N) throw new RangeError(`BLEU stats of length ${stats.length}, expected ${2 + 2 * N}`);
  return computeBleu(stats.slice(2, 2 + N), stats.slice(2 + N), stats[0]!, stats[1]!, {
    smoothMethod: o.smoothMethod,
    smoothValue: o.smoothValue,
    effectiveOrder: o.effectiveOrder,
    maxNgramOrder: N,
  });
}

/**
 * Per-segment statistics of a whole corpus (for bucketing or resampling).
 * `references` is a list of reference streams, each as long as
 * `hypotheses`; an empty string in a stream means "no reference from this
 * stream for this segment". Throws if a stream's length differs from the
 * hypotheses' or a segment has no non-empty reference.
 */
export function bleuCorpusStats(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  opts?: BleuOptions,
): BleuStats[] {
  const o = resolveOptions(opts, false);
  const { perSegment } = collectReferences('BLEU', hypotheses, references);
  const prep = makePreprocessor(o);
  return hypotheses.map((h, i) => segmentStats(prep, h, perSegment[i]!, o.maxNgramOrder));
}

/**
 * sacreBLEU's `corpus_bleu(hypotheses, references, ...)`: corpus BLEU with
 * sacreBLEU's default options unless overridden. `references` is a list of
 * reference streams (one stream per reference set, each with one string per
 * hypothesis). Empty hypotheses are kept (they count 0 tokens); an empty
 * reference string is skipped for that segment; a segment whose references are
 * all empty throws, as in sacreBLEU. Unlike sacreBLEU's Python API (which
 * silently truncates with `zip`), streams of different lengths throw. An empty
 * corpus scores 0 with BP 1.
 */
export function corpusBleu(
  hypotheses: readonly string[],
  references: readonly (readonly string[])[],
  opts?: BleuOptions,
): BleuScore {
  const o = resolveOptions(opts, false);
  const { perSegment } = collectReferences('BLEU', hypotheses, references);
  const prep = makePreprocessor(o);
  const stats = hypotheses.map((h, i) => segmentStats(prep, h, perSegment[i]!, o.maxNgramOrder));
  return scoreFromStats(sumBleuStats(stats, o.maxNgramOrder), o);
}

/**
 * sacreBLEU's `sentence_bleu(hypothesis, references, ...)`: BLEU of one
 * segment against one or more references. As in sacreBLEU's function, the
 * default here is `effectiveOrder: true` with 'exp' smoothing. Empty
 * reference strings are ignored; if all are empty it throws.
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], opts?: BleuOptions): BleuScore {
  const o = resolveOptions(opts, true);
  const refs = references.filter((r) => r !== '');
  if (refs.length === 0) throw new Error('BLEU: segment 1 has only empty references');
  const stats = segmentStats(makePreprocessor(o), hypothesis, refs, o.maxNgramOrder);
  return scoreFromStats(stats, o);
}

/**
 * sacreBLEU's signature string for BLEU, e.g.
 * `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0`. The
 * `version:` field is added only when `version` is given (this is not
 * sacreBLEU, so it has no version of its own to claim). `nrefs` is a count or
 * 'var' (different numbers of non-empty references per segment).
 */
export function bleuSignature(nrefs: number | 'var', opts?: BleuOptions & { version?: string }): string {
  const o = resolveOptions(opts, false);
  let smooth: string = o.smoothMethod;
  const def = BLEU_SMOOTH_DEFAULTS[o.smoothMethod];
  if (def !== null) smooth += `[${pyFormatFixed(o.smoothValue ?? def, 2)}]`;
  const parts = [
    `nrefs:${nrefs}`,
    `case:${o.lowercase ? 'lc' : 'mixed'}`,
    `eff:${o.effectiveOrder ? 'yes' : 'no'}`,
    `tok:${o.tokenize}`,
    `smooth:${smooth}`,
  ];
  if (opts?.version !== undefined) parts.push(`version:${opts.version}`);
  return parts.join('|');
}

/**
 * sacreBLEU's text rendering of a BLEU score:
 * `BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)`,
 * or `BLEU|<signature> = ...` when a signature is given. `width` (default 2)
 * is the number of decimals of the score; precisions always have 1, BP and
 * ratio 3, all rounded like Python's format (half-to-even on the exact value).
 * With `scoreOnly` only the formatted score is returned.
 */
export function formatBleu(score: BleuScore, opts: { width?: number; signature?: string; scoreOnly?: boolean } = {}): string {
  const width = opts.width ?? 2;
  const sc = pyFormatFixed(score.score, width);
  if (opts.scoreOnly) return sc;
  const prec = score.precisions.map((p) => pyFormatFixed(p, 1)).join('/');
  const verbose =
    `${prec} (BP = ${pyFormatFixed(score.bp, 3)} ratio = ${pyFormatFixed(score.ratio, 3)} ` +
    `hyp_len = ${score.sys_len} ref_len = ${score.ref_len})`;
  const name = opts.signature ? `BLEU|${opts.signature}` : 'BLEU';
  return `${name} = ${sc} ${verbose}`;
}
