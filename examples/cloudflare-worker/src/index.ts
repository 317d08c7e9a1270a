// A Cloudflare Worker that translates dates with seq2seq-wasm.
// wrangler (and workerd) turn the .wasm import into a WebAssembly.Module at
// deploy time: Workers refuse to compile wasm bytes at run time.
import kernels from "seq2seq-wasm/kernels.simd.wasm";
import modelBase64 from "../../models/dates-model.js";
import { loadEngineFromModule, Model } from "seq2seq-wasm";
import { Translator } from "seq2seq-wasm/text";
import { createHandler, DatesTranslator } from "../../shared/dates-translator.js";

const handle = createHandler(() => DatesTranslator.create({ loadEngineFromModule, Model, Translator }, kernels, modelBase64));

export default {
  fetch(request: Request): Promise<Response> {
    return handle(request);
  },
};
