/**
 * Readers for parallel text corpora: two aligned files (one sentence a line,
 * line n of one is the translation of line n of the other) or one TSV file
 * (`source<TAB>target` a line). Files may be plain UTF-8 or gzip-compressed
 * (recognized by the gzip magic bytes, whatever the file name).
 */

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One aligned sentence pair. */
export interface SentencePair {
  src: string;
  tgt: string;
}

function describeIoError(path: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOENT') return new Error(`file not found: ${path}`);
  if (err && err.code === 'EISDIR') return new Error(`expected a file but found a directory: ${path}`);
  return new Error(`cannot read ${path}: ${err?.message ?? String(e)}`);
}

/**
 * Reads a whole text file as a string: gunzips it when it starts with the
 * gzip magic bytes (0x1f 0x8b), decodes UTF-8 strictly (invalid UTF-8
 * throws, naming the file) and drops a leading byte-order mark. Throws a
 * clear error naming the path when the file is missing, is a directory or is
 * a corrupt gzip stream.
 */
export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw describeIoError(path, e);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`cannot decompress ${path}: ${(e as Error).message}`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${path} is not valid UTF-8 text`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Splits text into lines at `\n`, removing one `\r` before each `\n` (CRLF
 * files). A final line terminator does not start an extra empty line, so
 * "a\nb\n" and "a\nb" both give ["a", "b"]; "" gives []; empty lines inside
 * the text are kept (they are sentences too, and alignment depends on them).
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** {@link readTextFile} then {@link splitLines}. */
export function readLines(path: string): string[] {
  return splitLines(readTextFile(path));
}

/**
 * Zips two aligned line arrays into pairs; throws an error naming both
 * sources and both line counts if the counts differ.
 */
export function zipParallel(src: readonly string[], tgt: readonly string[], srcName = 'source', tgtName = 'target'): SentencePair[] {
  if (src.length !== tgt.length) {
    throw new Error(
      `parallel corpus is misaligned: ${srcName} has ${src.length} lines but ${tgtName} has ${tgt.length} lines`,
    );
  }
  return src.map((s, i) => ({ src: s, tgt: tgt[i]! }));
}

/**
 * Reads a parallel corpus from two files (plain or gzip). Throws if either
 * file is missing or unreadable, or if their line counts differ (the message
 * names both files and both counts).
 */
export function readParallel(srcPath: string, tgtPath: string): SentencePair[] {
  return zipParallel(readLines(srcPath), readLines(tgtPath), srcPath, tgtPath);
}

/**
 * Reads a parallel corpus from one TSV file (plain or gzip): every line must
 * be `source<TAB>target` with exactly one tab; otherwise it throws, naming the
 * file, the 1-based line number and the number of fields found. Either side
 * may be empty. No quoting or escaping is interpreted.
 */
export function readTsv(path: string): SentencePair[] {
  const lines = readLines(path);
  return lines.map((line, i) => {
    const fields = line.split('\t');
    if (fields.length !== 2) {
      throw new Error(`${path}: line ${i + 1} has ${fields.length} tab-separated fields, expected 2 (source<TAB>target)`);
    }
    return { src: fields[0]!, tgt: fields[1]! };
  });
}

/** The source sides of pairs. */
export function sources(pairs: readonly SentencePair[]): string[] {
  return pairs.map((p) => p.src);
}

/** The target sides of pairs. */
export function targets(pairs: readonly SentencePair[]): string[] {
  return pairs.map((p) => p.tgt);
}

/** Pairs read by {@link readAligned} or kept by {@link dropEmptyPairs}: the kept pairs, where each came from, and what was left out. */
export interface AlignedPairs {
  pairs: SentencePair[];
  /** 1-based line number of each kept pair (pairs[i] is line lines[i] of the input) */
  lines: number[];
  /** pairs (lines) of the input */
  total: number;
  /** 1-based line numbers of the pairs left out because a side is empty (only whitespace) */
  emptyLines: number[];
  /** where the pairs came from, for messages: "SRC / TGT" or one file name */
  source: string;
}

/**
 * Leaves out the pairs with an empty side (empty or only whitespace),
 * keeping every other pair with its 1-based line number: nothing shifts.
 */
export function dropEmptyPairs(all: readonly SentencePair[], source: string): AlignedPairs {
  const pairs: SentencePair[] = [], lines: number[] = [], emptyLines: number[] = [];
  all.forEach((p, i) => {
    if (p.src.trim() === '' || p.tgt.trim() === '') emptyLines.push(i + 1);
    else {
      pairs.push(p);
      lines.push(i + 1);
    }
  });
  return { pairs, lines, total: all.length, emptyLines, source };
}

/**
 * Reads a parallel corpus from two aligned files (plain or gzip; line n of
 * one is the translation of line n of the other; lines end only at `\n`, so
 * a U+0085 or U+2028 inside a line never splits it) and leaves out the pairs
 * with an empty side ({@link dropEmptyPairs}). Throws, naming both files and
 * both counts, when the line counts differ.
 */
export function readAligned(srcPath: string, tgtPath: string): AlignedPairs {
  return dropEmptyPairs(readParallel(srcPath, tgtPath), `${srcPath} / ${tgtPath}`);
}

/**
 * The one line that reports the pairs left out, or null when none were:
 * "WHAT: skipped 2 of 1,000 pairs with an empty side (lines 7, 90 of SRC /
 * TGT)"; at most 5 line numbers are named, then "and N more".
 */
export function describeSkipped(what: string, a: AlignedPairs): string | null {
  const n = a.emptyLines.length;
  if (n === 0) return null;
  const shown = a.emptyLines.slice(0, 5).join(', ') + (n > 5 ? ` and ${n - 5} more` : '');
  return `${what}: skipped ${n} of ${a.total.toLocaleString('en')} pairs with an empty side (line${n > 1 ? 's' : ''} ${shown} of ${a.source})`;
}
