/**
 * Train/valid/test splits of a synthetic task, and token vocabularies.
 */

import { makeRng } from "./rng.js";
import type { Example, TaskSpec } from "./types.js";

/** Sizes of the three splits (non-negative integers). */
export interface SplitSizes {
  train: number;
  valid: number;
  test: number;
}

/** The three splits. */
export interface Splits {
  train: Example[];
  valid: Example[];
  test: Example[];
}

/** Consecutive duplicate draws after which makeSplits gives up. */
const MAX_CONSECUTIVE_DUPLICATES = 100_000;

/** The key by which sources are compared: the tokens, NUL-separated. */
function sourceKey(ex: Example): string {
  return ex.src.join("\u0000");
}

/**
 * Draws `train + valid + test` examples with distinct sources from `task`
 * (a seeded Rng; a source already drawn is drawn again), then deals them
 * out to the splits at random (a seeded Fisher-Yates shuffle). So no source
 * appears twice anywhere: the splits are disjoint by source and have no
 * duplicates inside, each split follows the same distribution, and the
 * result is a pure function of (task, sizes, seed).
 *
 * Because sources are distinct, a task's small finite corners are used at
 * most once (e.g. `numbers` has only ten one-digit numbers), which shifts
 * the length distribution slightly toward long sources for big splits.
 * Throws a RangeError when a size is not a non-negative integer, and an
 * Error when the task cannot produce that many distinct sources.
 */
export function makeSplits(task: TaskSpec, sizes: SplitSizes, seed: number): Splits {
  for (const key of ["train", "valid", "test"] as const) {
    const n = sizes[key];
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`makeSplits: ${key} size must be an integer >= 0, got ${n}`);
  }
  const rng = makeRng(seed);
  const total = sizes.train + sizes.valid + sizes.test;
  const seen = new Set<string>();
  const pool: Example[] = [];
  let duplicates = 0;
  while (pool.length < total) {
    const ex = task.sample(rng);
    const key = sourceKey(ex);
    if (seen.has(key)) {
      if (++duplicates >= MAX_CONSECUTIVE_DUPLICATES) {
        throw new Error(
          `makeSplits: task ${task.name} gave ${MAX_CONSECUTIVE_DUPLICATES} duplicate sources in a row after ${pool.length} distinct ones; ${total} were asked for`,
        );
      }
      continue;
    }
    duplicates = 0;
    seen.add(key);
    pool.push(ex);
  }
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return {
    test: pool.slice(0, sizes.test),
    valid: pool.slice(sizes.test, sizes.test + sizes.valid),
    train: pool.slice(sizes.test + sizes.valid),
  };
}

/** Compares strings by Unicode code point (not UTF-16 code unit). */
function byCodePoint(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** The distinct tokens of each side of `examples`, sorted by Unicode code point. */
export function vocabulary(examples: readonly Example[]): { src: string[]; tgt: string[] } {
  const src = new Set<string>();
  const tgt = new Set<string>();
  for (const ex of examples) {
    for (const t of ex.src) src.add(t);
    for (const t of ex.tgt) tgt.add(t);
  }
  return { src: [...src].sort(byCodePoint), tgt: [...tgt].sort(byCodePoint) };
}

/**
 * An example as a whitespace-tokenized line pair (tokens joined by single
 * spaces), the form the text pipeline reads (see text/vocab.ts).
 */
export function exampleToPair(ex: Example): { src: string; tgt: string } {
  return { src: ex.src.join(" "), tgt: ex.tgt.join(" ") };
}
