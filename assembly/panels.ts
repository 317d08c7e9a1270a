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

/**
 * C[M,N] = β·C + A[M,K]·Wᵀ + bias with W packed by pack_panels(N, K, …) at p.
 * Per panel (8 columns of C), rows of A in groups of 4, then 2, then 1; the
 * panel (K·32 bytes) stays in L1/L2 while the groups pass over it, so W is
 * read from memory once per call whatever M is.
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
  let pj = p;
  for (let j0 = 0; j0 < N; j0 += PANEL) {
    const n = min(PANEL, N - j0);
    let i = 0;
    // 4 rows × 8 columns: 8 accumulators; per k 4 splats, 2 loads, 8 madds
    for (; i + 4 <= M; i += 4) {
      const a0 = a + <usize>i * sa, a1 = a0 + sa, a2 = a1 + sa, a3 = a2 + sa;
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
      storeRow(c + <usize>i * sc, bias, j0, n, c00, c01, beta);
      storeRow(c + <usize>(i + 1) * sc, bias, j0, n, c10, c11, beta);
      storeRow(c + <usize>(i + 2) * sc, bias, j0, n, c20, c21, beta);
      storeRow(c + <usize>(i + 3) * sc, bias, j0, n, c30, c31, beta);
    }
    // 2 rows × 8 columns
    if (i + 2 <= M) {
      const a0 = a + <usize>i * sa, a1 = a0 + sa;
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
      storeRow(c + <usize>i * sc, bias, j0, n, c00, c01, beta);
      storeRow(c + <usize>(i + 1) * sc, bias, j0, n, c10, c11, beta);
      i += 2;
    }
    // 1 row × 8 columns (greedy decoding: the only row). k in four phases
    // into separate accumulators (8), one k per basic block: each accumulator
    // takes one madd per four k. With two phases (4 accumulators) the madd
    // latency bounded the loop: from cache the relaxed build (FMA) ran it
    // slower than the plain SIMD one (53 against 62 GB/s for 6 MiB). The real
    // exit tests of a K not a multiple of 4 split the body into blocks, which
    // keeps V8 from hoisting all four k's loads to the top (that would spill:
    // 16 xmm registers). One panel at a time, one sequential stream: two
    // panels side by side were as fast from cache but 1.6× slower from memory.
    if (i < M) {
      const a0 = a + <usize>i * sa;
      let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
      let q = pj, pa = a0;
      for (let rem = K; rem > 0; rem -= 4) {
        let x = v128.load32_splat(pa);
        c0 = madd(x, v128.load(q), c0); c1 = madd(x, v128.load(q, 16), c1);
        if (rem == 1) break;
        x = v128.load32_splat(pa, 4);
        c2 = madd(x, v128.load(q, 32), c2); c3 = madd(x, v128.load(q, 48), c3);
        if (rem == 2) break;
        x = v128.load32_splat(pa, 8);
        c4 = madd(x, v128.load(q, 64), c4); c5 = madd(x, v128.load(q, 80), c5);
        if (rem == 3) break;
        x = v128.load32_splat(pa, 12);
        c6 = madd(x, v128.load(q, 96), c6); c7 = madd(x, v128.load(q, 112), c7);
        q += 4 * PANEL_BYTES_PER_K; pa += 16;
      }
      storeRow(c + <usize>i * sc, bias, j0, n, f32x4.add(f32x4.add(c0, c2), f32x4.add(c4, c6)), f32x4.add(f32x4.add(c1, c3), f32x4.add(c5, c7)), beta);
    }
    pj += panelBytes;
  }
}
