// The TensorFlow.js baseline of the end-to-end benchmark
// (bench/baselines/tfjs-translate.ts) computes what our engine computes: on
// every golden fixture model, its step outputs (log p, α) match
// engineStepper's to 1e-4 through start, steps and reorders with rows of
// sentences of different lengths; and on a small model with the reference
// structure (bidirectional encoder, Hd = Hm, additive attention, luong with
// input feeding) searchWith over it finds the same hypotheses as searchIds,
// greedy and beam 3. Both tfjs backends the benchmark times: cpu and wasm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { loadEngine } from "../../src/engine/load-node.js";
import { Model } from "../../src/model/model.js";
import { BOS, type ModelConfig } from "../../src/model/config.js";
import { engineStepper, type StepOutput } from "../../src/decode/stepper.js";
import { searchIds, searchWith, type Hypothesis } from "../../src/decode/search.js";
import { initialize, mulberry32 } from "../../src/train/init.js";
import { tfjsStepper, useTfjsBackend } from "../../bench/baselines/tfjs-translate.js";

const dir = fileURLToPath(new URL("../fixtures/golden/", import.meta.url));
// the tfjs baseline writes the LSTM model (the one the translation benchmark compares): the LSTM fixtures
const fixtures: string[] = (JSON.parse(readFileSync(dir + "index.json", "utf8")).models as string[])
  .filter((name) => JSON.parse(readFileSync(dir + name + ".json", "utf8")).config.cell === undefined);
const BACKENDS = ["cpu", "wasm"] as const;
const TOL = 1e-4;

function maxDiff(a: Float32Array, b: Float32Array, what: string): number {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  assert.ok(Number.isFinite(m), `${what}: NaN`);
  return m;
}

function compare(e: StepOutput, t: StepOutput, what: string): void {
  const dl = maxDiff(e.logp, t.logp, `${what} logp`);
  assert.ok(dl <= TOL, `${what}: logp differs by ${dl}`);
  if (e.alpha === null) return assert.equal(t.alpha, null, `${what}: alpha should be null`);
  assert.ok(t.alpha !== null, `${what}: alpha is null`);
  const da = maxDiff(e.alpha, t.alpha, `${what} alpha`);
  assert.ok(da <= TOL, `${what}: alpha differs by ${da}`);
}

/** Sources of uneven lengths (ids ending with EOS) over a vocabulary of V. */
function sources(rnd: () => number, n: number, V: number, maxLen: number): number[][] {
  return Array.from({ length: n }, () => [...Array.from({ length: Math.floor(rnd() * maxLen) }, () => 4 + Math.floor(rnd() * (V - 4))), 3]);
}

for (const backend of BACKENDS) {
  test(`tfjs-${backend}: step outputs = engineStepper on every golden fixture model`, async () => {
    const engine = await loadEngine();
    await useTfjsBackend(tf, backend);
    const before = tf.memory().numTensors;
    for (const name of fixtures) {
      const bytes = readFileSync(dir + name + ".safetensors");
      const model = Model.fromBytes(engine, bytes, name);
      const ours = engineStepper(model), theirs = tfjsStepper(tf, bytes, { source: name });
      assert.equal(theirs.backend, backend, `${name}: weights on ${backend}`);
      assert.equal(theirs.hasAttention, ours.hasAttention, `${name}: hasAttention`);
      const rnd = mulberry32(name.length * 7919 + 1);
      const srcs = sources(rnd, 4, ours.Vs, 12);
      const MAXR = 8;
      const a = ours.begin(srcs, MAXR), b = theirs.begin(srcs, MAXR);
      try {
        assert.equal(b.S, a.S, `${name}: padded source length`);
        // one row per sentence, then random beams: rows continue random parents and attend to random sentences
        let rows = srcs.map((_, i) => i);
        a.start(rows); b.start(rows);
        let prev = rows.map(() => BOS);
        for (let t = 0; t < 5; t++) {
          compare(a.step(prev), b.step(prev), `${name} step ${t}`);
          const R = 1 + Math.floor(rnd() * MAXR);
          const parents = Array.from({ length: R }, () => Math.floor(rnd() * rows.length));
          rows = t === 2 ? parents.map((p) => rows[p]) : parents.map(() => Math.floor(rnd() * srcs.length));
          a.reorder(parents, rows); b.reorder(parents, rows);
          prev = rows.map(() => 4 + Math.floor(rnd() * (ours.Vt - 4)));
        }
      } finally {
        a.close(); b.close();
        theirs.dispose();
      }
    }
    assert.equal(tf.memory().numTensors, before, `tfjs-${backend}: every tensor freed after close() and dispose()`);
  });
}

// the reference model's structure at toy sizes: E=256, He=256 bi, Hd=512, A=512 → 12, 10 bi, 20, 16
const reference: ModelConfig = {
  src_vocab_size: 53, tgt_vocab_size: 47, emb_dim: 12, enc_hidden: 10, bidirectional: true, enc_layers: 1,
  dec_layers: 1, dec_hidden: 20, attn_dim: 16, attention: "additive", decoder_style: "luong", input_feed: true,
};

function sameHypotheses(got: Hypothesis[][], want: Hypothesis[][], what: string): void {
  assert.equal(got.length, want.length, `${what}: sentences`);
  want.forEach((hyps, i) => {
    assert.equal(got[i].length, hyps.length, `${what} sentence ${i}: hypotheses`);
    hyps.forEach((h, k) => {
      const g = got[i][k];
      assert.deepEqual(g.ids, h.ids, `${what} sentence ${i} hyp ${k}: ids`);
      assert.ok(Math.abs(g.score - h.score) <= TOL, `${what} sentence ${i} hyp ${k}: score ${g.score} vs ${h.score}`);
      if (h.attention === null) return assert.equal(g.attention, null, `${what} sentence ${i} hyp ${k}: attention null`);
      assert.ok(g.attention !== null && g.attention.length === h.attention.length, `${what} sentence ${i} hyp ${k}: attention rows`);
      h.attention.forEach((row, r) => row.forEach((x, j) => {
        assert.ok(Math.abs(g.attention![r][j] - x) <= TOL, `${what} sentence ${i} hyp ${k}: α[${r}][${j}] ${g.attention![r][j]} vs ${x}`);
      }));
    });
  });
}

for (const backend of BACKENDS) {
  test(`tfjs-${backend}: searchWith(tfjsStepper) = searchIds on a reference-structure model, greedy and beam 3`, async () => {
    const engine = await loadEngine();
    await useTfjsBackend(tf, backend);
    const model = Model.create(engine, reference);
    initialize(model, { kind: "uniform", range: 0.3 }, 11);
    const stepper = tfjsStepper(tf, model.toBytes());
    const quiet = tfjsStepper(tf, model.toBytes(), { attention: false });
    try {
      const srcs = sources(mulberry32(5), 13, reference.src_vocab_size, 16);
      for (const [beam, batchSentences] of [[1, 1], [1, 32], [3, 1], [3, 6]]) {
        const o = { beam, nbest: beam, batchSentences };
        const what = `beam ${beam}, ${batchSentences} per batch`;
        const want = searchIds(model, srcs, o);
        sameHypotheses(await searchWith(stepper, srcs, o), want, what);
        // without reading α back: same ids, no attention
        const ids = (await searchWith(quiet, srcs, o)).map((hs) => hs.map((h) => h.ids));
        assert.deepEqual(ids, want.map((hs) => hs.map((h) => h.ids)), `${what}, attention off: ids`);
      }
    } finally {
      stepper.dispose();
      quiet.dispose();
    }
  });
}

test("tfjsStepper refuses to decode on another backend than its weights'", async () => {
  await useTfjsBackend(tf, "cpu");
  const engine = await loadEngine();
  const model = Model.create(engine, reference);
  const stepper = tfjsStepper(tf, model.toBytes());
  await useTfjsBackend(tf, "wasm");
  try {
    assert.throws(() => stepper.begin([[5, 3]], 1), /cpu backend/, "begin() on wasm with cpu weights");
  } finally {
    await useTfjsBackend(tf, "cpu");
    stepper.dispose();
  }
});
