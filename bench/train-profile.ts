// Where a training step of bench/train.bench.ts's case (b) (or a) spends its
// time: every kernel call is timed (wrapped with performance.now), grouped by
// kernel and by shape, against the wall time of the whole step (the rest is
// JS glue: lossAndGrads' bookkeeping, allocation, the wrapper itself).
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/train-profile.ts [b|a] [simd|relaxed] [steps]
//
// For a sampling profile of the same loop instead, run it with
// node --cpu-prof --cpu-prof-dir=/tmp/prof ... and PROFILE_NOWRAP=1 (wasm
// functions appear as wasm-function[i]: i-th `(func` of build/kernels.<variant>.wat).

import { loadEngine } from "../src/engine/load-node.js";
import type { Kernels } from "../src/engine/kernels.js";
import { EOS, NUM_SPECIALS, dims, parseConfig, type ModelConfig } from "../src/model/config.js";
import { Model } from "../src/model/model.js";
import { lossAndGrads, type BatchIds } from "../src/train/backprop.js";
import { Grads } from "../src/train/grads.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { Optimizer } from "../src/train/optim.js";

const which = process.argv[2] ?? "b";
const variant = (process.argv[3] ?? "simd") as "simd" | "relaxed";
const steps = Number(process.argv[4] ?? 5);
const wrap = !process.env.PROFILE_NOWRAP;

function randomBatch(seed: number, B: number, Vs: number, Vt: number, [sl, sh]: number[], [tl, th]: number[]): BatchIds {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const sentence = (V: number, lo: number, hi: number) => [...Array.from({ length: int(lo, hi) - 1 }, () => int(NUM_SPECIALS, V - 1)), EOS];
  const srcs: number[][] = [], tgts: number[][] = [];
  for (let b = 0; b < B; b++) {
    srcs.push(sentence(Vs, sl, sh));
    tgts.push(sentence(Vt, tl, th));
  }
  return { srcs, tgts };
}

// the configurations and batches of bench/train.bench.ts
const config: ModelConfig = which === "a"
  ? parseConfig({ src_vocab_size: 60, tgt_vocab_size: 15, emb_dim: 64, enc_hidden: 64, dec_hidden: 64, attention: "dot", decoder_style: "luong", input_feed: false })
  : parseConfig({ src_vocab_size: 8000, tgt_vocab_size: 8000, emb_dim: 256, enc_hidden: 256, bidirectional: true, dec_hidden: 512, attn_dim: 512, attention: "additive", decoder_style: "luong", input_feed: true });
const batch = which === "a" ? randomBatch(11, 64, 60, 15, [10, 14], [11, 11]) : randomBatch(22, 64, 8000, 8000, [10, 18], [10, 18]);

const engine = await loadEngine({ variant });
const model = Model.create(engine, config);
initialize(model, { kind: "uniform", range: 0.1 }, 1234);
const grads = new Grads(model);
const opt = new Optimizer(model, grads, { kind: "adam" });

interface Stat { ms: number; calls: number; flops: number }
const byKernel = new Map<string, Stat>(), byShape = new Map<string, Stat>();
const add = (m: Map<string, Stat>, key: string, ms: number, flops: number) => {
  const s = m.get(key) ?? { ms: 0, calls: 0, flops: 0 };
  s.ms += ms;
  s.calls++;
  s.flops += flops;
  m.set(key, s);
};
let recording = false;
if (wrap) {
  const raw = engine.kernels as unknown as Record<string, (...a: number[]) => number>;
  const wrapped: Record<string, (...a: number[]) => number> = {};
  for (const name of Object.keys(raw)) {
    const f = raw[name];
    if (typeof f !== "function") continue;
    wrapped[name] = (...a: number[]) => {
      const t = performance.now();
      const r = f(...a);
      if (recording) {
        const ms = performance.now() - t;
        const gemm = name.startsWith("gemm_");
        const flops = gemm ? 2 * a[0] * a[1] * a[2] : 0;
        add(byKernel, name, ms, flops);
        add(byShape, gemm ? `${name} M=${a[0]} N=${a[1]} K=${a[2]}` : `${name} ${a.slice(0, 2).join("×")}`, ms, flops);
      }
      return r;
    };
  }
  (engine as unknown as { kernels: Kernels }).kernels = wrapped as unknown as Kernels;
}

const step = () => {
  grads.zero();
  lossAndGrads(model, grads, batch, {});
  opt.step(1e-3);
};
step(); // warm-up
step();
recording = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const wall = (performance.now() - t0) / steps;
recording = false;

const d = dims(config);
console.log(`case ${which}, ${variant}: ${wall.toFixed(1)} ms/step (mean of ${steps}); ${JSON.stringify(d)}`);
if (wrap) {
  const inKernels = [...byKernel.values()].reduce((s, x) => s + x.ms, 0) / steps;
  console.log(`in kernels ${inKernels.toFixed(1)} ms (${((100 * inKernels) / wall).toFixed(1)}%), outside (JS glue + wrapper) ${(wall - inKernels).toFixed(1)} ms`);
  const show = (title: string, m: Map<string, Stat>, n: number) => {
    console.log(`\n${title}`);
    console.log(`${"ms/step".padStart(9)} ${"%".padStart(6)} ${"calls".padStart(6)} ${"GFLOP/s".padStart(8)}  name`);
    for (const [k, s] of [...m].sort((x, y) => y[1].ms - x[1].ms).slice(0, n)) {
      const gf = s.flops ? (s.flops / (s.ms * 1e6)).toFixed(1) : "";
      console.log(`${(s.ms / steps).toFixed(1).padStart(9)} ${((100 * s.ms) / steps / wall).toFixed(1).padStart(6)} ${String(s.calls / steps).padStart(6)} ${gf.padStart(8)}  ${k}`);
    }
  };
  show("by kernel", byKernel, 30);
  show("by call shape", byShape, 40);
}
