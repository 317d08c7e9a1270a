import { S2SError } from "../errors.js";

/** Checks a list of token ids: integers in [0, vocab). `what` names it in errors. */
export function checkIds(ids: unknown, vocab: number, what: string, allowEmpty = false): number[] {
  if (!Array.isArray(ids)) throw new S2SError(`${what} is not an array of ids`);
  if (ids.length === 0 && !allowEmpty) throw new S2SError(`${what} is empty (a sentence is its tokens followed by EOS = 3)`);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (typeof v !== "number" || !Number.isInteger(v)) throw new S2SError(`${what}[${i}] = ${JSON.stringify(v)} is not an integer id`);
    if (v < 0 || v >= vocab) throw new S2SError(`${what}[${i}] = ${v} is out of range [0, ${vocab})`);
  }
  return ids as number[];
}

/** Splits [0, n) into chunks, longest items first, so padding stays small; returns index lists. */
export function lengthBatches(lengths: number[], maxSentences: number, maxTokens: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batches: number[][] = [];
  let cur: number[] = [];
  let curMax = 0;
  for (const i of order) {
    const m = Math.max(curMax, lengths[i]);
    if (cur.length > 0 && (cur.length + 1 > maxSentences || m * (cur.length + 1) > maxTokens)) {
      batches.push(cur);
      cur = [];
    }
    curMax = cur.length === 0 ? lengths[i] : Math.max(curMax, lengths[i]);
    cur.push(i);
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}
