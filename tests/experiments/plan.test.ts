// The experiment plan's models of other cells: their configs carry the cell,
// and their hidden sizes give parameter counts within 3% of the LSTM model
// they are compared with (the bound is 10%), for the vocabulary
// sizes the two pairs have and for others.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HIDDEN_STEP, MODELS, fullPlan, matchedHidden, modelConfig, modelSpec, paramCount, quickPlan } from "../../src/experiments/plan.js";

test("plan: GRU and RNN models match their LSTM counterpart's parameter count; LSTM models are unchanged", () => {
  const others = MODELS.filter((m) => m.cell && m.cell !== "lstm");
  assert.deepEqual(others.map((m) => m.name), ["rnnsearch-gru", "rnnenc-gru", "rnnsearch-rnn", "rnnenc-rnn"]);
  for (const plan of [fullPlan(), quickPlan()]) {
    for (const [Vs, Vt] of [[5811, 4427], [4427, 5911], [1200, 900], [8000, 8000]]) {
      for (const m of MODELS) {
        const c = modelConfig(m, plan.sizes, Vs, Vt);
        if (!m.matchParams) {
          assert.equal("cell" in c, false, `${m.name}: an LSTM config has no cell key`);
          assert.equal(c.dec_hidden, plan.sizes.hidden);
          continue;
        }
        assert.equal(c.cell, m.cell);
        assert.equal(c.dec_hidden % HIDDEN_STEP, 0);
        assert.equal(c.enc_hidden * (c.bidirectional ? 2 : 1), c.dec_hidden, `${m.name}: encoder memory = decoder size`);
        const ref = paramCount(modelConfig(modelSpec(m.matchParams), plan.sizes, Vs, Vt));
        const gap = Math.abs(paramCount(c) / ref - 1);
        assert.ok(gap < 0.03, `${m.name} (${Vs}/${Vt}, hidden ${c.dec_hidden}): ${paramCount(c)} parameters vs ${ref}: ${(gap * 100).toFixed(2)}%`);
        // the search picks the closest: one step either way is no closer
        for (const h of [c.dec_hidden - HIDDEN_STEP, c.dec_hidden + HIDDEN_STEP]) {
          const near = paramCount({ ...c, dec_hidden: h, enc_hidden: c.bidirectional ? h / 2 : h });
          assert.ok(Math.abs(near - ref) >= Math.abs(paramCount(c) - ref), `${m.name}: hidden ${h} would be closer`);
        }
      }
    }
  }
  assert.equal(matchedHidden(modelSpec("rnnsearch"), fullPlan().sizes, 5000, 5000), fullPlan().sizes.hidden);
});
