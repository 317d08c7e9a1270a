// An engine whose GEMMs run on a worker pool: a shared memory, the
// shared-memory kernel build (-mt) instantiated on it here and in every
// worker, and the pool's control block between the module's static data and
// the arena:
//
//   0 ... heap_base   static data (each instance rewrites the same bytes)
//   ctrl ............ the control block (pool-protocol.ts, 256 bytes), ctrl = heap_base rounded up to 64
//   ctrl + 256 ...... the arena (src/engine/arena.ts)

import { Engine, INITIAL_PAGES, instantiateKernels, maxPagesOf, type EngineOptions } from "./engine.js";
import type { Variant } from "./kernels.js";
import { ThreadPool, type PoolOptions, type SpawnWorker } from "./pool.js";


/**
 * `module` is a -mt build (kernels.simd-mt.wasm or kernels.relaxed-mt.wasm),
 * `variant` the SIMD flavour it has. `pool` tunes the pool (tests, benchmarks).
 */
export async function threadedEngine(
  module: WebAssembly.Module, variant: Variant, threads: number, spawn: SpawnWorker,
  options: EngineOptions = {}, pool: Partial<PoolOptions> = {},
): Promise<Engine> {
  const maxPages = maxPagesOf(options);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maxPages, shared: true });
  const kernels = await instantiateKernels(module, memory);
  const ctrl = Math.ceil(kernels.heap_base() / 64) * 64;
  const p = await ThreadPool.start(module, memory, ctrl, spawn, { ...pool, threads });
  return Engine.assemble(p.wrap(kernels), memory, variant, maxPages, ctrl + p.ctrlBytes, p);
}
