// Teacher-forced scoring: log p(y_t | y_<t, x) of a given target (the "gold score").

import { BOS } from "../model/config.js";
import { encode } from "../model/encoder.js";
import { DecoderRun } from "../model/decoder.js";
import type { Model } from "../model/model.js";
import { checkIds, lengthBatches } from "./ids.js";
import { S2SError } from "../errors.js";
import { MAX_SOURCE_TOKENS } from "./search.js";

export interface PairIds {
  src: number[];
  tgt: number[];
}

export interface ScoreResult {
  /** log p of each target token */
  logprobs: number[];
  /** α_t over the source positions for each target token; null for attention "none" */
  attention: number[][] | null;
}

export interface ScoreOptions {
  /** sentences per batch (default 64) */
  batchSentences?: number;
  /** source+target tokens per batch (default 8192) */
  batchTokens?: number;
  /** keep attention matrices (default true) */
  attention?: boolean;
}

/** Scores each pair; the result order follows the input. Ids are validated first. */
export function scoreIds(model: Model, pairs: PairIds[], options: ScoreOptions = {}): ScoreResult[] {
  const d = model.dims;
  pairs.forEach((p, i) => {
    checkIds(p.src, d.Vs, `pair ${i + 1}: src`);
    checkIds(p.tgt, d.Vt, `pair ${i + 1}: tgt`, true);
    if (p.src.length > MAX_SOURCE_TOKENS || p.tgt.length > MAX_SOURCE_TOKENS) {
      throw new S2SError(`pair ${i + 1}: more than ${MAX_SOURCE_TOKENS} tokens in src or tgt`);
    }
  });
  const results: ScoreResult[] = new Array(pairs.length);
  const lens = pairs.map((p) => p.src.length + p.tgt.length);
  const arena = model.engine.arena;
  const withAttn = model.config.attention !== "none" && options.attention !== false;
  for (const batch of lengthBatches(lens, options.batchSentences ?? 64, options.batchTokens ?? 8192)) {
    const mark = arena.mark();
    try {
      const enc = encode(model, batch.map((i) => pairs[i].src));
      const B = batch.length;
      const run = new DecoderRun(model, enc, B);
      run.start(batch.map((_, b) => b));
      const T = Math.max(0, ...batch.map((i) => pairs[i].tgt.length));
      const out = batch.map((i) => ({ logprobs: [] as number[], attention: withAttn ? ([] as number[][]) : null }));
      const prev = new Int32Array(B).fill(BOS);
      for (let t = 0; t < T; t++) {
        run.step(prev);
        const lp = run.logpView(), al = run.alphaView();
        batch.forEach((i, b) => {
          const tgt = pairs[i].tgt;
          if (t < tgt.length) {
            out[b].logprobs.push(lp[b * d.Vt + tgt[t]]);
            if (out[b].attention) out[b].attention!.push(Array.from(al.subarray(b * enc.S, b * enc.S + pairs[i].src.length)));
          }
          prev[b] = t < tgt.length ? tgt[t] : 0;
        });
      }
      batch.forEach((i, b) => (results[i] = out[b]));
    } finally {
      arena.release(mark);
    }
  }
  return results;
}
