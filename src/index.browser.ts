// The library API for browsers (the "browser" and default export conditions):
// the kernels are fetched from build/kernels.*.wasm beside the package and
// compiled while they download.
export * from "./index.core.js";
export { loadEngine, kernelsUrl, compileUrl, type LoadOptions, type WasmUrl } from "./engine/load-browser.js";
