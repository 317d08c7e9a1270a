// s2s train at the ids level: one SGD step equals PyTorch's, runs are
// bitwise reproducible, --resume gives exactly the uninterrupted weights,
// bad input fails cleanly, and a small model learns a task.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, assertCleanFailure, startCli, ROOT } from "./helpers/cli.js";
import { parseSafetensors } from "../src/io/safetensors.js";
import { mulberry32 } from "./helpers/reference.js";

const GOLDEN = join(ROOT, "tests/fixtures/golden");
const tmp = mkdtempSync(join(tmpdir(), "s2s-train-"));

function writeLines(name: string, rows: unknown[]): string {
  const p = join(tmp, name);
  writeFileSync(p, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return p;
}

test("one SGD step from the CLI equals PyTorch's p − lr·∂L/∂p (1e-5)", async () => {
  for (const name of ["luong-additive-bi-l2-nofeed", "bahdanau-general-uni-l2", "luong-dot-bi-l1", "gru-bahdanau-additive-bi-l2", "rnn-luong-general-uni-l2"]) {
    const fx = JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), "utf8"));
    const data = writeLines(`${name}.jsonl`, fx.pairs);
    const out = join(tmp, `${name}.sgd.safetensors`);
    const r = await runCli(["train", "--init", join(GOLDEN, `${name}.safetensors`), "--train-ids", data, "--out", out,
      "--optimizer", "sgd", "--lr", String(fx.train.lr), "--steps", "1", "--batch-sentences", String(fx.pairs.length),
      "--no-shuffle", "--dropout", "0", "--label-smoothing", "0", "--clip", "0", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    const before = parseSafetensors(new Uint8Array(readFileSync(join(GOLDEN, `${name}.safetensors`))));
    const grad = parseSafetensors(new Uint8Array(readFileSync(join(GOLDEN, `${name}.grad.safetensors`))));
    const after = parseSafetensors(new Uint8Array(readFileSync(out)));
    assert.equal(after.metadata.config, before.metadata.config);
    for (const t of before.tensors.keys()) {
      const p = before.f32(t), g = grad.f32(t), q = after.f32(t);
      for (let i = 0; i < p.length; i++) {
        const want = p[i] - fx.train.lr * g[i];
        assert.ok(Math.abs(q[i] - want) <= 1e-5, `${name} ${t}[${i}]: ${q[i]} vs ${want}`);
      }
    }
  }
});

/** A copy-and-reverse task over ids 4..13, lengths 2..9. */
function reverseTask(n: number, seed: number): { src: number[]; tgt: number[] }[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const len = 2 + Math.floor(rnd() * 8);
    const src = Array.from({ length: len }, () => 4 + Math.floor(rnd() * 10));
    return { src: [...src, 3], tgt: [...src].reverse().concat(3) };
  });
}

const CONFIG = { src_vocab_size: 14, tgt_vocab_size: 14, emb_dim: 16, enc_hidden: 24, bidirectional: true, enc_layers: 1, dec_layers: 1, dec_hidden: 48, attn_dim: 32, attention: "additive", decoder_style: "luong", input_feed: true };

test("same seed → bitwise-identical model; --resume after an interrupted run → exactly the uninterrupted weights", async () => {
  const config = join(tmp, "config.json");
  writeFileSync(config, JSON.stringify(CONFIG));
  const data = writeLines("rev-small.jsonl", reverseTask(200, 3));
  const common = ["--config", config, "--train-ids", data, "--batch-sentences", "16", "--dropout", "0.1", "--seed", "5", "--quiet"];
  const a = join(tmp, "a.safetensors"), b = join(tmp, "b.safetensors"), c = join(tmp, "c.safetensors");
  for (const out of [a, b]) {
    const r = await runCli(["train", ...common, "--epochs", "2", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.deepEqual(readFileSync(a), readFileSync(b), "two runs with the same seed differ");
  // first epoch only, then resume to epoch 2
  let r = await runCli(["train", ...common, "--epochs", "1", "--out", c]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(tmp, "c.ckpt.safetensors")));
  r = await runCli(["train", ...common, "--epochs", "2", "--out", c, "--resume"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(c), readFileSync(a), "resumed run differs from the uninterrupted one");
  // mid-epoch resume: stop after 5 steps (the checkpoint is taken at the stop), then continue
  const d = join(tmp, "d.safetensors");
  r = await runCli(["train", ...common, "--epochs", "2", "--steps", "5", "--out", d]);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(["train", ...common, "--epochs", "2", "--out", d, "--resume"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(d), readFileSync(a), "mid-epoch resume differs from the uninterrupted run");
});

test("a small attention model learns to reverse sequences (exact-match accuracy ≥ 90%)", async () => {
  const config = join(tmp, "config.json");
  writeFileSync(config, JSON.stringify(CONFIG));
  const train = writeLines("rev-train.jsonl", reverseTask(3000, 11));
  const testPairs = reverseTask(100, 12);
  const out = join(tmp, "rev.safetensors");
  const r = await runCli(["train", "--config", config, "--train-ids", train, "--out", out, "--epochs", "15",
    "--batch-sentences", "32", "--lr", "0.005", "--seed", "1", "--quiet"], "", 600000);
  assert.equal(r.code, 0, r.stderr);
  const t = await runCli(["translate", "--model", out, "--ids", "--beam", "1", "--no-attention"],
    testPairs.map((p) => JSON.stringify({ src: p.src })).join("\n") + "\n");
  assert.equal(t.code, 0, t.stderr);
  const hyps = t.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).ids);
  const correct = hyps.filter((h, i) => JSON.stringify(h) === JSON.stringify(testPairs[i].tgt)).length;
  assert.ok(correct >= 90, `only ${correct}/100 reversed exactly`);
});

test("train: bad input fails with one clear line", async () => {
  const good = writeLines("good.jsonl", [{ src: [4, 5, 3], tgt: [5, 4, 3] }, { src: [6, 3], tgt: [6, 3] }]);
  const bad = writeLines("bad.jsonl", [{ src: [4, 3], tgt: [5, 3] }, { src: [4, 99, 3], tgt: [3] }]);
  const model = join(GOLDEN, "luong-dot-uni-l1.safetensors");
  const out = join(tmp, "x.safetensors");
  const cases: [string[], RegExp][] = [
    [["--init", model, "--train-ids", bad, "--out", out], /bad\.jsonl:2: src\[1\] = 99 is out of range \[0, 11\)/],
    [["--init", model, "--train-ids", join(tmp, "missing.jsonl"), "--out", out], /cannot read data file .*missing\.jsonl: no such file/],
    [["--train-ids", good, "--out", out], /give exactly one of --init MODEL or --config/],
    [["--init", model, "--config", "c.json", "--train-ids", good, "--out", out], /give exactly one of/],
    [["--init", model, "--train-ids", good], /--out is required/],
    [["--init", model, "--train-ids", good, "--out", out, "--optimizer", "rmsprop"], /--optimizer must be one of sgd, adam/],
    [["--init", model, "--train-ids", good, "--out", out, "--resume"], /cannot read checkpoint .*x\.ckpt\.safetensors: no such file/],
    [["--init", model, "--train-ids", good, "--out", join(tmp, "no-such-dir", "m.safetensors"), "--steps", "1"], /cannot write .*m\.safetensors/],
  ];
  for (const [args, pattern] of cases) assertCleanFailure(await runCli(["train", ...args]), pattern);
});

test("Ctrl-C (SIGINT) saves a checkpoint and exits 130; --resume then ends with the uninterrupted weights", async () => {
  const config = join(tmp, "config.json");
  writeFileSync(config, JSON.stringify(CONFIG));
  const data = writeLines("rev-sigint.jsonl", reverseTask(1500, 21));
  const common = ["--config", config, "--train-ids", data, "--batch-sentences", "16", "--seed", "9", "--epochs", "2"];
  const whole = join(tmp, "whole.safetensors"), cut = join(tmp, "cut.safetensors");
  let r = await runCli(["train", ...common, "--out", whole, "--quiet"], "", 300000);
  assert.equal(r.code, 0, r.stderr);
  const ckpt = join(tmp, "cut.ckpt.safetensors");
  const run = startCli(["train", ...common, "--out", cut, "--checkpoint-every", "10"]);
  // interrupt once training is under way (the first periodic checkpoint exists)
  const t0 = Date.now();
  while (!existsSync(ckpt) && Date.now() - t0 < 60000) await new Promise((res) => setTimeout(res, 20));
  assert.ok(existsSync(ckpt), "no checkpoint appeared");
  run.child.kill("SIGINT");
  const stopped = await run.done;
  if (stopped.code === 0) {
    // the run finished before the signal arrived (a very fast machine): nothing to resume
    assert.deepEqual(readFileSync(cut), readFileSync(whole));
    return;
  }
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /continue with --resume/);
  assert.doesNotMatch(stopped.stderr, /\n\s+at /, "no stack trace");
  r = await runCli(["train", ...common, "--out", cut, "--resume", "--quiet"], "", 300000);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readFileSync(cut), readFileSync(whole), "interrupted + resumed run differs from the uninterrupted one");
});

test("Ctrl-C is seen before the next step, not at the end of the epoch, with the default --checkpoint-every 0", async () => {
  const config = join(tmp, "config.json");
  writeFileSync(config, JSON.stringify(CONFIG));
  // 12,000 pairs in batches of 16: 750 steps an epoch, the first epoch-end checkpoint at step 750
  const data = writeLines("rev-sigint-epoch.jsonl", reverseTask(12000, 22));
  const out = join(tmp, "epoch-cut.safetensors");
  const run = startCli(["train", "--config", config, "--train-ids", data, "--batch-sentences", "16", "--seed", "9", "--epochs", "2", "--out", out], 300000);
  // the first progress line is printed after step 1: training is under way
  let seen = "";
  await new Promise<void>((resolve) => {
    run.child.stderr!.on("data", (d: string) => {
      seen += d;
      if (/step 1\//.test(seen)) resolve();
    });
    run.child.on("close", () => resolve());
  });
  run.child.kill("SIGINT");
  const stopped = await run.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const m = /stopped at step (\d+): checkpoint/.exec(stopped.stderr);
  assert.ok(m, stopped.stderr);
  assert.ok(Number(m[1]) < 750, `stopped at step ${m[1]}: the signal waited for the end of the epoch`);
  assert.ok(existsSync(join(tmp, "epoch-cut.ckpt.safetensors")), "no checkpoint written");
});
