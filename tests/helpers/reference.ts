// Plain TypeScript references for the kernels: obvious loops in float64,
// written from docs/model.md's equations, never from the kernels.

export type Mat = Float32Array;

export function rand(n: number, rng: () => number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng() * 2 - 1) * scale;
  return a;
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** C = β·C + op(A)·op(B) + bias, op chosen by the layout name. */
export function gemmRef(
  layout: "nt" | "nn" | "tn",
  M: number, N: number, K: number,
  a: Mat, lda: number, b: Mat, ldb: number, c: Mat, ldc: number,
  bias: Mat | null, beta: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = layout === "tn" ? a[k * lda + i] : a[i * lda + k];
        const bv = layout === "nt" ? b[j * ldb + k] : b[k * ldb + j];
        s += av * bv;
      }
      if (bias) s += bias[j];
      if (beta) s += c[i * ldc + j];
      c[i * ldc + j] = s;
    }
  }
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** gates [B,4H] (stride ldg) → activations; h, c updated for active rows. */
export function lstmCellRef(
  B: number, H: number, gates: Mat, ldg: number, h: Mat, c: Mat,
  lengths: Int32Array | null, t: number,
): void {
  for (let b = 0; b < B; b++) {
    if (lengths && t >= lengths[b]) continue;
    for (let k = 0; k < H; k++) {
      const g0 = b * ldg;
      const i = sigmoid(gates[g0 + k]), f = sigmoid(gates[g0 + H + k]);
      const g = Math.tanh(gates[g0 + 2 * H + k]), o = sigmoid(gates[g0 + 3 * H + k]);
      const cn = f * c[b * H + k] + i * g;
      c[b * H + k] = cn;
      h[b * H + k] = o * Math.tanh(cn);
      gates[g0 + k] = i; gates[g0 + H + k] = f; gates[g0 + 2 * H + k] = g; gates[g0 + 3 * H + k] = o;
    }
  }
}

/**
 * GRU step (docs/model.md, gate order r, z, n): gx [B,3H] (stride ldgx) = x·W_ihᵀ + b_ih → activations r, z, n;
 * gh [B,3H] (stride ldgh) = h·W_hhᵀ + b_hh, unchanged; h updated for active rows.
 */
export function gruCellRef(
  B: number, H: number, gx: Mat, ldgx: number, gh: Mat, ldgh: number, h: Mat,
  lengths: Int32Array | null, t: number,
): void {
  for (let b = 0; b < B; b++) {
    if (lengths && t >= lengths[b]) continue;
    const x0 = b * ldgx, h0 = b * ldgh;
    for (let k = 0; k < H; k++) {
      const r = sigmoid(gx[x0 + k] + gh[h0 + k]);
      const z = sigmoid(gx[x0 + H + k] + gh[h0 + H + k]);
      const n = Math.tanh(gx[x0 + 2 * H + k] + r * gh[h0 + 2 * H + k]);
      h[b * H + k] = (1 - z) * n + z * h[b * H + k];
      gx[x0 + k] = r; gx[x0 + H + k] = z; gx[x0 + 2 * H + k] = n;
    }
  }
}

/** RNN step (docs/model.md, tanh): gates [B,H] (stride ldg) z → h' = tanh(z); h updated for active rows. */
export function rnnCellRef(
  B: number, H: number, gates: Mat, ldg: number, h: Mat,
  lengths: Int32Array | null, t: number,
): void {
  for (let b = 0; b < B; b++) {
    if (lengths && t >= lengths[b]) continue;
    for (let k = 0; k < H; k++) {
      const hn = Math.tanh(gates[b * ldg + k]);
      h[b * H + k] = hn;
      gates[b * ldg + k] = hn;
    }
  }
}

export function softmaxMasked(scores: number[], L: number): number[] {
  const out = new Array(scores.length).fill(0);
  let m = -Infinity;
  for (let j = 0; j < L; j++) m = Math.max(m, scores[j]);
  let s = 0;
  for (let j = 0; j < L; j++) s += Math.exp(scores[j] - m);
  for (let j = 0; j < L; j++) out[j] = Math.exp(scores[j] - m) / s;
  return out;
}

export function logSoftmaxRef(x: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] - m);
  const l = m + Math.log(s);
  return Array.from(x, (v) => v - l);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
