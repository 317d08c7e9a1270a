import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Engine, chooseVariant, threadsOf, type EngineOptions } from "./engine.js";
import type { Variant } from "./kernels.js";
import { S2SError } from "../errors.js";

/** A kernel build: a variant, or its shared-memory twin for the worker pool. */
type Build = Variant | `${Variant}-mt`;

/** build/ beside src/ and dist/ (this file is at <root>/{src,dist}/engine/). */
function wasmPath(variant: Build): string {
  return fileURLToPath(new URL(`../../build/kernels.${variant}.wasm`, import.meta.url));
}

async function readBuild(variant: Build): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await readFile(wasmPath(variant)));
  } catch {
    // bundled (esbuild, Rollup): this code no longer sits in the package; find the package's file
    try {
      const { createRequire } = await import("node:module");
      return new Uint8Array(await readFile(createRequire(import.meta.url).resolve(`seq2seq-wasm/kernels.${variant}.wasm`)));
    } catch {
      throw new S2SError(`missing ${wasmPath(variant)}: run npm run build (or npm ci) to compile the kernels`);
    }
  }
}

export interface LoadOptions extends EngineOptions {
  /** "auto" (default) picks relaxed SIMD when the runtime supports it. Env: S2S_WASM. */
  variant?: Variant | "auto";
}

/**
 * Loads the kernel build for Node: reads build/kernels.*.wasm and instantiates
 * it. `threads: N > 1` runs large GEMMs on N − 1 worker_threads plus the
 * caller (kernels.*-mt.wasm on a shared memory); `engine.close()` stops them.
 */
export async function loadEngine(options: LoadOptions = {}): Promise<Engine> {
  const threads = threadsOf(options);
  const env = process.env.S2S_WASM;
  const prefer = options.variant ?? (env === "simd" || env === "relaxed" ? env : "auto");
  let variant: Variant = "simd";
  if (prefer === "relaxed") variant = "relaxed";
  else if (prefer === "auto") variant = chooseVariant(await readBuild("relaxed"));
  if (variant === "relaxed" && !WebAssembly.validate(await readBuild("relaxed"))) {
    throw new S2SError("this runtime does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)");
  }
  if (threads > 1) {
    const module = await WebAssembly.compile(await readBuild(`${variant}-mt`));
    const [{ threadedEngine }, { spawnNodeWorker }] = await Promise.all([import("./threaded.js"), import("./pool-node.js")]);
    return threadedEngine(module, variant, threads, spawnNodeWorker, options);
  }
  const bytes = await readBuild(variant);
  const module = await WebAssembly.compile(bytes);
  return Engine.fromModule(module, variant, options);
}
