// A browser page's script: esbuild copies the .wasm files (--loader:.wasm=file)
// and the page passes their URLs; loadEngine fetches and compiles them while they stream.
import { loadEngine } from "seq2seq-wasm";
import simd from "seq2seq-wasm/kernels.simd.wasm";
import relaxed from "seq2seq-wasm/kernels.relaxed.wasm";
import modelBase64 from "./dates-model.js";
import { base64Bytes, translateDate } from "./translate.mjs";

export async function main(text) {
  const engine = await loadEngine({ wasmUrl: { simd: new URL(simd, import.meta.url), relaxed: new URL(relaxed, import.meta.url) } });
  return translateDate(engine, base64Bytes(modelBase64), text);
}
