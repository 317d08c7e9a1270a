// A Vercel Edge Function that translates dates with seq2seq-wasm.
// Vercel's `?module` suffix makes the .wasm import a WebAssembly.Module at
// build time: the Edge Runtime refuses to compile wasm bytes at run time.
import kernels from "seq2seq-wasm/kernels.simd.wasm?module";
import modelBase64 from "../../models/dates-model.js";
import { loadEngineFromModule, Model } from "seq2seq-wasm";
import { Translator } from "seq2seq-wasm/text";
import { createHandler, DatesTranslator } from "../../shared/dates-translator.js";

export const config = { runtime: "edge" };

const handle = createHandler(() => DatesTranslator.create({ loadEngineFromModule, Model, Translator }, kernels, modelBase64));

export default function handler(request: Request): Promise<Response> {
  return handle(request);
}
