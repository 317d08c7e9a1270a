// ONNX export (src/export/onnx): every golden model, exported and run by
// ONNX Runtime Web (wasm, 1 thread), gives the engine's step outputs (log p
// and α within 1e-4) and, through searchWith, searchIds's ids (greedy and
// beam 3); the manifest matches the graphs; `s2s export-onnx` writes the files
// and fails with one line on bad input.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { loadEngine } from "../src/engine/load-node.js";
import type { Engine } from "../src/engine/engine.js";
import { Model } from "../src/model/model.js";
import { exportOnnx, type OnnxManifest } from "../src/export/onnx/export.js";
import { engineStepper } from "../src/decode/stepper.js";
import { searchIds, searchWith } from "../src/decode/search.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { parseSafetensors, serializeSafetensors } from "../src/io/safetensors.js";
import type { ModelConfig } from "../src/model/config.js";
import { ortStepper } from "../bench/baselines/ort-translate.js";
import { model as onnxModel } from "../src/export/onnx/proto.js";
import { ROOT, assertCleanFailure, runCli } from "./helpers/cli.js";

const GOLDEN = join(ROOT, "tests/fixtures/golden");
const NAMES: string[] = JSON.parse(readFileSync(join(GOLDEN, "index.json"), "utf8")).models;
const TOL = 1e-4;
const tmp = mkdtempSync(join(tmpdir(), "s2s-onnx-"));
let engine: Engine;

before(async () => {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  engine = await loadEngine();
});

function loadGolden(name: string): { model: Model; srcs: number[][] } {
  const model = Model.fromBytes(engine, new Uint8Array(readFileSync(join(GOLDEN, `${name}.safetensors`))), name);
  const fx = JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), "utf8")) as { pairs: { src: number[] }[] };
  return { model, srcs: fx.pairs.map((p) => p.src) };
}

/** max |a - b| over two equally long arrays */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Drives the engine's and ORT's sessions in lockstep over a ragged batch:
 * rows that share sentences, a reorder that drops, duplicates and permutes
 * rows, and compares every step's log p and α.
 */
async function compareSteps(model: Model, srcs: number[][], name: string): Promise<{ logp: number; alpha: number }> {
  const ortS = await ortStepper(ort, exportOnnx(model));
  const B = srcs.length, Vt = model.dims.Vt;
  const rows = [...srcs.keys(), 0, B - 1, Math.floor(B / 2)];
  const es = engineStepper(model).begin(srcs, rows.length);
  const os = await ortS.begin(srcs, rows.length);
  assert.equal(os.S, es.S, `${name}: padded length`);
  let worst = { logp: 0, alpha: 0 };
  try {
    es.start(rows);
    await os.start(rows);
    let prev = rows.map(() => 2);
    let rowsrc = rows;
    for (let t = 0; t < 5; t++) {
      const a = es.step(prev), b = await os.step(prev);
      worst.logp = Math.max(worst.logp, maxDiff(a.logp, b.logp, `${name} step ${t} logp`));
      assert.equal(b.alpha === null, a.alpha === null, `${name}: alpha present in both or neither`);
      if (a.alpha && b.alpha) worst.alpha = Math.max(worst.alpha, maxDiff(a.alpha, b.alpha, `${name} step ${t} alpha`));
      // next tokens: a spread of ids; every other step, keep a permuted subset of rows (some twice)
      if (t % 2 === 1) {
        const parents = rowsrc.map((_, i) => (i * 5 + t) % rowsrc.length).slice(0, Math.max(1, rowsrc.length - 2));
        rowsrc = parents.map((p) => rowsrc[p]);
        es.reorder(parents, rowsrc);
        await os.reorder(parents, rowsrc);
      }
      prev = rowsrc.map((_, i) => (i * 7 + 3 * t + 1) % Vt);
    }
  } finally {
    es.close();
    os.close();
    await ortS.release();
  }
  return worst;
}

test("the protobuf writer's attribute kinds, int32 initializers and symbolic dims reach ORT intact", async () => {
  const bytes = onnxModel({
    name: "writer",
    nodes: [
      // tensor (t) and floats attributes: s = [1, -2] + [0.5, 4]
      { op: "Constant", inputs: [], outputs: ["k"], attrs: [{ name: "value", t: { name: "k", dims: [2], data: Float32Array.of(1, -2) } }] },
      { op: "Constant", inputs: [], outputs: ["kf"], attrs: [{ name: "value_floats", floats: [0.5, 4] }] },
      { op: "Add", inputs: ["k", "kf"], outputs: ["s"] },
      // float attribute, int32 initializer
      { op: "LeakyRelu", inputs: ["x"], outputs: ["lr"], attrs: [{ name: "alpha", f: 0.25 }] },
      { op: "Gather", inputs: ["x", "idx"], outputs: ["g"] },
      // string and strings attributes: one LSTM step, H = 1, cell bias 2, output activation Relu instead of Tanh
      { op: "LSTM", inputs: ["X", "W", "R", "B"], outputs: ["", "h"], attrs: [
        { name: "hidden_size", i: 1 }, { name: "direction", s: "forward" }, { name: "activations", strings: ["Sigmoid", "Tanh", "Relu"] },
      ] },
    ],
    initializers: [
      { name: "idx", dims: [1], data: Int32Array.of(1) },
      { name: "W", dims: [1, 4, 1], data: new Float32Array(4) },
      { name: "R", dims: [1, 4, 1], data: new Float32Array(4) },
      { name: "B", dims: [1, 8], data: Float32Array.of(0, 0, 0, 2, 0, 0, 0, 0) },
    ],
    inputs: [{ name: "x", dims: ["N"] }, { name: "X", dims: [1, 1, 1] }],
    outputs: [{ name: "s", dims: [2] }, { name: "lr", dims: ["N"] }, { name: "g", dims: [1] }, { name: "h", dims: [1, 1, 1] }],
  });
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const r = await session.run({ x: new ort.Tensor("float32", Float32Array.of(-4, 3, 8), [3]), X: new ort.Tensor("float32", Float32Array.of(1), [1, 1, 1]) });
  assert.deepEqual(Array.from(r.s.data as Float32Array), [1.5, 2], "Constant value (tensor) + value_floats");
  assert.deepEqual(Array.from(r.lr.data as Float32Array), [-1, 3, 8], "LeakyRelu alpha 0.25 on a symbolic-length input");
  assert.deepEqual(Array.from(r.g.data as Float32Array), [3], "Gather with an int32 initializer");
  // i = o = f = σ(0) = 0.5, c = 0.5·tanh(2), h = 0.5·relu(c) (tanh would give 0.5·tanh(c))
  const h = (r.h.data as Float32Array)[0], want = 0.5 * (0.5 * Math.tanh(2));
  assert.ok(Math.abs(h - want) < 1e-6, `LSTM activations strings: h = ${h}, want ${want}`);
  await session.release();
});

test(`ORT runs of every exported golden model match the engine's steps (log p, α within ${TOL})`, async (t) => {
  for (const name of NAMES) {
    const { model, srcs } = loadGolden(name);
    const w = await compareSteps(model, srcs, name);
    assert.ok(w.logp < TOL, `${name}: max |Δ log p| = ${w.logp}`);
    assert.ok(w.alpha < TOL, `${name}: max |Δ α| = ${w.alpha}`);
    t.diagnostic(`${name}: max |Δ log p| ${w.logp.toExponential(1)}, max |Δ α| ${w.alpha.toExponential(1)}`);
  }
});

test("searchWith(ortStepper) gives searchIds's hypotheses, greedy and beam 3, for every golden model", async () => {
  for (const name of NAMES) {
    const { model, srcs } = loadGolden(name);
    const ortS = await ortStepper(ort, exportOnnx(model));
    try {
      for (const beam of [1, 3]) {
        const opts = { beam, nbest: beam, batchSentences: 3 };
        const want = searchIds(model, srcs, opts), got = await searchWith(ortS, srcs, opts);
        assert.deepEqual(got.map((hs) => hs.map((h) => h.ids)), want.map((hs) => hs.map((h) => h.ids)), `${name} beam ${beam}: ids`);
        got.forEach((hs, i) => hs.forEach((h, k) => assert.ok(Math.abs(h.score - want[i][k].score) < TOL, `${name} beam ${beam} sentence ${i} hyp ${k}: score ${h.score} vs ${want[i][k].score}`)));
      }
    } finally {
      await ortS.release();
    }
  }
});

test("a larger random model (bi 2-layer encoder, luong additive with input feeding, 2 decoder layers): same ids over several batches", async () => {
  const config: ModelConfig = {
    src_vocab_size: 300, tgt_vocab_size: 250, emb_dim: 24, enc_hidden: 20, bidirectional: true, enc_layers: 2,
    dec_layers: 2, dec_hidden: 32, attn_dim: 16, attention: "additive", decoder_style: "luong", input_feed: true,
  };
  const model = Model.create(engine, config);
  initialize(model, { kind: "uniform", range: 0.2 }, 11);
  const rnd = mulberry32(4);
  const srcs = Array.from({ length: 17 }, () => [...Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => 4 + Math.floor(rnd() * 296)), 3]);
  const w = await compareSteps(model, srcs, "random");
  assert.ok(w.logp < TOL && w.alpha < TOL, `random model: max |Δ log p| = ${w.logp}, max |Δ α| = ${w.alpha}`);
  const ortS = await ortStepper(ort, exportOnnx(model));
  try {
    for (const beam of [1, 3]) {
      const opts = { beam, batchSentences: 6, maxLenA: 1, maxLenB: 5 };
      const want = searchIds(model, srcs, opts), got = await searchWith(ortS, srcs, opts);
      assert.deepEqual(got.map((hs) => hs[0].ids), want.map((hs) => hs[0].ids), `beam ${beam}: ids`);
    }
  } finally {
    await ortS.release();
  }
});

test("the manifest names exactly the graphs' inputs and outputs", async () => {
  for (const name of ["luong-additive-bi-l2", "bahdanau-none-uni-l1", "luong-dot-uni-l1", "luong-general-uni-l1-nofeed"]) {
    const { model } = loadGolden(name);
    const x = exportOnnx(model);
    const m = x.manifest;
    assert.deepEqual(JSON.parse(JSON.stringify(m.config)), model.config, `${name}: manifest config`);
    for (const [bytes, part] of [[x.encoder, m.encoder], [x.decoderStep, m.decoder_step]] as const) {
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
      assert.deepEqual([...s.inputNames].sort(), part.inputs.map((i) => i.name).sort(), `${name} ${part.file}: inputs`);
      assert.deepEqual([...s.outputNames].sort(), part.outputs.map((o) => o.name).sort(), `${name} ${part.file}: outputs`);
      await s.release();
    }
    // every decoder input is either step state or an encoder output named in feeds
    for (const i of m.decoder_step.inputs) assert.ok(typeof m.feeds[i.name] === "string", `${name}: feeds explains ${i.name}`);
  }
});

const MODEL = join(GOLDEN, "bahdanau-additive-bi-l2.safetensors");

test("s2s export-onnx MODEL OUTDIR writes encoder.onnx, decoder_step.onnx, manifest.json (creating OUTDIR)", async () => {
  const out = join(tmp, "a", "b");
  const r = await runCli(["export-onnx", MODEL, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split("\n").length, 3, `one line per file: ${r.stdout}`);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as OnnxManifest;
  assert.equal(manifest.config.attention, "additive");
  // the files are the library's export of the same model
  const model = Model.fromBytes(engine, new Uint8Array(readFileSync(MODEL)));
  const x = exportOnnx(model);
  assert.deepEqual(new Uint8Array(readFileSync(join(out, "encoder.onnx"))), x.encoder, "encoder.onnx = exportOnnx(model).encoder");
  assert.deepEqual(new Uint8Array(readFileSync(join(out, "decoder_step.onnx"))), x.decoderStep, "decoder_step.onnx = exportOnnx(model).decoderStep");
  // and they run: the files drive the same search
  const files = { encoder: new Uint8Array(readFileSync(join(out, "encoder.onnx"))), decoderStep: new Uint8Array(readFileSync(join(out, "decoder_step.onnx"))), manifest };
  const ortS = await ortStepper(ort, files);
  const srcs = [[5, 6, 7, 3], [9, 3]];
  try {
    const got = await searchWith(ortS, srcs, { beam: 2 });
    assert.deepEqual(got.map((h) => h[0].ids), searchIds(model, srcs, { beam: 2 }).map((h) => h[0].ids), "ids from the written files");
  } finally {
    await ortS.release();
  }
  // exporting again over existing files works (atomic replace)
  const again = await runCli(["export-onnx", MODEL, out]);
  assert.equal(again.code, 0, again.stderr);
});

test("s2s export-onnx: bad inputs fail with one line", async () => {
  const out = join(tmp, "bad");
  assertCleanFailure(await runCli(["export-onnx", join(tmp, "nope.safetensors"), out]), /cannot read model .*no such file/);
  assertCleanFailure(await runCli(["export-onnx", join(ROOT, "README.md"), out]), /README\.md/);
  assertCleanFailure(await runCli(["export-onnx", MODEL]), /missing OUTDIR/);
  const file = join(tmp, "a-file");
  writeFileSync(file, "x");
  assertCleanFailure(await runCli(["export-onnx", MODEL, file]), /cannot create directory .*a file of that name exists/);
  assertCleanFailure(await runCli(["export-onnx", MODEL, join(file, "sub")]), /cannot create directory .*not a directory/);
  // a model with an int8 tensor (the format allows other dtypes) is refused before anything is written
  const st = parseSafetensors(new Uint8Array(readFileSync(MODEL)));
  const tensors = [...st.tensors.keys()].sort().map((name) => ({ name, dtype: "F32" as const, shape: st.info(name).shape, data: st.f32(name) }));
  const gen = tensors.find((t) => t.name === "generator.weight")!;
  const i8 = { name: gen.name, dtype: "I8" as const, shape: gen.shape, data: Int8Array.from(gen.data, (v) => Math.round(v * 100)) };
  const q = join(tmp, "int8.safetensors");
  writeFileSync(q, serializeSafetensors([...tensors.filter((t) => t !== gen), i8], st.metadata));
  const qout = join(tmp, "int8-out");
  assertCleanFailure(await runCli(["export-onnx", q, qout]), /only float32 models can be exported .*I8/);
  assert.ok(!existsSync(qout), "nothing written for a refused model");
});
