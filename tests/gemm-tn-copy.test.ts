// gemm_tn through a transposed copy of A (src/engine/gemm-tn.ts) and gemm_nn's
// narrower column blocks for long K (assembly/gemm.ts xn_block): both must give
// bitwise the results of the plain kernels, which tests/kernels.test.ts checks
// against the TypeScript reference. Raw kernel instances (no Engine wrapper)
// serve as the plain ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Arena } from "../src/engine/arena.js";
import { INITIAL_PAGES, instantiateKernels } from "../src/engine/engine.js";
import { withCopiedTn } from "../src/engine/gemm-tn.js";
import type { Kernels } from "../src/engine/kernels.js";
import { mulberry32, rand } from "./helpers/reference.js";

async function rawBuilds(): Promise<{ variant: string; k: Kernels; arena: Arena }[]> {
  const out = [];
  for (const variant of ["simd", "relaxed"]) {
    const bytes = readFileSync(fileURLToPath(new URL(`../build/kernels.${variant}.wasm`, import.meta.url)));
    if (!WebAssembly.validate(bytes)) continue; // relaxed SIMD needs --experimental-wasm-relaxed-simd on Node 20
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: 16384 });
    const k = await instantiateKernels(await WebAssembly.compile(bytes), memory);
    out.push({ variant, k, arena: new Arena(memory, k.heap_base(), 16384) });
  }
  return out;
}

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

test("transpose: y = xᵀ on odd sizes and strides, padding untouched", async () => {
  for (const { variant, k, arena } of await rawBuilds()) {
    const rng = mulberry32(3);
    for (const [R, C] of [[1, 1], [1, 5], [3, 5], [4, 4], [5, 9], [67, 130], [130, 67], [129, 200]]) {
      const mark = arena.mark();
      const ldx = C + 3, ldy = R + 2;
      const x = rand(R * ldx, rng), y0 = rand(C * ldy, rng);
      const px = arena.putF32(x), py = arena.putF32(y0);
      k.transpose(R, C, px, ldx, py, ldy);
      const y = arena.f32(py, C * ldy);
      for (let c = 0; c < C; c++) {
        for (let r = 0; r < ldy; r++) {
          const want = r < R ? x[r * ldx + c] : y0[c * ldy + r];
          assert.ok(Object.is(y[c * ldy + r], want), `${variant} transpose ${R}x${C}: y[${c},${r}] = ${y[c * ldy + r]}, want ${want}`);
        }
      }
      arena.release(mark);
    }
  }
});

test("gemm_tn through the copy is bitwise the plain gemm_tn (odd sizes, strides, bias, accumulate)", async () => {
  for (const { variant, k, arena } of await rawBuilds()) {
    const copied = withCopiedTn(k, arena, 1);
    const rng = mulberry32(4);
    for (const [M, N, K] of [[4, 8, 1], [5, 9, 13], [7, 131, 300], [130, 17, 257], [64, 300, 1153]]) {
      for (const beta of [0, 1]) {
        for (const withBias of [false, true]) {
          const mark = arena.mark();
          const lda = M + 3, ldb = N + 1, ldc = N + 2;
          const A = arena.putF32(rand(K * lda, rng)), B = arena.putF32(rand(K * ldb, rng));
          const C0 = rand(M * ldc, rng), bias = withBias ? arena.putF32(rand(N, rng)) : 0;
          const c1 = arena.putF32(C0), c2 = arena.putF32(C0);
          const top = arena.mark();
          k.gemm_tn(M, N, K, A, lda, B, ldb, c1, ldc, bias, beta);
          copied.gemm_tn(M, N, K, A, lda, B, ldb, c2, ldc, bias, beta);
          assert.ok(sameBits(arena.f32(c1, M * ldc), arena.f32(c2, M * ldc)), `${variant} ${M}x${N}x${K} beta=${beta} bias=${withBias}`);
          assert.equal(arena.mark(), top, "the copy's scratch is released");
          arena.release(mark);
        }
      }
    }
  }
});

test("gemm_nn with long K (narrower column blocks; K blocks for β = 0 without bias) is bitwise gemm_tn on Aᵀ (one pass)", async () => {
  for (const { variant, k, arena } of await rawBuilds()) {
    const rng = mulberry32(5);
    // K·128·4 bytes > 512 KiB from K = 1025: blocks of 64, 32 (K = 5000: 16) columns;
    // β = 0 without bias: K in blocks of 512 (the last one partial), C holding the partial sums
    for (const [M, N, K] of [[5, 300, 1100], [9, 141, 5000], [4, 8, 2100], [3, 13, 513]]) {
      for (const [beta, withBias] of [[0, false], [0, true], [1, false], [1, true]] as const) {
        const mark = arena.mark();
        const A = rand(M * K, rng), At = new Float32Array(K * M);
        for (let i = 0; i < M; i++) for (let kk = 0; kk < K; kk++) At[kk * M + i] = A[i * K + kk];
        const pa = arena.putF32(A), pat = arena.putF32(At), pb = arena.putF32(rand(K * N, rng)), bias = withBias ? arena.putF32(rand(N, rng)) : 0;
        const C0 = rand(M * N, rng), c1 = arena.putF32(C0), c2 = arena.putF32(C0);
        k.gemm_nn(M, N, K, pa, K, pb, N, c1, N, bias, beta);
        k.gemm_tn(M, N, K, pat, M, pb, N, c2, N, bias, beta);
        assert.ok(sameBits(arena.f32(c1, M * N), arena.f32(c2, M * N)), `${variant} ${M}x${N}x${K} beta=${beta} bias=${withBias}`);
        arena.release(mark);
      }
    }
  }
});
