// How a GEMM is cut into one part per thread so that every element of C is
// computed by exactly the instructions of the single-threaded call (results
// bitwise identical for any thread count). Each part is the same kernel on a
// block of C: the cut points respect the kernels' blocking (assembly/gemm.ts).
//
//   gemm_nt  C[M,N] = A[M,K]·B[N,K]ᵀ
//     columns: cuts at multiples of 12 — column j's arithmetic depends on j's
//              place in the 4-wide strips (paired rows) and the 6-wide GEMV
//              tiles (an odd last row); with cuts at multiples of lcm(4, 6)
//              every part starts a strip and a tile where the whole call does,
//              and its N % 4 / N % 6 tail columns are the whole call's.
//     rows:    cuts at even rows — rows go in pairs, an odd last row is a GEMV;
//              both rows of a pair get the same arithmetic.
//   gemm_nn, gemm_tn  C[M,N] = A·B (A[M,K] or A[K,M]ᵀ)
//     columns: cuts at multiples of 128 — the kernels already run column
//              blocks of XN_COL_BLOCK = 128 independently, tiles restarting at
//              each block.
//     rows:    any row — a row of C gets the same k-ordered madd chain in the
//              4-row tiles and in the single-row tail; cuts go at multiples of
//              4 to keep the tiles full.
//
// A part is [M, N, a, b, c, bias] (K, leading dimensions and β are the
// call's); byte offsets move by the cut.

export type GemmKind = "nt" | "nn" | "tn";

/** Column cut granularity of gemm_nt: lcm(NT_TN = 4, NT_GEMV_TN = 6). */
export const NT_COL_STEP = 12;
/** Row cut granularity of gemm_nt: NT_TM = 2. */
export const NT_ROW_STEP = 2;
/** Column cut granularity of gemm_nn/gemm_tn: XN_COL_BLOCK. */
export const XN_COL_STEP = 128;
/** Row cut granularity of gemm_nn/gemm_tn: XN_TM (any would be exact). */
export const XN_ROW_STEP = 4;

/** Ints per part in the array splitGemm returns. */
export const PART_INTS = 6;

/** Cut points of [0, n) into at most `parts` pieces at multiples of `step`, as even as the step allows. */
function cuts(n: number, step: number, parts: number): number[] {
  const units = Math.ceil(n / step);
  const p = Math.min(parts, units);
  const out = [0];
  for (let t = 1; t <= p; t++) out.push(Math.min(n, Math.floor((t * units) / p) * step));
  return out;
}

/** Largest piece of a cut list, as a fraction of the whole. */
function share(c: number[]): number {
  let max = 0;
  for (let t = 1; t < c.length; t++) max = Math.max(max, c[t] - c[t - 1]);
  return max / c[c.length - 1];
}

/**
 * Splits one GEMM call into at most `parts` parts (fewer when it is too
 * narrow). Cuts columns unless cutting rows balances the threads strictly
 * better; gemm_tn prefers rows on a tie (its A, [K,M], is the big operand in
 * weight gradients), the others columns (their B holds the weights).
 * Returns PART_INTS numbers per part: M, N, a, b, c, bias (0 stays 0).
 */
export function splitGemm(
  kind: GemmKind, parts: number,
  M: number, N: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number,
): number[] {
  const colStep = kind === "nt" ? NT_COL_STEP : XN_COL_STEP;
  const rowStep = kind === "nt" ? NT_ROW_STEP : XN_ROW_STEP;
  const cc = cuts(N, colStep, parts), rc = cuts(M, rowStep, parts);
  const colShare = share(cc), rowShare = share(rc);
  const byRows = kind === "tn" ? rowShare <= colShare : rowShare < colShare;
  const out: number[] = [];
  if (byRows) {
    for (let t = 1; t < rc.length; t++) {
      const i = rc[t - 1];
      // gemm_tn's A is [K, M]: row i of C is column i of A
      const ao = kind === "tn" ? a + i * 4 : a + i * lda * 4;
      out.push(rc[t] - i, N, ao, b, c + i * ldc * 4, bias);
    }
  } else {
    for (let t = 1; t < cc.length; t++) {
      const j = cc[t - 1];
      // gemm_nt's B is [N, K]: column j of C is row j of B
      const bo = kind === "nt" ? b + j * ldb * 4 : b + j * 4;
      out.push(M, cc[t] - j, a, bo, c + j * 4, bias === 0 ? 0 : bias + j * 4);
    }
  }
  return out;
}
