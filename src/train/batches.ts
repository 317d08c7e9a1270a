// Training batches: in file order (no shuffle), or bucketed by length with a
// token budget and shuffled from a seed (the same seed and epoch always give
// the same batches).

import { mulberry32 } from "./init.js";

export interface BatchingOptions {
  /** sentences per batch (used when batchTokens is not set) */
  batchSentences?: number;
  /** padded tokens per batch: count · max(source, target length) */
  batchTokens?: number;
  shuffle: boolean;
  seed: number;
  epoch: number;
}

export interface Lengths {
  src: number;
  tgt: number;
}

/** Index lists, one per batch, covering every pair exactly once. */
export function makeBatches(lengths: Lengths[], o: BatchingOptions): number[][] {
  const n = lengths.length;
  const cost = (i: number) => Math.max(lengths[i].src, lengths[i].tgt);
  const chunk = (order: number[]): number[][] => {
    const out: number[][] = [];
    let cur: number[] = [];
    let maxLen = 0;
    for (const i of order) {
      const m = Math.max(maxLen, cost(i));
      const full = o.batchTokens !== undefined
        ? cur.length > 0 && m * (cur.length + 1) > o.batchTokens
        : cur.length >= (o.batchSentences ?? 32);
      if (full) {
        out.push(cur);
        cur = [];
        maxLen = 0;
      }
      cur.push(i);
      maxLen = Math.max(maxLen, cost(i));
    }
    if (cur.length > 0) out.push(cur);
    return out;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  if (!o.shuffle) return chunk(order);
  const rand = mulberry32((o.seed * 1000003 + o.epoch * 7919 + 1) >>> 0);
  // bucket: sort by length with a random tie-break, chunk, then shuffle the batches
  const noise = order.map(() => rand());
  order.sort((a, b) => cost(a) - cost(b) || noise[a] - noise[b]);
  const batches = chunk(order);
  for (let i = batches.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [batches[i], batches[j]] = [batches[j], batches[i]];
  }
  return batches;
}
