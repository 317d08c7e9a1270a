/**
 * Longer training/test pairs from short ones: Multi30k sentences are short
 * (98% under 20 words), so long-sentence behaviour is studied on pairs made
 * by concatenating consecutive pairs. Results on such data must say so.
 */

import type { SentencePair } from './corpus.js';

/**
 * Concatenates each group of `n` consecutive pairs into one pair: the sources
 * joined by a single space, the targets joined by a single space, in order
 * (pairs 0..n-1 form the first result, n..2n-1 the second, ...). A trailing
 * group of fewer than `n` pairs is dropped, so the result has
 * `Math.floor(pairs.length / n)` pairs. Sides are joined as they are (an
 * empty side yields a doubled or edge space). `n` must be an integer >= 1
 * (1 returns copies of the pairs; 2, 3 and 4 are the intended uses); anything
 * else throws a RangeError.
 */
export function joinConsecutive(pairs: readonly SentencePair[], n: number): SentencePair[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`joinConsecutive: n must be an integer >= 1, got ${n}`);
  const out: SentencePair[] = [];
  for (let start = 0; start + n <= pairs.length; start += n) {
    const group = pairs.slice(start, start + n);
    out.push({ src: group.map((p) => p.src).join(' '), tgt: group.map((p) => p.tgt).join(' ') });
  }
  return out;
}
