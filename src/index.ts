// The library API of seq2seq-wasm for Node (the "node" export condition):
// everything in index.core.ts, plus loading the kernels from build/*.wasm and
// atomic file writes. Browsers get index.browser.ts, edge runtimes index.worker.ts.
export * from "./index.core.js";
export { loadEngine, type LoadOptions } from "./engine/load-node.js";
export { writeFileAtomic } from "./io/atomic.js";
export * from "./index.onnx.js";
export { loadModelFromFile } from "./model/load-file.js";
export * from "./index.text.js";
