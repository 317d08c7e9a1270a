// Nothing crashes, hangs, corrupts or lies (the engine side): memory limits
// give a clear error and leave the engine usable, long runs keep memory flat,
// NaN/Inf training steps are skipped, SIGKILL at any moment leaves a loadable
// checkpoint and --resume still ends with the uninterrupted weights.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { searchIds } from "../src/decode/search.js";
import { S2SError } from "../src/errors.js";
import { Trainer, DEFAULT_TRAIN } from "../src/train/trainer.js";
import { parseSafetensors } from "../src/io/safetensors.js";
import { mulberry32 } from "./helpers/reference.js";
import { runCli, startCli, ROOT } from "./helpers/cli.js";

const GOLDEN = join(ROOT, "tests/fixtures/golden");
const tmp = mkdtempSync(join(tmpdir(), "s2s-rel-"));
const modelBytes = new Uint8Array(readFileSync(join(GOLDEN, "luong-additive-bi-l2-nofeed.safetensors")));

function sources(n: number, seed: number, maxLen: number): number[][] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => [...Array.from({ length: Math.floor(r() * maxLen) }, () => 4 + Math.floor(r() * 7)), 3]);
}

test("a memory limit turns into a clear error, and the engine stays usable", async () => {
  // 1 MiB: the engine cannot grow at all, so encoding 4,000-token sources fails
  const small = await loadEngine({ variant: "simd", maxMemoryMiB: 1 });
  const model = Model.fromBytes(small, modelBytes);
  const probe = sources(5, 1, 10);
  const before = searchIds(model, probe, { beam: 3 });
  const huge = Array.from({ length: 8 }, () => [...new Array(4000).fill(5), 3]);
  assert.throws(() => searchIds(model, huge, { beam: 2, batchSentences: 8, batchTokens: 1e6 }), (e: unknown) => e instanceof S2SError && /out of memory: .* limited to 1 MiB/.test(e.message));
  assert.throws(() => searchIds(model, [[...new Array(5000).fill(5), 3]]), /src has 5001 tokens, more than the limit of 4096/);
  const after = searchIds(model, probe, { beam: 3 });
  assert.deepEqual(after, before, "results changed after the failed call");
  assert.ok(small.arena.stats().used < 2 ** 20, `arena not released: ${small.arena.stats().used} bytes in use`);
});

test("10,000 translations of varied length: wasm memory flat after warm-up, process memory bounded", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const model = Model.fromBytes(eng, modelBytes);
  const srcs = sources(10000, 2, 40);
  let warm = 0, rssWarm = 0;
  for (let i = 0; i < srcs.length; i += 250) {
    searchIds(model, srcs.slice(i, i + 250), { beam: i % 500 === 0 ? 1 : 4, maxLenA: 1, maxLenB: 5 });
    if (i === 1000) {
      warm = eng.memory.buffer.byteLength;
      rssWarm = process.memoryUsage().rss;
    }
  }
  const end = eng.memory.buffer.byteLength;
  const rssGrowth = (process.memoryUsage().rss - rssWarm) / 2 ** 20;
  console.log(`wasm memory after warm-up ${warm / 2 ** 20} MiB, at the end ${end / 2 ** 20} MiB; RSS growth ${rssGrowth.toFixed(1)} MiB`);
  assert.equal(end, warm, "wasm memory grew after warm-up");
  assert.ok(rssGrowth < 64, `process memory grew by ${rssGrowth.toFixed(1)} MiB`);
});

test("NaN/Inf in the loss or gradients: the step is skipped, counted and warned about; weights untouched", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const model = Model.fromBytes(eng, modelBytes);
  model.view("generator.weight").fill(3e38); // logits overflow to ±Inf → NaN loss
  model.refresh();
  const before = model.tensors().map((t) => t.data.slice());
  const pairs = sources(8, 3, 6).map((src) => ({ src, tgt: [5, 6, 3] }));
  const trainer = new Trainer(model, pairs, null, { ...DEFAULT_TRAIN, epochs: 1, batchSentences: 4 });
  const lines: string[] = [];
  const progress = { update() {}, log: (l: string) => lines.push(l) } as unknown as import("../src/train/progress.js").Progress;
  const r = await trainer.run({ progress });
  assert.equal(r.state.skippedSteps, 2, "both batches of the epoch are skipped");
  assert.ok(lines.some((l) => /NaN\/Inf; step skipped/.test(l)), lines.join("\n"));
  model.tensors().forEach((t, i) => assert.deepEqual(t.data, before[i], `${t.name} changed`));
  // a run that only ever sees NaN stops with a clear error instead of looping
  const endless = new Trainer(model, pairs, null, { ...DEFAULT_TRAIN, steps: 3, batchSentences: 4 });
  await assert.rejects(endless.run({ progress }), (e: unknown) => e instanceof S2SError && /training diverged: 50 consecutive batches/.test(e.message));
});

test("an epoch split by an interrupt and a resume records the time of both runs", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const pairs = sources(16, 5, 6).map((src) => ({ src, tgt: [5, 6, 3] }));
  const cfg = { ...DEFAULT_TRAIN, epochs: 1, batchSentences: 4 };
  const first = new Trainer(Model.fromBytes(eng, modelBytes), pairs, null, cfg);
  let polls = 0, saved: Uint8Array | null = null;
  const quiet = { update() {}, log() {} } as unknown as import("../src/train/progress.js").Progress;
  const r1 = await first.run({ progress: quiet, interrupted: () => ++polls > 2, saveCheckpoint: async (b) => { saved = b; } });
  assert.ok(r1.interrupted && saved, "the first run stops after two batches with a checkpoint");
  const state = JSON.parse(parseSafetensors(saved!).metadata.train_state) as { batch: number; epochSeconds?: number };
  assert.equal(state.batch, 2, "two batches done");
  assert.ok(typeof state.epochSeconds === "number" && state.epochSeconds >= 0, `the checkpoint carries the epoch's time so far: ${state.epochSeconds}`);
  const second = new Trainer(Model.fromBytes(eng, modelBytes), pairs, null, cfg);
  second.restore(saved!, "ckpt");
  second.state.epochSeconds = 1000; // as if the first run had spent 1000 s in this epoch
  const r2 = await second.run({ progress: quiet });
  assert.equal(r2.state.history.length, 1, "one epoch record");
  assert.ok(r2.state.history[0].seconds >= 1000, `the resumed epoch's record counts the earlier run's time: ${r2.state.history[0].seconds}`);
  assert.equal(r2.state.epochSeconds, 0, "reset for the next epoch");
});

const CONFIG = { src_vocab_size: 14, tgt_vocab_size: 14, emb_dim: 16, enc_hidden: 24, bidirectional: true, dec_hidden: 48, attn_dim: 32, attention: "additive", decoder_style: "bahdanau" };

test("SIGKILL at random moments (checkpoint every step) never corrupts the checkpoint; resuming ends with the uninterrupted weights", async () => {
  const config = join(tmp, "config.json");
  writeFileSync(config, JSON.stringify(CONFIG));
  const r0 = mulberry32(5);
  const pairs = Array.from({ length: 1500 }, () => {
    const s = Array.from({ length: 2 + Math.floor(r0() * 8) }, () => 4 + Math.floor(r0() * 10));
    return { src: [...s, 3], tgt: [...s].reverse().concat(3) };
  });
  const data = join(tmp, "data.jsonl");
  writeFileSync(data, pairs.map((p) => JSON.stringify(p)).join("\n") + "\n");
  const common = ["--config", config, "--train-ids", data, "--batch-sentences", "16", "--seed", "3", "--epochs", "2", "--quiet"];
  const whole = join(tmp, "whole.safetensors"), killed = join(tmp, "killed.safetensors");
  const ckpt = join(tmp, "killed.ckpt.safetensors");
  const t0 = Date.now();
  const r = await runCli(["train", ...common, "--out", whole], "", 300000);
  const duration = Date.now() - t0;
  assert.equal(r.code, 0, r.stderr);
  const rnd = mulberry32(11);
  let kills = 0, finished = false;
  for (let attempt = 0; attempt < 12 && !finished; attempt++) {
    const args = ["train", ...common, "--out", killed, "--checkpoint-every", "1", ...(existsSync(ckpt) ? ["--resume"] : [])];
    const run = startCli(args);
    // a random moment of a run (start-up included); after 6 kills, let it finish
    const delay = attempt < 6 ? 100 + rnd() * duration * 0.8 : 1e9;
    const timer = setTimeout(() => run.child.kill("SIGKILL"), delay);
    const res = await run.done;
    clearTimeout(timer);
    if (res.signal === "SIGKILL") {
      kills++;
      // whatever moment the kill hit, the checkpoint is absent or complete and loadable
      if (existsSync(ckpt)) assert.doesNotThrow(() => parseSafetensors(new Uint8Array(readFileSync(ckpt)), ckpt), "checkpoint corrupted by a kill");
    } else {
      assert.equal(res.code, 0, res.stderr);
      finished = true;
    }
  }
  assert.ok(finished, "the run never finished");
  assert.ok(kills > 0, "no kill landed before the run finished");
  console.log(`killed ${kills} times before the run completed`);
  assert.deepEqual(readFileSync(killed), readFileSync(whole), "killed-and-resumed run differs from the uninterrupted one");
  // temporary files of interrupted writes are hidden dot-files; the real names are always complete
  for (const f of readdirSync(tmp).filter((f) => f.endsWith(".safetensors") && !f.startsWith("."))) {
    assert.doesNotThrow(() => parseSafetensors(new Uint8Array(readFileSync(join(tmp, f))), f));
  }
});
