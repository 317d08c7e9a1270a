// The plain-JavaScript baseline: Float32Array loops as one would write them
// without SIMD (float64 accumulators, Math.exp / Math.tanh).

/**
 * C[M,N] = A[M,K]·B[N,K]ᵀ + bias (row-major, contiguous). Dot products with
 * four partial sums, so that the adds do not wait on each other.
 */
export function gemmNT(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null = null, beta = 0): void {
  const K4 = K & ~3;
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    for (let j = 0; j < N; j++) {
      const bj = j * K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k < K4; k += 4) {
        s0 += a[ai + k] * b[bj + k];
        s1 += a[ai + k + 1] * b[bj + k + 1];
        s2 += a[ai + k + 2] * b[bj + k + 2];
        s3 += a[ai + k + 3] * b[bj + k + 3];
      }
      let s = s0 + s1 + (s2 + s3);
      for (; k < K; k++) s += a[ai + k] * b[bj + k];
      if (bias) s += bias[j];
      if (beta) s += c[i * N + j];
      c[i * N + j] = s;
    }
  }
}

/** C[M,N] = A[M,K]·B[K,N] (i-k-j order: the inner loop runs along rows of B and C) */
export function gemmNN(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  c.fill(0, 0, M * N);
  for (let i = 0; i < M; i++) {
    const ci = i * N;
    for (let k = 0; k < K; k++) {
      const x = a[i * K + k];
      const bk = k * N;
      for (let j = 0; j < N; j++) c[ci + j] += x * b[bk + j];
    }
  }
}

/** C[M,N] = A[K,M]ᵀ·B[K,N] */
export function gemmTN(M: number, N: number, K: number, a: Float32Array, b: Float32Array, c: Float32Array): void {
  c.fill(0, 0, M * N);
  for (let k = 0; k < K; k++) {
    const bk = k * N;
    for (let i = 0; i < M; i++) {
      const x = a[k * M + i];
      const ci = i * N;
      for (let j = 0; j < N; j++) c[ci + j] += x * b[bk + j];
    }
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * One LSTM step over a batch: z = x·W_ihᵀ + h·W_hhᵀ + b (gates scratch [B,4H]),
 * then c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c') in place.
 */
export function lstmStep(
  B: number, E: number, H: number,
  x: Float32Array, h: Float32Array, c: Float32Array,
  wih: Float32Array, whh: Float32Array, bias: Float32Array, gates: Float32Array,
): void {
  const G = 4 * H;
  gemmNT(B, G, E, x, wih, gates, bias, 0);
  gemmNT(B, G, H, h, whh, gates, null, 1);
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    for (let k = 0; k < H; k++) {
      const i = sigmoid(gates[g0 + k]), f = sigmoid(gates[g0 + H + k]);
      const g = Math.tanh(gates[g0 + 2 * H + k]), o = sigmoid(gates[g0 + 3 * H + k]);
      const cn = f * c[b * H + k] + i * g;
      c[b * H + k] = cn;
      h[b * H + k] = o * Math.tanh(cn);
    }
  }
}

/**
 * One GRU step over a batch (PyTorch nn.GRU, gate order r, z, n):
 * gx = x·W_ihᵀ + b_ih, gh = h·W_hhᵀ + b_hh (scratch [B,3H] each), then
 * r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r·gh_n),
 * h' = (1 − z)·n + z·h in place.
 */
export function gruStep(
  B: number, E: number, H: number,
  x: Float32Array, h: Float32Array,
  wih: Float32Array, whh: Float32Array, bih: Float32Array, bhh: Float32Array, gx: Float32Array, gh: Float32Array,
): void {
  const G = 3 * H;
  gemmNT(B, G, E, x, wih, gx, bih, 0);
  gemmNT(B, G, H, h, whh, gh, bhh, 0);
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    for (let k = 0; k < H; k++) {
      const r = sigmoid(gx[g0 + k] + gh[g0 + k]), z = sigmoid(gx[g0 + H + k] + gh[g0 + H + k]);
      const n = Math.tanh(gx[g0 + 2 * H + k] + r * gh[g0 + 2 * H + k]);
      h[b * H + k] = (1 - z) * n + z * h[b * H + k];
    }
  }
}

/** One Elman RNN step over a batch: h' = tanh(x·W_ihᵀ + h·W_hhᵀ + b) (scratch z [B,H]), in place. */
export function rnnStep(
  B: number, E: number, H: number,
  x: Float32Array, h: Float32Array, wih: Float32Array, whh: Float32Array, bias: Float32Array, z: Float32Array,
): void {
  gemmNT(B, H, E, x, wih, z, bias, 0);
  gemmNT(B, H, H, h, whh, z, null, 1);
  for (let i = 0; i < B * H; i++) h[i] = Math.tanh(z[i]);
}

/**
 * Additive attention for one row: qp = q·W_qᵀ; s_j = v·tanh(qp + keys_j);
 * α = softmax(s); ctx = Σ α_j mem_j.
 */
export function attentionAdditive(
  L: number, H: number, A: number, Dm: number,
  q: Float32Array, wq: Float32Array, keys: Float32Array, v: Float32Array, mem: Float32Array,
  qp: Float32Array, alpha: Float32Array, ctx: Float32Array,
): void {
  gemmNT(1, A, H, q, wq, qp);
  let m = -Infinity;
  for (let j = 0; j < L; j++) {
    let s = 0;
    const kj = j * A;
    for (let k = 0; k < A; k++) s += v[k] * Math.tanh(qp[k] + keys[kj + k]);
    alpha[j] = s;
    if (s > m) m = s;
  }
  let sum = 0;
  for (let j = 0; j < L; j++) {
    const e = Math.exp(alpha[j] - m);
    alpha[j] = e;
    sum += e;
  }
  for (let j = 0; j < L; j++) alpha[j] /= sum;
  ctx.fill(0, 0, Dm);
  for (let j = 0; j < L; j++) {
    const w = alpha[j], mj = j * Dm;
    for (let k = 0; k < Dm; k++) ctx[k] += w * mem[mj + k];
  }
}
