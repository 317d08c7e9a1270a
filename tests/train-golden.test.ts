// Training gradients against PyTorch (tools/make_golden.py): the loss of the
// padded batch of all fixture pairs, with and without label smoothing, and
// the gradient of every parameter; plus finite differences of the whole
// model loss for every decoder style and attention setting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { parseSafetensors } from "../src/io/safetensors.js";
import { Grads } from "../src/train/grads.js";
import { lossAndGrads, type BatchIds } from "../src/train/backprop.js";
import { mulberry32 } from "./helpers/reference.js";

const dir = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const names: string[] = JSON.parse(readFileSync(dir + "index.json", "utf8")).models;

function batchOf(fx: { pairs: { src: number[]; tgt: number[] }[] }): BatchIds {
  return { srcs: fx.pairs.map((p) => p.src), tgts: fx.pairs.map((p) => p.tgt) };
}

test(`training: loss and gradients of ${names.length} PyTorch models`, async (t) => {
  const eng = await loadEngine();
  for (const name of names) {
    await t.test(name, () => {
      const fx = JSON.parse(readFileSync(dir + name + ".json", "utf8"));
      const mark = eng.arena.mark();
      const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
      const grads = new Grads(model);
      const r = lossAndGrads(model, grads, batchOf(fx));
      assert.ok(Math.abs(r.loss - fx.train.loss) < 1e-5, `${name}: loss ${r.loss} vs ${fx.train.loss}`);
      const want = parseSafetensors(new Uint8Array(readFileSync(dir + name + ".grad.safetensors")));
      for (const s of model.specs) {
        const g = grads.viewOf(s.name), w = want.f32(s.name);
        let scale = 0;
        for (const v of w) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < w.length; i++) {
          assert.ok(Math.abs(g[i] - w[i]) <= 1e-5 + 1e-4 * scale, `${name} ∂${s.name}[${i}]: ${g[i]} vs ${w[i]}`);
        }
      }
      const g2 = new Grads(model);
      const ls = lossAndGrads(model, g2, batchOf(fx), { labelSmoothing: 0.1 });
      assert.ok(Math.abs(ls.loss - fx.train["loss_label_smoothing_0.1"]) < 1e-5, `${name}: smoothed loss ${ls.loss}`);
      eng.arena.release(mark);
    });
  }
});

test("finite differences of the whole model loss (every style × attention, every cell)", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const rng = mulberry32(7);
  for (const name of ["luong-none-bi-l2", "luong-dot-uni-l1", "luong-general-bi-l1", "luong-additive-bi-l2-nofeed",
    "bahdanau-none-uni-l2", "bahdanau-dot-bi-l1", "bahdanau-general-uni-l2", "bahdanau-additive-bi-l2",
    "gru-luong-additive-bi-l2", "gru-bahdanau-additive-bi-l2", "gru-luong-dot-uni-l1", "gru-bahdanau-none-uni-l2",
    "rnn-luong-general-bi-l1", "rnn-bahdanau-additive-bi-l2", "rnn-luong-additive-bi-l2-nofeed", "rnn-bahdanau-dot-bi-l1"]) {
    const fx = JSON.parse(readFileSync(dir + name + ".json", "utf8"));
    const mark = eng.arena.mark();
    const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
    const grads = new Grads(model);
    const batch = batchOf(fx);
    lossAndGrads(model, grads, batch, { labelSmoothing: 0.1 });
    const scratch = new Grads(model);
    const lossAt = () => lossAndGrads(model, scratch, batch, { labelSmoothing: 0.1 }).lossSum;
    let checked = 0;
    for (const s of model.specs) {
      // two random entries of every parameter
      for (let n = 0; n < 2; n++) {
        const i = Math.floor(rng() * s.size);
        const w = model.view(s.name);
        const orig = w[i];
        const h = 1e-2;
        w[i] = orig + h; model.refresh();
        const up = lossAt();
        model.view(s.name)[i] = orig - h; model.refresh();
        const down = lossAt();
        model.view(s.name)[i] = orig; model.refresh();
        const tokens = batch.tgts.reduce((a, t) => a + t.length, 0);
        const fd = (up - down) / (2 * h) / tokens;
        const an = grads.viewOf(s.name)[i];
        assert.ok(Math.abs(fd - an) <= 2e-3 * Math.max(1, Math.abs(an)) + 2e-4, `${name} ∂${s.name}[${i}]: finite difference ${fd} vs backprop ${an}`);
        checked++;
      }
    }
    assert.ok(checked >= 2 * model.specs.length, `checked ${checked}`);
    eng.arena.release(mark);
  }
});
