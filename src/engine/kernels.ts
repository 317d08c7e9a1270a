// The wasm kernel boundary: the exports of assembly/index.ts, typed.
// Every pointer is a byte offset into the engine's memory; see docs/kernels.md.

type Ptr = number;

export interface Kernels {
  /** C[M,N] = β·C + A[M,K]·B[N,K]ᵀ + bias[N] (bias 0 = none, β ∈ {0,1}) */
  gemm_nt(M: number, N: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** Floats of the column panels of an [N, K] matrix (ceil(N/8)·K·8). */
  panels_size(N: number, K: number): number;
  /** Packs W[N,K] (row stride ldw) into column panels P[N/8][K][8] at p (zero-padded). */
  pack_panels(N: number, K: number, w: Ptr, ldw: number, p: Ptr): void;
  /** gemm_nt with B given as pack_panels' P: C[M,N] = β·C + A[M,K]·Wᵀ + bias[N] (few rows: batch-1 decoding) */
  gemm_pn(M: number, N: number, K: number, a: Ptr, lda: number, p: Ptr, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** C[M,N] = β·C + A[M,K]·B[K,N] + bias[N] */
  gemm_nn(M: number, N: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** C[M,N] = β·C + A[K,M]ᵀ·B[K,N] + bias[N] */
  gemm_tn(M: number, N: number, K: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, beta: number): void;
  /** One LSTM step over a batch: gates [B,4H] (stride ldg) z → activations; h, c [B,H] updated for rows with t < lengths[b]. */
  lstm_cell_forward(B: number, H: number, gates: Ptr, ldg: number, h: Ptr, c: Ptr, y: Ptr, ldy: number, cy: Ptr, ldcy: number, lengths: Ptr, t: number): void;
  /**
   * One GRU step over a batch: gx [B,3H] (stride ldgx) = x·W_ihᵀ + b_ih (r,z,n) → activations r,z,n; gh [B,3H]
   * (stride ldgh) = h·W_hhᵀ + b_hh, read only; h [B,H] updated for rows with t < lengths[b]; y (stride ldy, 0 = none)
   * ← h' of active rows, 0 for inactive ones.
   */
  gru_cell_forward(B: number, H: number, gx: Ptr, ldgx: number, gh: Ptr, ldgh: number, h: Ptr, y: Ptr, ldy: number, lengths: Ptr, t: number): void;
  /** One RNN step over a batch: gates [B,H] (stride ldg) z → h' = tanh(z); h [B,H] updated for rows with t < lengths[b]; y as in gru_cell_forward. */
  rnn_cell_forward(B: number, H: number, gates: Ptr, ldg: number, h: Ptr, y: Ptr, ldy: number, lengths: Ptr, t: number): void;
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
  /** y[r,:D] = x[r,:D] (strided rows, no overlap) */
  copy_rows(R: number, D: number, x: Ptr, ldx: number, y: Ptr, ldy: number): void;
  /** y[r,:D] += x[r,:D] */
  add_rows(R: number, D: number, x: Ptr, ldx: number, y: Ptr, ldy: number): void;
  /** y[C,R] = x[R,C]ᵀ (strided rows, no overlap) */
  transpose(R: number, C: number, x: Ptr, ldx: number, y: Ptr, ldy: number): void;
  // ---- training: backward kernels (each beside its forward in assembly/) ----
  /**
   * Backward of one lstm_cell_forward step. gates: the forward's activations i,f,g,o [B,4H] (stride ldg);
   * cprev: c_{t-1} rows (stride ldcp; 0 = zeros); cnew: c_t rows (stride ldcn). dh [B,H] contiguous: ∂L/∂h_t in,
   * 0 on return for active rows. dc [B,H] contiguous: ∂L/∂c_t in, ∂L/∂c_{t-1} out. dgates [B,4H] (stride lddg,
   * may alias gates exactly) ← ∂L/∂z. Rows with lengths[b] ≤ t (lengths ≠ 0): dgates row 0, dh/dc unchanged.
   * Then gemm_nn(B, H, 4H, dgates, lddg, W_hh, H, dh, H, 0, 1) forms ∂L/∂h_{t-1}.
   */
  lstm_cell_backward(B: number, H: number, gates: Ptr, ldg: number, cprev: Ptr, ldcp: number, cnew: Ptr, ldcn: number, dh: Ptr, dc: Ptr, dgates: Ptr, lddg: number, lengths: Ptr, t: number): void;
  /**
   * Backward of one gru_cell_forward step. gates: the forward's activations r,z,n [B,3H] (stride ldg); gh: the
   * forward's h·W_hhᵀ + b_hh (stride ldgh; its n block is read); hprev: h_{t-1} rows (stride ldhp; 0 = zeros).
   * dh [B,H] contiguous: ∂L/∂h_t in, dh·z on return for active rows. dgx [B,3H] (stride lddgx, may alias gates
   * exactly) ← ∂L/∂gx; dgh [B,3H] (stride lddgh, may alias gh exactly) ← ∂L/∂gh. Rows with lengths[b] ≤ t
   * (lengths ≠ 0): dgx/dgh rows 0, dh unchanged. Then gemm_nn(B, H, 3H, dgh, lddgh, W_hh, H, dh, H, 0, 1) forms ∂L/∂h_{t-1}.
   */
  gru_cell_backward(B: number, H: number, gates: Ptr, ldg: number, gh: Ptr, ldgh: number, hprev: Ptr, ldhp: number, dh: Ptr, dgx: Ptr, lddgx: number, dgh: Ptr, lddgh: number, lengths: Ptr, t: number): void;
  /**
   * Backward of one rnn_cell_forward step. gates: the forward's h' [B,H] (stride ldg). dh [B,H] contiguous: ∂L/∂h_t in,
   * 0 on return for active rows. dgates [B,H] (stride lddg, may alias gates exactly) ← ∂L/∂z = dh·(1 − h'²). Rows with
   * lengths[b] ≤ t (lengths ≠ 0): dgates row 0, dh unchanged. Then gemm_nn(B, H, H, dgates, lddg, W_hh, H, dh, H, 0, 1) forms ∂L/∂h_{t-1}.
   */
  rnn_cell_backward(B: number, H: number, gates: Ptr, ldg: number, dh: Ptr, dgates: Ptr, lddg: number, lengths: Ptr, t: number): void;
  /**
   * Backward of attention_dot_forward from ∂L/∂ctx (dctx [B,Dm], stride lddctx) and the forward's alpha [B,S].
   * Accumulates (+=): dq [B,Dk] (stride lddq), dkeys [Bs,S,Dk], dmem [Bs,S,Dm]; dkeys may equal dmem (keys = mem).
   */
  attention_dot_backward(B: number, S: number, Dk: number, Dm: number, q: Ptr, ldq: number, keys: Ptr, mem: Ptr, lengths: Ptr, rowsrc: Ptr, alpha: Ptr, dctx: Ptr, lddctx: number, dq: Ptr, lddq: number, dkeys: Ptr, dmem: Ptr): void;
  /**
   * Backward of attention_additive_forward (u = tanh(qp + keys_j) recomputed). Accumulates (+=):
   * dqp [B,A] (stride lddqp), dkeys [Bs,S,A], dv [A], dmem [Bs,S,Dm].
   */
  attention_additive_backward(B: number, S: number, A: number, Dm: number, qp: Ptr, ldq: number, keys: Ptr, v: Ptr, mem: Ptr, lengths: Ptr, rowsrc: Ptr, alpha: Ptr, dctx: Ptr, lddctx: number, dqp: Ptr, lddqp: number, dkeys: Ptr, dv: Ptr, dmem: Ptr): void;
  /**
   * Label-smoothed cross-entropy on log_softmax output rows logp [R,V] (stride ldl), targets i32[R] (0 = pad: row
   * skipped, dlogits row 0). q = (1−ε)·onehot(y) + ε/V (PyTorch label_smoothing). Writes dlogits [R,V] (stride ldd,
   * may alias logp) = scale·(exp(logp) − q); returns Σ over non-pad rows of −Σ_v q_v logp_v (unscaled, f64).
   */
  log_softmax_xent_backward(R: number, V: number, logp: Ptr, ldl: number, targets: Ptr, eps: number, scale: number, dlogits: Ptr, ldd: number): number;
  /** dtable[ids[n],:E] += dx[n,:E] (scatter-add, ids may repeat; dtable contiguous [V,E]) */
  embedding_backward(N: number, E: number, dx: Ptr, ldx: number, ids: Ptr, dtable: Ptr): void;
  /** dy[r,:D] ← dy ⊙ (1 − y²), y = tanh_forward output (strides ldy, lddy) */
  tanh_backward(R: number, D: number, y: Ptr, ldy: number, dy: Ptr, lddy: number): void;
  /** out[j] = β·out[j] + Σ_r x[r,j] for j < N (bias gradients; β = 0 ignores out's old contents) */
  sum_rows(R: number, N: number, x: Ptr, ldx: number, out: Ptr, beta: number): void;
  /**
   * Inverted dropout in place: mask[i] = u(seed, offset+i) ≥ p ? 1/(1−p) : 0, x[i] ← x[i]·mask[i], with
   * u(s, i) = (XXH32(le32(i), s) >>> 8)·2⁻²⁴ (stateless; seed and offset are u32, offset + i wraps mod 2³²).
   */
  dropout_forward(n: number, x: Ptr, mask: Ptr, p: number, seed: number, offset: number): void;
  /** y[:n] = a[:n] ⊙ b[:n] (dropout backward: dx = dy ⊙ mask; y may alias a or b) */
  mul_forward(n: number, a: Ptr, b: Ptr, y: Ptr): void;
  // ---- training: optimizer ----
  /** p[:n] −= lr·g[:n] */
  sgd_update(n: number, p: Ptr, g: Ptr, lr: number): void;
  /**
   * torch.optim.Adam step (no weight decay): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
   * p −= (lr/bc1)·m / (√v/√bc2 + eps), with bc1 = 1 − β1^t, bc2 = 1 − β2^t from the host (t = 1, 2, …).
   */
  adam_update(n: number, p: Ptr, g: Ptr, m: Ptr, v: Ptr, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void;
  /** Σ x[i]² over [:n], accumulated in f64 (global gradient-norm clipping) */
  sum_squares(n: number, x: Ptr): number;
  /** x[:n] ← s·x[:n] */
  scale_forward(n: number, x: Ptr, s: number): void;
  /** Number of NaN/±Inf in x[:n] */
  nonfinite_count(n: number, x: Ptr): number;
  /** First byte the host may allocate (static data lives below). */
  heap_base(): number;
  // ---- int8 inference (assembly/quant.ts) ----
  /**
   * C[M,N] = β·C + dequant(quant(A)·Wᵀ) + bias: A f32 [M,K] (stride lda) quantised per row on the fly into
   * `scratch` (gemm_i8_scratch(M, K) bytes); W i8 [N,K] (row stride ldw bytes) with f32 row scales ws [N];
   * wsum i32 [N] = Σ_k W[j,k] over these columns (relaxed build; the SIMD128 build ignores it).
   */
  gemm_nt_i8(M: number, N: number, K: number, a: Ptr, lda: number, w: Ptr, ldw: number, ws: Ptr, wsum: Ptr, c: Ptr, ldc: number, bias: Ptr, beta: number, scratch: Ptr): void;
  /** Scratch bytes gemm_nt_i8 needs for M rows of K activations. */
  gemm_i8_scratch(M: number, K: number): number;
  /** dst[n,:D] = table[idx[n],:D]·scale[idx[n]] (table i8, row stride ldt bytes) */
  gather_rows_i8(N: number, D: number, table: Ptr, ldt: number, scale: Ptr, idx: Ptr, dst: Ptr, ldd: number): void;
  /** out[j] = Σ_k W[j,k] (i32) for an i8 [N,K] matrix of row stride ldw bytes */
  i8_row_sums(N: number, K: number, w: Ptr, ldw: number, out: Ptr): void;
}

export const KERNEL_NAMES: readonly (keyof Kernels)[] = [
  "gemm_nt", "gemm_nn", "gemm_tn", "lstm_cell_forward", "attention_dot_forward",
  "attention_additive_forward", "log_softmax_forward", "gather_rows", "tanh_forward", "add_forward", "heap_base", "copy_rows", "add_rows", "transpose",
  "lstm_cell_backward", "attention_dot_backward", "attention_additive_backward", "log_softmax_xent_backward",
  "embedding_backward", "tanh_backward", "sum_rows", "dropout_forward", "mul_forward",
  "sgd_update", "adam_update", "sum_squares", "scale_forward", "nonfinite_count",
  "gemm_nt_i8", "gemm_i8_scratch", "gather_rows_i8", "i8_row_sums", "panels_size", "pack_panels", "gemm_pn",
  "gru_cell_forward", "gru_cell_backward", "rnn_cell_forward", "rnn_cell_backward",
];

export type Variant = "simd" | "relaxed";
