// Decoding traces (src/decode/trace.ts) on the golden PyTorch fixtures (every
// cell × decoder style × attention): the trace runs the same search as
// searchIds, its α are the kernels', its scores give those α, and its beam
// candidates chain into the hypotheses it returns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { encode } from "../src/model/encoder.js";
import { searchIds, lengthPenalty } from "../src/decode/search.js";
import { traceDecode, traceEncoder, type DecodeTrace } from "../src/decode/trace.js";
import { quantizeModel } from "../src/model/quant.js";
import { traceDecode as exported } from "../src/index.js";
import { traceDecode as exportedText, traceEncoder as exportedEncoder } from "../src/index.text.js";

const dir = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const names: string[] = JSON.parse(readFileSync(dir + "index.json", "utf8")).models;
const srcsOf = (name: string): number[][] =>
  JSON.parse(readFileSync(dir + name + ".json", "utf8")).pairs.map((p: { src: number[] }) => p.src);

function softmax(e: number[]): number[] {
  const m = Math.max(...e), x = e.map((v) => Math.exp(v - m)), s = x.reduce((a, b) => a + b, 0);
  return x.map((v) => v / s);
}

function near(a: number[], b: number[], tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `${what}[${i}]: ${v} vs ${b[i]}`));
}

/** Every structural promise of a trace, for a model and source. */
function checkTrace(model: Model, src: number[], tr: DecodeTrace, K: number, alpha: number, what: string): void {
  const kind = model.config.attention, d = model.dims;
  tr.steps.forEach((s, si) => {
    assert.equal(s.t, si + 1);
    assert.ok(s.rows.length <= K && s.candidates.length <= 2 * K && s.kept.length <= K, `${what} step ${s.t}: sizes`);
    s.rows.forEach((r, ri) => {
      // rows continue the previous step's kept candidates, in order
      assert.equal(r.hyp, si === 0 ? -1 : tr.steps[si - 1].kept[ri], `${what} step ${s.t} row ${ri}: parent`);
      if (kind === "none") {
        assert.equal(r.scores, null);
        assert.equal(r.alpha, null);
        assert.deepEqual(r.context, tr.encoder.mbar, `${what}: context = m̄`);
        return;
      }
      assert.equal(r.alpha!.length, src.length);
      near(softmax(r.scores!), r.alpha!, 1e-6, `${what} step ${s.t} row ${ri}: softmax(scores) = α`);
      const ctx = Array.from({ length: d.Hm }, (_, k) => r.alpha!.reduce((acc, a, j) => acc + a * tr.encoder.memory[j][k], 0));
      near(r.context, ctx, 1e-5, `${what} step ${s.t} row ${ri}: context = Σ α_j M_j`);
    });
    s.candidates.forEach((c, ci) => {
      assert.ok(c.row >= 0 && c.row < s.rows.length, `${what}: candidate row`);
      const h = s.rows[c.row].hyp, parentCum = h < 0 ? 0 : tr.steps[si - 1].candidates[h].cum;
      assert.equal(c.cum, parentCum + c.logp, `${what} step ${s.t} candidate ${ci}: cum = parent's + log p`);
      assert.ok(c.logp <= 0);
      assert.equal(c.score, c.cum / lengthPenalty(s.t, alpha));
      assert.equal(c.eos, c.token === 3);
      if (si < tr.steps.length - 1) assert.equal(s.kept.includes(ci), !c.finished, `${what}: kept = not finished`);
    });
  });
  // every finished candidate is one hypothesis, whose ids are its chain
  const ends = tr.steps.flatMap((s, si) => s.candidates.flatMap((c, ci) => (c.finished ? [`${si}.${ci}`] : [])));
  assert.deepEqual(tr.hypotheses.map((h) => `${h.step}.${h.candidate}`).sort(), ends.sort(), `${what}: hypotheses = finished candidates`);
  for (const h of tr.hypotheses) {
    assert.equal(h.ids.length, h.step + 1);
    const c = tr.steps[h.step].candidates[h.candidate];
    assert.equal(h.ids.at(-1), c.token);
    assert.equal(h.score, c.score);
  }
  assert.equal(tr.steps.at(-1)!.kept.length, 0, `${what}: nothing lives on after the last step`);
}

test(`trace: ${names.length} golden models, greedy and beam 3: searchIds' hypotheses, softmax(scores) = α, context, chains, encoder states`, async () => {
  const eng = await loadEngine({ variant: "simd" });
  for (const name of names) {
    const mark = eng.arena.mark();
    const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
    for (const src of srcsOf(name)) {
      for (const [beam, alpha] of [[1, 0.6], [3, 0.6], [3, 0]]) {
        const what = `${name} beam ${beam} α ${alpha} src ${src.join(" ")}`;
        const opts = { beam, alpha, maxLenA: 1, maxLenB: 3 };
        const tr = traceDecode(model, src, opts);
        const want = searchIds(model, [src], { ...opts, nbest: beam })[0];
        assert.deepEqual(tr.hypotheses.slice(0, want.length).map(({ ids, score, cum, attention }) => ({ ids, score, cum, attention })), want, `${what}: = searchIds`);
        checkTrace(model, src, tr, beam, alpha, what);
      }
      // the encoder states are encode()'s
      const m = eng.arena.mark();
      const enc = encode(model, [src]), d = model.dims, L = src.length;
      const tr = traceDecode(model, src, { beam: 1 });
      assert.deepEqual(tr.encoder.memory.flat(), Array.from(eng.arena.f32(enc.mem, L * d.Hm)), `${name}: memory`);
      assert.deepEqual(tr.encoder.mbar, Array.from(eng.arena.f32(enc.mbar, d.Hm)), `${name}: m̄`);
      assert.deepEqual(tr.encoder.h0.flat(), Array.from(eng.arena.f32(enc.h0, d.Ld * d.Hd)), `${name}: h0`);
      assert.equal(tr.encoder.h0.length, d.Ld);
      eng.arena.release(m);
    }
    eng.arena.release(mark);
  }
});

test("trace: scores from the model's weights in float64 (one step of each attention, lstm, gru and rnn)", async () => {
  const eng = await loadEngine({ variant: "simd" });
  let checked = 0;
  for (const cell of ["", "gru-", "rnn-"]) {
    for (const attn of ["dot", "general", "additive"]) {
      for (const style of ["luong", "bahdanau"]) {
        const name = `${cell}${style}-${attn}-bi-l2`;
        const mark = eng.arena.mark();
        const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
        const d = model.dims, w = (n: string) => Array.from(model.view(n));
        const src = srcsOf(name)[3];
        const tr = traceDecode(model, src, { beam: 2 });
        const row = tr.steps[Math.min(1, tr.steps.length - 1)].rows[0];
        const q = row.query!, M = tr.encoder.memory;
        const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
        const mat = (W: number[], rows: number, x: number[]) =>
          Array.from({ length: rows }, (_, i) => dot(W.slice(i * x.length, (i + 1) * x.length), x));
        let want: number[];
        if (attn === "dot") want = M.map((m) => dot(q, m));
        else if (attn === "general") want = M.map((m) => dot(q, mat(w("attn.weight"), d.Hd, m)));
        else {
          const qp = mat(w("attn.query.weight"), d.A, q), b = w("attn.key.bias"), v = w("attn.v.weight");
          want = M.map((m) => dot(v, mat(w("attn.key.weight"), d.A, m).map((k, i) => Math.tanh(qp[i] + k + b[i]))));
        }
        near(row.scores!, want, 1e-4, `${name}: scores`);
        checked++;
        eng.arena.release(mark);
      }
    }
  }
  assert.equal(checked, 18);
});

test("trace: exported from the Node entry and seq2seq-wasm/text; bad input is a clear error", async () => {
  assert.equal(exported, traceDecode);
  assert.equal(exportedText, traceDecode);
  const eng = await loadEngine({ variant: "simd" });
  const name = "luong-dot-bi-l1";
  const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
  assert.throws(() => traceDecode(model, [99, 3]), /src/);
  assert.throws(() => traceDecode(model, [4, 3], { beam: 0 }), /beam must be/);
});

test("trace: an int8-quantised model traces as it searches (additive attention reads attn.v, which stays float32)", async () => {
  const eng = await loadEngine({ variant: "simd" });
  for (const name of ["luong-additive-bi-l2", "gru-bahdanau-general-uni-l1"]) {
    const f32 = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
    const model = Model.fromBytes(eng, quantizeModel(f32), name);
    assert.ok(model.quantized);
    for (const src of srcsOf(name)) {
      const tr = traceDecode(model, src, { beam: 2 });
      const want = searchIds(model, [src], { beam: 2, nbest: 2 })[0];
      assert.deepEqual(tr.hypotheses.slice(0, 2).map(({ ids, score, cum, attention }) => ({ ids, score, cum, attention })), want, `${name}`);
      checkTrace(model, src, tr, 2, 0.6, `${name} int8`);
    }
  }
});

test("traceEncoder: the encoder states alone are traceDecode's, for every golden model; bidirectional m̄ = [→h_S ; ←h_1]; the arena is left as it was; bad input is a clear error", async () => {
  const eng = await loadEngine({ variant: "simd" });
  for (const name of names) {
    const mark = eng.arena.mark();
    const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
    const d = model.dims;
    for (const src of srcsOf(name)) {
      const top = eng.arena.mark();
      const enc = traceEncoder(model, src);
      assert.equal(eng.arena.mark(), top, `${name}: traceEncoder releases what it allocates`);
      assert.deepEqual(enc, traceDecode(model, src, { beam: 1 }).encoder, `${name}: = traceDecode's encoder`);
      assert.equal(enc.memory.length, src.length);
      assert.ok(enc.memory.every((m) => m.length === d.Hm));
      if (model.config.bidirectional && model.config.enc_layers === 1) {
        // m̄ is the forward state at the last position and the backward state at the first
        const half = d.Hm / 2;
        assert.deepEqual(enc.mbar, [...enc.memory[src.length - 1].slice(0, half), ...enc.memory[0].slice(half)], `${name}: m̄`);
      }
      assert.equal(enc.keys === null, model.config.attention === "none", `${name}: keys only with attention`);
    }
    eng.arena.release(mark);
  }
  assert.equal(exportedEncoder, traceEncoder);
  const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + names[0] + ".safetensors")), names[0]);
  assert.throws(() => traceEncoder(model, [99999, 3]), /sentence 1: src/);
});
