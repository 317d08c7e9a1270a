// Loading from an already compiled WebAssembly.Module: the only way in
// Cloudflare Workers (workerd) and Vercel Edge, which refuse to compile wasm
// bytes at run time; their bundlers turn `import kernels from "….wasm"` into
// a WebAssembly.Module. Also the shared last step of the other loaders.

import { S2SError } from "../errors.js";
import { Engine, type EngineOptions } from "./engine.js";
import type { Variant } from "./kernels.js";

/**
 * Whether `x` is a WebAssembly.Module. Checked by its tag rather than with
 * instanceof: a module compiled in another realm (a vm context, an iframe,
 * the host of an edge sandbox) is still a module.
 */
function isWasmModule(x: unknown): x is WebAssembly.Module {
  return Object.prototype.toString.call(x) === "[object WebAssembly.Module]";
}

/**
 * Instantiates a compiled kernel build: `variant` says which build the module
 * is ("simd" for build/kernels.simd.wasm, "relaxed" for kernels.relaxed.wasm).
 * Also accepts a module namespace whose default export is the module.
 * `options.maxMemoryMiB` caps the engine's memory (see Engine.fromModule).
 *
 *     import kernels from "seq2seq-wasm/kernels.simd.wasm";   // wrangler: CompiledWasm
 *     const engine = await loadEngineFromModule(kernels, "simd");
 */
export async function loadEngineFromModule(module: WebAssembly.Module, variant: Variant = "simd", options: EngineOptions = {}): Promise<Engine> {
  let m: unknown = module;
  if (!isWasmModule(m) && typeof m === "object" && m !== null && isWasmModule((m as { default?: unknown }).default)) {
    m = (m as { default: unknown }).default;
  }
  if (!isWasmModule(m)) {
    const what = m === null ? "null" : ArrayBuffer.isView(m) || Object.prototype.toString.call(m) === "[object ArrayBuffer]" ? "bytes" : typeof m;
    throw new S2SError(
      `loadEngineFromModule needs a WebAssembly.Module, got ${what}: import the kernel build as a module ` +
      `(import kernels from "seq2seq-wasm/kernels.simd.wasm"; Vercel Edge: "…/kernels.simd.wasm?module")`,
    );
  }
  if (variant !== "simd" && variant !== "relaxed") throw new S2SError(`unknown kernel build ${JSON.stringify(variant)} (simd or relaxed)`);
  return Engine.fromModule(m, variant, options);
}
