// The generated sentences of docs/results.md's "where attention helps"
// paragraph follow the numbers: who stops early, and how the gap changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { brevitySentence, gapSentence } from "../../src/experiments/report.js";

test("brevitySentence names only the models whose outputs are too short", () => {
  assert.match(brevitySentence("RNNsearch", "RNNenc", 0.41, 0.61, "61-70"), /too short for both/, "both below 0.9");
  const onlyB = brevitySentence("RNNsearch", "RNNenc", 1.0, 0.54, "61-70");
  assert.match(onlyB, /only RNNenc's outputs are too short/, "only RNNenc below 0.9");
  assert.doesNotMatch(onlyB, /both/, "does not claim both stop early");
  assert.match(brevitySentence("RNNsearch", "RNNenc", 0.7, 0.95, "51-60"), /only RNNsearch's outputs/, "only the attention model below 0.9");
  assert.match(brevitySentence("RNNsearch", "RNNenc", 0.98, 0.95, "51-60"), /stay close/, "neither below 0.9");
});

test("gapSentence: widening, flat, narrowing in points but faster relative loss, plain narrowing", () => {
  assert.match(gapSentence("A", "B", 6, 14, 80, 60), /widens/, "gap grows");
  assert.match(gapSentence("A", "B", 6, 6.3, 80, 60), /does not grow/, "gap flat");
  const rel = gapSentence("A", "B", 12.7, 10.8, 89, 74);
  assert.match(rel, /B loses more \(89% vs 74%\)/, "relative loss named");
  assert.match(rel, /as the fixed-length context predicts/, "relative reading supports the argument");
  assert.match(gapSentence("A", "B", 12, 3, 50, 70), /contrary/, "narrows both ways");
});
