// searchWith drives any Stepper, synchronous or not, through the same search as
// searchIds: an asynchronous wrapper of the engine's stepper must give
// identical hypotheses (ids, scores, attention), greedy and beam.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { searchIds, searchWith } from "../src/decode/search.js";
import { engineStepper, type Stepper } from "../src/decode/stepper.js";
import type { ModelConfig } from "../src/model/config.js";

const config: ModelConfig = {
  src_vocab_size: 37, tgt_vocab_size: 29, emb_dim: 12, enc_hidden: 10, bidirectional: true, enc_layers: 1,
  dec_layers: 2, dec_hidden: 14, attn_dim: 9, attention: "additive", decoder_style: "luong", input_feed: true,
};

function asyncStepper(s: ReturnType<typeof engineStepper>): Stepper {
  const later = <T>(v: T) => new Promise<T>((r) => setTimeout(() => r(v), 0));
  return {
    Vs: s.Vs, Vt: s.Vt, hasAttention: s.hasAttention,
    async begin(srcs, maxRows) {
      const x = s.begin(srcs, maxRows);
      return {
        S: x.S,
        start: (rows) => later(x.start(rows)),
        step: async (prev) => {
          const o = x.step(prev);
          return later({ logp: o.logp.slice(), alpha: o.alpha && o.alpha.slice() });
        },
        reorder: (p, r) => later(x.reorder(p, r)),
        close: () => x.close(),
      };
    },
  };
}

test("searchWith over an asynchronous stepper = searchIds", async () => {
  const engine = await loadEngine();
  const model = Model.create(engine, config);
  initialize(model, { kind: "uniform", range: 0.3 }, 7);
  const rnd = mulberry32(3);
  const srcs = Array.from({ length: 9 }, () => [...Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => 4 + Math.floor(rnd() * 33)), 3]);
  for (const beam of [1, 4]) {
    const a = searchIds(model, srcs, { beam, nbest: beam, batchSentences: 4 });
    const b = await searchWith(asyncStepper(engineStepper(model)), srcs, { beam, nbest: beam, batchSentences: 4 });
    assert.deepEqual(b, a, `beam ${beam}: identical hypotheses`);
    assert.ok(a.every((h) => h.length === beam), `beam ${beam}: ${beam} hypotheses each`);
  }
});
