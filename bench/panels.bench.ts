// Few-row products over the reference model's decoder matrices: gemm_nt (W
// row-major, as stored) against gemm_pn (W packed in column panels by
// Model.packForDecoding), both builds, single-threaded. One task = one
// decoder step's products (W_ih [emb; h̃] in two column ranges, W_hh,
// attn.query, attn_out in two ranges, generator): 31 MiB of weights, more
// than stays in this machine's L3, as when decoding. M rows: 1 = greedy one
// sentence at a time, 5 = beam 5 one sentence at a time; the break-even
// decides PANEL_MAX_ROWS (src/model/linear.ts). Each pair is checked to agree
// before timing; nt and pn alternate over rounds.
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/panels.bench.ts
//
// Env: BENCH_ROUNDS (default 4), BENCH_TIME (ms per task and round, default 250).
// Writes bench/results/panels.json; bench/report.ts renders it in docs/benchmarks.md.

import { Bench } from "tinybench";
import { mkdirSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { writeFileAtomic } from "../src/io/atomic.js";
import { PANEL_MAX_ROWS } from "../src/model/linear.js";
import { initialize } from "../src/train/init.js";
import { machineInfo, pkgVersion } from "./machine.js";
import { median } from "./stats.js";
import { REFERENCE_CONFIG } from "./reference.js";

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, "results", "panels.json");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const TIME = Number(process.env.BENCH_TIME ?? 250);
const ROWS = [1, 2, 4, 5, 8, 12, 16, 32];
const loadStart = os.loadavg();
const t0 = performance.now();

interface Product { name: string; c0: number; K: number; N: number }

const rows: { variant: string; M: number; ntMs: number; pnMs: number; ratio: number; ntGBs: number; pnGBs: number; maxAbsDiff: number }[] = [];
let products: Product[] = [];
let weightBytes = 0;
for (const variant of ["simd", "relaxed"] as const) {
  const engine = await loadEngine({ variant });
  const model = Model.create(engine, REFERENCE_CONFIG);
  initialize(model, { kind: "uniform", range: 0.1 }, 1);
  model.packForDecoding();
  // the products of one decoder step: every packed range but the encoder's W_hh
  products = model.packedRanges().filter((r) => !r.name.startsWith("encoder.")).map((r) => ({ ...r, N: model.slot(r.name).shape[0] }));
  weightBytes = products.reduce((s, p) => s + p.N * p.K * 4, 0);
  const ar = engine.arena, k = engine.kernels;
  const maxM = Math.max(...ROWS), maxK = Math.max(...products.map((p) => p.K)), maxN = Math.max(...products.map((p) => p.N));
  const x = ar.allocF32(maxM * maxK), y1 = ar.allocF32(maxM * maxN), y2 = ar.allocF32(maxM * maxN);
  ar.f32(x, maxM * maxK).forEach((_, i, a) => (a[i] = Math.sin(i)));
  const nt = (M: number, out: number) => {
    for (const p of products) { const s = model.slot(p.name); k.gemm_nt(M, p.N, p.K, x, p.K, s.ptr + p.c0 * 4, s.shape[1], out, p.N, 0, 0); }
  };
  const pn = (M: number, out: number) => {
    for (const p of products) k.gemm_pn(M, p.N, p.K, x, p.K, model.panels(p.name, p.c0, p.K), out, p.N, 0, 0);
  };
  for (const M of ROWS) {
    // the same numbers (checked on the last product, the generator)
    nt(M, y1);
    pn(M, y2);
    const a = ar.f32(y1, M * maxN), b = ar.f32(y2, M * maxN);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    if (!(diff < 1e-3)) throw new Error(`panels bench: gemm_pn differs from gemm_nt by ${diff} (M=${M})`);
    const times: Record<"nt" | "pn", number[]> = { nt: [], pn: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const bench = new Bench({ time: TIME, warmupTime: 50, throws: true });
      const order = round % 2 ? (["pn", "nt"] as const) : (["nt", "pn"] as const);
      for (const kind of order) bench.add(kind, kind === "nt" ? () => nt(M, y1) : () => pn(M, y2));
      await bench.run();
      for (const t of bench.tasks) {
        const r = t.result;
        if (r.state !== "completed") throw new Error(`panels bench: ${t.name} M=${M} did not complete (${r.state})`);
        times[t.name as "nt" | "pn"].push(r.latency.p50!);
      }
    }
    const ntMs = median(times.nt), pnMs = median(times.pn);
    const row = { variant, M, ntMs, pnMs, ratio: ntMs / pnMs, ntGBs: weightBytes / ntMs / 1e6, pnGBs: weightBytes / pnMs / 1e6, maxAbsDiff: diff };
    rows.push(row);
    console.log(`${variant} M=${String(M).padStart(2)}: gemm_nt ${ntMs.toFixed(3)} ms (${row.ntGBs.toFixed(1)} GB/s), gemm_pn ${pnMs.toFixed(3)} ms (${row.pnGBs.toFixed(1)} GB/s): ${row.ratio.toFixed(2)}×`);
  }
}

const json = {
  generated: new Date().toISOString(),
  machine: machineInfo(loadStart),
  settings: {
    rounds: ROUNDS, timeMs: TIME, panelMaxRows: PANEL_MAX_ROWS, weightBytes,
    products: products.map((p) => `${p.name}[:, ${p.c0}:${p.c0 + p.K}] (${p.N}×${p.K})`),
    method: `tinybench median latency of one decoder step's products per round (${ROUNDS} rounds of ${TIME} ms per task, nt and pn alternating), median over rounds`,
    libraries: { tinybench: pkgVersion("tinybench") },
  },
  rows,
  durationS: (performance.now() - t0) / 1000,
};
mkdirSync(dirname(OUT), { recursive: true });
await writeFileAtomic(OUT, new TextEncoder().encode(JSON.stringify(json, null, 2) + "\n"));
console.log(`wrote ${OUT}`);
