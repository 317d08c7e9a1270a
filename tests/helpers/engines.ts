import { loadEngine } from "../../src/engine/load-node.js";
import type { Engine } from "../../src/engine/engine.js";
import { mulberry32 } from "./reference.js";

/**
 * Both kernel builds when the runtime runs relaxed SIMD (npm test passes
 * --experimental-wasm-relaxed-simd on Node 20), else the SIMD build alone,
 * which is what such a runtime uses.
 */
export async function engines(): Promise<Engine[]> {
  const list = [await loadEngine({ variant: "simd" })];
  try {
    list.push(await loadEngine({ variant: "relaxed" }));
  } catch {
    // relaxed SIMD not supported by this runtime
  }
  return list;
}

/** One case of a GEMM kernel test: the engine, the case's sizes, β and whether a bias is added. */
export interface GemmCase {
  eng: Engine;
  /** the engine's random stream (one per engine, seeded the same for each) */
  rng: () => number;
  M: number; N: number; K: number;
  beta: number;
  withBias: boolean;
}

/**
 * Runs `body` for every engine × size × β ∈ {0, 1} × with and without bias,
 * in that nesting order, inside an arena mark released after each case.
 */
export async function forEachGemmCase(sizes: readonly (readonly [number, number, number])[], seed: number, body: (c: GemmCase) => void): Promise<void> {
  for (const eng of await engines()) {
    const rng = mulberry32(seed);
    for (const [M, N, K] of sizes) {
      for (const beta of [0, 1]) {
        for (const withBias of [false, true]) {
          const mark = eng.arena.mark();
          body({ eng, rng, M, N, K, beta, withBias });
          eng.arena.release(mark);
        }
      }
    }
  }
}
