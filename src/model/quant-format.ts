// The int8 file format (docs/model.md "int8 models"): which tensors a
// quantised file holds as int8 and how its metadata says so. Model loading
// reads it; the quantiser (quant.ts) writes it.

import { S2SError } from "../errors.js";

/** `__metadata__` key and value of a quantised file. */
export const QUANT_KEY = "quantization";
export const QUANT_TYPE = "int8-rowwise";
export const QUANT_VERSION = 1;
export const QUANT_VALUE = JSON.stringify({ type: QUANT_TYPE, version: QUANT_VERSION });
/** Largest code: symmetric, q ∈ [-127, 127]. */
export const QMAX = 127;

/**
 * Quantised parameters: every weight matrix (LSTMs, bridge, attention,
 * attn_out, generator) and both embedding tables. Biases and attn.v.weight
 * (a vector, read by the attention kernel in f32) stay F32.
 */
export function isQuantized(name: string): boolean {
  return name.endsWith("_embed.weight") || (/weight/.test(name) && name !== "attn.v.weight");
}

/** Name of the F32 row-scale tensor of a quantised parameter. */
export function scaleName(name: string): string {
  return `${name}.scale`;
}

/**
 * Whether a file's metadata declares int8-rowwise weights (absent: an f32
 * file). Any other value is an S2SError.
 */
export function parseQuantization(metadata: Record<string, string>, source: string): boolean {
  const v = metadata[QUANT_KEY];
  if (v === undefined) return false;
  let o: { type?: unknown; version?: unknown } | null = null;
  try {
    o = JSON.parse(v);
  } catch {
    // reported below
  }
  if (!o || typeof o !== "object" || o.type !== QUANT_TYPE) {
    throw new S2SError(`${source}: unsupported ${QUANT_KEY} ${JSON.stringify(v)} (expected ${QUANT_VALUE})`);
  }
  if (o.version !== QUANT_VERSION) throw new S2SError(`${source}: ${QUANT_KEY} version ${JSON.stringify(o.version)} is not supported (expected ${QUANT_VERSION})`);
  return true;
}
