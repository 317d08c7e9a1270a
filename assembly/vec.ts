// Small SIMD helpers shared by every kernel family.
//
// Layout conventions (all kernels):
//   * pointers are byte offsets into the one host-owned memory;
//   * matrices are row-major f32, "ld" is the row stride in elements;
//   * i32 arrays (ids, lengths, indices) are 4-byte little-endian.
//
// Each vector body processes LANES floats and is followed by a scalar tail,
// so every size works, not only multiples of 4.

// @ts-ignore: decorator
@inline export const LANES: i32 = 4;

/** Byte address of element i of an f32 array at p. */
// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** a*b + c, fused on the relaxed build (f32x4.relaxed_madd), mul+add otherwise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Sum of the four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  const t = f32x4.add(s, i32x4.shuffle(s, s, 1, 0, 3, 2));
  return f32x4.extract_lane(t, 0);
}

/** Maximum of the four lanes. */
// @ts-ignore: decorator
@inline export function hmax(v: v128): f32 {
  const s = f32x4.max(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  const t = f32x4.max(s, i32x4.shuffle(s, s, 1, 0, 3, 2));
  return f32x4.extract_lane(t, 0);
}

// ---- exp, sigmoid, tanh ------------------------------------------------------
// exp(x) = 2^n · p(r), n = round(x·log2 e), r = x − n·ln 2 (split in hi/lo parts),
// p a degree-7 minimax polynomial (Cephes expf). Relative error ≲ 2e-7 over the
// clamped range [-87.3, 88.7]; below it the result is ~1e-38 (never a denormal).

// @ts-ignore: decorator
@inline const EXP_HI: f32 = 88.72283;
// @ts-ignore: decorator
@inline const EXP_LO: f32 = -87.33654;
// @ts-ignore: decorator
@inline const LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline const P0: f32 = 1.9875691500e-4;
// @ts-ignore: decorator
@inline const P1: f32 = 1.3981999507e-3;
// @ts-ignore: decorator
@inline const P2: f32 = 8.3334519073e-3;
// @ts-ignore: decorator
@inline const P3: f32 = 4.1665795894e-2;
// @ts-ignore: decorator
@inline const P4: f32 = 1.6666665459e-1;
// @ts-ignore: decorator
@inline const P5: f32 = 5.0000001201e-1;

// @ts-ignore: decorator
@inline export function exp4(x0: v128): v128 {
  // pmin/pmax: single instructions in V8 (NaN stays NaN, as with min/max)
  const x = f32x4.pmin(f32x4.pmax(x0, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(P0);
  p = madd(p, r, f32x4.splat(P1));
  p = madd(p, r, f32x4.splat(P2));
  p = madd(p, r, f32x4.splat(P3));
  p = madd(p, r, f32x4.splat(P4));
  p = madd(p, r, f32x4.splat(P5));
  p = madd(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1.0)));
  // 2^n as float bits: (n + 127) << 23. n ≤ 128 after clamping; split to stay finite.
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** σ(x) = 1 / (1 + e^(−x)) */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/**
 * tanh(x) as a clamped rational minimax approximation p(x)/q(x) (the fast
 * float tanh of Eigen and XNNPACK): |error| ≲ 4e-7 over all x, and relative
 * error small near 0 (where 1 − 2/(e^(2x)+1) would cancel). The clamp uses
 * pmin/pmax, which V8 lowers to single minps/maxps instructions (IEEE
 * f32x4.min/max cost several on x86); NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function tanh4(x0: v128): v128 {
  const c = f32x4.splat(7.90531110763549805);
  const x = f32x4.pmax(f32x4.pmin(x0, c), f32x4.neg(c));
  const x2 = f32x4.mul(x, x);
  let p = madd(x2, f32x4.splat(-2.76076847742355e-16), f32x4.splat(2.00018790482477e-13));
  p = madd(x2, p, f32x4.splat(-8.60467152213735e-11));
  p = madd(x2, p, f32x4.splat(5.12229709037114e-8));
  p = madd(x2, p, f32x4.splat(1.48572235717979e-5));
  p = madd(x2, p, f32x4.splat(6.37261928875436e-4));
  p = madd(x2, p, f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(x, p);
  let q = madd(x2, f32x4.splat(1.19825839466702e-6), f32x4.splat(1.18534705686654e-4));
  q = madd(x2, q, f32x4.splat(2.26843463243900e-3));
  q = madd(x2, q, f32x4.splat(4.89352518554385e-3));
  return f32x4.div(p, q);
}

// Scalar versions use the same formulas, so a tail element gets the same
// value it would get inside a vector.
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}
// @ts-ignore: decorator
@inline export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}
