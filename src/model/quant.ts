// int8 row-wise quantisation (docs/model.md "int8 models"): which tensors
// are quantised, the quantiser itself, and the file of a quantised model.

import { S2SError } from "../errors.js";
import { serializeSafetensors, type TensorData } from "../io/safetensors.js";
import type { Model } from "./model.js";

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

/**
 * Symmetric row-wise quantisation of w [rows, cols]:
 *   s_r = max_k |w[r,k]| / 127 (f32), q[r,k] = round(w[r,k] / s_r), halves away from zero;
 *   a zero row gets s_r = 0 and q = 0. Then |q·s − w| ≤ s/2 per element.
 */
export function quantizeRows(w: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = 0;
    for (let k = 0; k < cols; k++) m = Math.max(m, Math.abs(w[o + k]));
    const s = Math.fround(m / QMAX);
    scale[r] = s;
    if (s === 0) continue;
    for (let k = 0; k < cols; k++) {
      const x = w[o + k] / s;
      q[o + k] = Math.max(-QMAX, Math.min(QMAX, Math.sign(x) * Math.round(Math.abs(x))));
    }
  }
  return { q, scale };
}

/**
 * The int8 file of an f32 model: quantised parameters as I8 plus their
 * `.scale`, the rest F32, metadata kept and `quantization` added.
 */
export function quantizeModel(model: Model): Uint8Array {
  if (model.quantized) throw new S2SError("the model is already int8-quantised");
  const tensors: TensorData[] = [];
  for (const t of model.tensors()) {
    if (!isQuantized(t.name)) {
      tensors.push(t);
      continue;
    }
    const [rows, cols] = t.shape;
    const { q, scale } = quantizeRows(t.data as Float32Array, rows, cols);
    tensors.push({ name: t.name, dtype: "I8", shape: t.shape, data: q });
    tensors.push({ name: scaleName(t.name), dtype: "F32", shape: [rows], data: scale });
  }
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return serializeSafetensors(tensors, { ...model.metadata, [QUANT_KEY]: QUANT_VALUE, config: JSON.stringify(model.config) });
}
