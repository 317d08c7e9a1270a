// The generated sentences of docs/results.md's "where attention helps"
// paragraph follow the numbers: who stops early, how the gap changes, which
// attention models lose their lead over RNNenc; and the machine row says
// which trainings ran side by side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { brevitySentence, encoderLeadSentence, gapSentence, leadText, overlapShares, sharedTimesText, sideBySideText, type Lead } from "../../src/experiments/report.js";

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

test("overlapShares: the share of each training's time with another one running", () => {
  const at = (min: number) => new Date(Date.UTC(2026, 10, 24, 0, min)).toISOString();
  const shares = overlapShares([
    { id: "a", sessions: [{ started: at(0), seconds: 40 * 60 }] },
    { id: "b", sessions: [{ started: at(30), seconds: 40 * 60 }] }, // overlaps a for 10 of its 40 min
    { id: "c", sessions: [{ started: at(35), seconds: 10 * 60 }, { started: at(100), seconds: 10 * 60 }] }, // first session inside b, second alone
    { id: "d", sessions: [{ started: at(200), seconds: 60 }] },
  ]);
  assert.equal(shares.get("a"), 0.25, "a: 10 of 40 min shared with b");
  assert.equal(shares.get("b"), 15 / 40, "b: 30..40 with a and 35..45 with c, counted once: 30..45, 15 of 40 min");
  assert.equal(shares.get("c"), 0.5, "c: its first session (10 of 20 min) inside b");
  assert.equal(shares.get("d"), 0, "d alone");
  assert.match(sideBySideText(shares), /no two of these trainings overlapped/, "no training shared for more than half (c: exactly half)");
  const busy = new Map([["x", 0.9], ["y", 0.97], ["z", 0.1]]);
  assert.match(sideBySideText(busy), /2 of these 3 trainings ran for more than half of their time alongside another/, "counts the trainings mostly shared");
  assert.equal(sharedTimesText([{ label: "A", share: 0.2 }]), "", "nothing to name");
  assert.match(sharedTimesText([{ label: "A", share: 0.97 }, { label: "B", share: 0.3 }]), /: A \(97%\)\.$/, "names only A");
});

test("leadText and encoderLeadSentence: where an attention model does not beat RNNenc, and whether the encoder explains it", () => {
  const keep = (label: string, bidirectional: boolean): Lead => ({ label, bidirectional, misses: [] });
  const lose = (label: string, bidirectional: boolean, bp = 0.1): Lead =>
    ({ label, bidirectional, misses: [{ bucket: "51-60", d: 0.54, bp, bpBase: 0.47 }, { bucket: "61-70", d: -3.18, bp: bp / 2, bpBase: 0.54 }] });
  assert.match(leadText(keep("A", true)), /every length bucket/, "no misses");
  assert.equal(leadText(lose("U", false)), ", but does not lead by 1 BLEU at 51-60 words (+0.54, brevity penalty 0.10 vs 0.47), 61-70 words (−3.18, brevity penalty 0.05 vs 0.54)", "misses listed with both brevity penalties");
  assert.equal(encoderLeadSentence([keep("A", true), keep("B", false)], "RNNenc"), "", "nothing lost: no sentence");
  assert.equal(encoderLeadSentence([lose("A", true), lose("B", false)], "RNNenc"), "", "everything lost: no contrast to state");
  const uni = encoderLeadSentence([keep("Bi", true), lose("Uni", false)], "RNNenc");
  assert.match(uni, /the attention model that loses the lead over RNNenc in some length buckets has a unidirectional encoder \(Uni\); the one with a bidirectional encoder \(Bi\) keeps it/, "the encoder split, singular");
  assert.match(uni, /its outputs are far too short \(brevity penalty 0\.05–0\.10, RNNenc 0\.47–0\.54\): it stops early/, "short outputs with ranges");
  const two = encoderLeadSentence([keep("Bi", true), lose("U1", false), lose("U2", false)], "RNNenc");
  assert.match(two, /the attention models that lose .* have a unidirectional encoder \(U1 and U2\)/, "plural");
  const mixed = encoderLeadSentence([keep("Bi", true), keep("U0", false), lose("U1", false, 0.95)], "RNNenc");
  assert.match(mixed, /^Attention does not help everywhere: U1 loses the lead over RNNenc in some length buckets, while Bi and U0 keep it in every bucket\.$/, "no encoder claim when a uni model keeps its lead; no brevity claim when outputs are long enough");
});
