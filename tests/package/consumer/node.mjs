// Node, bundled with the package: loadEngine() finds build/kernels.*.wasm in node_modules/seq2seq-wasm.
import { loadEngine } from "seq2seq-wasm";
import modelBase64 from "./dates-model.js";
import { base64Bytes, translateDate } from "./translate.mjs";

const engine = await loadEngine({ variant: "simd" });
console.log(JSON.stringify(translateDate(engine, base64Bytes(modelBase64), process.argv[2])));
