// Loading in browsers (and any runtime with fetch that may compile wasm):
// the kernel build is an asset beside the library, fetched and compiled
// while it downloads (WebAssembly.compileStreaming). The URLs are written as
// `new URL("literal", import.meta.url)` so Vite, Rollup, Parcel and webpack
// copy the .wasm files into the bundle's assets and rewrite the URLs.

import { S2SError } from "../errors.js";
import { relaxedSimdSupported, simdSupported } from "./detect.js";
import { threadsOf, type Engine, type EngineOptions } from "./engine.js";
import type { Variant } from "./kernels.js";
import { loadEngineFromModule } from "./load-module.js";

/** Where a kernel build is served: one URL for the build that is used, or one per build. */
export type WasmUrl = string | URL | Partial<Record<Variant, string | URL>>;

export interface LoadOptions extends EngineOptions {
  /** "auto" (default) picks the relaxed-SIMD build when the browser supports it. */
  variant?: Variant | "auto";
  /**
   * Where the .wasm files are, when the bundler does not handle
   * `new URL(…, import.meta.url)` (esbuild: `--loader:.wasm=file` and
   * `import simd from "seq2seq-wasm/kernels.simd.wasm"`, then `wasmUrl: { simd }`).
   */
  wasmUrl?: WasmUrl;
  /** fetch to use (default globalThis.fetch) */
  fetch?: typeof fetch;
  /**
   * With `threads` > 1: where the shared-memory builds are (kernels.simd-mt.wasm,
   * kernels.relaxed-mt.wasm), when not beside the package as `new URL(…, import.meta.url)` finds them.
   */
  threadsWasmUrl?: Partial<Record<Variant, string | URL>>;
}

/** The URL of a kernel build beside this file (package layout: dist/engine/ and build/). */
export function kernelsUrl(variant: Variant): URL {
  return variant === "relaxed"
    ? new URL("../../build/kernels.relaxed.wasm", import.meta.url)
    : new URL("../../build/kernels.simd.wasm", import.meta.url);
}

/** Fetches and compiles a .wasm URL: streaming when the server says application/wasm. */
export async function compileUrl(url: string | URL, fetchFn: typeof fetch = globalThis.fetch): Promise<WebAssembly.Module> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new S2SError(`cannot fetch the kernels at ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new S2SError(`cannot fetch the kernels at ${url}: HTTP ${res.status}`);
  const type = res.headers.get("content-type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && /^application\/wasm\b/i.test(type)) {
    return WebAssembly.compileStreaming(res);
  }
  // served with another type (file servers, some CDNs): compileStreaming would refuse it
  return WebAssembly.compile(await res.arrayBuffer());
}

/**
 * How the threads entry (index.threads.ts) builds a pooled engine; the main
 * entry has none. Resolves to null when this page cannot run workers (it has warned).
 */
export type ThreadedLoader = (variant: Variant, threads: number, options: EngineOptions, url: string | URL | undefined, fetchFn: typeof fetch) => Promise<Engine | null>;

/**
 * Loads the kernel build for a browser: fetches build/kernels.*.wasm and
 * instantiates it. With "auto", the relaxed-SIMD build when the browser has
 * relaxed SIMD (and, if `wasmUrl` is a record, gives its URL), else SIMD128;
 * a single `wasmUrl` is taken as the SIMD128 build unless `variant` says otherwise.
 * One thread: the worker pool comes from "seq2seq-wasm/threads" (docs/threads.md).
 */
export function loadEngine(options: LoadOptions = {}): Promise<Engine> {
  return loadBrowserEngine(options, null);
}

/**
 * loadEngine with an optional pool: `threads: N > 1` runs large GEMMs on
 * N − 1 Workers plus the caller (kernels.*-mt.wasm on a shared memory); where
 * the page is not crossOriginIsolated it warns on the console and uses 1
 * thread (`engine.threads` says which).
 */
export async function loadBrowserEngine(options: LoadOptions, threaded: ThreadedLoader | null): Promise<Engine> {
  if (!simdSupported()) throw new S2SError("this browser does not run WebAssembly SIMD (needed by seq2seq-wasm)");
  const threads = threadsOf(options);
  if (threads > 1 && !threaded) {
    throw new S2SError(`threads: ${threads} needs the worker pool, which the main browser entry leaves out: import { loadEngine } from "seq2seq-wasm/threads"`);
  }
  const prefer = options.variant ?? "auto";
  if (prefer !== "auto" && prefer !== "simd" && prefer !== "relaxed") {
    throw new S2SError(`unknown kernel build ${JSON.stringify(prefer)} (auto, simd or relaxed)`);
  }
  const w = options.wasmUrl;
  const single = typeof w === "string" || w instanceof URL;
  let variant: Variant;
  if (prefer !== "auto") variant = prefer;
  else if (single) variant = "simd";
  else variant = relaxedSimdSupported() && (w === undefined || w.relaxed !== undefined) ? "relaxed" : "simd";
  if (variant === "relaxed" && !relaxedSimdSupported()) throw new S2SError('this browser does not support relaxed SIMD: use variant "simd"');
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  if (threads > 1 && threaded) {
    const pooled = await threaded(variant, threads, options, options.threadsWasmUrl?.[variant], fetchFn);
    if (pooled) return pooled;
  }
  const url = single ? w : w?.[variant] ?? kernelsUrl(variant);
  const module = await compileUrl(url, fetchFn);
  return loadEngineFromModule(module, variant, { ...options, threads: 1 });
}
