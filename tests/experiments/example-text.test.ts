// The report's words about its examples follow the numbers, and its
// heatmaps say what they draw (axis titles, a colour scale, words not pieces).
import { test } from "node:test";
import assert from "node:assert/strict";
import { attentionPath, attentionPathText, exampleBleuText, halvesText, repeatedPhrase, sentencesText, sentenceStarts } from "../../src/experiments/example-text.js";
import { attentionHeatmapSvg, piecesToWords } from "../../src/report/heatmap.js";

test("halves: the sentence says which model loses more along the reference, whichever it is", () => {
  const fall = (a: number, b: number, n = 10) => Array.from({ length: n }, (_, i) => (i < n / 2 ? a : b));
  assert.match(halvesText("RNNsearch", "RNNenc", fall(-1, -1.2), fall(-1, -3)), /RNNenc, which sees the source only through the fixed vector m̄, does relatively worse on the second half\.$/);
  assert.match(halvesText("RNNsearch", "RNNenc", fall(-0.26, -3.11), fall(-0.3, -1.48)), /Here it is RNNsearch that does relatively worse on the second half: this sentence does not show the fixed vector losing track\.$/);
  assert.match(halvesText("RNNsearch", "RNNenc", fall(-1, -2), fall(-1, -2.1)), /Both change by about as much/);
  assert.match(halvesText("A", "B", fall(-1, -2), fall(-3, -4)), /A -1\.00 → -2\.00 \(−1\.00\), B -3\.00 → -4\.00 \(−1\.00\)/);
});

test("sentence BLEU, repeated phrases and the attention path are described as they are", () => {
  assert.equal(exampleBleuText("RNNsearch", "RNNenc", 13.7, 14.7), "RNNsearch and RNNenc score about the same on this sentence (sentence BLEU 13.7 and 14.7).");
  assert.match(exampleBleuText("RNNsearch", "RNNenc", 51.9, 58.8), /^On this sentence RNNenc's output scores higher than RNNsearch's/);
  assert.match(exampleBleuText("RNNsearch", "RNNenc", 49.6, 10.9), /^RNNsearch's output scores higher than RNNenc's/);
  assert.deepEqual(repeatedPhrase("a man in a striped shirt, a dog in a striped shirt and a cat in a striped shirt."), { phrase: "in a striped shirt", count: 3 });
  assert.equal(repeatedPhrase("a man in a striped shirt rides a bike."), null);
  const eye = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0.9 : 0.1 / (n - 1))));
  const src = ["a", "b", "c", "d", "e", "f", "</s>"], tgt = ["A", "B", "C", "D", "E", "F", "</s>"];
  const diag = attentionPath(src, tgt, eye(7));
  assert.deepEqual(diag, { srcWords: 6, outWords: 6, covered: 6, backJumps: 0 });
  assert.match(attentionPathText("M", diag), /^M's weights move through the source in order/);
  // back to the first word twice: from position 2 (a short step back, not counted) and from position 4
  const w = eye(7);
  const back = [0, 1, 2, 3, 4, 5, 6].map((i) => (i === 5 || i === 3 ? w[0] : w[i]));
  const p = attentionPath(src, tgt, back);
  assert.equal(p.backJumps, 1);
  assert.equal(p.covered, 4);
  const p2 = attentionPath(src, [...tgt.slice(0, 6), "G", "H", "</s>"], [...w.slice(0, 6), w[0], w[5], w[6]]);
  assert.equal(p2.backJumps, 1);
  assert.match(attentionPathText("M", { srcWords: 50, outWords: 58, covered: 26, backJumps: 11 }), /^M's weights do not simply walk down the diagonal: .* 26 of the 50 source words.* 11 times/);
});

test("joined references: per-sentence log p and whether the lead grows", () => {
  const pieces = ["a", "b", ".", "c", "d", ".", "e", ".", "</s>"];
  assert.deepEqual(sentenceStarts(pieces), [3, 6]);
  const A = [-1, -1, -1, -2, -2, -2, -3, -3, -3], grow = [-2, -2, -2, -4, -4, -4, -6, -6, -6], shrink = [-3, -3, -3, -3, -3, -3, -3.2, -3.2, -3.2];
  assert.match(sentencesText("RNNsearch", "RNNenc", A, grow, [3, 6]), /RNNsearch is ahead on every sentence, and its lead grows from 1\.00 on the first sentence to 3\.00 on the last/);
  assert.match(sentencesText("RNNsearch", "RNNenc", A, shrink, [3, 6]), /but its lead shrinks from 2\.00 on the first sentence to 0\.20 on the last: this example does not show/);
  assert.match(sentencesText("RNNsearch", "RNNenc", A, A.map((x) => x - 1), [3, 6]), /the lead does not grow along this input/);
});

test("heatmaps: BPE pieces joined into words, axis titles and a colour scale", () => {
  const w = piecesToWords(["ein", "blond@@", "ine", ".", "</s>"], ["a", "blon@@", "de", "</s>"], [
    [0.7, 0.1, 0.1, 0.05, 0.05],
    [0.1, 0.4, 0.4, 0, 0.1],
    [0, 0.6, 0.2, 0.1, 0.1],
    [0, 0, 0, 0.2, 0.8],
  ]);
  assert.deepEqual(w.src, ["ein", "blondine", ".", "</s>"]);
  assert.deepEqual(w.tgt, ["a", "blonde", "</s>"]);
  assert.deepEqual(w.weights[0].map((x) => +x.toFixed(6)), [0.7, 0.2, 0.05, 0.05], "a word's columns are summed");
  assert.deepEqual(w.weights[1].map((x) => +x.toFixed(6)), [0.05, 0.8, 0.05, 0.1], "a word's rows are averaged");
  for (const row of w.weights) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9, "rows still sum to 1");
  const svg = attentionHeatmapSvg(w.src, w.tgt, w.weights, { title: "t", srcTitle: "source words", tgtTitle: "output words" });
  assert.match(svg, />source words →</);
  assert.match(svg, />output words ↓</);
  assert.match(svg, /<linearGradient id="scale"/);
  assert.match(svg, />attention weight</);
  for (const t of ["0", "0.5", "1"]) assert.ok(svg.includes(`>${t}</text>`), `scale tick ${t}`);
  assert.match(attentionHeatmapSvg(["x", "</s>"], ["y", "</s>"], [[1, 0], [0, 1]]), />source tokens →<[\s\S]*>output tokens ↓</, "default axis titles");
});
