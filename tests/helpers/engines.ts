import { loadEngine } from "../../src/engine/load-node.js";
import type { Engine } from "../../src/engine/engine.js";

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
