// gemm_tn (C = β·C + Aᵀ·B + bias, A: [K, M]) through gemm_nn on Aᵀ copied out.
//
// The kernel reads A[k, i..i+4] of row k at stride lda: for a long K (the weight
// gradients over all time steps, K = T·B ≈ 1,150) every k is another cache line
// and often another page, walked again by every 8-column strip of C; it runs at
// 17–20 GFLOP/s where gemm_nn, whose A rows are K-contiguous, runs at 45. A
// transpose of A into the arena costs one read and one write of M·K floats.
// gemm_tn and gemm_nn share their tile body (assembly/gemm.ts gemm_xn): every
// element of C is the same k-ordered madd chain, so the result is bitwise that
// of gemm_tn.

import type { Arena } from "./arena.js";
import type { Kernels } from "./kernels.js";

/**
 * Shortest K worth the copy. Short K (the per-step weight gradients, K = B)
 * stays on gemm_tn: its strided rows of A are few enough to stay in cache
 * across the strips, and the copy would cost more than it saves (measured:
 * K = 64, M = 8,000, the generator's per-step dW, 2× slower through the copy).
 */
export const TN_COPY_MIN_K = 256;

/** `kernels` with gemm_tn taking the transposed way for K ≥ minK (Aᵀ in `arena` scratch for the call). */
export function withCopiedTn(kernels: Kernels, arena: Arena, minK = TN_COPY_MIN_K): Kernels {
  const tn = kernels.gemm_tn, nn = kernels.gemm_nn, transpose = kernels.transpose;
  const gemm_tn: Kernels["gemm_tn"] = (M, N, K, a, lda, b, ldb, c, ldc, bias, beta) => {
    if (K < minK || M < 4) {
      tn(M, N, K, a, lda, b, ldb, c, ldc, bias, beta);
      return;
    }
    const mark = arena.mark();
    try {
      const at = arena.allocF32(M * K); // Aᵀ: [M, K]
      transpose(K, M, a, lda, at, K);
      nn(M, N, K, at, K, b, ldb, c, ldc, bias, beta);
    } finally {
      arena.release(mark);
    }
  };
  return { ...kernels, gemm_tn };
}
