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

// Register tile of gemm_nt: TM rows of A against TN rows of B (8 accumulators).
// @ts-ignore: decorator
@inline const NT_TM: i32 = 2;
// @ts-ignore: decorator
@inline const NT_TN: i32 = 4;
// Rows of A kept hot in L2 while a strip of TN rows of B sits in L1.
// @ts-ignore: decorator
@inline const NT_ROW_BLOCK: i32 = 64;

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

export function gemm_nt(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  const K4 = K & ~(LANES - 1);
  const sa = <usize>lda << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  for (let i0 = 0; i0 < M; i0 += NT_ROW_BLOCK) {
    const i1 = min(M, i0 + NT_ROW_BLOCK);
    let j = 0;
    for (; j + NT_TN <= N; j += NT_TN) {
      const b0 = b + <usize>j * sb, b1 = b0 + sb, b2 = b1 + sb, b3 = b2 + sb;
      let i = i0;
      for (; i + NT_TM <= i1; i += NT_TM) {
        // x[i], x[i+1] · W[j..j+4]ᵀ : 2×4 register tile
        const a0 = a + <usize>i * sa, a1 = a0 + sa;
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
        let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
        for (let k = 0; k < K4; k += LANES) {
          const o = <usize>k << 2;
          const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
          const w0 = v128.load(b0 + o), w1 = v128.load(b1 + o);
          const w2 = v128.load(b2 + o), w3 = v128.load(b3 + o);
          c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01); c02 = madd(x0, w2, c02); c03 = madd(x0, w3, c03);
          c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11); c12 = madd(x1, w2, c12); c13 = madd(x1, w3, c13);
        }
        let r0 = hsum4(c00, c01, c02, c03), r1 = hsum4(c10, c11, c12, c13);
        if (K4 < K) {
          r0 = f32x4.add(r0, tail4(a0, b0, b1, b2, b3, K4, K));
          r1 = f32x4.add(r1, tail4(a1, b0, b1, b2, b3, K4, K));
        }
        store4(c + <usize>i * sc + (<usize>j << 2), bias, j, r0, beta);
        store4(c + <usize>(i + 1) * sc + (<usize>j << 2), bias, j, r1, beta);
      }
      for (; i < i1; i++) {
        // one row of A against 4 rows of B (batch-1 GEMV shape)
        const a0 = a + <usize>i * sa;
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
        for (let k = 0; k < K4; k += LANES) {
          const o = <usize>k << 2;
          const x0 = v128.load(a0 + o);
          c00 = madd(x0, v128.load(b0 + o), c00);
          c01 = madd(x0, v128.load(b1 + o), c01);
          c02 = madd(x0, v128.load(b2 + o), c02);
          c03 = madd(x0, v128.load(b3 + o), c03);
        }
        let r0 = hsum4(c00, c01, c02, c03);
        if (K4 < K) r0 = f32x4.add(r0, tail4(a0, b0, b1, b2, b3, K4, K));
        store4(c + <usize>i * sc + (<usize>j << 2), bias, j, r0, beta);
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
}

// ---- A·B and Aᵀ·B: broadcast one element of A against vectors of a row of B ----
// Register tile: XN_TM rows of C × 8 columns (two vectors) = 8 accumulators.
// A[i, k] lives at a + (i·ars + k·aks)·4, so one body serves both layouts:
// gemm_nn passes (ars, aks) = (lda, 1), gemm_tn passes (1, lda).
// @ts-ignore: decorator
@inline const XN_TM: i32 = 4;

// @ts-ignore: decorator
@inline function gemm_xn(
  M: i32, N: i32, K: i32,
  a: usize, ars: i32, aks: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
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
      let ap = ar, bp = b + jo;
      for (let k = 0; k < K; k++) {
        const w0 = v128.load(bp), w1 = v128.load(bp, 16);
        const x0 = v128.load32_splat(ap), x1 = v128.load32_splat(ap + sr);
        const x2 = v128.load32_splat(ap + 2 * sr), x3 = v128.load32_splat(ap + 3 * sr);
        c00 = madd(x0, w0, c00); c01 = madd(x0, w1, c01);
        c10 = madd(x1, w0, c10); c11 = madd(x1, w1, c11);
        c20 = madd(x2, w0, c20); c21 = madd(x2, w1, c21);
        c30 = madd(x3, w0, c30); c31 = madd(x3, w1, c31);
        ap += sk; bp += sb;
      }
      store4(c0 + jo, bias, j, c00, beta); store4(c0 + jo + 16, bias, j + 4, c01, beta);
      store4(c1 + jo, bias, j, c10, beta); store4(c1 + jo + 16, bias, j + 4, c11, beta);
      store4(c2 + jo, bias, j, c20, beta); store4(c2 + jo + 16, bias, j + 4, c21, beta);
      store4(c3 + jo, bias, j, c30, beta); store4(c3 + jo + 16, bias, j + 4, c31, beta);
    }
    for (; j + LANES <= N; j += LANES) {
      const jo = <usize>j << 2;
      let c0v = f32x4.splat(0), c1v = f32x4.splat(0), c2v = f32x4.splat(0), c3v = f32x4.splat(0);
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
    for (; j < N; j++) xn_scalar(i, i + XN_TM, j, K, a, sr, sk, b, sb, c, sc, bias, beta);
  }
  // M tail: single rows.
  for (; i < M; i++) {
    const ar = a + <usize>i * sr;
    const ci = c + <usize>i * sc;
    let j = 0;
    for (; j + 2 * LANES <= N; j += 2 * LANES) {
      const jo = <usize>j << 2;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
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
      let ap = ar, bp = b + jo;
      for (let k = 0; k < K; k++) {
        c00 = madd(v128.load32_splat(ap), v128.load(bp), c00);
        ap += sk; bp += sb;
      }
      store4(ci + jo, bias, j, c00, beta);
    }
    for (; j < N; j++) xn_scalar(i, i + 1, j, K, a, sr, sk, b, sb, c, sc, bias, beta);
  }
}

// @ts-ignore: decorator
@inline function xn_scalar(
  i0: i32, i1: i32, j: i32, K: i32,
  a: usize, sr: usize, sk: usize, b: usize, sb: usize, c: usize, sc: usize,
  bias: usize, beta: i32,
): void {
  for (let i = i0; i < i1; i++) {
    let s: f32 = 0;
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

export function gemm_nn(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  gemm_xn(M, N, K, a, lda, 1, b, ldb, c, ldc, bias, beta);
}

export function gemm_tn(
  M: i32, N: i32, K: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, beta: i32,
): void {
  gemm_xn(M, N, K, a, 1, lda, b, ldb, c, ldc, bias, beta);
}
