// Few-row GEMM over weights packed in column panels: decoding one sentence
// (greedy: 1 row; beam k: k rows) multiplies a handful of rows by every
// decoder matrix per output token. That is bound by reading the weights
// (30 MB per token for the reference model, more than L3 holds), and the
// row-major gemm_nt reads six rows of W at once: six interleaved streams,
// which the hardware prefetchers follow at ~12 GB/s. Packed panels are one
// sequential stream, read 2–5× faster (bench/panels.bench.ts, docs/benchmarks.md).
//
//   pack_panels   P[N/8][K][8] ← W[N, K]ᵀ in blocks of 8 rows (zero-padded)
//   gemm_pn       C[M,N] = β·C + A[M,K] · W[N,K]ᵀ + bias[N]   (W given as P)
//
// gemm_pn computes exactly gemm_nt's product (same β, bias and strides for A
// and C), only with W read from its panels; the sums run in a different order,
// so results agree to rounding. Inference only: P is a copy, repacked by the
// host (Model.refresh) whenever W changes.

import { at, madd } from "./vec";

// @ts-ignore: decorator
@inline const PANEL: i32 = 8;
// @ts-ignore: decorator
@inline const PANEL_BYTES_PER_K: usize = 32;

/** Floats of the panels of an [N, K] matrix: ceil(N/8)·K·8. */
export function panels_size(N: i32, K: i32): i32 {
  return ((N + PANEL - 1) / PANEL) * K * PANEL;
}

/** P[jp][k][l] = W[8·jp + l, k] (0 past row N−1); W rows of stride ldw floats. */
export function pack_panels(N: i32, K: i32, w: usize, ldw: i32, p: usize): void {
  let q = p;
  for (let j0 = 0; j0 < N; j0 += PANEL) {
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < PANEL; l++) {
        const j = j0 + l;
        store<f32>(q, j < N ? load<f32>(w + ((<usize>j * <usize>ldw + <usize>k) << 2)) : 0);
        q += 4;
      }
    }
  }
}

/** Writes the first n (1..8) lanes of [lo, hi] to C[j0..j0+n] after adding bias and β·C. */
// @ts-ignore: decorator
@inline function storeRow(c: usize, bias: usize, j0: i32, n: i32, lo: v128, hi: v128, beta: i32): void {
  const cp = c + (<usize>j0 << 2);
  let v0 = lo, v1 = hi;
  if (n == PANEL) {
    if (bias != 0) { v0 = f32x4.add(v0, v128.load(at(bias, j0))); v1 = f32x4.add(v1, v128.load(at(bias, j0), 16)); }
    if (beta != 0) { v0 = f32x4.add(v0, v128.load(cp)); v1 = f32x4.add(v1, v128.load(cp, 16)); }
    v128.store(cp, v0);
    v128.store(cp, v1, 16);
    return;
  }
  // last, partial panel: lane by lane (lane indices must be constants)
  for (let l = 0; l < n; l++) {
    let s: f32;
    switch (l) {
      case 0: s = f32x4.extract_lane(v0, 0); break;
      case 1: s = f32x4.extract_lane(v0, 1); break;
      case 2: s = f32x4.extract_lane(v0, 2); break;
      case 3: s = f32x4.extract_lane(v0, 3); break;
      case 4: s = f32x4.extract_lane(v1, 0); break;
      case 5: s = f32x4.extract_lane(v1, 1); break;
      case 6: s = f32x4.extract_lane(v1, 2); break;
      default: s = f32x4.extract_lane(v1, 3);
    }
    if (bias != 0) s += load<f32>(at(bias, j0 + l));
    if (beta != 0) s += load<f32>(cp + (<usize>l << 2));
    store<f32>(cp + (<usize>l << 2), s);
  }
}

/** C rows i..i+3, panel columns j0..j0+n = A rows i..i+3 · panel at pj (K rows of 8 floats). */
// @ts-ignore: decorator
@inline function rows4(a0: usize, sa: usize, pj: usize, K: i32, c0p: usize, sc: usize, bias: usize, j0: i32, n: i32, beta: i32): void {
  const a1 = a0 + sa, a2 = a1 + sa, a3 = a2 + sa;
  // 4 rows × 8 columns: 8 accumulators; per k 4 splats, 2 loads, 8 madds
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  let q = pj;
  for (let k = 0; k < K; k++) {
    const o = <usize>k << 2;
    const w0 = v128.load(q), w1 = v128.load(q, 16);
    let x = v128.load32_splat(a0 + o);
    c00 = madd(x, w0, c00); c01 = madd(x, w1, c01);
    x = v128.load32_splat(a1 + o);
    c10 = madd(x, w0, c10); c11 = madd(x, w1, c11);
    x = v128.load32_splat(a2 + o);
    c20 = madd(x, w0, c20); c21 = madd(x, w1, c21);
    x = v128.load32_splat(a3 + o);
    c30 = madd(x, w0, c30); c31 = madd(x, w1, c31);
    q += PANEL_BYTES_PER_K;
  }
  storeRow(c0p, bias, j0, n, c00, c01, beta);
  storeRow(c0p + sc, bias, j0, n, c10, c11, beta);
  storeRow(c0p + 2 * sc, bias, j0, n, c20, c21, beta);
  storeRow(c0p + 3 * sc, bias, j0, n, c30, c31, beta);
}

/** C rows i, i+1, panel columns j0..j0+n = A rows i, i+1 · panel at pj. */
// @ts-ignore: decorator
@inline function rows2(a0: usize, sa: usize, pj: usize, K: i32, c0p: usize, sc: usize, bias: usize, j0: i32, n: i32, beta: i32): void {
  const a1 = a0 + sa;
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00;
  let q = pj;
  for (let k = 0; k < K; k++) {
    const o = <usize>k << 2;
    const w0 = v128.load(q), w1 = v128.load(q, 16);
    let x = v128.load32_splat(a0 + o);
    c00 = madd(x, w0, c00); c01 = madd(x, w1, c01);
    x = v128.load32_splat(a1 + o);
    c10 = madd(x, w0, c10); c11 = madd(x, w1, c11);
    q += PANEL_BYTES_PER_K;
  }
  storeRow(c0p, bias, j0, n, c00, c01, beta);
  storeRow(c0p + sc, bias, j0, n, c10, c11, beta);
}

// One row of A (greedy decoding: the only row). Per accumulator one madd per
// two k, so the madd latency (4 cycles for the relaxed build's FMA) bounds the
// loop unless enough accumulators run side by side; V8 hoists all loads of a
// basic block to its top, so an unrolled body without a block boundary spills
// (16 xmm registers). Hence: two panels at once (8 accumulators: even k into
// c0..c3's lanes 0–7 of each panel, odd k into the other four), one k per
// block, the blocks split by the real exit test of an odd K. Each accumulator
// sums the same products in the same order as with one panel at a time, so
// the results do not depend on how the panels are paired.

/** C row, panel columns j0..j0+n = A row · panel at pj (one panel). */
// @ts-ignore: decorator
@inline function row1(a0: usize, pj: usize, K: i32, cp: usize, bias: usize, j0: i32, n: i32, beta: i32): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0;
  let q = pj, pa = a0;
  for (let rem = K; rem > 0; rem -= 2) {
    let x = v128.load32_splat(pa);
    c0 = madd(x, v128.load(q), c0); c1 = madd(x, v128.load(q, 16), c1);
    if (rem == 1) break;
    x = v128.load32_splat(pa, 4);
    c2 = madd(x, v128.load(q, 32), c2); c3 = madd(x, v128.load(q, 48), c3);
    q += 2 * PANEL_BYTES_PER_K; pa += 8;
  }
  storeRow(cp, bias, j0, n, f32x4.add(c0, c2), f32x4.add(c1, c3), beta);
}

/** C row, columns j0..j0+8+n2 = A row · the panels at pj (full) and pj + panelBytes (n2 columns). */
// @ts-ignore: decorator
@inline function row1x2(a0: usize, pj: usize, panelBytes: usize, K: i32, cp: usize, bias: usize, j0: i32, n2: i32, beta: i32): void {
  let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, d0 = c0, d1 = c0, d2 = c0, d3 = c0;
  let q = pj, r = pj + panelBytes, pa = a0;
  for (let rem = K; rem > 0; rem -= 2) {
    let x = v128.load32_splat(pa);
    c0 = madd(x, v128.load(q), c0); c1 = madd(x, v128.load(q, 16), c1);
    d0 = madd(x, v128.load(r), d0); d1 = madd(x, v128.load(r, 16), d1);
    if (rem == 1) break;
    x = v128.load32_splat(pa, 4);
    c2 = madd(x, v128.load(q, 32), c2); c3 = madd(x, v128.load(q, 48), c3);
    d2 = madd(x, v128.load(r, 32), d2); d3 = madd(x, v128.load(r, 48), d3);
    q += 2 * PANEL_BYTES_PER_K; r += 2 * PANEL_BYTES_PER_K; pa += 8;
  }
  storeRow(cp, bias, j0, PANEL, f32x4.add(c0, c2), f32x4.add(c1, c3), beta);
  storeRow(cp, bias, j0 + PANEL, n2, f32x4.add(d0, d2), f32x4.add(d1, d3), beta);
}

/**
 * C[M,N] = β·C + A[M,K]·Wᵀ + bias with W packed by pack_panels(N, K, …) at p.
 * Per pair of panels (16 columns of C): rows of A in groups of 4, then 2,
 * over each panel of the pair, then a last single row over both at once
 * (row1x2). The pair (2·K·32 bytes) stays in L1/L2 while the groups pass
 * over it, so W is read from memory once per call whatever M is.
 */
export function gemm_pn(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  p: usize,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  const sa = <usize>lda << 2, sc = <usize>ldc << 2;
  const panelBytes = <usize>K * PANEL_BYTES_PER_K;
  const M4 = M & ~3;
  let pj = p;
  for (let j0 = 0; j0 < N; ) {
    // a pair when a second panel follows (the first one is then full)
    const pair = j0 + PANEL < N;
    const last = pair ? 2 : 1;
    for (let s = 0; s < last; s++) {
      const js = j0 + s * PANEL, ps = pj + <usize>s * panelBytes;
      const n = min(PANEL, N - js);
      for (let i = 0; i < M4; i += 4) rows4(a + <usize>i * sa, sa, ps, K, c + <usize>i * sc, sc, bias, js, n, beta);
      if (M4 + 2 <= M) rows2(a + <usize>M4 * sa, sa, ps, K, c + <usize>M4 * sc, sc, bias, js, n, beta);
    }
    if (M & 1) {
      const i = M - 1;
      if (pair) row1x2(a + <usize>i * sa, pj, panelBytes, K, c + <usize>i * sc, bias, j0, min(PANEL, N - j0 - PANEL), beta);
      else row1(a + <usize>i * sa, pj, K, c + <usize>i * sc, bias, j0, N - j0, beta);
    }
    j0 += last * PANEL;
    pj += <usize>last * panelBytes;
  }
}
