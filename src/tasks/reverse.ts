/**
 * The `reverse` task: reverse a sequence of symbols. Tokens are the 20
 * letters "a".."t"; the source length is uniform in 5..60 (or exactly the
 * `length` asked for); the target is the source reversed, so the first
 * target token depends on the last source token, which is what makes long
 * inputs hard without attention.
 */

import type { Example, Rng, TaskSpec } from "./types.js";

/** The 20 symbols "a".."t". */
export const REVERSE_SYMBOLS: readonly string[] = Array.from({ length: 20 }, (_, i) => String.fromCharCode(97 + i));
export const REVERSE_MIN_LENGTH = 5;
export const REVERSE_MAX_LENGTH = 60;

export const reverseTask: TaskSpec = {
  name: "reverse",
  description: `reverse a sequence of ${REVERSE_SYMBOLS.length} symbols (a..t), length ${REVERSE_MIN_LENGTH}..${REVERSE_MAX_LENGTH}`,
  sample(rng: Rng, length?: number): Example {
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 1)) {
      throw new RangeError(`reverse: length must be an integer >= 1, got ${length}`);
    }
    const n = length ?? rng.int(REVERSE_MIN_LENGTH, REVERSE_MAX_LENGTH);
    const src: string[] = [];
    for (let i = 0; i < n; i++) src.push(REVERSE_SYMBOLS[rng.int(0, REVERSE_SYMBOLS.length - 1)]!);
    return { src, tgt: src.slice().reverse() };
  },
  render(tokens: readonly string[]): string {
    return tokens.join(" ");
  },
};
