// The source length a model was trained on, kept in its file's metadata
// (`train_max_src_pieces`, docs/model.md) so that translation can split long
// inputs into parts of lengths the model has seen.

import { S2SError } from "../errors.js";

/** Metadata key: the longest training source, in BPE pieces without EOS. */
export const TRAIN_LENGTH_KEY = "train_max_src_pieces";

/**
 * For a file without the key (written before it existed, or by other
 * tools): `s2s train`'s default --max-len, the most a model trained with the
 * defaults has seen.
 */
export const DEFAULT_TRAIN_MAX_SRC_PIECES = 100;

/** Longest source of training pairs whose ids end with EOS, in pieces (EOS excluded); 0 for none. */
export function longestSource(pairs: readonly { src: readonly number[] }[]): number {
  let m = 0;
  for (const p of pairs) m = Math.max(m, p.src.length - 1);
  return m;
}

/** The training length of a model file: its `train_max_src_pieces`, or the default when absent. */
export function trainLengthOf(metadata: Readonly<Record<string, string>>, source = "model"): number {
  const v = metadata[TRAIN_LENGTH_KEY];
  if (v === undefined) return DEFAULT_TRAIN_MAX_SRC_PIECES;
  if (!/^[1-9][0-9]{0,8}$/.test(v)) throw new S2SError(`${source}: metadata ${TRAIN_LENGTH_KEY} must be a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * Records in `metadata` that the model was trained on sources of up to
 * `longest` pieces (keeping a larger value already there: a model trained
 * further with --init has seen both).
 */
export function recordTrainLength(metadata: Record<string, string>, longest: number): void {
  if (longest < 1) return;
  const prev = metadata[TRAIN_LENGTH_KEY] !== undefined && /^[1-9][0-9]*$/.test(metadata[TRAIN_LENGTH_KEY]) ? Number(metadata[TRAIN_LENGTH_KEY]) : 0;
  metadata[TRAIN_LENGTH_KEY] = String(Math.max(prev, longest));
}
