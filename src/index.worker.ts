// The library API for Cloudflare Workers, Vercel Edge and other runtimes that
// forbid compiling wasm bytes at run time (the "workerd", "edge-light" and
// "worker" export conditions): import the kernel build as a module and pass it in.
//
//     import kernels from "seq2seq-wasm/kernels.simd.wasm";   // Vercel: "seq2seq-wasm/kernels.simd.wasm?module"
//     import { loadEngineFromModule, Model, searchIds } from "seq2seq-wasm";
//     const engine = await loadEngineFromModule(kernels, "simd");
export * from "./index.core.js";
