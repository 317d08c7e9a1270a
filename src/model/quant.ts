// int8 row-wise quantisation (docs/model.md "int8 models"): the quantiser
// and the file of a quantised model (the format itself: quant-format.ts).

import { S2SError } from "../errors.js";
import { serializeSafetensors, type TensorData } from "../io/safetensors.js";
import type { Model } from "./model.js";
import { isQuantized, QMAX, QUANT_KEY, QUANT_VALUE, scaleName } from "./quant-format.js";

export { isQuantized, parseQuantization, QMAX, QUANT_KEY, QUANT_TYPE, QUANT_VALUE, QUANT_VERSION, scaleName } from "./quant-format.js";

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
