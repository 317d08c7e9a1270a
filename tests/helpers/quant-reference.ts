// Plain TypeScript references of the int8 kernels (assembly/quant.ts),
// reproducing their integer math and float rounding step by step: written
// from the comments of quant.ts, never from its loops.
import type { Variant } from "../../src/engine/kernels.js";

const f = Math.fround;

/** Round half to even (wasm f32.nearest). */
export function nearestEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Activation codes of one row and its scale: sa = max|a| / QMAX, q = nearest(a · (QMAX / max|a|)). */
export function quantizeActRef(a: ArrayLike<number>, variant: Variant): { q: Int32Array; sa: number } {
  const QMAX = variant === "relaxed" ? 63 : 127;
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  const inv = m > 0 ? f(QMAX / m) : 0;
  const q = new Int32Array(a.length);
  for (let k = 0; k < a.length; k++) q[k] = nearestEven(f(a[k] * inv));
  return { q, sa: f(m / QMAX) };
}

/** C[M,N] = β·C + f32(Σ qa·w)·(sa·ws) + bias, in that order, as gemm_nt_i8 documents. */
export function gemmI8Ref(
  variant: Variant, M: number, N: number, K: number,
  a: Float32Array, lda: number, w: Int8Array, ldw: number, ws: Float32Array,
  c: Float32Array, ldc: number, bias: Float32Array | null, beta: number,
): void {
  for (let i = 0; i < M; i++) {
    const { q, sa } = quantizeActRef(a.subarray(i * lda, i * lda + K), variant);
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += q[k] * w[j * ldw + k];
      let v = f(f(acc) * f(sa * ws[j]));
      if (bias) v = f(v + bias[j]);
      if (beta) v = f(v + c[i * ldc + j]);
      c[i * ldc + j] = v;
    }
  }
}
