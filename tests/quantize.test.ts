// int8 inference: the kernels of assembly/quant.ts against a TypeScript
// reference of their integer math (both builds, odd sizes), the row-wise
// quantiser, quantised golden models against f32, the file round trip, and
// training's refusal of a quantised model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { engines } from "./helpers/engines.js";
import { mulberry32, rand } from "./helpers/reference.js";
import { gemmI8Ref, nearestEven } from "./helpers/quant-reference.js";

const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 5], [3, 5, 7], [2, 4, 16], [5, 9, 13], [1, 6, 17], [7, 3, 2], [17, 33, 19], [4, 65, 63], [1, 131, 257], [3, 12, 48],
];

function randI8(n: number, rng: () => number): Int8Array {
  const q = new Int8Array(n);
  for (let i = 0; i < n; i++) q[i] = Math.floor(rng() * 255) - 127;
  return q;
}

test("nearestEven rounds halves to even (the reference's wasm f32.nearest)", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(nearestEven), [0, 2, 2, -0, -2, -2, 2, -3]);
});

test("gemm_nt_i8 reproduces the reference's integer math exactly (odd sizes, strides, bias, accumulate, zero rows)", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(11);
    const k = eng.kernels, ar = eng.arena;
    for (const [M, N, K] of SIZES) {
      for (const beta of [0, 1]) {
        for (const withBias of [false, true]) {
          const mark = ar.mark();
          const lda = K + 3, ldw = K + 5, ldc = N + 2;
          const A = rand(M * lda, rng, 2);
          if (M > 2) A.fill(0, lda, lda + K); // an all-zero row: scale 0, result = bias
          const W = randI8(N * ldw, rng);
          const ws = rand(N, rng, 0.05).map(Math.abs);
          const C = rand(M * ldc, rng);
          const bias = withBias ? rand(N, rng) : null;
          const pa = ar.putF32(A), pc = ar.putF32(C), pws = ar.putF32(ws), pbias = bias ? ar.putF32(bias) : 0;
          const pw = ar.alloc(W.length);
          new Int8Array(eng.memory.buffer, pw, W.length).set(W);
          const pwsum = ar.alloc(N * 4);
          k.i8_row_sums(N, K, pw, ldw, pwsum);
          const sums = ar.i32(pwsum, N);
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let kk = 0; kk < K; kk++) s += W[j * ldw + kk];
            assert.equal(sums[j], s, `${eng.variant} i8_row_sums row ${j}`);
          }
          const scratch = ar.alloc(k.gemm_i8_scratch(M, K));
          k.gemm_nt_i8(M, N, K, pa, lda, pw, ldw, pws, pwsum, pc, ldc, pbias, beta, scratch);
          const want = C.slice();
          gemmI8Ref(eng.variant, M, N, K, A, lda, W, ldw, ws, want, ldc, bias, beta);
          const got = ar.f32(pc, M * ldc);
          for (let i = 0; i < got.length; i++) {
            assert.ok(got[i] === want[i], `${eng.variant} gemm_nt_i8 ${M}x${N}x${K} beta=${beta} bias=${withBias} [${i}]: ${got[i]} vs ${want[i]}`);
          }
          ar.release(mark);
        }
      }
    }
  }
});

test("gemm_nt_i8 is close to the f32 product (quantisation error only)", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(12);
    const ar = eng.arena, k = eng.kernels;
    const M = 3, N = 37, K = 200;
    const mark = ar.mark();
    const A = rand(M * K, rng), W = randI8(N * K, rng), ws = new Float32Array(N).fill(1 / 127);
    const pa = ar.putF32(A), pws = ar.putF32(ws), pc = ar.allocF32(M * N), pw = ar.alloc(N * K), pwsum = ar.alloc(N * 4);
    new Int8Array(eng.memory.buffer, pw, N * K).set(W);
    k.i8_row_sums(N, K, pw, K, pwsum);
    k.gemm_nt_i8(M, N, K, pa, K, pw, K, pws, pwsum, pc, N, 0, 0, ar.alloc(k.gemm_i8_scratch(M, K)));
    const got = ar.f32(pc, M * N);
    const QMAX = eng.variant === "relaxed" ? 63 : 127;
    for (let i = 0; i < M; i++) {
      let amax = 0;
      for (let kk = 0; kk < K; kk++) amax = Math.max(amax, Math.abs(A[i * K + kk]));
      for (let j = 0; j < N; j++) {
        let s = 0, wabs = 0;
        for (let kk = 0; kk < K; kk++) {
          s += A[i * K + kk] * W[j * K + kk] * ws[j];
          wabs += Math.abs(W[j * K + kk] * ws[j]);
        }
        // each activation is off by at most sa/2
        const bound = (amax / QMAX / 2) * wabs + 1e-5;
        assert.ok(Math.abs(got[i * N + j] - s) <= bound, `${eng.variant} [${i},${j}]: ${got[i * N + j]} vs ${s} (bound ${bound})`);
      }
    }
    ar.release(mark);
  }
});

test("gather_rows_i8 dequantises the selected rows", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(13);
    const ar = eng.arena;
    for (const D of [1, 5, 16, 19, 40]) {
      const mark = ar.mark();
      const V = 9, ldt = D + 3, ldd = D + 2;
      const T = randI8(V * ldt, rng), s = rand(V, rng, 0.1);
      const idx = Int32Array.from([3, 0, 8, 3, 5]);
      const pt = ar.alloc(T.length);
      new Int8Array(eng.memory.buffer, pt, T.length).set(T);
      const ps = ar.putF32(s), pi = ar.putI32(idx), pd = ar.putF32(new Float32Array(idx.length * ldd).fill(7));
      eng.kernels.gather_rows_i8(idx.length, D, pt, ldt, ps, pi, pd, ldd);
      const got = ar.f32(pd, idx.length * ldd);
      idx.forEach((r, n) => {
        for (let kk = 0; kk < D; kk++) {
          assert.ok(got[n * ldd + kk] === Math.fround(T[r * ldt + kk] * s[r]), `${eng.variant} D=${D} row ${n} col ${kk}`);
        }
        for (let kk = D; kk < ldd; kk++) assert.ok(got[n * ldd + kk] === 7, `${eng.variant} D=${D} padding of row ${n} untouched`);
      });
      ar.release(mark);
    }
  }
});
