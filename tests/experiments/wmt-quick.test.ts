// `npm run experiments -- --corpus wmt-deen --quick` end to end for one model
// (RNNencdec-30, the fastest): trained on the pairs of at most 30 words,
// evaluated with cased BLEU on newstest2014 and its joined version, with
// BLEU and perplexity by length in the corpus' buckets and examples of real
// long sentences. Skips when the corpus is absent (tests/helpers/wmt.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WMT_SKIP, wmtDir } from "../helpers/wmt.js";
import type { EvalFile, RunFile, TrainFile } from "../../src/experiments/files.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist", "experiments", "cli.js");
const DIR = wmtDir();
const json = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;

test("experiments --corpus wmt-deen --quick --only rnnencdec-30: JSON of Bahdanau's protocol", { skip: DIR === null ? WMT_SKIP : false, timeout: 300000 }, async () => {
  assert.ok(existsSync(CLI), `${CLI} missing: run npm run build`);
  const tmp = mkdtempSync(join(tmpdir(), "s2s-wmt-exp-"));
  const out = join(tmp, "out");
  try {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--experimental-wasm-relaxed-simd", CLI, "--corpus", "wmt-deen", "--quick", "--only", "rnnencdec-30", "--data-dir", DIR as string, "--out", out],
        { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[de-en rnnencdec-30\] (\d+) of 3000 training pairs have at most 30 words on both sides/);
    const run = json<RunFile>(join(out, "run.json"));
    assert.equal(run.plan.corpus, "wmt-deen");
    assert.deepEqual(run.plan.models, ["rnnencdec-30"]);
    const tr = json<TrainFile>(join(out, "de-en", "rnnencdec-30", "train.json"));
    assert.equal(tr.status, "done");
    assert.equal(tr.config.cell, "gru");
    assert.equal(tr.model.maxWords, 30);
    const kept = Number(/(\d+) of 3000 training pairs/.exec(r.stderr)![1]);
    assert.ok(tr.trainPairs === kept && kept > 1500 && kept < 3000, `trained on the ${kept} short pairs`);
    assert.equal(tr.stepsPerEpoch, Math.ceil(kept / run.plan.train.batchSentences));
    const ev = json<EvalFile>(join(out, "de-en", "rnnencdec-30", "eval.json"));
    assert.equal(ev.bleuSignature, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp", "cased BLEU");
    assert.equal(ev.chrfSignature, "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no");
    assert.deepEqual(ev.sets.map((s) => [s.set, s.sentences]), [["test", 150], ["test_join2", 75]]);
    assert.match(ev.sets[1].description, /newstest2014 .*2 consecutive pairs joined .*made-up/);
    const edges = [10, 20, 30, 40, 50, 60];
    const labels = ["1-10", "11-20", "21-30", "31-40", "41-50", "51-60", "61+"];
    for (const beam of ["1", "5"]) {
      assert.deepEqual(ev.byLength[beam].edges, edges);
      assert.deepEqual(ev.byLength[beam].sets, ["test", "test_join2"]);
      for (const set of ["test", "test_join2"]) {
        const t = ev.byLengthPerSet![set][beam];
        assert.deepEqual(t.rows.map((x) => x.label), labels);
        assert.equal(t.rows.reduce((n, x) => n + x.sentences, 0), set === "test" ? 150 : 75);
        // each set's buckets are the together table's counts of that set
        t.rows.forEach((x, i) => assert.equal(x.sentences, ev.byLength[beam].rows[i].bySet[set] ?? 0));
      }
    }
    const ppl = ev.pplByLength!.test;
    assert.deepEqual(ppl.rows.map((x) => x.label), labels);
    assert.ok(ppl.rows.every((x) => (x.sentences === 0) === (x.ppl === null) && (x.ppl === null || x.ppl > 1)));
    assert.equal(ppl.rows.reduce((n, x) => n + x.tokens, 0), ev.sets[0].refTokens, "every reference token in one bucket");
    assert.deepEqual(ev.examples.map((e) => e.set), ["test", "test", "test"], "real sentences");
    assert.deepEqual(ev.examples.map((e) => e.id.replace(/plus$/, "")), ["real-30", "real-45", "real-60"]);
    assert.ok(ev.examples.every((e) => e.attention === null), "no attention in RNNencdec");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
