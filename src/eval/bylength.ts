/**
 * Corpus BLEU broken down by source sentence length (the classic "BLEU vs.
 * sentence length" plot of Cho et al. 2014 / Bahdanau et al. 2015): the one
 * definition used by `s2s eval`, `s2s bleu --by-length` and the experiments
 * report (docs/results.md).
 *
 * Source length = the number of Moses tokens of the source line as the
 * Multi30k `tok/*.lc.norm.tok.LANG` files have them: lowercased,
 * punctuation-normalised and tokenized with the source language's rules
 * (src/text/tokenize.ts `preprocess`), before BPE; see {@link sourceLength}.
 * Buckets: 1-10, 11-20, ..., 61-70, 71+ ({@link DEFAULT_LENGTH_EDGES}).
 *
 * Each segment goes into the bucket of its source length; BLEU is then corpus
 * BLEU (sacreBLEU semantics, see bleu.ts) over the segments of each bucket,
 * so a bucket's score is not the mean of sentence scores.
 */

import { bleuCorpusStats, bleuFromStats, formatBleu, sumBleuStats, type BleuOptions, type BleuScore } from './bleu.js';
import { pyFormatFixed } from './pystr.js';
import { preprocess } from '../text/tokenize.js';

/** The upper bucket edges: 1-10, 11-20, 21-30, 31-40, 41-50, 51-60, 61-70, 71+. */
export const DEFAULT_LENGTH_EDGES: readonly number[] = [10, 20, 30, 40, 50, 60, 70];

/** What a bucket's length counts, for table headers and help texts. */
export const LENGTH_UNIT = 'Moses tokens of the source';

/**
 * The length of a source line for the buckets: its Moses tokens after
 * lowercasing and punctuation normalisation, with the rules of `lang`
 * (en, de, fr, ...; any other code gets the generic rules), no aggressive
 * hyphen splitting, before BPE. Lowercasing matters: a period inside a line
 * followed by a lowercase word stays attached to its word.
 */
export function sourceLength(line: string, lang: string): number {
  const tok = preprocess(line, lang, { lowercase: true, escape: false });
  let n = 0;
  for (const w of tok.split(' ')) if (w !== '') n++;
  return n;
}

/** The buckets of upper edges `edges`: 1..e0, e0+1..e1, ..., e_last+1.. (labels `1-10`, `71+`). */
export function lengthBuckets(edges: readonly number[]): { min: number; max: number; label: string }[] {
  const bounds: { min: number; max: number; label: string }[] = [];
  let lo = 1;
  for (const e of edges) {
    bounds.push({ min: lo, max: e, label: `${lo}-${e}` });
    lo = e + 1;
  }
  bounds.push({ min: lo, max: Infinity, label: `${lo}+` });
  return bounds;
}

/** The bucket of a length (0 goes to the first). */
export function bucketOf(bounds: readonly { max: number }[], len: number): number {
  const b = bounds.findIndex((bd) => len <= bd.max);
  return b < 0 ? bounds.length - 1 : b;
}

/** One bucket of {@link bleuByLength}. */
export interface LengthBucketRow {
  /** Human label, e.g. `1-10`, `51+`, or `all` for the total row. */
  label: string;
  /** Smallest source length in the bucket (inclusive). */
  min: number;
  /** Largest source length in the bucket (inclusive); Infinity for the last bucket. */
  max: number;
  /** Number of segments in the bucket. */
  sentences: number;
  /** Corpus BLEU of the bucket's segments, or null for an empty bucket. */
  bleu: BleuScore | null;
}

/** Result of {@link bleuByLength}: one row per bucket, plus the whole corpus. */
export interface BleuByLength {
  rows: LengthBucketRow[];
  total: LengthBucketRow;
}

/** Input of {@link bleuByLength}. */
export interface BleuByLengthInput {
  /**
   * Source sentences or their lengths: a number is taken as the length; a
   * string is measured with {@link sourceLength} in the language `lang`.
   */
  sources: readonly (string | number)[];
  /** language of the sources (needed when they are strings) */
  lang?: string;
  hypotheses: readonly string[];
  /** Reference streams, as for corpusBleu: one array per reference set. */
  references: readonly (readonly string[])[];
  /**
   * Strictly increasing positive integer upper edges; buckets are
   * `1..e0`, `e0+1..e1`, ..., `e_last+1..` (default 10, 20, ..., 70).
   */
  edges?: readonly number[];
  /** BLEU options (sacreBLEU defaults). */
  bleu?: BleuOptions;
}

/**
 * Corpus BLEU per source-length bucket. Sources of length 0 (empty strings)
 * are counted in the first bucket (its label still says `1-...`). Throws if
 * `sources`, `hypotheses` and the reference streams differ in length, if a
 * numeric length is not a non-negative integer, or if the edges are not
 * strictly increasing positive integers. Empty buckets get `bleu: null`.
 */
export function bleuByLength(input: BleuByLengthInput): BleuByLength {
  const edges = input.edges ?? DEFAULT_LENGTH_EDGES;
  edges.forEach((e, i) => {
    if (!Number.isInteger(e) || e < 1 || (i > 0 && e <= edges[i - 1]!)) {
      throw new RangeError(`bleuByLength: edges must be strictly increasing positive integers, got [${edges.join(', ')}]`);
    }
  });
  const { sources, hypotheses, references } = input;
  if (sources.length !== hypotheses.length) {
    throw new Error(`bleuByLength: ${sources.length} sources but ${hypotheses.length} hypotheses`);
  }
  const lengths = sources.map((s, i) => {
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < 0) throw new RangeError(`bleuByLength: source length ${i + 1} is not a non-negative integer: ${s}`);
      return s;
    }
    if (input.lang === undefined) throw new Error('bleuByLength: string sources need their language (lang) to count their Moses tokens');
    return sourceLength(s, input.lang);
  });
  const stats = bleuCorpusStats(hypotheses, references, input.bleu);
  const order = input.bleu?.maxNgramOrder ?? 4;

  const bounds = lengthBuckets(edges);
  const members: number[][] = bounds.map(() => []);
  lengths.forEach((len, i) => members[bucketOf(bounds, len)]!.push(i));

  const rows: LengthBucketRow[] = bounds.map((bd, b) => {
    const idx = members[b]!;
    return {
      label: bd.label,
      min: bd.min,
      max: bd.max,
      sentences: idx.length,
      bleu: idx.length === 0 ? null : bleuFromStats(sumBleuStats(idx.map((i) => stats[i]!), order), input.bleu),
    };
  });
  const total: LengthBucketRow = {
    label: 'all',
    min: 0,
    max: Infinity,
    sentences: hypotheses.length,
    bleu: hypotheses.length === 0 ? null : bleuFromStats(sumBleuStats(stats, order), input.bleu),
  };
  return { rows, total };
}

/**
 * Plain-text table of a {@link bleuByLength} result: one line per bucket and
 * a final `all` line, columns `src tokens` (Moses tokens, see {@link sourceLength}), `sents`, `BLEU` (2 decimals, `-`
 * for an empty bucket), `BP`, `hyp/ref` (lengths). Lines end with `\n`.
 */
export function formatBleuByLength(result: BleuByLength): string {
  const header = ['src tokens', 'sents', 'BLEU', 'BP', 'hyp_len/ref_len'];
  const body = [...result.rows, result.total].map((r) => [
    r.label,
    String(r.sentences),
    r.bleu ? pyFormatFixed(r.bleu.score, 2) : '-',
    r.bleu ? pyFormatFixed(r.bleu.bp, 3) : '-',
    r.bleu ? `${r.bleu.sys_len}/${r.bleu.ref_len}` : '-',
  ]);
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sep, ...body.slice(0, -1).map(line), sep, line(body[body.length - 1]!)].join('\n') + '\n';
}

/** Convenience: the full sacreBLEU line of one bucket row (or `label: no sentences`). */
export function formatLengthRow(row: LengthBucketRow): string {
  return row.bleu ? `${row.label} (${row.sentences} sents): ${formatBleu(row.bleu)}` : `${row.label}: no sentences`;
}
