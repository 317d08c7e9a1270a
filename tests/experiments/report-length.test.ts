// The wmt-deen report's real-sentence section: the training-limit paragraph
// follows the numbers (where the -50 model's lead is, who stops early,
// whether the loss is in modelling or in stopping, Bahdanau's RNNsearch-30
// against RNNencdec-50), and the section's tables read the test set alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { realLengthSection, trainLimitParagraph, type RealModel } from "../../src/experiments/report-length.js";
import type { EvalFile } from "../../src/experiments/files.js";

const BUCKETS = [[1, 10], [11, 20], [21, 30], [31, 40], [41, 50], [51, 60], [61, null]] as const;
const COUNTS = [700, 1000, 700, 350, 150, 60, 3];

/** A model's eval.json with per-bucket BLEU, brevity penalty and perplexity on the test set. */
function model(name: string, bleu: number[], bp: number[], ppl: number[], trainPairs?: number): RealModel {
  const rows = BUCKETS.map(([min, max], i) => ({
    label: max === null ? `${min}+` : `${min}-${max}`, min, max, sentences: COUNTS[i], bySet: { test: COUNTS[i] }, bleu: bleu[i], bp: bp[i],
  }));
  const pplRows = BUCKETS.map(([min, max], i) => ({ label: rows[i].label, min, max, sentences: COUNTS[i], tokens: COUNTS[i] * 20, ppl: ppl[i] }));
  const ev = {
    byLength: {}, byLengthPerSet: { test: { "5": { edges: [10, 20, 30, 40, 50, 60], sets: ["test"], rows } } },
    pplByLength: { test: { edges: [10, 20, 30, 40, 50, 60], rows: pplRows } },
  } as unknown as EvalFile;
  return { name, eval: ev, trainPairs };
}

const ONE = [1, 1, 1, 1, 1, 1, 1];
const PPL = [8, 9, 10, 11, 12, 13, 14];

test("trainLimitParagraph: the -30 model loses beyond 30 words by stopping early, and models the references as well", () => {
  const m = [
    model("rnnsearch-50", [20, 19, 18, 17, 16, 15, 14], ONE, PPL, 51352),
    model("rnnsearch-30", [20, 19, 18, 12, 9, 7, 1], [1, 1, 1, 0.85, 0.7, 0.6, 0.2], PPL.map((x) => x * 1.05), 37346),
  ];
  const t = trainLimitParagraph(m, 5);
  assert.match(t, /RNNsearch-50 minus RNNsearch-30 \(51,352 training pairs against 37,346\), by source length: up to 30 words 1-10 \+0\.00, 11-20 \+0\.00, 21-30 \+0\.00; beyond 30 words 31-40 \+5\.00, 41-50 \+7\.00, 51-60 \+8\.00/);
  assert.doesNotMatch(t, /61\+ /, "the 61+ bucket has 3 sentences: not compared");
  assert.match(t, /costs mostly where RNNsearch-30 saw no training pair: \+6\.67 BLEU a bucket/);
  assert.match(t, /brevity penalty is 0\.60–0\.85 for RNNsearch-30 and 1\.00 for RNNsearch-50: RNNsearch-30's outputs are the shorter, it stops early/);
  assert.match(t, /within 5% on average: it models the long references about as well, so what it loses beyond 30 words is mostly in decoding/);
  assert.doesNotMatch(t, /Bahdanau et al\. found/, "no RNNencdec-50: no paper comparison");
});

test("trainLimitParagraph: a lead spread over every length, a worse perplexity, and RNNsearch-30 against RNNencdec-50", () => {
  const m = [
    model("rnnencdec-50", [15, 13, 10, 8, 6, 5, 4], ONE, PPL, 51352),
    model("rnnencdec-30", [13, 11, 8, 6, 4, 3, 2], ONE, PPL.map((x) => x * 1.5), 37346),
    model("rnnsearch-30", [18, 17, 15, 9, 5, 6, 3], ONE, PPL),
  ];
  const t = trainLimitParagraph(m, 5);
  assert.match(t, /costs about as much up to 30 words as beyond \(\+2\.00 and \+2\.00 BLEU a bucket on average\)/);
  assert.doesNotMatch(t, /stops early/, "brevity penalties are 1");
  assert.match(t, /RNNencdec-30 also models the long references worse/);
  assert.match(t, /RNNsearch-30 minus RNNencdec-50 is 31-40 \+1\.00, 41-50 −1\.00, 51-60 \+1\.00: ahead in 2 of 3 buckets\./);
  assert.equal(trainLimitParagraph([m[0]], 5), "Needs a -30 and a -50 model of the same architecture; not both are evaluated yet.");
});

test("realLengthSection: BLEU (BP) and perplexity tables of the test set alone, a figure, the paragraph", () => {
  const m = [model("rnnsearch-50", [20, 19, 18, 17, 16, 15, 14], ONE, PPL), model("rnnencdec-30", [13, 11, 8, 6, 4, 3, 2], [1, 1, 1, 0.9, 0.8, 0.7, 0.5], PPL)];
  const lines: string[] = [];
  const figs: string[] = [];
  realLengthSection(m, 5, "de-en", "newstest2014", (...l) => lines.push(...l), (name, svg) => { figs.push(name); assert.match(svg, /^<svg/); return `figures/${name}`; });
  const md = lines.join("\n");
  assert.match(md, /### Real long sentences: BLEU by source length on newstest2014 alone \(beam 5\)/);
  assert.match(md, /700 of 1-10 words, 1000 of 11-20 words/);
  assert.match(md, /\| 41-50 \| 150 \| 16\.00 \(1\.00\) \| 4\.00 \(0\.80\) \|/);
  assert.match(md, /\| 61\+ \| 3 \| 60 \| 14\.00 \| 14\.00 \|/, "perplexity row with reference tokens");
  assert.match(md, /Dashed: the models trained on pairs of at most 30 words/);
  assert.deepEqual(figs, ["bleu-by-length-real-de-en.svg"]);
  // runs without per-set tables (Multi30k) get no section
  const none: string[] = [];
  realLengthSection([{ name: "rnnsearch-50", eval: { byLength: {} } as unknown as EvalFile }], 5, "de-en", "newstest2014", (...l) => none.push(...l), () => "");
  assert.deepEqual(none, []);
});
