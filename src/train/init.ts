// Weight initialisation from a seed: uniform ±r (OpenNMT's default, r = 0.1)
// or PyTorch's defaults (nn.Embedding N(0, 1); nn.LSTM and nn.Linear
// U(−1/√fan_in, 1/√fan_in), fan_in = hidden size for LSTMs).

import type { Model } from "../model/model.js";

/** Deterministic PRNG (mulberry32): same seed, same numbers on every platform. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type InitScheme = { kind: "uniform"; range: number } | { kind: "pytorch" };

export function initialize(model: Model, scheme: InitScheme, seed: number): void {
  const rand = mulberry32(seed);
  const gauss = () => {
    // Box–Muller
    const u = Math.max(rand(), 1e-12), v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  for (const s of model.specs) {
    const w = model.view(s.name);
    if (scheme.kind === "uniform") {
      for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * scheme.range;
      continue;
    }
    if (s.name.endsWith("_embed.weight")) {
      for (let i = 0; i < w.length; i++) w[i] = gauss();
      continue;
    }
    let bound: number;
    if (s.name.startsWith("encoder.") || s.name.startsWith("decoder.")) {
      bound = 1 / Math.sqrt(model.slot(s.name.replace(/(weight|bias)_(ih|hh)/, "weight_hh")).shape[1]);
    } else {
      const weight = model.slot(s.name.replace(/\.bias$/, ".weight"));
      bound = 1 / Math.sqrt(weight.shape[1]);
    }
    for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * bound;
  }
  model.refresh();
}
