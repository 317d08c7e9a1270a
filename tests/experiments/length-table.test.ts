// The experiments report and `s2s eval` / `s2s bleu --by-length` share one
// definition of source length and one bucket scheme (src/eval/bylength.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { joinConsecutive } from "../../src/data/join.js";
import { bleuByLength, formatBleuByLength } from "../../src/eval/bylength.js";
import { lengthTable } from "../../src/experiments/length-table.js";
import { evaluateText } from "../../src/pipeline/evaluate.js";

// sources where Moses tokens and whitespace words differ (punctuation, joined sentences)
const PAIRS = Array.from({ length: 24 }, (_, i) => ({
  src: `Ein Mann${i % 3 ? "," : ""} der ${"sehr ".repeat(i % 9)}schnell läuft${i % 2 ? "!" : "."}`,
  tgt: `A man who runs ${"very ".repeat(i % 9)}fast${i % 2 ? "!" : "."}`,
}));
const hyp = (t: string, i: number) => (i % 4 === 0 ? t.replace("man", "woman") : i % 5 === 0 ? t.split(" ").slice(0, -2).join(" ") : t);

test("the report's length table and the CLI's give the same buckets and BLEU", () => {
  const sets = [1, 2, 4].map((n) => {
    const pairs = joinConsecutive(PAIRS, n);
    return { name: n === 1 ? "test" : `test_join${n}`, sources: pairs.map((p) => p.src), hypotheses: pairs.map((p, i) => hyp(p.tgt, i)), references: pairs.map((p) => p.tgt) };
  });
  const bleu = { lowercase: true };
  const report = lengthTable(sets, "de", bleu);
  // what s2s eval --join 1,2,4 computes: the sets concatenated, then bleuByLength
  const cli = bleuByLength({ sources: sets.flatMap((s) => s.sources), lang: "de", hypotheses: sets.flatMap((s) => s.hypotheses), references: [sets.flatMap((s) => s.references)], bleu });
  assert.deepEqual(report.edges, [10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(report.rows.map((r) => r.label), ["1-10", "11-20", "21-30", "31-40", "41-50", "51-60", "61-70", "71+"]);
  assert.deepEqual(report.rows.map((r) => [r.label, r.sentences]), cli.rows.map((r) => [r.label, r.sentences]));
  report.rows.forEach((r, i) => {
    const c = cli.rows[i].bleu;
    assert.equal(r.bleu, c === null ? null : Math.round(c.score * 1e4) / 1e4, r.label);
    assert.equal(r.bp, c === null ? null : Math.round(c.bp * 1e4) / 1e4, r.label);
    assert.equal(Object.values(r.bySet).reduce((a, b) => a + b, 0), r.sentences);
  });
  assert.ok(report.rows.filter((r) => r.sentences > 0).length >= 3, "the data spans several buckets");
  // the counts are Moses tokens, not whitespace words: "läuft." is two tokens
  const one = lengthTable([{ name: "test", sources: ["Ein Mann, der sehr sehr sehr schnell läuft."], hypotheses: ["x"], references: ["x"] }], "de", bleu);
  assert.equal(one.rows[0].sentences, 1);
  assert.equal(bleuByLength({ sources: [PAIRS[0].src], lang: "de", hypotheses: ["x"], references: [["x"]], edges: [5] }).rows[1].sentences, 1, "6 Moses tokens (5 words)");
  // evaluateText (s2s eval's table) prints the same rows
  const table = evaluateText(sets.flatMap((s) => s.hypotheses), [sets.flatMap((s) => s.references)], { lines: sets.flatMap((s) => s.sources), lang: "de" }, bleu).byLength!;
  assert.equal(table, formatBleuByLength(cli));
});
