// GEMM family: the matrix products of every layer.
//
//   gemm_nt   C[M,N] = β·C + A[M,K] · B[N,K]ᵀ + bias[N]   Linear layers: y = x·Wᵀ + b, W: [out, in]
//   gemm_nn   C[M,N] = β·C + A[M,K] · B[K,N]   + bias[N]   backward: dx = dy·W
//   gemm_tn   C[M,N] = β·C + A[K,M]ᵀ · B[K,N]  + bias[N]   backward: dW += dyᵀ·x
//
// β is 0 (overwrite) or 1 (accumulate); bias = 0 means no bias. Leading
// dimensions (lda, ldb, ldc, in elements) let callers address column slices
// of a wider matrix (e.g. W_ih[:, 0:E] of a decoder whose input is [emb; ctx])
// and strided rows (one time step of a [B, S, ·] tensor). No size needs to be
// a multiple of anything: vector bodies are followed by scalar tails.

import { at, madd, LANES } from "./vec";

// ---- gemm_nt: dot products along K (both operands K-contiguous) ----------------
//
// Register tile: NT_TM = 2 rows of A against NT_TN = 4 rows of B, 8 f32x4
// accumulators, reduced across lanes once per tile (hsum4):
//
//                B[j] B[j+1] B[j+2] B[j+3]     per k-step: 2 + 4 loads, 8 madds
//   A[i]    │ c00  c01    c02    c03 │         C[i,   j..j+3] = hsum(c00..c03)
//   A[i+1]  │ c10  c11    c12    c13 │         C[i+1, j..j+3] = hsum(c10..c13)
//
// Loop order: row blocks of A (NT_ROW_BLOCK rows, kept in L2) → strips of
// NT_TN rows of B (kept in L1 while every row pair of the block passes) →
// row pairs → k. Each strip of B is read from memory once per row block.
// While a strip is in use, the next one is touched a few cache lines per row
// pair, so that large weight matrices (LSTM W_ih/W_hh, 4 MiB and more) stream
// in from L3 ahead of use instead of stalling the first row pair (worth up to
// ~10% on the batch-32 LSTM step when the other core loads L3; neutral when idle).
//
// An odd last row of A (and batch-1 decoding, M = 1) is a GEMV: one row of A
// against NT_GEMV_TN = 6 rows of B at a time (6 accumulators, 7 loads per
// k-step), each stream walked by its own pointer. It is bound by reading B.
//
// What limits these loops (Zen 4, V8 11.3, measured): instruction count, as
// wasm has no scaled-index addressing — a load is one instruction plus one
// for its address, unless the address is a pointer plus an immediate offset —
// and V8 scheduling all loads of a basic block first, so a bigger tile or a
// K-unrolled body without block boundaries spills (16 xmm registers). Hence
// the 2×4 and 1×6 tiles and the NT_KU scheme below. The plain SIMD build runs
// each madd as mul + add, so it is the more instruction-bound of the two.

// @ts-ignore: decorator
@inline const NT_TM: i32 = 2;
// @ts-ignore: decorator
@inline const NT_TN: i32 = 4;
// Rows of A kept hot in L2 while a strip of NT_TN rows of B sits in L1.
// @ts-ignore: decorator
@inline const NT_ROW_BLOCK: i32 = 64;
// k-steps (vectors of LANES floats) per iteration of the K loops of gemm_nt.
// The steps load at immediate offsets 0, 16, 32, 48 from pointers advanced
// once per iteration, so a load costs no address instruction; between steps a
// real exit test (rem <= 16·s) splits the body into basic blocks, which keeps
// V8 from hoisting all NT_KU steps' loads to the top (that would need more
// than the 16 xmm registers). About 20% fewer instructions than one step per
// iteration; any K works (the exits fix up the pointers). The loop bodies are
// written out for NT_KU = 4.
// @ts-ignore: decorator
@inline const NT_KU: i32 = 4;
// @ts-ignore: decorator
@inline const NT_KU_BYTES: i32 = NT_KU * LANES * 4;
// Rows of B per GEMV step (single row of A).
// @ts-ignore: decorator
@inline const NT_GEMV_TN: i32 = 6;
// Cache line: the granularity of the touches of the next strip of B.
// @ts-ignore: decorator
@inline const LINE: i32 = 64;
// L1 data cache: the next strip is touched only if it fits beside the current
// one (K ≤ 819 floats); for longer rows the touches evict lines still in use.
// @ts-ignore: decorator
@inline const NT_L1_BYTES: usize = 32768;

/** Lanes [Σv0, Σv1, Σv2, Σv3]. */
// @ts-ignore: decorator
@inline function hsum4(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  const s01 = f32x4.add(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v0, v1, 2, 6, 3, 7));
  const s23 = f32x4.add(i32x4.shuffle(v2, v3, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 2, 6, 3, 7));
  return f32x4.add(i32x4.shuffle(s01, s23, 0, 1, 4, 5), i32x4.shuffle(s01, s23, 2, 3, 6, 7));
}

/** Scalar K-tail of four dot products, as a vector. */
// @ts-ignore: decorator
@inline function tail4(a: usize, b0: usize, b1: usize, b2: usize, b3: usize, k0: i32, K: i32): v128 {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  for (let k = k0; k < K; k++) {
    const x = load<f32>(at(a, k));
    s0 += x * load<f32>(at(b0, k));
    s1 += x * load<f32>(at(b1, k));
    s2 += x * load<f32>(at(b2, k));
    s3 += x * load<f32>(at(b3, k));
  }
  let v = f32x4.splat(s0);
  v = f32x4.replace_lane(v, 1, s1);
  v = f32x4.replace_lane(v, 2, s2);
  v = f32x4.replace_lane(v, 3, s3);
  return v;
}

/** C[i, j..j+4] = β·C + bias + acc (vector store). */
// @ts-ignore: decorator
@inline function store4(c: usize, bias: usize, j: i32, acc: v128, beta: i32): void {
  let v = acc;
  if (bias != 0) v = f32x4.add(v, v128.load(at(bias, j)));
  if (beta != 0) v = f32x4.add(v, v128.load(c));
  v128.store(c, v);
}

/**
 * C[0, :N] = β·C + a[:K] · B[N,K]ᵀ + bias: one row of A against all rows of B
 * (B rows of byte stride sb).
 */
// @ts-ignore: decorator
@inline function nt_gemv(
  N: i32, K: i32, a: usize, b: usize, sb: usize, c: usize, bias: usize, beta: i32,
): void {
  const K4 = K & ~(LANES - 1);
  let j = 0;
  for (; j + NT_GEMV_TN <= N; j += NT_GEMV_TN) {
    // a · B[j..j+6]ᵀ: 1×6 tile, lanes reduced at the end
    let p0 = b + <usize>j * sb, p1 = p0 + sb, p2 = p1 + sb, p3 = p2 + sb, p4 = p3 + sb, p5 = p4 + sb;
    let pa = a;
    let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    let x: v128;
    for (let rem = K4 << 2; rem > 0; rem -= NT_KU_BYTES) {
      x = v128.load(pa, 0);
      c0 = madd(x, v128.load(p0, 0), c0); c1 = madd(x, v128.load(p1, 0), c1);
      c2 = madd(x, v128.load(p2, 0), c2); c3 = madd(x, v128.load(p3, 0), c3);
      c4 = madd(x, v128.load(p4, 0), c4); c5 = madd(x, v128.load(p5, 0), c5);
      if (rem <= 16) { pa += 16; p0 += 16; p1 += 16; p2 += 16; p3 += 16; p4 += 16; p5 += 16; break; }
      x = v128.load(pa, 16);
      c0 = madd(x, v128.load(p0, 16), c0); c1 = madd(x, v128.load(p1, 16), c1);
      c2 = madd(x, v128.load(p2, 16), c2); c3 = madd(x, v128.load(p3, 16), c3);
      c4 = madd(x, v128.load(p4, 16), c4); c5 = madd(x, v128.load(p5, 16), c5);
      if (rem <= 32) { pa += 32; p0 += 32; p1 += 32; p2 += 32; p3 += 32; p4 += 32; p5 += 32; break; }
      x = v128.load(pa, 32);
      c0 = madd(x, v128.load(p0, 32), c0); c1 = madd(x, v128.load(p1, 32), c1);
      c2 = madd(x, v128.load(p2, 32), c2); c3 = madd(x, v128.load(p3, 32), c3);
      c4 = madd(x, v128.load(p4, 32), c4); c5 = madd(x, v128.load(p5, 32), c5);
      if (rem <= 48) { pa += 48; p0 += 48; p1 += 48; p2 += 48; p3 += 48; p4 += 48; p5 += 48; break; }
      x = v128.load(pa, 48);
      c0 = madd(x, v128.load(p0, 48), c0); c1 = madd(x, v128.load(p1, 48), c1);
      c2 = madd(x, v128.load(p2, 48), c2); c3 = madd(x, v128.load(p3, 48), c3);
      c4 = madd(x, v128.load(p4, 48), c4); c5 = madd(x, v128.load(p5, 48), c5);
      pa += NT_KU_BYTES; p0 += NT_KU_BYTES; p1 += NT_KU_BYTES; p2 += NT_KU_BYTES;
      p3 += NT_KU_BYTES; p4 += NT_KU_BYTES; p5 += NT_KU_BYTES;
    }
    let r0 = hsum4(c0, c1, c2, c3), r1 = hsum4(c4, c5, c4, c5); // r1 lanes: Σc4, Σc5, (dup)
    if (K4 < K) {
      r0 = f32x4.add(r0, tail4(pa, p0, p1, p2, p3, 0, K - K4));
      r1 = f32x4.add(r1, tail4(pa, p4, p5, p4, p5, 0, K - K4));
    }
    const cj = c + (<usize>j << 2);
    store4(cj, bias, j, r0, beta);
    let s4 = f32x4.extract_lane(r1, 0), s5 = f32x4.extract_lane(r1, 1);
    if (bias != 0) {
      s4 += load<f32>(at(bias, j + 4));
      s5 += load<f32>(at(bias, j + 5));
    }
    if (beta != 0) {
      s4 += load<f32>(cj, 16);
      s5 += load<f32>(cj, 20);
    }
    store<f32>(cj, s4, 16);
    store<f32>(cj, s5, 20);
  }
  // N tail: the last N % 6 rows of B, one dot product each
  for (; j < N; j++) {
    const bj = b + <usize>j * sb;
    let acc = f32x4.splat(0);
    for (let k = 0; k < K4; k += LANES) acc = madd(v128.load(at(a, k)), v128.load(at(bj, k)), acc);
    let s = f32x4.extract_lane(hsum4(acc, acc, acc, acc), 0);
    for (let k = K4; k < K; k++) s += load<f32>(at(a, k)) * load<f32>(at(bj, k));
    if (bias != 0) s += load<f32>(at(bias, j));
    const cp = c + (<usize>j << 2);
    if (beta != 0) s += load<f32>(cp);
    store<f32>(cp, s);
  }
}

export function gemm_nt(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  const K4 = K & ~(LANES - 1);
  const sa = <usize>lda << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  const rowBytes = <usize>K << 2;
  const M2 = M & ~(NT_TM - 1); // rows in pairs; an odd last row goes to nt_gemv
  // touch only when this strip, the next one and a row pair fit in L1 together
  const touch = rowBytes * <usize>(2 * NT_TN + NT_TM) <= NT_L1_BYTES;
  for (let i0 = 0; i0 < M2; i0 += NT_ROW_BLOCK) {
    const i1 = min(M2, i0 + NT_ROW_BLOCK);
    const pairs = (i1 - i0) / NT_TM;
    let j = 0;
    for (; j + NT_TN <= N; j += NT_TN) {
      const b0 = b + <usize>j * sb, b1 = b0 + sb, b2 = b1 + sb, b3 = b2 + sb;
      // touches of the next strip B[j+4..j+8, :K]: its cache lines, spread over the row pairs
      const next = touch ? min(NT_TN, N - j - NT_TN) : 0;
      let left = next > 0 ? <i32>((rowBytes + LINE - 1) / LINE) * next : 0;
      const quota = (left + pairs - 1) / pairs;
      let tr = b3 + sb, tc: usize = 0;
      for (let i = i0; i < i1; i += NT_TM) {
        for (let q = 0; q < quota && left > 0; q++, left--) {
          // an unused load: wasm has no prefetch, and engines keep loads (they may trap)
          load<i32>(tr + tc);
          tc += LINE;
          if (tc >= rowBytes) { tc = 0; tr += sb; }
        }
        // x[i], x[i+1] · W[j..j+4]ᵀ : 2×4 register tile
        let pa0 = a + <usize>i * sa, pa1 = pa0 + sa;
        let pb0 = b0, pb1 = b1, pb2 = b2, pb3 = b3;
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
        let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
        let x0: v128, x1: v128, w0: v128, w1: v128, w2: v128, w3: v128;
        // NT_KU k-steps per iteration at immediate offsets, an exit test between them (see above)
        for (let rem = K4 << 2; rem > 0; rem -= NT_KU_BYTES) {
          x0 = v128.load(pa0, 0); x1 = v128.load(pa1, 0);
          w0 = v128.load(pb0, 0); w1 = v128.load(pb1, 0); w2 = v128.load(pb2, 0); w3 = v128.load(pb3, 0);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01); c02 = madd(x0, w2, c02); c03 = madd(x0, w3, c03);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11); c12 = madd(x1, w2, c12); c13 = madd(x1, w3, c13);
          if (rem <= 16) { pa0 += 16; pa1 += 16; pb0 += 16; pb1 += 16; pb2 += 16; pb3 += 16; break; }
          x0 = v128.load(pa0, 16); x1 = v128.load(pa1, 16);
          w0 = v128.load(pb0, 16); w1 = v128.load(pb1, 16); w2 = v128.load(pb2, 16); w3 = v128.load(pb3, 16);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01); c02 = madd(x0, w2, c02); c03 = madd(x0, w3, c03);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11); c12 = madd(x1, w2, c12); c13 = madd(x1, w3, c13);
          if (rem <= 32) { pa0 += 32; pa1 += 32; pb0 += 32; pb1 += 32; pb2 += 32; pb3 += 32; break; }
          x0 = v128.load(pa0, 32); x1 = v128.load(pa1, 32);
          w0 = v128.load(pb0, 32); w1 = v128.load(pb1, 32); w2 = v128.load(pb2, 32); w3 = v128.load(pb3, 32);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01); c02 = madd(x0, w2, c02); c03 = madd(x0, w3, c03);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11); c12 = madd(x1, w2, c12); c13 = madd(x1, w3, c13);
          if (rem <= 48) { pa0 += 48; pa1 += 48; pb0 += 48; pb1 += 48; pb2 += 48; pb3 += 48; break; }
          x0 = v128.load(pa0, 48); x1 = v128.load(pa1, 48);
          w0 = v128.load(pb0, 48); w1 = v128.load(pb1, 48); w2 = v128.load(pb2, 48); w3 = v128.load(pb3, 48);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01); c02 = madd(x0, w2, c02); c03 = madd(x0, w3, c03);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11); c12 = madd(x1, w2, c12); c13 = madd(x1, w3, c13);
          pa0 += NT_KU_BYTES; pa1 += NT_KU_BYTES;
          pb0 += NT_KU_BYTES; pb1 += NT_KU_BYTES; pb2 += NT_KU_BYTES; pb3 += NT_KU_BYTES;
        }
        let r0 = hsum4(c00, c01, c02, c03), r1 = hsum4(c10, c11, c12, c13);
        if (K4 < K) {
          r0 = f32x4.add(r0, tail4(pa0, pb0, pb1, pb2, pb3, 0, K - K4));
          r1 = f32x4.add(r1, tail4(pa1, pb0, pb1, pb2, pb3, 0, K - K4));
        }
        store4(c + <usize>i * sc + (<usize>j << 2), bias, j, r0, beta);
        store4(c + <usize>(i + 1) * sc + (<usize>j << 2), bias, j, r1, beta);
      }
    }
    // N tail: the last N % 4 rows of B, one dot product each.
    for (; j < N; j++) {
      const bj = b + <usize>j * sb;
      for (let i = i0; i < i1; i++) {
        const ai = a + <usize>i * sa;
        let acc = f32x4.splat(0);
        for (let k = 0; k < K4; k += LANES) {
          const o = <usize>k << 2;
          acc = madd(v128.load(ai + o), v128.load(bj + o), acc);
        }
        let s = f32x4.extract_lane(hsum4(acc, acc, acc, acc), 0);
        for (let k = K4; k < K; k++) s += load<f32>(at(ai, k)) * load<f32>(at(bj, k));
        if (bias != 0) s += load<f32>(at(bias, j));
        const cp = c + <usize>i * sc + (<usize>j << 2);
        if (beta != 0) s += load<f32>(cp);
        store<f32>(cp, s);
      }
    }
  }
  if (M2 < M) nt_gemv(N, K, a + <usize>M2 * sa, b, sb, c + <usize>M2 * sc, bias, beta);
}

// ---- A·B and Aᵀ·B: broadcast one element of A against vectors of a row of B ----
// Register tile: XN_TM rows of C × 8 columns (two vectors) = 8 accumulators.
// A[i, k] lives at a + (i·ars + k·aks)·4, so one body serves both layouts:
// gemm_nn passes (ars, aks) = (lda, 1), gemm_tn passes (1, lda).
// @ts-ignore: decorator
@inline const XN_TM: i32 = 4;
// Columns of C per pass: the B panel B[:, j0..j0+XN_COL_BLOCK] (K × 512 bytes)
// stays in L2 while every row block of A passes over it, instead of all of B
// streaming from L3 once per 4 rows of A (gemm_tn 512³: +20% simd, +8% relaxed).
// @ts-ignore: decorator
@inline const XN_COL_BLOCK: i32 = 128;
// When K is long, the K × 128 panel outgrows L2 (K = 8000: 4 MiB, read again by
// every 4-row tile: the generator's dx = dy·W, K = Vt): the block narrows, by
// halves down to 8 columns, until its panel fits XN_PANEL_BYTES. The narrower
// blocks start at multiples of their width and keep the 8-column strips where
// the 128-wide ones had them, so every element of C gets the same instructions.
// @ts-ignore: decorator
@inline const XN_PANEL_BYTES: i32 = 524288;
// gemm_nn with β = 0 and no bias runs K in blocks of XN_KC rows of B: the
// XN_KC × 128 panel (256 KiB) stays in L2 for every row tile and a row tile's
// A[i..i+4, k0..k0+XN_KC] (8 KiB) in L1 for every strip (the generator's
// dx = dy·W, K = Vt, M = B).
// @ts-ignore: decorator
@inline const XN_KC: i32 = 512;
// k-steps per iteration of the gemm_nn tile loop (see NT_KU).
// @ts-ignore: decorator
@inline const XN_KU: i32 = 4;

// @ts-ignore: decorator
@inline function gemm_xn(
  M: i32, N: i32, K: i32,
  a: usize, ars: i32, aks: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32, init: i32,
): void {
  // init != 0: the accumulators start from C (a partial sum over earlier k; bias = β = 0)
  const sr = <usize>ars << 2, sk = <usize>aks << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  let i = 0;
  for (; i + XN_TM <= M; i += XN_TM) {
    const ar = a + <usize>i * sr;
    const c0 = c + <usize>i * sc, c1 = c0 + sc, c2 = c1 + sc, c3 = c2 + sc;
    let j = 0;
    for (; j + 2 * LANES <= N; j += 2 * LANES) {
      const jo = <usize>j << 2;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      if (init != 0) {
        c00 = v128.load(c0 + jo); c01 = v128.load(c0 + jo, 16); c10 = v128.load(c1 + jo); c11 = v128.load(c1 + jo, 16);
        c20 = v128.load(c2 + jo); c21 = v128.load(c2 + jo, 16); c30 = v128.load(c3 + jo); c31 = v128.load(c3 + jo, 16);
      }
      let bp = b + jo;
      let w0: v128, w1: v128, x0: v128, x1: v128, x2: v128, x3: v128;
      if (aks == 1) {
        // gemm_nn: A rows are K-contiguous: XN_KU k-steps per iteration, A at
        // immediate offsets, an exit test between steps (as NT_KU in gemm_nt)
        let pa0 = ar, pa1 = pa0 + sr, pa2 = pa1 + sr, pa3 = pa2 + sr;
        for (let rem = K; rem > 0; rem -= XN_KU) {
          w0 = v128.load(bp); w1 = v128.load(bp, 16);
          x0 = v128.load32_splat(pa0, 0); x1 = v128.load32_splat(pa1, 0);
          x2 = v128.load32_splat(pa2, 0); x3 = v128.load32_splat(pa3, 0);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
          c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
          c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
          bp += sb;
          if (rem <= 1) { pa0 += 4; pa1 += 4; pa2 += 4; pa3 += 4; break; }
          w0 = v128.load(bp); w1 = v128.load(bp, 16);
          x0 = v128.load32_splat(pa0, 4); x1 = v128.load32_splat(pa1, 4);
          x2 = v128.load32_splat(pa2, 4); x3 = v128.load32_splat(pa3, 4);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
          c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
          c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
          bp += sb;
          if (rem <= 2) { pa0 += 8; pa1 += 8; pa2 += 8; pa3 += 8; break; }
          w0 = v128.load(bp); w1 = v128.load(bp, 16);
          x0 = v128.load32_splat(pa0, 8); x1 = v128.load32_splat(pa1, 8);
          x2 = v128.load32_splat(pa2, 8); x3 = v128.load32_splat(pa3, 8);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
          c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
          c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
          bp += sb;
          if (rem <= 3) { pa0 += 12; pa1 += 12; pa2 += 12; pa3 += 12; break; }
          w0 = v128.load(bp); w1 = v128.load(bp, 16);
          x0 = v128.load32_splat(pa0, 12); x1 = v128.load32_splat(pa1, 12);
          x2 = v128.load32_splat(pa2, 12); x3 = v128.load32_splat(pa3, 12);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
          c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
          c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
          bp += sb;
          pa0 += 4 * XN_KU; pa1 += 4 * XN_KU; pa2 += 4 * XN_KU; pa3 += 4 * XN_KU;
        }
      } else {
        // gemm_tn: A[k, i..i+4] is contiguous: one pointer, immediate offsets
        let ap = ar;
        for (let k = 0; k < K; k++) {
          w0 = v128.load(bp); w1 = v128.load(bp, 16);
          x0 = v128.load32_splat(ap); x1 = v128.load32_splat(ap, 4);
          x2 = v128.load32_splat(ap, 8); x3 = v128.load32_splat(ap, 12);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
          c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
          c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
          ap += sk; bp += sb;
        }
      }
      store4(c0 + jo, bias, j, c00, beta); store4(c0 + jo + 16, bias, j + 4, c01, beta);
      store4(c1 + jo, bias, j, c10, beta); store4(c1 + jo + 16, bias, j + 4, c11, beta);
      store4(c2 + jo, bias, j, c20, beta); store4(c2 + jo + 16, bias, j + 4, c21, beta);
      store4(c3 + jo, bias, j, c30, beta); store4(c3 + jo + 16, bias, j + 4, c31, beta);
    }
    for (; j + LANES <= N; j += LANES) {
      const jo = <usize>j << 2;
      let c0v = f32x4.splat(0), c1v = f32x4.splat(0), c2v = f32x4.splat(0), c3v = f32x4.splat(0);
      if (init != 0) { c0v = v128.load(c0 + jo); c1v = v128.load(c1 + jo); c2v = v128.load(c2 + jo); c3v = v128.load(c3 + jo); }
      let ap = ar, bp = b + jo;
      for (let k = 0; k < K; k++) {
        const w0 = v128.load(bp);
        c0v = madd(v128.load32_splat(ap), w0, c0v);
        c1v = madd(v128.load32_splat(ap + sr), w0, c1v);
        c2v = madd(v128.load32_splat(ap + 2 * sr), w0, c2v);
        c3v = madd(v128.load32_splat(ap + 3 * sr), w0, c3v);
        ap += sk; bp += sb;
      }
      store4(c0 + jo, bias, j, c0v, beta); store4(c1 + jo, bias, j, c1v, beta);
      store4(c2 + jo, bias, j, c2v, beta); store4(c3 + jo, bias, j, c3v, beta);
    }
    for (; j < N; j++) xn_scalar(i, i + XN_TM, j, K, a, sr, sk, b, sb, c, sc, bias, beta, init);
  }
  // M tail: single rows.
  for (; i < M; i++) {
    const ar = a + <usize>i * sr;
    const ci = c + <usize>i * sc;
    let j = 0;
    for (; j + 2 * LANES <= N; j += 2 * LANES) {
      const jo = <usize>j << 2;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      if (init != 0) { c00 = v128.load(ci + jo); c01 = v128.load(ci + jo, 16); }
      let ap = ar, bp = b + jo;
      for (let k = 0; k < K; k++) {
        const x0 = v128.load32_splat(ap);
        c00 = madd(x0, v128.load(bp), c00);
        c01 = madd(x0, v128.load(bp, 16), c01);
        ap += sk; bp += sb;
      }
      store4(ci + jo, bias, j, c00, beta); store4(ci + jo + 16, bias, j + 4, c01, beta);
    }
    for (; j + LANES <= N; j += LANES) {
      const jo = <usize>j << 2;
      let c00 = f32x4.splat(0);
      if (init != 0) c00 = v128.load(ci + jo);
      let ap = ar, bp = b + jo;
      for (let k = 0; k < K; k++) {
        c00 = madd(v128.load32_splat(ap), v128.load(bp), c00);
        ap += sk; bp += sb;
      }
      store4(ci + jo, bias, j, c00, beta);
    }
    for (; j < N; j++) xn_scalar(i, i + 1, j, K, a, sr, sk, b, sb, c, sc, bias, beta, init);
  }
}

// @ts-ignore: decorator
@inline function xn_scalar(
  i0: i32, i1: i32, j: i32, K: i32,
  a: usize, sr: usize, sk: usize, b: usize, sb: usize, c: usize, sc: usize,
  bias: usize, beta: i32, init: i32,
): void {
  for (let i = i0; i < i1; i++) {
    let s: f32 = init != 0 ? load<f32>(c + <usize>i * sc + (<usize>j << 2)) : 0;
    let ap = a + <usize>i * sr, bp = b + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += sk; bp += sb;
    }
    if (bias != 0) s += load<f32>(at(bias, j));
    const cp = c + <usize>i * sc + (<usize>j << 2);
    if (beta != 0) s += load<f32>(cp);
    store<f32>(cp, s);
  }
}

/** Column block width of gemm_nn/gemm_tn for a K: XN_COL_BLOCK halved while the K × width panel exceeds XN_PANEL_BYTES (at least 8). */
// @ts-ignore: decorator
@inline function xn_block(K: i32): i32 {
  let w = XN_COL_BLOCK;
  while (w > 2 * LANES && <i64>K * <i64>(w << 2) > <i64>XN_PANEL_BYTES) w >>= 1;
  return w;
}

export function gemm_nn(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  if (beta == 0 && bias == 0 && K > XN_KC) {
    // K in blocks of XN_KC: C holds the partial sums between blocks, each
    // element's madd chain continuing where it stopped (an f32 store and
    // load are exact), so the result is that of one pass over K
    const sb = <usize>ldb << 2;
    for (let k0 = 0; k0 < K; k0 += XN_KC) {
      const kc = min(XN_KC, K - k0);
      const ak = a + (<usize>k0 << 2), bk = b + <usize>k0 * sb;
      for (let j0 = 0; j0 < N; j0 += XN_COL_BLOCK) {
        const o = <usize>j0 << 2;
        gemm_xn(M, min(XN_COL_BLOCK, N - j0), kc, ak, lda, 1, bk + o, ldb, c + o, ldc, 0, 0, k0 > 0 ? 1 : 0);
      }
    }
    return;
  }
  const w = xn_block(K);
  for (let j0 = 0; j0 < N; j0 += w) {
    const o = <usize>j0 << 2;
    gemm_xn(M, min(w, N - j0), K, a, lda, 1, b + o, ldb, c + o, ldc, bias != 0 ? bias + o : 0, beta, 0);
  }
}

export function gemm_tn(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  for (let j0 = 0; j0 < N; j0 += XN_COL_BLOCK) {
    const o = <usize>j0 << 2;
    gemm_xn(M, min(XN_COL_BLOCK, N - j0), K, a, 1, lda, b + o, ldb, c + o, ldc, bias != 0 ? bias + o : 0, beta, 0);
  }
}
