// Paired bootstrap resampling against sacreBLEU's algorithm: the resampling
// indices are numpy's default_rng(seed).choice bit for bit, and the means,
// intervals and p-values equal those of sacreBLEU's _paired_bs_test on the
// same statistics (tools/make_bootstrap_fixture.py restates it with numpy).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bootstrapIndices, NumpyPcg64, seedSequenceState } from "../../src/eval/numpy-rng.js";
import { estimateCi, pairedBootstrap } from "../../src/eval/bootstrap.js";
import { bleuFromStats, bleuCorpusStats } from "../../src/eval/bleu.js";

const fx = JSON.parse(readFileSync(new URL("../fixtures/bootstrap.json", import.meta.url), "utf8"));

test("numpy-compatible generator: SeedSequence, PCG64 raw draws and choice() as numpy 1.24 gives them", () => {
  // numpy: np.random.default_rng(12345).bit_generator.random_raw(3)
  const g = new NumpyPcg64(12345);
  assert.deepEqual([g.nextUint64(), g.nextUint64(), g.nextUint64()], [4193609425186963869n, 5843160025838961886n, 14708796524633321433n]);
  // numpy: default_rng(12345).choice(7, size=(3, 7), replace=True).ravel()
  assert.deepEqual(Array.from(bootstrapIndices(7, 3, 12345)), [4, 1, 5, 2, 1, 5, 4, 4, 6, 2, 5, 2, 3, 4, 1, 1, 1, 4, 4, 6, 4]);
  const n = fx.systems[0].stats.length;
  const idx = bootstrapIndices(n, fx.samples, fx.seed);
  assert.deepEqual(Array.from(idx.subarray(0, n)), fx.index_check.first_row);
  assert.equal(idx.reduce((a, b) => a + b, 0), fx.index_check.sum);
  assert.equal(idx[idx.length - 1], fx.index_check.last);
  // other seeds differ; a large seed takes several entropy words
  assert.notDeepEqual(Array.from(bootstrapIndices(7, 3, 1)), Array.from(bootstrapIndices(7, 3, 12345)));
  assert.equal(seedSequenceState(2 ** 40 + 5, 8).length, 8);
  assert.throws(() => new NumpyPcg64(-1), /non-negative integer/);
  assert.throws(() => g.below(0), /bound/);
});

test("pairedBootstrap = sacreBLEU's paired bootstrap (scores, means and 95% intervals to 0.01, p-values exactly)", () => {
  const res = pairedBootstrap(fx.systems, (s) => bleuFromStats(s).score, { samples: fx.samples, seed: fx.seed });
  assert.equal(res.length, fx.results.length);
  res.forEach((r, i) => {
    const want = fx.results[i];
    assert.equal(r.name, want.name);
    assert.ok(Math.abs(r.score - want.score) < 1e-9, `${r.name} score ${r.score} vs ${want.score}`);
    assert.ok(Math.abs(r.mean - want.mean) < 0.01, `${r.name} mean ${r.mean} vs ${want.mean}`);
    assert.ok(Math.abs(r.ci - want.ci) < 0.01, `${r.name} ci ${r.ci} vs ${want.ci}`);
    assert.equal(r.p, want.p, `${r.name} p`);
  });
  assert.ok(res[1].p! < 0.05 && res[1].score > res[0].score, "the better system is significantly better");
});

test("pairedBootstrap: a system against itself (sacreBLEU's edge case); the interval shrinks with more segments; bad input is refused", () => {
  const refs = [["a b c d e f", "g h i j", "k l m n o", "p q r s t u v"]];
  const hyps = ["a b c x e f", "g h i j", "k l y n o", "p q r s t z v"];
  const stats = bleuCorpusStats(hyps, refs);
  const [a, b] = pairedBootstrap([{ name: "a", stats }, { name: "b", stats }], (s) => bleuFromStats(s).score, { samples: 200 });
  // as in sacreBLEU: identical outputs make every centred resampled difference 0, none exceeds the observed 0,
  // so p is its floor 1/(samples + 1); the report compares different models only
  assert.equal(b.p, 1 / 201);
  assert.equal(a.mean, b.mean);
  const many = Array.from({ length: 40 }, (_, i) => stats[i % stats.length]);
  const [wide] = pairedBootstrap([{ name: "x", stats }], (s) => bleuFromStats(s).score, { samples: 200 });
  const [narrow] = pairedBootstrap([{ name: "x", stats: many }], (s) => bleuFromStats(s).score, { samples: 200 });
  assert.ok(narrow.ci < wide.ci, `ci ${narrow.ci} (40 segments) < ${wide.ci} (4 segments)`);
  assert.throws(() => pairedBootstrap([{ name: "a", stats }, { name: "b", stats: stats.slice(1) }], (s) => s[0]), /b has 3 segments, the baseline a has 4/);
  assert.throws(() => pairedBootstrap([{ name: "a", stats }], (s) => s[0], { samples: 0 }), /positive integer/);
  assert.deepEqual(estimateCi([1, 2, 3, 4]), { mean: 2.5, ci: 1.5 });
});

test("s2s bleu --paired-bs: a table of systems with means, intervals and p-values; bad input is one line", async () => {
  const { runCli, assertCleanFailure } = await import("../helpers/cli.js");
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "s2s-bs-"));
  const f = (name: string, lines: string[]) => {
    writeFileSync(join(dir, name), lines.join("\n") + "\n");
    return join(dir, name);
  };
  const words = (i: number) => Array.from({ length: 8 }, (_, k) => `w${(i * 7 + k * 3) % 50}`);
  const ref = f("ref.txt", Array.from({ length: 60 }, (_, i) => words(i).join(" ")));
  const base = f("base.txt", Array.from({ length: 60 }, (_, i) => words(i).map((w, k) => (k % 3 === 0 ? "x" : w)).join(" ")));
  const good = f("good.txt", Array.from({ length: 60 }, (_, i) => words(i).map((w, k) => (k === 0 && i % 2 ? "x" : w)).join(" ")));
  const r = await runCli(["bleu", "--ref", ref, base, "--paired-bs", good]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp, paired bootstrap: 1000 resamples, seed 12345$/);
  assert.match(lines[2], /base\.txt +[\d.]+ +[\d.]+ ± [\d.]+ +baseline$/);
  assert.match(lines[3], /good\.txt +[\d.]+ +[\d.]+ ± [\d.]+ +0\.0010 \*$/);
  // the CLI's numbers are the library's
  const stats = (file: string) => bleuCorpusStats(readFileSync(file, "utf8").trimEnd().split("\n"), [readFileSync(ref, "utf8").trimEnd().split("\n")]);
  const lib = pairedBootstrap([{ name: "b", stats: stats(base) }, { name: "g", stats: stats(good) }], (s) => bleuFromStats(s).score);
  assert.ok(lines[3].includes(`${lib[1].mean.toFixed(2)} ± ${lib[1].ci.toFixed(2)}`), `${lines[3]} vs ${lib[1].mean} ± ${lib[1].ci}`);
  assertCleanFailure(await runCli(["bleu", "--ref", ref, base, "--paired-bs", f("short.txt", ["a"])]), /short\.txt has 1 lines but the baseline has 60/);
  assertCleanFailure(await runCli(["bleu", "--ref", ref, base, "--paired-bs", good, "--score-only"]), /--paired-bs prints a table/);
  assertCleanFailure(await runCli(["bleu", "--ref", ref, base, "--paired-bs", good, "--paired-bs-n", "0"]), /--paired-bs-n must be ≥ 1/);
});
