import { Arena } from "./arena.js";
import { withCopiedTn } from "./gemm-tn.js";
import { KERNEL_NAMES, type Kernels, type Variant } from "./kernels.js";
import { S2SError } from "../errors.js";

/** Initial memory: 16 pages (1 MiB); it grows on demand. */
export const INITIAL_PAGES = 16;
/** 65536 pages of 64 KiB = 4 GiB, all that wasm32 addresses. */
const MAX_PAGES = 65536;
/** Most threads an engine may use (worker pool + the calling thread). */
export const MAX_THREADS = 64;

export interface EngineOptions {
  /** upper limit of the engine's memory in MiB (default 4096) */
  maxMemoryMiB?: number;
  /**
   * Threads for large matrix products (default 1: no workers). 2..64 starts a
   * worker pool over a shared memory: Node, or browsers when crossOriginIsolated
   * (docs/threads.md). Results are bitwise those of 1 thread.
   */
  threads?: number;
}

/** Counters of the worker pool (src/engine/pool.ts). */
export interface ThreadStats {
  /** GEMM calls that were split into chunks */
  calls: number;
  chunks: number;
  /** chunks the workers ran; the rest ran on the calling thread */
  workerChunks: number;
}

/** What an engine needs of its worker pool. */
export interface Closable {
  readonly threads: number;
  readonly isClosed: boolean;
  close(): void;
  stats(): ThreadStats;
}

/** The memory limit of EngineOptions in pages. */
export function maxPagesOf(options: EngineOptions): number {
  return Math.min(MAX_PAGES, Math.max(INITIAL_PAGES, Math.floor((options.maxMemoryMiB ?? 4096) * 16)));
}

/** EngineOptions.threads, checked: an integer 1..64 (default 1). */
export function threadsOf(options: EngineOptions): number {
  const t = options.threads ?? 1;
  if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > MAX_THREADS) {
    throw new S2SError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${typeof t === "number" ? t : JSON.stringify(t)}`);
  }
  return t;
}

/** Instantiates a kernel build on `memory` and checks its exports. */
export async function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  for (const name of KERNEL_NAMES) {
    if (typeof exports[name] !== "function") throw new Error(`kernel module lacks export ${name}: rebuild with npm run build`);
  }
  return exports as unknown as Kernels;
}

/**
 * One instantiated kernel module with its memory and allocator. Models,
 * decoding and training all work through an Engine; several models can share
 * one engine (they live side by side in its memory).
 */
export class Engine {
  readonly arena: Arena;

  readonly kernels: Kernels;

  private constructor(
    kernels: Kernels,
    readonly memory: WebAssembly.Memory,
    readonly variant: Variant,
    maxPages: number,
    base: number,
    private readonly pool: Closable | null,
  ) {
    this.arena = new Arena(memory, base, maxPages);
    this.kernels = withCopiedTn(kernels, this.arena);
  }

  /** Threads the GEMMs run on: 1 without a pool or after close(). */
  get threads(): number {
    return this.pool && !this.pool.isClosed ? this.pool.threads : 1;
  }

  /** The pool's counters (null without a pool): how much of the work the workers did. */
  threadStats(): ThreadStats | null {
    return this.pool ? this.pool.stats() : null;
  }

  /**
   * Stops the worker pool, if any; the engine stays usable on one thread.
   * Needless in Node (workers do not keep a process alive), but frees them.
   */
  close(): void {
    this.pool?.close();
  }

  /**
   * Instantiates a compiled kernel module (either build) with a fresh memory
   * that may grow to `maxMemoryMiB` (default and upper limit 4096, wasm32's
   * address space). A call that needs more fails with an S2SError and leaves
   * the engine usable. One thread: a pool needs a loader (loadEngine).
   */
  static async fromModule(module: WebAssembly.Module, variant: Variant, options: EngineOptions = {}): Promise<Engine> {
    if (threadsOf(options) !== 1) throw new S2SError("threads > 1 need the shared-memory kernel build and workers: use loadEngine({ threads }) (Node or a crossOriginIsolated browser)");
    const maxPages = maxPagesOf(options);
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maxPages });
    const kernels = await instantiateKernels(module, memory);
    return new Engine(kernels, memory, variant, maxPages, kernels.heap_base(), null);
  }

  /** An engine from parts made elsewhere (threaded.ts): the arena starts at `base`. */
  static assemble(kernels: Kernels, memory: WebAssembly.Memory, variant: Variant, maxPages: number, base: number, pool: Closable): Engine {
    return new Engine(kernels, memory, variant, maxPages, base, pool);
  }
}

/**
 * Picks the build: relaxed SIMD when the runtime validates it (Node ≥ 22, or
 * Node 20 with --experimental-wasm-relaxed-simd, current browsers), else the
 * plain SIMD128 build. `prefer` forces one.
 */
export function chooseVariant(relaxedBytes: BufferSource | null, prefer?: Variant | "auto"): Variant {
  if (prefer === "simd" || prefer === "relaxed") return prefer;
  if (relaxedBytes && WebAssembly.validate(relaxedBytes)) return "relaxed";
  return "simd";
}
