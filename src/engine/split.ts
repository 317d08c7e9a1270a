// How a GEMM is cut into chunks (blocks of C) for the threads of the pool so
// that every element of C is computed by exactly the instructions of the
// single-threaded call (results bitwise identical for any thread count and
// any assignment of chunks to threads). Each chunk is the same kernel on a
// block of C; the cut points respect the kernels' blocking (assembly/gemm.ts):
//
//   gemm_nt  C[M,N] = A[M,K]·B[N,K]ᵀ
//     columns: cuts at multiples of 12 — column j's arithmetic depends on j's
//              place in the 4-wide strips (paired rows) and the 6-wide GEMV
//              tiles (an odd last row); with cuts at multiples of lcm(4, 6)
//              every chunk starts a strip and a tile where the whole call
//              does, and its N % 4 / N % 6 tail columns are the whole call's.
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
// Which dimension: a chunk of rows reads all of B (K·N floats), a chunk of
// columns all of A (K·M), so cut the dimension whose chunks re-read the
// smaller operand: columns when N ≥ M (the Linear layers and dx = dy·W of a
// batch: B holds the weights), rows when M > N (weight gradients dW = dyᵀ·x,
// M = the layer's outputs). The other dimension only when the preferred one
// has fewer cut units than there are threads.

export type GemmKind = "nt" | "nn" | "tn";

/** Column cut granularity of gemm_nt: lcm(NT_TN = 4, NT_GEMV_TN = 6). */
export const NT_COL_STEP = 12;
/** Row cut granularity of gemm_nt: NT_TM = 2. */
export const NT_ROW_STEP = 2;
/** Column cut granularity of gemm_nn/gemm_tn: XN_COL_BLOCK. */
export const XN_COL_STEP = 128;
/** Row cut granularity of gemm_nn/gemm_tn: XN_TM (any would be exact). */
export const XN_ROW_STEP = 4;
/**
 * Chunks per thread: more than one, so that a thread that starts late (woken
 * late, or sharing its core) takes fewer and the others do the rest.
 */
export const CHUNKS_PER_THREAD = 4;

/** How one call is cut: `chunks` pieces of the rows (or columns) at multiples of `step`. */
export interface GemmPlan {
  byRows: boolean;
  /** rows (byRows) or columns of C */
  extent: number;
  step: number;
  chunks: number;
}

/** The plan for a call on `threads` threads (chunks = 1: not worth splitting). */
export function planGemm(kind: GemmKind, threads: number, M: number, N: number): GemmPlan {
  const colStep = kind === "nt" ? NT_COL_STEP : XN_COL_STEP;
  const rowStep = kind === "nt" ? NT_ROW_STEP : XN_ROW_STEP;
  const colUnits = Math.ceil(N / colStep), rowUnits = Math.ceil(M / rowStep);
  const prefRows = M > N;
  const prefUnits = prefRows ? rowUnits : colUnits, otherUnits = prefRows ? colUnits : rowUnits;
  const byRows = prefUnits >= threads || prefUnits >= otherUnits ? prefRows : !prefRows;
  const units = byRows ? rowUnits : colUnits;
  return { byRows, extent: byRows ? M : N, step: byRows ? rowStep : colStep, chunks: Math.max(1, Math.min(units, threads * CHUNKS_PER_THREAD)) };
}

/** First row (or column) of chunk `c` of a plan; chunk c spans [cut(c), cut(c + 1)), never empty. */
export function cut(p: GemmPlan, c: number): number {
  const units = Math.ceil(p.extent / p.step);
  return Math.min(p.extent, Math.floor((c * units) / p.chunks) * p.step);
}

/** Ints in a chunk's argument list. */
export const CHUNK_INTS = 6;

/**
 * Chunk `c`'s block of the call, written to out[0..6): M, N, a, b, c, bias
 * (byte offsets moved by the cut; bias 0 stays 0). K, the leading dimensions
 * and β are the call's.
 */
export function chunkArgs(
  kind: GemmKind, p: GemmPlan, c: number, out: Int32Array | number[],
  M: number, N: number, a: number, lda: number, b: number, ldb: number, cp: number, ldc: number, bias: number,
): void {
  const lo = cut(p, c), n = cut(p, c + 1) - lo;
  if (p.byRows) {
    out[0] = n; out[1] = N;
    // gemm_tn's A is [K, M]: row i of C is column i of A
    out[2] = kind === "tn" ? a + lo * 4 : a + lo * lda * 4;
    out[3] = b; out[4] = cp + lo * ldc * 4; out[5] = bias;
  } else {
    out[0] = M; out[1] = n; out[2] = a;
    // gemm_nt's B is [N, K]: column j of C is row j of B
    out[3] = kind === "nt" ? b + lo * ldb * 4 : b + lo * 4;
    out[4] = cp + lo * 4; out[5] = bias === 0 ? 0 : bias + lo * 4;
  }
}
