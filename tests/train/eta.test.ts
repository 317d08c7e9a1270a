// The training ETA is the whole run's remaining steps at the run's measured
// rate (validation included), not the current epoch's: checked with a fake
// clock that advances 1 s per update and 4 s per validation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/load-node.js";
import { Model } from "../../src/model/model.js";
import { parseConfig } from "../../src/model/config.js";
import { initialize, mulberry32 } from "../../src/train/init.js";
import { DEFAULT_TRAIN, Trainer } from "../../src/train/trainer.js";
import { Progress, type ProgressInfo } from "../../src/train/progress.js";

test("ETA from epoch 2 on: the run's remaining steps at the run's rate (fake clock)", async () => {
  const engine = await loadEngine({ variant: "simd" });
  const model = Model.create(engine, parseConfig({ src_vocab_size: 12, tgt_vocab_size: 12, emb_dim: 4, enc_hidden: 4, dec_hidden: 4, attention: "none" }));
  initialize(model, { kind: "uniform", range: 0.1 }, 1);
  const rng = mulberry32(2);
  const pair = () => ({ src: [4 + Math.floor(rng() * 8), 3], tgt: [4 + Math.floor(rng() * 8), 3] });
  const train = Array.from({ length: 20 }, pair), valid = Array.from({ length: 4 }, pair);
  const epochs = 3, perEpoch = 5; // 20 pairs, 4 per batch
  let clock = 0;
  const seen: { step: number; eta: number | null; trueLeft: number }[] = [];
  class FakeProgress extends Progress {
    override update(p: ProgressInfo): void {
      // what is really left: 1 s per remaining step, 4 s per validation still to come (this epoch's included)
      const left = (epochs * perEpoch - p.step) + 4 * (epochs - p.epoch + 1);
      seen.push({ step: p.step, eta: p.etaSec, trueLeft: left });
      clock += 1000;
    }
  }
  const trainer = new Trainer(model, train, valid, { ...DEFAULT_TRAIN, epochs, batchSentences: 4, shuffle: false });
  await trainer.run({ progress: new FakeProgress(undefined, 0, true), now: () => clock, validate: () => { clock += 4000; return {}; } });
  assert.equal(seen.length, epochs * perEpoch);
  assert.equal(seen[0].eta, null, "no rate before the first step is timed");
  for (const s of seen.slice(perEpoch)) {
    assert.ok(s.eta !== null);
    // once a validation has been timed, the run's rate (≈ 1.8 s per step) is off by at most half of what is left,
    // or by one validation (4 s: the estimate spreads validations evenly over the steps)
    assert.ok(Math.abs(s.eta - s.trueLeft) <= Math.max(s.trueLeft / 2, 4), `step ${s.step}: ETA ${s.eta.toFixed(1)} s, really ${s.trueLeft} s left`);
  }
  // the first step of epoch 2: the old per-epoch clock said ~0 s here; 10 steps and 2 validations are left
  const e2 = seen.find((s) => s.step === perEpoch + 1)!;
  assert.ok(e2.eta! > 10, `epoch 2, step 1: ETA ${e2.eta} s`);
});
