// int8 inference: the matrix product and the embedding lookup of a quantised
// model (docs/format.md "int8 models", docs/kernels.md).
//
//   gemm_nt_i8     C[M,N] = β·C + dequant(quant(A[M,K]) · W[N,K]ᵀ) + bias[N]
//   gather_rows_i8 dst[n, :D] = table[idx[n], :D] · scale[idx[n]]
//   i8_row_sums    out[j] = Σ_k W[j, k]            (the relaxed build's offset correction)
//
// Weights are int8 with one f32 scale per row (w ≈ q·s, symmetric, written by
// `s2s quantize`). Activations are quantised here, per row and per call
// (dynamic, symmetric): sa = max|a_i| / QMAX, qa = round_half_even(a·(QMAX/max|a_i|)).
// The products are exact integer dot products; one multiply per output
// dequantises: C[i,j] = f32(Σ_k qa[i,k]·W[j,k]) · (sa_i · ws_j).
//
// The two builds differ in the integer dot product:
//
//   SIMD128: activations as i16 (QMAX = 127) in the scratch; each 16 weights are
//            sign-extended to two i16x8 and multiplied with i32x4.dot_i16x8_s.
//   relaxed: i16x8.relaxed_dot_i8x16_i7x16_s(W, u) multiplies 16 int8 weights
//            by 16 values whose top bit must be clear (7-bit, 0..127; otherwise
//            the result is implementation-defined) and adds pairs into i16. The activations are
//            that operand: quantised to ±63 (QMAX = 63) and stored offset by +64,
//            u = qa + 64 ∈ [1, 127]; Σ W·u − 64·Σ W = Σ W·qa, with Σ_k W[j,k]
//            precomputed per row (wsum, i8_row_sums). The pairwise i16 sums stay
//            below 2·127·128 = 32512, so they never saturate. Exact, like the
//            SIMD128 path, but with one bit less of activation precision.
//
// Scratch (host-allocated, gemm_i8_scratch(M, K) bytes, 16-aligned):
//
//   [M rows of K16 = ⌈K/16⌉·16 activation codes (i16 or u8)] [M f32 scales sa_i, padded to 16 bytes]
//   [SIMD128: one strip of 4 weight rows as i16, 8·K16 bytes]
//
// A batch-1 decoder step is a GEMV bound by reading W: 1 byte per weight
// instead of the f32 kernel's 4 is the point. W is walked in strips of
// I8_TN = 4 rows; every row of A passes over a strip while it is in L1, so
// batches (M > 1) read W from memory once:
//
//   rows of A in pairs: a 2×4 register tile (8 i32x4 accumulators); each 16
//     weights of a row are loaded once for both rows of A (SIMD128: as two
//     i16x8 by v128.load8x8_s, which sign-extends in the load; relaxed: one
//     v128), so a load feeds 2 dot products instead of 1;
//   an odd last row (batch 1 included): a 1×4 tile.
//
// SIMD128 from I8_WIDE_PAIRS row pairs on (M ≥ 8): each strip is first widened
// to i16 into the scratch (widen_strip: 4 rows interleaved by 8-blocks of k,
// zero-padded to K16, so no K tail), and the passes load it with plain loads
// from one pointer: no sign extension in the inner loop.
//
// V8 (11.3) issues all loads of a basic block first (see gemm.ts); a block
// whose loads do not fit in the xmm registers beside the 8 accumulators
// spills (16 registers, one of them V8's scratch). The SIMD128
// bodies therefore have an exit test (never taken) after every 8 k (2 code
// loads + 4 weight loads per block); without it the 2×4 tile ran at ~60
// GFLOP/s instead of ~80 at M = 70 (N = 8000, K = 512).
//
// While a strip is in use, the next one is touched (an unused i32 load per
// cache line; wasm has no prefetch) if W has more than I8_TOUCH_MIN_BYTES (a
// smaller one is likely in L2, where touches only cost: up to 13% at M ≤ 2):
// spread over the row pairs, or, for batch 1, one line per 16 k of the pass
// by a pointer walking on from row j+4 (two instructions per step; a separate
// touch loop cost batch 1 10-20% when W is in L3). When W comes from memory
// (N = 8000, K = 512: 4 MB, evicted between calls) each strip's first pass
// otherwise waits on it: batch 1 ran at ~15 GFLOP/s and batch 2 at ~25, with
// the touches at ~45 and ~50 (SIMD128, Zen 4). When W is in L3 they gain 0-12%.

import { at } from "./vec";

// @ts-ignore: decorator
@inline const I8_TN: i32 = 4;
// @ts-ignore: decorator
@inline const KB: i32 = 16;
// SIMD128: row pairs of A from which a strip of W is widened to i16 once
// (widen_strip) instead of in every pass.
// @ts-ignore: decorator
@inline const I8_WIDE_PAIRS: i32 = 4;
// The next strip is touched only in a W of more bytes than this (see above).
// @ts-ignore: decorator
@inline const I8_TOUCH_MIN_BYTES: usize = 1 << 20;

// @ts-ignore: decorator
@inline function qmax(): f32 {
  return ASC_FEATURE_RELAXED_SIMD ? 63.0 : 127.0;
}

/** Bytes of one row of activation codes: K rounded up to 16, i16 (SIMD128) or u8 (relaxed). */
// @ts-ignore: decorator
@inline function codeRowBytes(K: i32): usize {
  const k16 = <usize>((K + KB - 1) & ~(KB - 1));
  return ASC_FEATURE_RELAXED_SIMD ? k16 : k16 << 1;
}

/** Scratch bytes gemm_nt_i8 needs for M rows of K activations. */
export function gemm_i8_scratch(M: i32, K: i32): usize {
  return <usize>M * codeRowBytes(K) + ((<usize>M << 2) + 15 & ~15) + wideBytes(K);
}

/** SIMD128: bytes of one strip of I8_TN weight rows widened to i16 (see gemm_nt_i8); relaxed: 0. */
// @ts-ignore: decorator
@inline function wideBytes(K: i32): usize {
  return ASC_FEATURE_RELAXED_SIMD ? 0 : <usize>((K + KB - 1) & ~(KB - 1)) * (I8_TN * 2);
}

/**
 * SIMD128: W[j..j+4, :K] as i16, interleaved by 8-blocks of k and zero-padded
 * to K16: wt[(k/8)·64 + r·16 + (k%8)·2] = W[j+r, k].
 */
// @ts-ignore: decorator
@inline function widen_strip(K: i32, w0: usize, sw: usize, wt: usize): void {
  const K8 = K & ~7, K16 = (K + KB - 1) & ~(KB - 1);
  const w1 = w0 + sw, w2 = w1 + sw, w3 = w2 + sw;
  let o = wt;
  let k = 0;
  for (; k < K8; k += 8) {
    v128.store(o, v128.load8x8_s(w0 + <usize>k));
    v128.store(o, v128.load8x8_s(w1 + <usize>k), 16);
    v128.store(o, v128.load8x8_s(w2 + <usize>k), 32);
    v128.store(o, v128.load8x8_s(w3 + <usize>k), 48);
    o += 64;
  }
  if (k < K16) {
    for (let z: usize = 0; z < <usize>(K16 - k) * 8; z += 16) v128.store(o + z, v128.splat<i32>(0));
    for (let kk = k; kk < K; kk++) {
      const e = o + (<usize>(kk - k) << 1);
      store<i16>(e, load<i8>(w0 + <usize>kk));
      store<i16>(e, load<i8>(w1 + <usize>kk), 16);
      store<i16>(e, load<i8>(w2 + <usize>kk), 32);
      store<i16>(e, load<i8>(w3 + <usize>kk), 48);
    }
  }
}

/** Sum of the four i32 lanes of v, as lane 0..3 of [Σv0, Σv1, Σv2, Σv3]. */
// @ts-ignore: decorator
@inline function hsum4i(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  const s01 = i32x4.add(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v0, v1, 2, 6, 3, 7));
  const s23 = i32x4.add(i32x4.shuffle(v2, v3, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(s01, s23, 0, 1, 4, 5), i32x4.shuffle(s01, s23, 2, 3, 6, 7));
}

/**
 * Quantises row a[:K] into codes at q (K16 entries, zero-padded) and returns sa.
 *   maxabs = max|a_k|; inv = QMAX / maxabs (0 for a zero row); q_k = nearest(a_k·inv)
 */
// @ts-ignore: decorator
@inline function quantize_row(K: i32, a: usize, q: usize): f32 {
  const K4 = K & ~3;
  let mv = f32x4.splat(0);
  let k = 0;
  for (; k < K4; k += 4) mv = f32x4.max(mv, f32x4.abs(v128.load(at(a, k))));
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; k < K; k++) m = max(m, abs(load<f32>(at(a, k))));
  const inv: f32 = m > 0 ? qmax() / m : 0;
  const iv = f32x4.splat(inv);
  const K16 = (K + KB - 1) & ~(KB - 1);
  const K8 = K & ~7;
  k = 0;
  if (ASC_FEATURE_RELAXED_SIMD) {
    // u8 codes qa + 64, 16 per store
    const K16f = K & ~(KB - 1);
    for (; k < K16f; k += KB) {
      const q0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(at(a, k)), iv)));
      const q1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(at(a, k + 4)), iv)));
      const q2 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(at(a, k + 8)), iv)));
      const q3 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(at(a, k + 12)), iv)));
      const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3));
      v128.store(q + <usize>k, i8x16.add(b, i8x16.splat(64)));
    }
    for (; k < K; k++) store<u8>(q + <usize>k, <i32>nearest<f32>(load<f32>(at(a, k)) * inv) + 64);
    for (; k < K16; k++) store<u8>(q + <usize>k, 64);
  } else {
    // i16 codes, 8 per store
    for (; k < K8; k += 8) {
      const q0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(at(a, k)), iv)));
      const q1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(at(a, k + 4)), iv)));
      v128.store(q + (<usize>k << 1), i16x8.narrow_i32x4_s(q0, q1));
    }
    for (; k < K; k++) store<i16>(q + (<usize>k << 1), <i32>nearest<f32>(load<f32>(at(a, k)) * inv));
    for (; k < K16; k++) store<i16>(q + (<usize>k << 1), 0);
  }
  return m / qmax();
}

/** Integer dot product of one weight row w[:K] with one code row x (scalar; the K tail). */
// @ts-ignore: decorator
@inline function dot_tail(k0: i32, K: i32, w: usize, x: usize): i32 {
  let s = 0;
  for (let k = k0; k < K; k++) {
    const xv: i32 = ASC_FEATURE_RELAXED_SIMD ? <i32>load<u8>(x + <usize>k) : <i32>load<i16>(x + (<usize>k << 1));
    s += <i32>load<i8>(w + <usize>k) * xv;
  }
  return s;
}

/** acc += 16 products W[k..k+16]·x[k..k+16] into the four i32 lanes. */
// @ts-ignore: decorator
@inline function dot16(w: v128, xl: v128, xh: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    // i16 pair sums (exact: the codes are 7-bit), widened pairwise to i32. Not
    // i32x4.relaxed_dot_i8x16_i7x16_add_s: Node 20.20's V8 (11.3, with
    // --experimental-wasm-relaxed-simd) returns twice the dot product for it
    // (measured on 7-bit operands); the i16x8 form is exact there.
    return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(w, xl)));
  } else {
    const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(w), xl);
    const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(w), xh);
    return i32x4.add(acc, i32x4.add(lo, hi));
  }
}

/** Codes x[k..k+16] as the operands of dot16: (u8x16, -) or (i16x8 low, i16x8 high). */
// @ts-ignore: decorator
@inline function codes_lo(x: usize, k: i32): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.load(x + <usize>k) : v128.load(x + (<usize>k << 1));
}
// @ts-ignore: decorator
@inline function codes_hi(x: usize, k: i32): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? v128.splat<i32>(0) : v128.load(x + (<usize>k << 1), 16);
}

/** C[i, j..j+4] = β·C + bias + f32(acc − corr)·(sa_i·ws[j..j+4]) (vector store). */
// @ts-ignore: decorator
@inline function store_i8(acc: v128, corr: v128, sai: f32, scale: v128, bias: usize, j: i32, cp: usize, beta: i32): void {
  let v = f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(acc, corr)), f32x4.mul(f32x4.splat(sai), scale));
  if (bias != 0) v = f32x4.add(v, v128.load(at(bias, j)));
  if (beta != 0) v = f32x4.add(v, v128.load(cp));
  v128.store(cp, v);
}

/** Scalar K tails of one code row x against four weight rows, as a vector. */
// @ts-ignore: decorator
@inline function tail4i(k0: i32, K: i32, w0: usize, w1: usize, w2: usize, w3: usize, x: usize): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(
    dot_tail(k0, K, w0, x)), 1, dot_tail(k0, K, w1, x)), 2, dot_tail(k0, K, w2, x)), 3, dot_tail(k0, K, w3, x));
}

/**
 * C[M,N] = β·C + dequant(quant(A)·Wᵀ) + bias
 *   a: f32 [M, K] rows of stride lda        (activations, quantised per row here)
 *   w: i8 [N, K] rows of stride ldw bytes   (a column slice of a wider matrix is fine)
 *   ws: f32 [N] row scales of W; wsum: i32 [N] Σ_k W[j, k] over these K columns
 *       (relaxed build only; ignored by the SIMD128 build, which may get 0)
 *   c: f32 [M, N] rows of stride ldc; bias: f32 [N] or 0; beta ∈ {0, 1}
 *   scratch: gemm_i8_scratch(M, K) bytes
 * C[i,j] = f32(Σ_k qa[i,k]·W[j,k]) · (sa_i · ws_j) (+ bias_j) (+ C[i,j]), in that order.
 */
export function gemm_nt_i8(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  w: usize, ldw: i32, ws: usize, wsum: usize,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
  scratch: usize,
): void {
  const rb = codeRowBytes(K);
  const sas = scratch + <usize>M * rb;
  const wt = sas + ((<usize>M << 2) + 15 & ~15);
  const sa = <usize>lda << 2, sc = <usize>ldc << 2, sw = <usize>ldw;
  for (let i = 0; i < M; i++) store<f32>(at(sas, i), quantize_row(K, a + <usize>i * sa, scratch + <usize>i * rb));
  const Kf = K & ~(KB - 1); // full 16-blocks; the rest is the scalar tail
  const M2 = M & ~1; // rows in pairs; an odd last row alone
  const Kw = (K + KB - 1) & ~(KB - 1); // the widened strip's K (zero-padded)
  const off = f32x4.splat(0);
  const big = <usize>N * sw > I8_TOUCH_MIN_BYTES;
  let j = 0;
  for (; j + I8_TN <= N; j += I8_TN) {
    const w0 = w + <usize>j * sw, w1 = w0 + sw, w2 = w1 + sw, w3 = w2 + sw;
    // Σ_k W[j..j+4, k]·64, the offset of the relaxed build's codes
    const corr = ASC_FEATURE_RELAXED_SIMD ? i32x4.shl(v128.load(wsum + (<usize>j << 2)), 6) : v128.splat<i32>(0);
    const scale = v128.load(at(ws, j));
    // touches of the next strip W[j+4..j+8, :K] (big W only), spread over the row pairs (M ≥ 2)
    const next = min(I8_TN, N - j - I8_TN);
    let left = next > 0 && big ? ((K + 63) >> 6) * next : 0;
    const quota = M2 > 0 ? (left + (M2 >> 1) - 1) / (M2 >> 1) : 0;
    let tr = w3 + sw, tc = 0;
    // batch 1: one touch per 16 k of the pass, walking 4·K bytes from row j+4
    // (the next strip when ldw = K, else part of it)
    const t1 = M2 == 0 && next == I8_TN && big;
    let tn = tr;
    if (M2 < M) {
      const i = M - 1;
      // the odd last row (and batch 1): 1×4
      const x = scratch + <usize>i * rb;
      let p0 = w0, p1 = w1, p2 = w2, p3 = w3, px = x;
      let c0 = v128.splat<i32>(0), c1 = c0, c2 = c0, c3 = c0;
      if (t1) {
        for (let k = 0; k < Kf; k += KB) {
          load<i32>(tn);
          tn += 64;
          const xl = codes_lo(px, 0), xh = codes_hi(px, 0);
          c0 = dot16(v128.load(p0), xl, xh, c0);
          c1 = dot16(v128.load(p1), xl, xh, c1);
          c2 = dot16(v128.load(p2), xl, xh, c2);
          c3 = dot16(v128.load(p3), xl, xh, c3);
          p0 += KB; p1 += KB; p2 += KB; p3 += KB;
          px += ASC_FEATURE_RELAXED_SIMD ? KB : KB << 1;
        }
      } else {
        for (let k = 0; k < Kf; k += KB) {
          const xl = codes_lo(px, 0), xh = codes_hi(px, 0);
          c0 = dot16(v128.load(p0), xl, xh, c0);
          c1 = dot16(v128.load(p1), xl, xh, c1);
          c2 = dot16(v128.load(p2), xl, xh, c2);
          c3 = dot16(v128.load(p3), xl, xh, c3);
          p0 += KB; p1 += KB; p2 += KB; p3 += KB;
          px += ASC_FEATURE_RELAXED_SIMD ? KB : KB << 1;
        }
      }
      let acc = hsum4i(c0, c1, c2, c3);
      if (Kf < K) acc = i32x4.add(acc, tail4i(Kf, K, w0, w1, w2, w3, x));
      store_i8(acc, corr, load<f32>(at(sas, i)), scale, bias, j, c + <usize>i * sc + (<usize>j << 2), beta);
    }
    // SIMD128, from I8_WIDE_PAIRS pairs of rows: the strip widened once for all of them
    const wide = !ASC_FEATURE_RELAXED_SIMD && M2 >= I8_WIDE_PAIRS * 2;
    if (wide) widen_strip(K, w0, sw, wt);
    let i = 0;
    for (; i < M2; i += 2) {
      for (let q = 0; q < quota && left > 0; q++, left--) {
        load<i32>(tr + <usize>tc);
        tc += 64;
        if (tc >= K) { tc = 0; tr += sw; }
      }
      // x[i], x[i+1] · W[j..j+4]ᵀ: 2×4 register tile, the weights loaded once for both rows
      const x0 = scratch + <usize>i * rb, x1 = x0 + rb;
      let p0 = w0, p1 = w1, p2 = w2, p3 = w3, px0 = x0, px1 = x1;
      let c00 = v128.splat<i32>(0), c01 = c00, c02 = c00, c03 = c00;
      let c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      // two 16-blocks of k per iteration at immediate offsets, an exit test between them (as NT_KU in gemm.ts)
      let a0: v128, a1: v128, b: v128;
      if (ASC_FEATURE_RELAXED_SIMD) {
        for (let rem = Kf; rem > 0; rem -= 32) {
          a0 = v128.load(px0, 0); a1 = v128.load(px1, 0);
          b = v128.load(p0, 0);
          c00 = i32x4.add(c00, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c10 = i32x4.add(c10, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          b = v128.load(p1, 0);
          c01 = i32x4.add(c01, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c11 = i32x4.add(c11, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          b = v128.load(p2, 0);
          c02 = i32x4.add(c02, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c12 = i32x4.add(c12, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          b = v128.load(p3, 0);
          c03 = i32x4.add(c03, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c13 = i32x4.add(c13, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          if (rem <= 16) break;
          a0 = v128.load(px0, 16); a1 = v128.load(px1, 16);
          b = v128.load(p0, 16);
          c00 = i32x4.add(c00, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c10 = i32x4.add(c10, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          b = v128.load(p1, 16);
          c01 = i32x4.add(c01, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c11 = i32x4.add(c11, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          b = v128.load(p2, 16);
          c02 = i32x4.add(c02, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c12 = i32x4.add(c12, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          b = v128.load(p3, 16);
          c03 = i32x4.add(c03, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a0)));
          c13 = i32x4.add(c13, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(b, a1)));
          p0 += 32; p1 += 32; p2 += 32; p3 += 32; px0 += 32; px1 += 32;
        }
      } else if (wide) {
        // 16 k per step: i16 codes [k, k+8), [k+8, k+16) at 0, 16; widened weights at 0..112
        let pw = wt;
        for (let rem = Kw; rem > 0; rem -= 32) {
          a0 = v128.load(px0, 0); a1 = v128.load(px1, 0);
          b = v128.load(pw, 0);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 16);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 32);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 48);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          if (rem <= 8) break; // never taken (rem is a multiple of 16): a block boundary (see above)
          a0 = v128.load(px0, 16); a1 = v128.load(px1, 16);
          b = v128.load(pw, 64);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 80);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 96);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 112);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          if (rem <= 16) break;
          a0 = v128.load(px0, 32); a1 = v128.load(px1, 32);
          b = v128.load(pw, 128);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 144);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 160);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 176);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          if (rem <= 24) break; // never taken: a block boundary
          a0 = v128.load(px0, 48); a1 = v128.load(px1, 48);
          b = v128.load(pw, 192);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 208);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 224);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load(pw, 240);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          px0 += 64; px1 += 64; pw += 256;
        }
      } else {
        for (let rem = Kf; rem > 0; rem -= 32) {
          a0 = v128.load(px0, 0); a1 = v128.load(px1, 0);
          b = v128.load8x8_s(p0, 0);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p1, 0);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p2, 0);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p3, 0);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          if (rem <= 8) break; // never taken (rem is a multiple of 16): a block boundary (see above)
          a0 = v128.load(px0, 16); a1 = v128.load(px1, 16);
          b = v128.load8x8_s(p0, 8);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p1, 8);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p2, 8);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p3, 8);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          if (rem <= 16) break;
          a0 = v128.load(px0, 32); a1 = v128.load(px1, 32);
          b = v128.load8x8_s(p0, 16);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p1, 16);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p2, 16);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p3, 16);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          if (rem <= 24) break; // never taken: a block boundary
          a0 = v128.load(px0, 48); a1 = v128.load(px1, 48);
          b = v128.load8x8_s(p0, 24);
          c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b, a0)); c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p1, 24);
          c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b, a0)); c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p2, 24);
          c02 = i32x4.add(c02, i32x4.dot_i16x8_s(b, a0)); c12 = i32x4.add(c12, i32x4.dot_i16x8_s(b, a1));
          b = v128.load8x8_s(p3, 24);
          c03 = i32x4.add(c03, i32x4.dot_i16x8_s(b, a0)); c13 = i32x4.add(c13, i32x4.dot_i16x8_s(b, a1));
          p0 += 32; p1 += 32; p2 += 32; p3 += 32; px0 += 64; px1 += 64;
        }
      }
      let r0 = hsum4i(c00, c01, c02, c03), r1 = hsum4i(c10, c11, c12, c13);
      if (Kf < K && !wide) {
        r0 = i32x4.add(r0, tail4i(Kf, K, w0, w1, w2, w3, x0));
        r1 = i32x4.add(r1, tail4i(Kf, K, w0, w1, w2, w3, x1));
      }
      const cp = c + <usize>i * sc + (<usize>j << 2);
      store_i8(r0, corr, load<f32>(at(sas, i)), scale, bias, j, cp, beta);
      store_i8(r1, corr, load<f32>(at(sas, i + 1)), scale, bias, j, cp + sc, beta);
    }
  }
  // N tail: the last N % 4 rows of W, one at a time
  for (; j < N; j++) {
    const wj = w + <usize>j * sw;
    const sj = load<f32>(at(ws, j));
    for (let i = 0; i < M; i++) {
      const x = scratch + <usize>i * rb;
      let c0 = off;
      for (let k = 0; k < Kf; k += KB) c0 = dot16(v128.load(wj + <usize>k), codes_lo(x, k), codes_hi(x, k), c0);
      let s = i32x4.extract_lane(hsum4i(c0, c0, c0, c0), 0) + dot_tail(Kf, K, wj, x);
      if (ASC_FEATURE_RELAXED_SIMD) s -= load<i32>(wsum + (<usize>j << 2)) << 6;
      let v: f32 = <f32>s * (load<f32>(at(sas, i)) * sj);
      if (bias != 0) v += load<f32>(at(bias, j));
      const cp = c + <usize>i * sc + (<usize>j << 2);
      if (beta != 0) v += load<f32>(cp);
      store<f32>(cp, v);
    }
  }
}

/** out[j] = Σ_k W[j, k] for j < N (i32; W: i8 rows of stride ldw bytes) */
export function i8_row_sums(N: i32, K: i32, w: usize, ldw: i32, out: usize): void {
  for (let j = 0; j < N; j++) {
    const wj = w + <usize>j * <usize>ldw;
    let s = 0;
    for (let k = 0; k < K; k++) s += <i32>load<i8>(wj + <usize>k);
    store<i32>(out + (<usize>j << 2), s);
  }
}

/**
 * dst[n, :D] = f32(table[idx[n], :D]) · scale[idx[n]]   (int8 embedding lookup)
 *   table: i8 rows of stride ldt bytes; scale: f32 per row; idx: i32[N]; dst: f32 rows of stride ldd
 */
export function gather_rows_i8(N: i32, D: i32, table: usize, ldt: i32, scale: usize, idx: usize, dst: usize, ldd: i32): void {
  const D16 = D & ~(KB - 1);
  for (let n = 0; n < N; n++) {
    const r = load<i32>(idx + (<usize>n << 2));
    const src = table + <usize>r * <usize>ldt;
    const s = load<f32>(at(scale, r));
    const sv = f32x4.splat(s);
    const out = dst + <usize>n * (<usize>ldd << 2);
    let k = 0;
    for (; k < D16; k += KB) {
      const b = v128.load(src + <usize>k);
      const lo = i16x8.extend_low_i8x16_s(b), hi = i16x8.extend_high_i8x16_s(b);
      const o = at(out, k);
      v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), sv));
      v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), sv), 16);
      v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), sv), 32);
      v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), sv), 48);
    }
    for (; k < D; k++) store<f32>(at(out, k), <f32>load<i8>(src + <usize>k) * s);
  }
}
