// int8 inference: the kernels of assembly/quant.ts against a TypeScript
// reference of their integer math (both builds, odd sizes), the row-wise
// quantiser, quantised golden models against f32, the file round trip, and
// training's refusal of a quantised model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { engines, forEachGemmCase } from "./helpers/engines.js";
import { mulberry32, rand } from "./helpers/reference.js";
import { gemmI8Ref, nearestEven } from "./helpers/quant-reference.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { S2SError } from "../src/errors.js";
import { Model } from "../src/model/model.js";
import { quantizeModel, quantizeRows, isQuantized, scaleName, QUANT_KEY, QUANT_VALUE } from "../src/model/quant.js";
import { parseSafetensors, serializeSafetensors, type TensorData } from "../src/io/safetensors.js";
import { scoreIds } from "../src/decode/score.js";
import { searchIds } from "../src/decode/search.js";
import { Trainer, DEFAULT_TRAIN } from "../src/train/trainer.js";
import { Grads } from "../src/train/grads.js";
import { initialize } from "../src/train/init.js";

const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 5], [3, 5, 7], [2, 4, 16], [5, 9, 13], [1, 6, 17], [7, 3, 2], [17, 33, 19], [4, 65, 63], [1, 131, 257], [3, 12, 48],
  // row pairs from 8 rows on (the SIMD128 build's widened strips): K = 1, K % 16 = 8, 9, 0, 15
  [8, 13, 1], [10, 8, 40], [9, 17, 25], [12, 9, 64], [8, 5, 31],
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
  await forEachGemmCase(SIZES, 11, ({ eng, rng, M, N, K, beta, withBias }) => {
    const k = eng.kernels, ar = eng.arena;
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
  });
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

// ---- the quantiser, quantised models, files ----------------------------------

const GOLDEN = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const goldenBytes = (name: string) => new Uint8Array(readFileSync(GOLDEN + name + ".safetensors"));
interface GoldenFixture { pairs: { src: number[]; tgt: number[] }[] }
const goldenPairs = (name: string): GoldenFixture["pairs"] => (JSON.parse(readFileSync(GOLDEN + name + ".json", "utf8")) as GoldenFixture).pairs;

test("quantizeRows: |q·s − w| ≤ s/2 per element, s = max|row|/127, zero rows give s = 0", () => {
  const rng = mulberry32(21);
  const rows = 9, cols = 23;
  const w = rand(rows * cols, rng, 3);
  w.fill(0, 2 * cols, 3 * cols);
  w[5 * cols + 4] = 40; // an outlier sets its row's scale
  const { q, scale } = quantizeRows(w, rows, cols);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let k = 0; k < cols; k++) m = Math.max(m, Math.abs(w[r * cols + k]));
    assert.ok(scale[r] === Math.fround(m / 127), `row ${r} scale ${scale[r]} vs ${m / 127}`);
    for (let k = 0; k < cols; k++) {
      const err = Math.abs(q[r * cols + k] * scale[r] - w[r * cols + k]);
      assert.ok(err <= scale[r] / 2 + 1e-6 * m, `row ${r} col ${k}: error ${err} > s/2 = ${scale[r] / 2}`);
      assert.ok(Math.abs(q[r * cols + k]) <= 127, `row ${r} col ${k}: code ${q[r * cols + k]} outside ±127`);
    }
  }
  assert.ok(scale[2] === 0 && q.subarray(2 * cols, 3 * cols).every((v) => v === 0), "zero row: scale 0 and codes 0");
});

// Tolerance of the quantised golden models (random weights of PyTorch's init,
// sizes 4-13): every log-probability within LOGP_TOL nats of the f32 model's;
// greedy output identical for at least GREEDY_SAME of the sentences.
// The plain-RNN cases avoid the 2-layer ones: a tanh RNN with uniform ±0.8
// random weights is close to chaotic, and the int8 rounding of a 2-layer one
// (rnn-bahdanau-dot-uni-l2) moves log-probabilities by 0.15-0.25 nats.
const LOGP_TOL = 0.05;
const GREEDY_SAME = 0.75;
const QUANT_GOLDEN = [
  "luong-additive-bi-l1", "luong-general-uni-l2", "luong-dot-bi-l2", "luong-none-uni-l1",
  "bahdanau-additive-bi-l2", "bahdanau-general-uni-l1", "bahdanau-dot-uni-l2", "luong-additive-bi-l2-nofeed",
  "gru-bahdanau-additive-bi-l2", "gru-luong-general-uni-l2", "rnn-luong-additive-bi-l1", "rnn-bahdanau-general-uni-l1",
];

test(`quantised golden models: log-probs within ${LOGP_TOL} of f32, greedy ids mostly identical (both builds)`, async (t) => {
  for (const eng of await engines()) {
    for (const name of QUANT_GOLDEN) {
      await t.test(`${eng.variant} ${name}`, () => {
        const mark = eng.arena.mark();
        const f32 = Model.fromBytes(eng, goldenBytes(name), name);
        const qbytes = quantizeModel(f32);
        const q = Model.fromBytes(eng, qbytes, name + " int8");
        assert.ok(q.quantized && !f32.quantized, "quantized flags");
        const pairs = goldenPairs(name);
        const a = scoreIds(f32, pairs), b = scoreIds(q, pairs);
        let worst = 0;
        a.forEach((r, i) => r.logprobs.forEach((lp, j) => (worst = Math.max(worst, Math.abs(lp - b[i].logprobs[j])))));
        t.diagnostic(`${eng.variant} ${name}: max |Δ log p| = ${worst.toFixed(4)}`);
        assert.ok(worst <= LOGP_TOL, `${name}: max |Δ log p| ${worst} > ${LOGP_TOL}`);
        assert.ok(worst > 0, `${name}: int8 log-probs identical to f32: the int8 kernels did not run`);
        const srcs = pairs.map((p) => p.src);
        const ga = searchIds(f32, srcs, { beam: 1 }), gb = searchIds(q, srcs, { beam: 1 });
        const same = ga.filter((h, i) => h[0].ids.join() === gb[i][0].ids.join()).length;
        assert.ok(same >= GREEDY_SAME * srcs.length, `${name}: greedy ids identical for ${same} of ${srcs.length}`);
        eng.arena.release(mark);
      });
    }
  }
});

test("a quantised file is ~4× smaller in its weights, round-trips byte for byte and keeps its metadata", async () => {
  const [eng] = await engines();
  const name = "luong-additive-bi-l2";
  const f32 = Model.fromBytes(eng, goldenBytes(name), name);
  f32.metadata.note = "kept";
  const qbytes = quantizeModel(f32);
  const q = Model.fromBytes(eng, qbytes, "q");
  assert.deepEqual(q.toBytes(), qbytes, "toBytes of a loaded int8 model gives the same file");
  assert.equal(q.metadata.note, "kept", "other metadata kept");
  assert.equal(q.metadata[QUANT_KEY], QUANT_VALUE, "quantization metadata");
  const st = parseSafetensors(qbytes, "q");
  for (const s of f32.specs) {
    const want = isQuantized(s.name) ? "I8" : "F32";
    assert.equal(st.info(s.name).dtype, want, `${s.name} dtype`);
    if (want === "I8") assert.deepEqual(st.info(scaleName(s.name)).shape, [s.shape[0]], `${s.name}.scale shape`);
  }
  for (const n of ["src_embed.weight", "tgt_embed.weight", "generator.weight", "attn.query.weight", "encoder.weight_hh_l1_reverse"]) {
    assert.ok(isQuantized(n), `${n} is quantised`);
  }
  for (const n of ["attn.v.weight", "generator.bias", "encoder.bias_ih_l0"]) assert.ok(!isQuantized(n), `${n} stays f32`);
  assert.throws(() => quantizeModel(q), /already int8/, "quantising twice is refused");
  assert.throws(() => q.view("generator.weight"), S2SError, "no f32 view of an int8 matrix");
});

/** The quantised golden file with one tensor or metadata value changed. */
function tampered(edit: (tensors: TensorData[], meta: Record<string, string>) => void): Uint8Array {
  const st = parseSafetensors(quantizedGolden, "q");
  const tensors: TensorData[] = [...st.tensors.entries()].map(([name, info]) => ({
    name, dtype: info.dtype as "F32" | "I8", shape: info.shape,
    data: info.dtype === "I8" ? new Int8Array(st.raw(name).slice().buffer) : st.f32(name),
  }));
  const meta = { ...st.metadata };
  edit(tensors, meta);
  return serializeSafetensors(tensors, meta);
}
let quantizedGolden: Uint8Array = new Uint8Array(0);

test("the loader refuses broken int8 files with one line naming the tensor", async () => {
  const [eng] = await engines();
  quantizedGolden = quantizeModel(Model.fromBytes(eng, goldenBytes("luong-additive-bi-l1"), "g"));
  const cases: [string, (t: TensorData[], m: Record<string, string>) => void, RegExp][] = [
    ["missing scale", (t) => t.splice(t.findIndex((x) => x.name === "generator.weight.scale"), 1), /missing tensor generator\.weight\.scale/],
    ["scale of the wrong shape", (t) => {
      const s = t.find((x) => x.name === "bridge.weight.scale")!;
      s.data = new Float32Array(s.data.length + 1); s.shape = [s.data.length];
    }, /bridge\.weight\.scale has shape \[\d+\], expected \[\d+\]/],
    ["NaN scale", (t) => ((t.find((x) => x.name === "attn_out.weight.scale")!.data as Float32Array)[1] = NaN), /attn_out\.weight\.scale has 1 NaN or infinite or negative/],
    ["negative scale", (t) => ((t.find((x) => x.name === "src_embed.weight.scale")!.data as Float32Array)[0] = -1), /src_embed\.weight\.scale has 1 NaN or infinite or negative/],
    ["f32 weight in an int8 file", (t) => {
      const i = t.findIndex((x) => x.name === "decoder.weight_hh_l0");
      t[i] = { ...t[i], dtype: "F32", data: Float32Array.from(t[i].data) };
    }, /decoder\.weight_hh_l0 has dtype F32, expected I8/],
    ["int8 bias", (t) => {
      const i = t.findIndex((x) => x.name === "generator.bias");
      t[i] = { ...t[i], dtype: "I8", data: new Int8Array(t[i].data.length) };
    }, /generator\.bias has dtype I8, expected F32/],
    ["scale without quantization metadata", (_t, m) => delete m[QUANT_KEY], /unexpected tensor .*\.scale|dtype I8, expected F32/],
    ["unknown quantization", (_t, m) => (m[QUANT_KEY] = "int4"), /unsupported quantization "int4"/],
    ["future version", (_t, m) => (m[QUANT_KEY] = JSON.stringify({ type: "int8-rowwise", version: 2 })), /quantization version 2 is not supported/],
  ];
  for (const [what, edit, re] of cases) {
    assert.throws(() => Model.fromBytes(eng, tampered(edit), "bad.safetensors"), (e: unknown) => {
      assert.ok(e instanceof S2SError, `${what}: not an S2SError: ${e}`);
      assert.match(e.message, re, what);
      assert.ok(!e.message.includes("\n"), `${what}: one line`);
      return true;
    }, what);
  }
});

test("training refuses an int8 model with a clear error", async () => {
  const [eng] = await engines();
  const q = Model.fromBytes(eng, quantizeModel(Model.fromBytes(eng, goldenBytes("luong-dot-uni-l1"), "g")), "q");
  const pairs = goldenPairs("luong-dot-uni-l1");
  assert.throws(() => new Trainer(q, pairs, null, DEFAULT_TRAIN), /training needs a float32 model; this one is int8-quantised/, "Trainer");
  assert.throws(() => new Grads(q), /gradients needs a float32 model/, "Grads");
  assert.throws(() => initialize(q, { kind: "pytorch" }, 1), S2SError, "initialize");
});
