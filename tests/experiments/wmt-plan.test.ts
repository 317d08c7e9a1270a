// The wmt-deen plan (Bahdanau et al.'s length experiment) beside Multi30k's:
// Multi30k's plan, training keys and run identity are exactly those of runs
// made before wmt-deen existed (so such runs resume); the wmt-deen plan has
// the paper's four models with one set of sizes and budget; its examples and
// perplexity-by-length tables.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evalKey, fullPlan, modelConfig, modelSpec, MODELS, planIdentity, quickPlan, trainKey, WMT_LENGTH_EDGES, WMT_MODELS, wmtPlan, wmtQuickPlan } from "../../src/experiments/plan.js";
import { pickRealExamples } from "../../src/experiments/runner.js";
import { perplexityByLength } from "../../src/experiments/length-table.js";
import { planFromValues } from "../../src/experiments/cli-plan.js";

// recorded from a Multi30k run made before the wmt-deen plan (its train.json "key" and run.json plan)
const RNNSEARCH_KEY = '{"pair":"de-en","model":{"name":"rnnsearch","attention":"additive","decoderStyle":"bahdanau","bidirectional":true,"inputFeed":false,"reverseSource":false},"sizes":{"emb":256,"hidden":256,"attnDim":256,"layers":1},"train":{"epochs":10,"batchSentences":64,"lr":0.002,"schedule":"plateau","decay":0.5,"dropout":0.3,"labelSmoothing":0.1,"clip":5,"initRange":0.1,"seed":1,"validBleuLimit":0},"data":{"bpeMerges":8000,"maxLen":80,"trainLimit":0,"validLimit":0,"testLimit":0,"testSplit":"test_2016_flickr","validSplit":"val"}}';
const GRU_MODEL = '{"name":"rnnsearch-gru","attention":"additive","decoderStyle":"bahdanau","bidirectional":true,"inputFeed":false,"reverseSource":false,"cell":"gru","matchParams":"rnnsearch"}';
const IDENTITY = '{"quick":false,"sizes":{"emb":256,"hidden":256,"attnDim":256,"layers":1},"train":{"epochs":10,"batchSentences":64,"lr":0.002,"schedule":"plateau","decay":0.5,"dropout":0.3,"labelSmoothing":0.1,"clip":5,"initRange":0.1,"seed":1,"validBleuLimit":0},"data":{"bpeMerges":8000,"maxLen":80,"trainLimit":0,"validLimit":0,"testLimit":0,"testSplit":"test_2016_flickr","validSplit":"val"},"eval":{"beams":[1,5],"alpha":0.6,"joins":[1,2,3,4],"lengthEdges":[10,20,30,40,50,60,70]}}';

test("Multi30k: plan, keys and run identity as before the wmt-deen plan", () => {
  const plan = fullPlan();
  assert.equal(trainKey(plan, "de-en", modelSpec("rnnsearch")), RNNSEARCH_KEY);
  assert.equal(trainKey(plan, "de-en", modelSpec("rnnsearch-gru")), RNNSEARCH_KEY.replace(/"model":\{[^}]*\}/, `"model":${GRU_MODEL}`));
  assert.equal(evalKey(plan, "de-en", modelSpec("rnnsearch")), JSON.stringify({ train: RNNSEARCH_KEY, eval: JSON.parse(IDENTITY).eval }));
  // the run identity leaves out the seed: a model's other seeds train into their own directories (MODEL-seedN) of the same run
  assert.equal(planIdentity(plan), IDENTITY.replace('"seed":1,', ""));
  for (const p of [plan, quickPlan()]) {
    assert.equal("corpus" in p, false);
    assert.equal("lowercase" in p.data, false);
    assert.deepEqual(Object.keys(p.eval), ["beams", "alpha", "joins", "lengthEdges"]);
    for (const m of MODELS) assert.equal("maxWords" in m, false);
  }
  // the command line without --corpus is Multi30k's plan
  assert.equal(JSON.stringify(planFromValues({ corpus: "multi30k" })), JSON.stringify(plan));
  assert.equal(JSON.stringify(planFromValues({ corpus: "multi30k", quick: true })), JSON.stringify(quickPlan()));
});

test("wmt-deen: Bahdanau's four models, GRU, one set of sizes and budget, cased, 10-word buckets to 61+", () => {
  for (const plan of [wmtPlan(), wmtQuickPlan()]) {
    assert.equal(plan.corpus, "wmt-deen");
    assert.equal(plan.data.lowercase, false, "cased: the references are");
    assert.equal(plan.data.validSplit, "newstest2013");
    assert.equal(plan.data.testSplit, "newstest2014");
    assert.deepEqual(plan.eval.joins, [1, 2]);
    assert.deepEqual(plan.eval.lengthEdges, [...WMT_LENGTH_EDGES]);
    assert.deepEqual(plan.eval.exampleWords, [30, 45, 60]);
    assert.notEqual(planIdentity(plan), planIdentity(plan.quick ? quickPlan() : fullPlan()), "a Multi30k directory refuses it");
    for (const name of plan.models) assert.ok(WMT_MODELS.some((m) => m.name === name));
  }
  assert.deepEqual(wmtPlan().models, ["rnnsearch-50", "rnnencdec-50", "rnnsearch-30", "rnnencdec-30"]);
  assert.deepEqual(WMT_LENGTH_EDGES, [10, 20, 30, 40, 50, 60]);
  const plan = wmtPlan();
  for (const m of WMT_MODELS) {
    const c = modelConfig(m, plan.sizes, 8526, 7088);
    assert.equal(c.cell, "gru", m.name);
    assert.equal(c.decoder_style, "bahdanau");
    assert.equal(c.dec_hidden, plan.sizes.hidden, "same sizes: no parameter matching");
    assert.equal(c.emb_dim, plan.sizes.emb);
    const search = m.name.startsWith("rnnsearch");
    assert.equal(c.attention, search ? "additive" : "none");
    assert.equal(c.bidirectional, search);
    assert.equal(m.maxWords, Number(m.name.split("-")[1]));
  }
  // the -30 and -50 models differ only in their training pairs
  const strip = (name: string) => trainKey(plan, "de-en", modelSpec(name)).replace(/"name":"[^"]*"|"maxWords":\d+/g, "");
  assert.equal(strip("rnnsearch-30"), strip("rnnsearch-50"));
  assert.notEqual(trainKey(plan, "de-en", modelSpec("rnnsearch-30")), trainKey(plan, "de-en", modelSpec("rnnsearch-50")));
  assert.deepEqual(planFromValues({ corpus: "wmt-deen", only: "rnnencdec-30,rnnsearch-30" }).models, ["rnnsearch-30", "rnnencdec-30"]);
  assert.throws(() => planFromValues({ corpus: "wmt-deen", only: "rnnsearch" }), /unknown model "rnnsearch" \(rnnsearch-50, rnnencdec-50, rnnsearch-30, rnnencdec-30\)/);
  assert.throws(() => planFromValues({ corpus: "multi30k", only: "rnnsearch-50" }), /unknown model "rnnsearch-50"/);
});

test("pickRealExamples: closest to each length, the last at least that long when there is one, each sentence once", () => {
  const set = (words: number[]) => [{ name: "val", sources: [] }, { name: "test", sources: words.map((w) => ({ words: w, pieces: [], ids: [] })) }];
  assert.deepEqual(pickRealExamples(set([12, 29, 31, 44, 58, 63, 70]) as never, [30, 45, 60]), [
    { id: "real-30", set: "test", index: 1 },
    { id: "real-45", set: "test", index: 3 },
    { id: "real-60plus", set: "test", index: 5 },
  ]);
  // no sentence of 60 words or more: the closest, and its id says so; a sentence is not used twice
  assert.deepEqual(pickRealExamples(set([30, 30, 40]) as never, [30, 30, 60]), [
    { id: "real-30", set: "test", index: 0 },
    { id: "real-30", set: "test", index: 1 },
    { id: "real-60", set: "test", index: 2 },
  ]);
  assert.deepEqual(pickRealExamples([{ name: "test", sources: [] }], [30]), []);
});

test("perplexityByLength: exp of the mean negative log-probability per bucket", () => {
  const sources = ["eins zwei", "a b c d e f g h i j k l", "x"];
  const lp = [[-1, -1], [-2, -2, -2], [-3]];
  const t = perplexityByLength(sources, lp, "de", [10, 20]);
  assert.deepEqual(t.edges, [10, 20]);
  assert.deepEqual(t.rows.map((r) => [r.label, r.sentences, r.tokens]), [["1-10", 2, 3], ["11-20", 1, 3], ["21+", 0, 0]]);
  assert.equal(t.rows[0].ppl, Math.round(Math.exp(5 / 3) * 1e4) / 1e4);
  assert.equal(t.rows[1].ppl, Math.round(Math.exp(2) * 1e4) / 1e4);
  assert.equal(t.rows[2].ppl, null);
  assert.throws(() => perplexityByLength(["a"], [], "de"), /1 sources but 0 references/);
});
