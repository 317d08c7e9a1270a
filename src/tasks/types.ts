/**
 * Shared types of the built-in synthetic tasks (see index.ts): tasks that
 * generate parallel examples from a seeded PRNG, so tests, the demo and
 * first runs need no data files.
 */

/**
 * One parallel example as token strings (single characters or words), with
 * no special tokens. Tokens are never empty and never contain whitespace, so
 * `tokens.join(" ")` is a whitespace-tokenized line (see exampleToPair).
 */
export interface Example {
  src: string[];
  tgt: string[];
}

/** A deterministic pseudo-random number generator (see makeRng). */
export interface Rng {
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /**
   * A uniform integer in [lo, hi], both inclusive. lo and hi must be safe
   * integers with lo <= hi and hi - lo < 2^32; anything else throws a
   * RangeError.
   */
  int(lo: number, hi: number): number;
}

/** The names of the built-in tasks. */
export type TaskName = "dates" | "reverse" | "numbers";

/** A synthetic task: a distribution of examples. */
export interface TaskSpec {
  name: TaskName;
  /** One line saying what the task is. */
  description: string;
  /**
   * Draws one example from `rng`. `length` optionally asks for a source
   * length bucket where that makes sense, and is ignored otherwise:
   * - `reverse`: the exact source length in tokens (any integer >= 1, so
   *   lengths beyond the training range 5..60 can be asked for);
   * - `numbers`: the number of decimal digits of the number (1..9);
   * - `dates`: ignored.
   * An invalid `length` throws a RangeError.
   */
  sample(rng: Rng, length?: number): Example;
  /**
   * Human-readable text of a token sequence of either side (for printing
   * examples and translations): `dates` concatenates characters and turns
   * "▁" back into a space; `numbers` joins words with spaces and glues "-"
   * tokens to their neighbours; `reverse` joins tokens with spaces.
   */
  render(tokens: readonly string[]): string;
}
