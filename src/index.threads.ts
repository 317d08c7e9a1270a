// "seq2seq-wasm/threads" for browsers: the browser API (index.browser.ts)
// whose loadEngine also starts a worker pool, `loadEngine({ threads: N })`,
// on crossOriginIsolated pages (docs/threads.md). A separate entry so that the
// pool (≈ 4 KiB minified) stays out of the main browser bundle. Under Node the
// "node" condition maps this path to the Node entry, whose loadEngine has threads.
export * from "./index.browser.js";
import { loadBrowserEngine, type LoadOptions } from "./engine/load-browser.js";
import type { Engine } from "./engine/engine.js";
import { loadThreadedEngine, mtKernelsUrl } from "./engine/pool-browser.js";

export { mtKernelsUrl };

/** The browser loadEngine, with `threads` (see loadBrowserEngine in engine/load-browser.ts). */
export function loadEngine(options: LoadOptions = {}): Promise<Engine> {
  return loadBrowserEngine(options, loadThreadedEngine);
}
