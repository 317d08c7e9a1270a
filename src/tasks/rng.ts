/**
 * A small, fast, platform-independent PRNG: mulberry32 (32-bit state,
 * period 2^32). It uses only 32-bit integer arithmetic (Math.imul, >>>), so
 * a seed gives the same stream on every JavaScript engine.
 */

import type { Rng } from "./types.js";

const TWO_32 = 4294967296;

/**
 * A deterministic Rng for `seed`, which may be any safe integer (negative
 * and > 2^32 values included; the high bits are mixed into the state).
 * Different seeds give unrelated streams. A non-integer seed throws a
 * RangeError.
 */
export function makeRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`makeRng: seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_32) >>> 0;
  let state = (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;

  const nextU32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };

  return {
    next(): number {
      return nextU32() / TWO_32;
    },
    int(lo: number, hi: number): number {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
        throw new RangeError(`Rng.int: need integers lo <= hi, got ${lo}, ${hi}`);
      }
      const span = hi - lo + 1;
      if (span > TWO_32) throw new RangeError(`Rng.int: range ${lo}..${hi} is wider than 2^32`);
      return lo + Math.floor((nextU32() / TWO_32) * span);
    },
  };
}
