// Kept results (committed beside the report) and the paired bootstrap the
// report draws from them: what is copied, what is refused, when the
// bootstrap is reused and when it is stale, and the tables it gives.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bleuCorpusStats, bleuFromStats, corpusBleu } from "../../src/eval/bleu.js";
import { preprocess } from "../../src/text/tokenize.js";
import { pairedBootstrap } from "../../src/eval/bootstrap.js";
import { paths, type EvalFile, type RunFile, type TrainFile } from "../../src/experiments/files.js";
import { expectedHyps, isKept, keepRun, mergeCommands } from "../../src/experiments/keep.js";
import { evalKey, modelSpec } from "../../src/experiments/plan.js";
import { buildReport, collectSummary } from "../../src/experiments/report.js";
import { currentSignificance, significancePath, updateSignificance, type RefSet, type SignificanceFile } from "../../src/experiments/significance.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KEPT = join(ROOT, "docs/results/multi30k");
const json = <T>(p: string): T => JSON.parse(readFileSync(p, "utf8")) as T;
const write = (p: string, v: unknown) => {
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, JSON.stringify(v, null, 1) + "\n");
};

/** A deterministic generator of made-up sentences. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = "a man woman dog runs sits on the in park street red blue ball water with two three young old".split(" ");
function sentence(r: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(" ");
}
/** A copy of ref with each word replaced by another with probability q. */
function noisy(r: () => number, ref: string, q: number): string {
  return ref.split(" ").map((w) => (r() < q ? WORDS[Math.floor(r() * WORDS.length)] : w)).join(" ");
}

/**
 * A run directory with the de-en RNNsearch and RNNenc records of the kept
 * results, their keys set to the run's plan, and made-up sets and
 * translations of the records' sizes: RNNsearch's closer to the references.
 */
function fixture(root: string, gru = false): { out: string; refs: RefSet[] } {
  const out = join(root, "out");
  const run = json<RunFile>(join(KEPT, "run.json"));
  run.plan.pairs = ["de-en"];
  run.plan.models = gru ? ["rnnsearch", "rnnenc", "rnnsearch-gru", "rnnenc-gru"] : ["rnnsearch", "rnnenc"];
  write(paths.run(out), run);
  cpSync(join(KEPT, "de-en", "prep"), join(out, "de-en", "prep"), { recursive: true });
  const r = rng(7);
  let refs: RefSet[] | null = null;
  const models = [["rnnsearch", 0.2], ["rnnenc", 0.4], ...(gru ? [["rnnsearch-gru", 0.25], ["rnnenc-gru", 0.25]] as const : [])] as const;
  for (const [name, q] of models) {
    const e = json<EvalFile>(join(KEPT, "de-en", name.replace("-gru", ""), "eval.json"));
    e.key = evalKey(run.plan, "de-en", modelSpec(name));
    write(paths.eval(out, "de-en", name), e);
    write(paths.train(out, "de-en", name), json<TrainFile>(join(KEPT, "de-en", name.replace("-gru", ""), "train.json")));
    refs ??= e.sets.filter((s) => s.set !== "val").map((s) => {
      const n = s.sentences, len = Math.round(s.srcWordsMean);
      const sources = Array.from({ length: n }, () => sentence(r, Math.max(1, len - 5 + Math.floor(r() * 11))));
      return { name: s.set, sources, references: sources.map((x) => x) };
    });
    mkdirSync(paths.hyps(out, "de-en", name), { recursive: true });
    for (const set of refs) {
      for (const b of Object.keys(e.sets[0].decode)) {
        writeFileSync(join(paths.hyps(out, "de-en", name), `${set.name}.beam${b}.txt`), set.references.map((x) => noisy(r, x, q) + "\n").join(""));
      }
    }
    // the validation set's translations are not kept
    writeFileSync(join(paths.hyps(out, "de-en", name), "val.beam1.txt"), "x\n");
  }
  return { out, refs: refs! };
}

test("keepRun copies evaluated models with their test-set translations, once; isKept knows them; other settings are refused", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "s2s-keep-"));
  try {
    const { out } = fixture(tmp);
    const kept = join(tmp, "kept");
    // a model still training (no eval.json) is not kept
    write(paths.train(out, "de-en", "luong-dot"), json<TrainFile>(join(KEPT, "de-en", "luong-dot", "train.json")));
    let r = await keepRun(out, kept);
    assert.deepEqual(r.kept.sort(), ["de-en rnnenc", "de-en rnnsearch"]);
    assert.deepEqual(r.skipped, ["de-en luong-dot"]);
    const e = json<EvalFile>(paths.eval(kept, "de-en", "rnnsearch"));
    for (const f of expectedHyps(e)) assert.ok(existsSync(join(paths.hyps(kept, "de-en", "rnnsearch"), f)), `${f} kept`);
    assert.ok(!existsSync(join(paths.hyps(kept, "de-en", "rnnsearch"), "val.beam1.txt")), "validation translations are not kept");
    assert.ok(!existsSync(paths.best(kept, "de-en", "rnnsearch")) && !existsSync(join(kept, "de-en", "prep", "train.ids")), "no model files, no ids");
    assert.ok(existsSync(join(kept, "de-en", "prep", "lengths.json")), "the data records are kept");
    const run = json<RunFile>(paths.run(out));
    assert.equal(await isKept(kept, "de-en", "rnnsearch", evalKey(run.plan, "de-en", modelSpec("rnnsearch"))), true);
    assert.equal(await isKept(kept, "de-en", "rnnsearch", "another key"), false, "other settings: not kept");
    // a kept model without all its translations does not count as kept
    rmSync(join(paths.hyps(kept, "de-en", "rnnenc"), "test.beam5.txt"));
    assert.equal(await isKept(kept, "de-en", "rnnenc", evalKey(run.plan, "de-en", modelSpec("rnnenc"))), false, "a translation missing");
    // again: only what changed is copied
    r = await keepRun(out, kept);
    assert.deepEqual(r.kept, ["de-en rnnenc"]);
    r = await keepRun(out, kept);
    assert.deepEqual(r.kept, [], "nothing changed");
    // runs kept one after the other: the kept plan has every seed and the largest budget, whichever came last
    const seeded = { ...run, plan: { ...run.plan, seeds: [2], train: { ...run.plan.train, budgetMinutes: 200 } } };
    // (run.json is written when a model is kept: one translation file is taken away each time)
    write(paths.run(out), seeded);
    rmSync(join(paths.hyps(kept, "de-en", "rnnenc"), "test.beam5.txt"));
    assert.deepEqual((await keepRun(out, kept)).kept, ["de-en rnnenc"]);
    write(paths.run(out), { ...run, plan: { ...run.plan, train: { ...run.plan.train, budgetMinutes: 90 } } });
    rmSync(join(paths.hyps(kept, "de-en", "rnnenc"), "test.beam5.txt"));
    assert.deepEqual((await keepRun(out, kept)).kept, ["de-en rnnenc"]);
    const keptRun = json<RunFile>(paths.run(kept));
    assert.deepEqual(keptRun.plan.seeds, [1, 2], "seed 1 (the plan's) and seed 2");
    assert.equal(keptRun.plan.train.budgetMinutes, 200);
    write(paths.run(out), run);
    // a run with other sizes is refused
    const other = join(tmp, "other");
    const run2 = { ...run, plan: { ...run.plan, sizes: { ...run.plan.sizes, hidden: 512 } } };
    write(paths.run(other), run2);
    await assert.rejects(keepRun(other, kept), /keeps the results of a run with other settings/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("mergeCommands: each command once, by start time", () => {
  const m = { cpu: "c", cores: 2, memoryGiB: 1, node: "v", platform: "p", arch: "a", kernels: "simd" };
  const a = [{ command: "x", started: "2026-01-02", machine: m }, { command: "y", started: "2026-01-01", machine: m }];
  const b = [{ command: "x", started: "2026-01-02", machine: m }, { command: "z", started: "2026-01-03", machine: m }];
  assert.deepEqual(mergeCommands(a, b).map((c) => c.command), ["y", "x", "z"]);
});

test("significance: the paired bootstrap of the kept translations equals pairedBootstrap on their segments; reused while they are the same; in the report", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "s2s-sig-"));
  try {
    const { out, refs } = fixture(tmp);
    const logs: string[] = [];
    await updateSignificance(out, null, (m) => logs.push(m));
    assert.ok(!existsSync(significancePath(out, "de-en")), "without the references nothing is computed");
    assert.match(logs.join("\n"), /needs the references/);
    await updateSignificance(out, () => refs, (m) => logs.push(m));
    const f = json<SignificanceFile>(significancePath(out, "de-en"));
    assert.equal(f.baseline, "rnnenc", "the baseline first");
    assert.deepEqual(Object.keys(f.inputs), ["rnnenc", "rnnsearch"]);
    // the overall numbers are pairedBootstrap's on the test set's segments
    const test = refs.find((s) => s.name === "test")!;
    const stats = (m: string) => bleuCorpusStats(readFileSync(join(paths.hyps(out, "de-en", m), "test.beam5.txt"), "utf8").trimEnd().split("\n"), [test.references], { lowercase: true });
    const direct = pairedBootstrap([{ name: "rnnenc", stats: stats("rnnenc") }, { name: "rnnsearch", stats: stats("rnnsearch") }], (s) => bleuFromStats(s, { lowercase: true }).score);
    for (const [i, r] of f.beams["5"].test.entries()) {
      assert.ok(Math.abs(r.mean - direct[i].mean) < 1e-4 && Math.abs(r.ci - direct[i].ci) < 1e-4, `${r.name}: mean and interval`);
    }
    assert.ok(f.beams["5"].test[1].score > f.beams["5"].test[0].score && f.beams["5"].test[1].p! < 0.05, "the closer translations are significantly better");
    assert.ok(f.beams["5"].buckets.length > 0 && f.beams["5"].buckets.every((b) => b.segments >= 30), "buckets with at least 30 segments");
    // reused while the translations are the same, stale when one changes
    assert.ok(await currentSignificance(out, "de-en", ["rnnenc", "rnnsearch"], [1, 5]));
    const summary = (await collectSummary(out))!;
    assert.ok(summary.pairs[0].significance, "the summary carries it");
    const md = buildReport(summary, { jsonName: "results.json", regenerate: "" }, (n) => `figures/${n}`);
    assert.match(md, /### Confidence: paired bootstrap against RNNenc/);
    assert.match(md, /\| RNNsearch \| [\d.]+ ± [\d.]+ \| \*\*\+[\d.]+\*\* \| \*\*(< 0\.001|0\.0\d\d)\*\* \|/, "a significant row, in bold");
    assert.match(md, /\*\*Which differences are real \(beam 5\)\.\*\*/);
    // tokenized lowercased BLEU: the kept translations and references on Moses tokens, tok:none
    const moses = (s: string) => preprocess(s, "en", { lowercase: true, escape: false });
    const hyp5 = (m: string) => readFileSync(join(paths.hyps(out, "de-en", m), "test.beam5.txt"), "utf8").trimEnd().split("\n");
    for (const m of ["rnnenc", "rnnsearch"]) {
      const want = corpusBleu(hyp5(m).map(moses), [test.references.map(moses)], { tokenize: "none" }).score;
      assert.ok(Math.abs(f.mosesLc!["5"][m] - want) < 0.006, `${m}: tok-lc BLEU ${f.mosesLc!["5"][m]} vs ${want}`);
    }
    assert.match(md, /\| model \| BLEU greedy \| BLEU beam 5 \| chrF2 beam 5 \| tok-lc BLEU beam 5 \| test perplexity \|/);
    assert.ok(md.includes(`| ${f.mosesLc!["5"].rnnsearch.toFixed(2)} |`), "RNNsearch's tok-lc BLEU in the table");
    assert.match(md, /tok-lc BLEU: the same beam-5 translations scored on Moses tokens, lowercased .* it is [+−][\d.]+ to [+−][\d.]+ BLEU from the sacreBLEU column: /);
    writeFileSync(join(paths.hyps(out, "de-en", "rnnsearch"), "test_join2.beam1.txt"), test.references.slice(0, 500).map((x) => x + "\n").join(""));
    assert.equal(await currentSignificance(out, "de-en", ["rnnenc", "rnnsearch"], [1, 5]), null, "stale after a translation changed");
    const md2 = buildReport((await collectSummary(out))!, { jsonName: "results.json", regenerate: "" }, (n) => `figures/${n}`);
    assert.match(md2, /has not been computed from the current translations/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("seeds: a model trained with other seeds gets a mean ± sd row", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "s2s-seeds-"));
  try {
    const { out } = fixture(tmp);
    const run = json<RunFile>(paths.run(out));
    run.plan.seeds = [1, 2];
    write(paths.run(out), run);
    const e = json<EvalFile>(paths.eval(out, "de-en", "rnnsearch"));
    const t = json<TrainFile>(paths.train(out, "de-en", "rnnsearch"));
    const b5 = e.sets.find((s) => s.set === "test")!.decode["5"].bleu.score;
    e.sets.find((s) => s.set === "test")!.decode["5"].bleu.score = b5 + 1;
    write(paths.eval(out, "de-en", "rnnsearch-seed2"), e);
    write(paths.train(out, "de-en", "rnnsearch-seed2"), t);
    const s = (await collectSummary(out))!;
    assert.deepEqual(s.pairs[0].seeds?.map((x) => [x.name, x.seed]), [["rnnsearch", 2]]);
    assert.equal(s.pairs[0].models.length, 2, "seed runs are not extra models");
    const md = buildReport(s, { jsonName: "results.json", regenerate: "" }, (n) => `figures/${n}`);
    const mean = (b5 + b5 + 1) / 2, sd = Math.SQRT1_2;
    assert.ok(md.includes(`| RNNsearch | 1, 2 |`), "the seeds listed");
    assert.ok(md.includes(`${mean.toFixed(2)} ± ${sd.toFixed(2)}`), "mean ± sample standard deviation");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("cells: RNNsearch against RNNenc with the same GRU cells gets its own bootstrap; the report compares the cells", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "s2s-cells-"));
  try {
    const { out, refs } = fixture(tmp, true);
    await updateSignificance(out, () => refs, () => {});
    const f = json<SignificanceFile>(significancePath(out, "de-en"));
    assert.deepEqual(f.within?.map((w) => [w.model, w.baseline]), [["rnnsearch-gru", "rnnenc-gru"]]);
    const r = f.within![0].beams["5"];
    assert.equal(r[0].name, "rnnenc-gru");
    assert.ok(r[1].p !== null && r[1].p >= 0.05, `translations about as close to the references are not significantly different (p ${r[1].p})`);
    const md = buildReport((await collectSummary(out))!, { jsonName: "results.json", regenerate: "" }, (n) => `figures/${n}`);
    assert.match(md, /### Cells: LSTM, GRU and plain RNN \(beam 5\)/);
    assert.match(md, /\| attention gain \| \*\*\+[\d.]+ \(p < 0\.001\)\*\* \| [+−][\d.]+ \(p 0\.\d+\) \|/, "LSTM's gain significant, GRU's not");
    assert.match(md, /Attention's gain on the test set: \+[\d.]+ BLEU with LSTM cells, [+−][\d.]+ BLEU with GRU cells\./);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
