// The wasm kernel boundary: the exports of assembly/index.ts, typed.
// Every pointer is a byte offset into the engine's memory; see docs/kernels.md.

type Ptr = number;

export interface Kernels {
  /** C[M,N] = β·C + A[M,K]·B[N,K]ᵀ + bias[N] (bias 0 = none, β ∈ {0,1}) */
  gemm_nt(M: number, N: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** C[M,N] = β·C + A[M,K]·B[K,N] + bias[N] */
  gemm_nn(M: number, N: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** C[M,N] = β·C + A[K,M]ᵀ·B[K,N] + bias[N] */
  gemm_tn(M: number, N: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** One LSTM step over a batch: gates [B,4H] (stride ldg) z → activations; h, c [B,H] updated for rows with t < lengths[b]. */
  lstm_cell_forward(B: number, H: number, gates: Ptr, ldg: number, h: Ptr, c: Ptr, y: Ptr, ldy: number, cy: Ptr, ldcy: number, lengths: Ptr, t: number): void;
  /** score_j = q·keys_j; α = masked softmax; ctx = Σ α_j mem_j. */
  attention_dot_forward(B: number, S: number, Dk: number, Dm: number, q: Ptr, ldq: number, keys: Ptr, mem: Ptr, lengths: Ptr, rowsrc: Ptr, alpha: Ptr, ctx: Ptr, ldctx: number): void;
  /** score_j = v·tanh(qp + keys_j); α = masked softmax; ctx = Σ α_j mem_j. */
  attention_additive_forward(B: number, S: number, A: number, Dm: number, qp: Ptr, ldq: number, keys: Ptr, v: Ptr, mem: Ptr, lengths: Ptr, rowsrc: Ptr, alpha: Ptr, ctx: Ptr, ldctx: number): void;
  /** out[r,:] = log_softmax(x[r,:]) */
  log_softmax_forward(R: number, V: number, x: Ptr, ldx: number, out: Ptr, ldo: number): void;
  /** dst[n,:D] = src[idx[n],:D] */
  gather_rows(N: number, D: number, src: Ptr, lds: number, idx: Ptr, dst: Ptr, ldd: number): void;
  /** x[r,:D] = tanh(x[r,:D]) */
  tanh_forward(R: number, D: number, x: Ptr, ldx: number): void;
  /** y[:n] = a[:n] + b[:n] */
  add_forward(n: number, a: Ptr, b: Ptr, y: Ptr): void;
  /** First byte the host may allocate (static data lives below). */
  heap_base(): number;
}

export const KERNEL_NAMES: readonly (keyof Kernels)[] = [
  "gemm_nt", "gemm_nn", "gemm_tn", "lstm_cell_forward", "attention_dot_forward",
  "attention_additive_forward", "log_softmax_forward", "gather_rows", "tanh_forward", "add_forward", "heap_base",
];

export type Variant = "simd" | "relaxed";
