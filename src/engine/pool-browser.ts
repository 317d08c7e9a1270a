// The worker pool in a browser, for the "seq2seq-wasm/threads" entry (not
// part of the main browser bundle): the shared-memory kernel build fetched
// like the others, module Workers on pool-worker.browser.js. Needs a
// crossOriginIsolated page (COOP: same-origin, COEP: require-corp); elsewhere
// it warns once and the loader goes on with 1 thread.

import type { Engine, EngineOptions } from "./engine.js";
import type { Variant } from "./kernels.js";
import { compileUrl } from "./load-browser.js";
import type { PoolWorker } from "./pool.js";
import { threadedEngine } from "./threaded.js";

/** The URL of a shared-memory kernel build beside this file (package layout: dist/engine/ and build/). */
export function mtKernelsUrl(variant: Variant): URL {
  return variant === "relaxed"
    ? new URL("../../build/kernels.relaxed-mt.wasm", import.meta.url)
    : new URL("../../build/kernels.simd-mt.wasm", import.meta.url);
}

function spawnBrowserWorker(): PoolWorker {
  // written as one expression so that bundlers (Vite, webpack, Parcel) emit the worker's own chunk
  const w = new Worker(new URL("./pool-worker.browser.js", import.meta.url), { type: "module" });
  return {
    post: (init) => w.postMessage(init),
    onReply: (cb) => w.addEventListener("message", (e) => cb(e.data), { once: true }),
    onError: (cb) => w.addEventListener("error", (e) => cb(new Error(e.message || "the worker script did not load"))),
    terminate: () => w.terminate(),
  };
}

/** Why this page cannot run a worker pool, or null when it can. */
function noThreadsReason(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  if (g.crossOriginIsolated !== true || typeof g.SharedArrayBuffer !== "function") {
    return "the page is not crossOriginIsolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  }
  if (typeof g.Worker !== "function") return "this context cannot start Workers";
  return null;
}

/**
 * A `threads`-thread engine: `url` is the -mt build of `variant` (default:
 * beside the package). Null, after a console warning, where the page cannot
 * run workers on a shared memory.
 */
export async function loadThreadedEngine(
  variant: Variant, threads: number, options: EngineOptions, url: string | URL | undefined, fetchFn: typeof fetch,
): Promise<Engine | null> {
  const why = noThreadsReason();
  if (why) {
    console.warn(`seq2seq-wasm: threads: ${threads} ignored, using 1 thread: ${why}`);
    return null;
  }
  const module = await compileUrl(url ?? mtKernelsUrl(variant), fetchFn);
  return threadedEngine(module, variant, threads, spawnBrowserWorker, options);
}
