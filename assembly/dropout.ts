// Dropout with a counter-based random stream: no state, deterministic and
// platform independent, so the backward (and a re-run) can regenerate or
// reuse exactly the same mask from (seed, offset).
//
//   u(seed, i) = (XXH32(le32(i), seed) >>> 8) · 2⁻²⁴      ∈ [0, 1), 24 random bits
//
// XXH32 of the 4-byte little-endian counter i with the given seed (the
// reference xxHash algorithm, so any xxHash library reproduces the stream).

import { at, LANES } from "./vec";

// @ts-ignore: decorator
@inline const PRIME32_2: u32 = 0x85EBCA77;
// @ts-ignore: decorator
@inline const PRIME32_3: u32 = 0xC2B2AE3D;
// @ts-ignore: decorator
@inline const PRIME32_4: u32 = 0x27D4EB2F;
// @ts-ignore: decorator
@inline const PRIME32_5: u32 = 0x165667B1;
/** 2⁻²⁴ */
// @ts-ignore: decorator
@inline const INV_2_24: f32 = 5.9604644775390625e-8;

/** XXH32 of one 4-byte little-endian word, four counters at a time. */
// @ts-ignore: decorator
@inline function xxh32_word4(k: v128, seed: u32): v128 {
  let h = i32x4.add(i32x4.splat(seed + PRIME32_5 + 4), i32x4.mul(k, i32x4.splat(PRIME32_3)));
  h = i32x4.mul(v128.or(i32x4.shl(h, 17), i32x4.shr_u(h, 15)), i32x4.splat(PRIME32_4));
  h = v128.xor(h, i32x4.shr_u(h, 15));
  h = i32x4.mul(h, i32x4.splat(PRIME32_2));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(PRIME32_3));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

// @ts-ignore: decorator
@inline function xxh32_word(k: u32, seed: u32): u32 {
  let h = seed + PRIME32_5 + 4 + k * PRIME32_3;
  h = rotl<u32>(h, 17) * PRIME32_4;
  h ^= h >> 15;
  h *= PRIME32_2;
  h ^= h >> 13;
  h *= PRIME32_3;
  return h ^ (h >> 16);
}

/**
 * Inverted dropout, in place, keeping the mask for backward.
 *   x:    [n] in/out: x[i] ← x[i]·mask[i]
 *   mask: [n] out: mask[i] = u(seed, offset + i) ≥ p ? 1/(1 − p) : 0
 *   p:    drop probability in [0, 1] (p = 0 keeps everything, mask = 1; p = 1 drops all)
 *   seed, offset: u32; offset + i wraps modulo 2³², so a tensor may be
 *         processed in pieces (offset = index of the piece's first element)
 * Backward: dx = dy ⊙ mask (mul_forward).
 */
export function dropout_forward(n: i32, x: usize, mask: usize, p: f32, seed: i32, offset: i32): void {
  const n4 = n & ~(LANES - 1);
  const s = <u32>seed;
  const scale: f32 = p < 1 ? <f32>1.0 / (<f32>1.0 - p) : 0;
  const pv = f32x4.splat(p), sv = f32x4.splat(scale);
  let ctr = i32x4.add(i32x4.splat(offset), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
  const step = i32x4.splat(LANES);
  let i = 0;
  for (; i < n4; i += LANES) {
    const h = xxh32_word4(ctr, s);
    const u = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(h, 8)), f32x4.splat(INV_2_24));
    const m = v128.and(f32x4.ge(u, pv), sv);
    v128.store(at(mask, i), m);
    v128.store(at(x, i), f32x4.mul(v128.load(at(x, i)), m));
    ctr = i32x4.add(ctr, step);
  }
  for (; i < n; i++) {
    const u = <f32>(xxh32_word(<u32>offset + <u32>i, s) >> 8) * INV_2_24;
    const m: f32 = u >= p ? scale : 0;
    store<f32>(at(mask, i), m);
    store<f32>(at(x, i), load<f32>(at(x, i)) * m);
  }
}

/** y[0..n) = a[0..n) ⊙ b[0..n)   (dropout backward: dx = dy ⊙ mask; y may alias a or b) */
export function mul_forward(n: i32, a: usize, b: usize, y: usize): void {
  const n4 = n & ~(LANES - 1);
  let k = 0;
  for (; k < n4; k += LANES) v128.store(at(y, k), f32x4.mul(v128.load(at(a, k)), v128.load(at(b, k))));
  for (; k < n; k++) store<f32>(at(y, k), load<f32>(at(a, k)) * load<f32>(at(b, k)));
}
