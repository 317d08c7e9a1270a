// Node, one self-contained file: the kernels are bundled as bytes (esbuild --loader:.wasm=binary).
import { loadEngineFromModule } from "seq2seq-wasm";
import kernels from "seq2seq-wasm/kernels.simd.wasm";
import modelBase64 from "./dates-model.js";
import { base64Bytes, translateDate } from "./translate.mjs";

const engine = await loadEngineFromModule(await WebAssembly.compile(kernels), "simd");
console.log(JSON.stringify(translateDate(engine, base64Bytes(modelBase64), process.argv[2])));
