import { Arena } from "./arena.js";
import { KERNEL_NAMES, type Kernels, type Variant } from "./kernels.js";

/** Initial memory: 16 pages (1 MiB); it grows on demand. */
const INITIAL_PAGES = 16;
/** 65536 pages of 64 KiB = 4 GiB, all that wasm32 addresses. */
const MAX_PAGES = 65536;

export interface EngineOptions {
  /** upper limit of the engine's memory in MiB (default 4096) */
  maxMemoryMiB?: number;
}

/**
 * One instantiated kernel module with its memory and allocator. Models,
 * decoding and training all work through an Engine; several models can share
 * one engine (they live side by side in its memory).
 */
export class Engine {
  readonly arena: Arena;

  private constructor(
    readonly kernels: Kernels,
    readonly memory: WebAssembly.Memory,
    readonly variant: Variant,
    maxPages: number,
  ) {
    this.arena = new Arena(memory, kernels.heap_base(), maxPages);
  }

  /**
   * Instantiates a compiled kernel module (either build) with a fresh memory
   * that may grow to `maxMemoryMiB` (default and upper limit 4096, wasm32's
   * address space). A call that needs more fails with an S2SError and leaves
   * the engine usable.
   */
  static async fromModule(module: WebAssembly.Module, variant: Variant, options: EngineOptions = {}): Promise<Engine> {
    const maxPages = Math.min(MAX_PAGES, Math.max(INITIAL_PAGES, Math.floor((options.maxMemoryMiB ?? 4096) * 16)));
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maxPages });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = instance.exports as Record<string, unknown>;
    for (const name of KERNEL_NAMES) {
      if (typeof exports[name] !== "function") throw new Error(`kernel module lacks export ${name}: rebuild with npm run build`);
    }
    return new Engine(exports as unknown as Kernels, memory, variant, maxPages);
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
