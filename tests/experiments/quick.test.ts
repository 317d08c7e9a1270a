// `npm run experiments -- --quick` end to end, so the experiment script cannot
// rot: a run interrupted by Ctrl-C during training, the same command again
// (it resumes from the checkpoint and finishes), and once more (everything is
// skipped). Checks the JSON layout and the generated report. Skips when
// Multi30k is absent (tests/helpers/multi30k.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MULTI30K_SKIP, multi30kDir } from "../helpers/multi30k.js";
import { reverseSource } from "../../src/experiments/decode.js";
import { barChartSvg, linePlotSvg, niceTicks } from "../../src/experiments/plots.js";
import type { EvalFile, RunFile, Summary, TrainFile } from "../../src/experiments/files.js";
import type { SignificanceFile } from "../../src/experiments/significance.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist", "experiments", "cli.js");
const DIR = multi30kDir();

interface Run {
  code: number | null;
  stderr: string;
  seconds: number;
}

/** Runs the built experiments CLI; with interruptOn, sends SIGINT once a stderr line matches. */
function runExperiments(args: string[], timeoutMs: number, interruptOn?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ["--experimental-wasm-relaxed-simd", CLI, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "", sent = false;
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (interruptOn && !sent && interruptOn.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`experiments ${args.join(" ")} did not finish in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

const json = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;

test("reverseSource reverses the tokens before EOS", () => {
  assert.deepEqual(reverseSource([5, 6, 7, 3]), [7, 6, 5, 3], "tokens reversed, EOS kept last");
  assert.deepEqual(reverseSource([3]), [3], "EOS alone");
  assert.deepEqual(reverseSource([5, 6]), [6, 5], "no EOS: all reversed");
});

test("plots: valid standalone SVG with a title per point and bar", () => {
  const line = linePlotSvg({ title: "t <&>", xLabel: "x", yLabel: "y", x: ["1-10", "11-20", "21+"], xSubLabels: ["n=1", "n=2", "n=3"], series: [{ name: "a", values: [1, null, 3] }, { name: "b", values: [2, 2.5, 1], dashed: true }] });
  assert.match(line, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/, "an SVG root");
  assert.match(line, /t &lt;&amp;&gt;/, "text is escaped");
  assert.equal((line.match(/<circle /g) ?? []).length, 5, "one marker per non-null value");
  const bar = barChartSvg({ title: "b", yLabel: "BLEU", categories: ["A", "B"], series: [{ name: "greedy", values: [10, 20] }, { name: "beam", values: [12, null] }] });
  assert.equal((bar.match(/<rect [^>]*><title>/g) ?? []).length, 3, "one bar per non-null value");
  const ticks = niceTicks(0, 37.2);
  assert.ok(ticks[0] <= 0 && ticks[ticks.length - 1] >= 37.2, `ticks ${ticks} cover the range`);
});

test("npm run experiments -- --quick: interrupted, resumed, skipped; JSON and report", { skip: DIR === null ? MULTI30K_SKIP : false, timeout: 180000 }, async () => {
  assert.ok(existsSync(CLI), `${CLI} missing: run npm run build`);
  const tmp = mkdtempSync(join(tmpdir(), "s2s-exp-"));
  const out = join(tmp, "out");
  const args = ["--quick", "--data-dir", DIR as string, "--out", out];
  try {
    // 1. Ctrl-C during the first model's training: checkpoint, exit 130
    let r = await runExperiments(args, 120000, /\[de-en rnnsearch\] epoch 1 step \d+/);
    assert.equal(r.code, 130, `interrupted run exits 130; stderr:\n${r.stderr}`);
    assert.match(r.stderr, /interrupted at step \d+: checkpoint/, "says where the checkpoint is");
    const ckpt = join(out, "de-en", "rnnsearch", "model.ckpt.safetensors");
    assert.ok(existsSync(ckpt), "checkpoint written");
    const partial = json<TrainFile>(join(out, "de-en", "rnnsearch", "train.json"));
    assert.equal(partial.status, "training", "train.json says training is unfinished");

    // 2. the same command resumes and finishes
    r = await runExperiments(args, 150000);
    assert.equal(r.code, 0, `resumed run succeeds; stderr:\n${r.stderr}`);
    assert.match(r.stderr, /\[de-en rnnsearch\] resuming from .*model\.ckpt\.safetensors at epoch 1, step \d+/, "resumes from the checkpoint");
    assert.match(r.stderr, /\[de-en rnnenc\] training: [\d,]+ parameters/, "trains the second model");
    assert.match(r.stderr, /\[de-en rnnsearch\] test \(100 sentences\) beam 5: BLEU [\d.]+ chrF [\d.]+/, "prints test BLEU and chrF");

    // JSON layout
    const run = json<RunFile>(join(out, "run.json"));
    assert.equal(run.format, "s2s-experiments");
    assert.equal(run.plan.quick, true);
    assert.deepEqual(run.plan.models, ["rnnsearch", "rnnenc"]);
    assert.equal(run.commands.length, 2, "both invocations recorded");
    assert.ok(run.commands[0].machine.cpu && run.commands[0].machine.node === process.version, "machine recorded");
    const prepared = json<{ stats: Record<string, number> }>(join(out, "de-en", "prep", "prepared.json"));
    assert.equal(prepared.stats.train_pairs, 4000, "quick: 4,000 training pairs");
    const check = json<{ splits: { lines: number; identical: number }[] }>(join(out, "de-en", "prep", "check.json"));
    for (const c of check.splits) assert.equal(c.identical, c.lines, "tokenization identical to the dataset's tok/ files");
    const lengths = json<{ sentences: number; max: number; p99: number }>(join(out, "de-en", "prep", "lengths.json"));
    assert.ok(lengths.sentences === 4000 && lengths.max >= lengths.p99 && lengths.p99 > 0, "training source length statistics");
    for (const name of ["rnnsearch", "rnnenc"]) {
      const dir = join(out, "de-en", name);
      const tr = json<TrainFile>(join(dir, "train.json"));
      assert.equal(tr.status, "done", `${name} trained`);
      assert.equal(tr.history.length, run.plan.train.epochs, `${name}: one record per epoch`);
      for (const h of tr.history) assert.ok(Number.isFinite(h.validLoss) && Number.isFinite(h.metrics.BLEU), `${name}: validation loss and BLEU per epoch`);
      assert.ok(tr.trainSeconds > 0 && tr.wallSeconds >= tr.trainSeconds, `${name}: times recorded`);
      const ev = json<EvalFile>(join(dir, "eval.json"));
      assert.deepEqual(ev.sets.map((s) => s.set), ["val", "test", "test_join2", "test_join3", "test_join4"], `${name}: evaluation sets`);
      const test = ev.sets.find((s) => s.set === "test")!;
      assert.equal(test.sentences, 100, "quick: 100 test sentences");
      for (const b of ["1", "5"]) {
        assert.ok(Number.isFinite(test.decode[b].bleu.score) && Number.isFinite(test.decode[b].chrf), `${name}: BLEU and chrF for beam ${b}`);
        const lines = readFileSync(join(dir, "hyps", `test.beam${b}.txt`), "utf8").split("\n");
        assert.equal(lines.length, 101, `${name}: one hypothesis a line`);
      }
      assert.ok(test.ppl > 1 && Number.isFinite(test.ppl), `${name}: perplexity`);
      const bl = ev.byLength["5"];
      assert.equal(bl.rows.reduce((s, row) => s + row.sentences, 0), 100 + 50 + 33 + 25, `${name}: by-length buckets cover test + joined sets`);
      assert.equal(ev.examples.length, 3, `${name}: three examples`);
      const joined = ev.examples.find((e) => e.id === "joined-long")!;
      assert.ok(joined.set.startsWith("test_join") && joined.srcWords > 30, `${name}: a long joined example`);
      if (name === "rnnsearch") {
        assert.ok(joined.attention && joined.attention.length === joined.steps.length, "attention: one row per output step");
        for (const row of joined.attention!) {
          assert.equal(row.length, joined.srcPieces.length, "one weight per source piece");
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 0.01, "rows sum to 1");
        }
      } else {
        assert.equal(joined.attention, null, "no attention for RNNenc");
      }
      assert.equal(joined.refLogprobs.length, joined.refPieces.length, `${name}: a log-probability per reference piece`);
    }
    const summary = json<Summary>(join(out, "summary.json"));
    assert.equal(summary.pairs[0].models.length, 2, "summary gathers both models");

    // the report, from the JSON, into OUT/report (not docs/)
    const md = readFileSync(join(out, "report", "results.md"), "utf8");
    assert.match(md, /^# Results: what attention buys over a plain encoder-decoder/, "report title");
    assert.match(md, /\*\*Quick run\*\*/, "says it is a quick run");
    assert.match(md, /\| RNNsearch \| [\d.]+ \| \*\*[\d.]+\*\* \| [\d.]+ \| [\d.]+ \|/, "headline row");
    assert.match(md, /\*\*Where attention helps, and where it does not\.\*\* On the test set RNNsearch scores [\d.]+ BLEU and RNNenc [\d.]+/, "generated paragraph");
    assert.match(md, /AMD|Intel|CPU|cores/, "machine stated");
    const figs = [...md.matchAll(/\]\((figures\/[^)]+\.svg)\)/g)].map((m) => m[1]);
    assert.ok(figs.length >= 6, `figures referenced (${figs.length})`);
    for (const f of figs) assert.match(readFileSync(join(out, "report", f), "utf8"), /^<svg /, `${f} is an SVG`);
    assert.ok(readdirSync(join(out, "report", "figures")).some((f) => f.startsWith("attention-")), "heatmaps");
    // the paired bootstrap of the two models, from their translations and the references
    const sig = json<SignificanceFile>(join(out, "de-en", "significance.json"));
    assert.deepEqual(Object.keys(sig.inputs), ["rnnenc", "rnnsearch"], "baseline first");
    assert.equal(sig.samples, 1000);
    assert.match(md, /### Confidence: paired bootstrap against RNNenc/, "the bootstrap in the report");
    const results = json<Summary>(join(out, "report", "results.json"));
    assert.equal(results.format, "s2s-experiments-summary", "the report's JSON beside it");

    // 3. once more: nothing to do
    r = await runExperiments(args, 60000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[de-en rnnsearch\] done already/, "finished models are skipped");
    assert.match(r.stderr, /\[de-en rnnenc\] done already/, "finished models are skipped");
    assert.doesNotMatch(r.stderr, /training:/, "nothing is trained again");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
