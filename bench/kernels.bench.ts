// Kernel benchmarks (LSTM, GRU and RNN steps, additive attention, GEMM): our
// two wasm builds against plain JavaScript,
// @tensorflow/tfjs (wasm and cpu backends) and onnxruntime-web (wasm), all
// single-threaded, in one process. Every baseline is first checked to compute
// the same numbers as our kernel (max abs diff printed), then timed with
// tinybench (warm-up, then samples; median and p25/p75 reported). The LSTM,
// GRU and RNN steps of one batch size are timed in the same rounds, so that
// their ratios (targets: bench/cell-targets.ts) compare samples taken under
// the same load.
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/kernels.bench.ts
//
// Env: BENCH_TIME (ms per task, default 600), BENCH_WARMUP (ms, default 200),
//      BENCH_CLOCK (wall: performance.now, the default; cpu: process CPU time),
//      BENCH_ROUNDS (passes the task time is split into, default 6),
//      BENCH_ONLY (comma list of case ids), BENCH_OUT (JSON path).
// Writes bench/results/kernels.json; bench/report.ts renders docs/benchmarks.md.

import { Bench } from "tinybench";
import { machineInfo, pkgVersion } from "./machine.js";
import { quantile } from "./stats.js";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import * as ort from "onnxruntime-web";
import { loadEngine } from "../src/engine/load-node.js";
import type { Engine } from "../src/engine/engine.js";
import type { Variant } from "../src/engine/kernels.js";
import * as js from "./baselines/js.js";
import * as onnx from "./onnx/graphs.js";
import { cellTargets } from "./cell-targets.js";
import { PANEL_MAX_ROWS } from "../src/model/linear.js";

const here = dirname(fileURLToPath(import.meta.url));
const TIME = Number(process.env.BENCH_TIME ?? 600);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
/** passes over the implementations of a case; each gets TIME / ROUNDS ms per pass */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
/**
 * "wall" (default): performance.now(). "cpu": this process's CPU time (user +
 * system, µs resolution), which leaves out time spent descheduled while other
 * processes use the cores, but counts the process's background threads too
 * (concurrent GC, JIT), which penalizes libraries that allocate per call.
 */
const CLOCK = process.env.BENCH_CLOCK === "cpu" ? "cpu" : "wall";
const cpuClock = {
  name: "process.cpuUsage",
  fn: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  fromMs: (ms: number) => ms,
  toMs: (t: number | bigint) => Number(t),
};
const ONLY = process.env.BENCH_ONLY?.split(",").filter(Boolean);
const OUT = process.env.BENCH_OUT ?? join(here, "results", "kernels.json");

// ---- shapes and targets of the cases ----------------------------------------
const E = 512, H = 512, G = 4 * H; // LSTM
const L = 50, A = 512, DM = 512; // attention (query size H)
const N3 = 512; // GEMM

/** Targets of the task brief: latency ceilings (ms) or throughput floors (GFLOP/s); the GRU and RNN steps' ratio targets are in cell-targets.ts. */
const TARGETS: Record<string, { maxMs?: number; minGflops?: Partial<Record<Variant, number>> }> = {
  lstm_b1: { maxMs: 0.15 },
  lstm_b32: { maxMs: 4.0 },
  attention_b1: { maxMs: 0.06 },
  gemm_nt: { minGflops: { simd: 30, relaxed: 42 } },
};

// ---- data -------------------------------------------------------------------------
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = mulberry32(20240611);
const rand = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);

/** [rows, cols] → [cols, rows] */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
  return t;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

// ---- implementations ----------------------------------------------------------------
type Outputs = Float32Array[];

interface Impl {
  /** ours-simd, ours-relaxed, js, tfjs-wasm, tfjs-cpu, ort-wasm */
  impl: string;
  /** how it computes the case, when there is a choice (e.g. "2×gemm_nt") */
  variant?: string;
  ours?: Variant;
  /** runs once before timing (e.g. selects the tfjs backend) */
  before?: () => Promise<void>;
  after?: () => Promise<void>;
  /** the timed body */
  run: () => unknown;
  /** run returns a promise (told to tinybench, which otherwise probes by calling it) */
  async?: boolean;
  /** computes the case from the fixed inputs and returns its outputs */
  check: () => Outputs | Promise<Outputs>;
}

interface Case {
  id: string;
  title: string;
  flops: number;
  flopsNote: string;
  impls: Impl[];
}

const copy = (eng: Engine, p: number, n: number) => eng.arena.f32(p, n).slice();

async function tfBackend(name: "wasm" | "cpu"): Promise<void> {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

/** tfjs implementation: tensors are made for the backend right before timing. */
function tfImpl<T>(backend: "wasm" | "cpu", variant: string | undefined, make: () => T, step: (t: T) => tf.Tensor[], free: (t: T) => void): Impl {
  let t: T | null = null;
  const ensure = async () => {
    await tfBackend(backend);
    if (!t) t = make();
    return t;
  };
  return {
    impl: `tfjs-${backend}`,
    variant,
    before: async () => void (await ensure()),
    after: async () => {
      if (t) free(t);
      t = null;
    },
    run: () => {
      for (const r of step(t!)) r.dispose();
    },
    check: async () => {
      const tt = await ensure();
      const outs = step(tt);
      const data = outs.map((o) => o.dataSync() as Float32Array);
      for (const o of outs) o.dispose();
      return data;
    },
  };
}

/** onnxruntime-web implementation of a graph with fixed feeds. */
async function ortImpl(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, outputs: string[], variant?: string): Promise<Impl> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  return {
    impl: "ort-wasm",
    variant,
    async: true,
    run: () => session.run(feeds),
    check: async () => {
      const r = await session.run(feeds);
      return outputs.map((o) => Float32Array.from(r[o].data as Float32Array));
    },
  };
}

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor("float32", data, dims);

// ---- case 1 and 2: one LSTM step -----------------------------------------------------
async function lstmCase(B: number, engines: Engine[]): Promise<Case> {
  const wih = rand(G * E, 1 / Math.sqrt(H)), whh = rand(G * H, 1 / Math.sqrt(H)), bias = rand(G, 0.1);
  const x = rand(B * E), h0 = rand(B * H, 0.5), c0 = rand(B * H, 0.5);
  // [W_ih W_hh] rows and [x; h] rows for the single-GEMM variant
  const wcat = new Float32Array(G * (E + H));
  for (let r = 0; r < G; r++) {
    wcat.set(wih.subarray(r * E, (r + 1) * E), r * (E + H));
    wcat.set(whh.subarray(r * H, (r + 1) * H), r * (E + H) + E);
  }
  const xh0 = new Float32Array(B * (E + H));
  for (let b = 0; b < B; b++) {
    xh0.set(x.subarray(b * E, (b + 1) * E), b * (E + H));
    xh0.set(h0.subarray(b * H, (b + 1) * H), b * (E + H) + E);
  }
  const impls: Impl[] = [];
  for (const eng of engines) {
    const k = eng.kernels, ar = eng.arena;
    const pWih = ar.putF32(wih), pWhh = ar.putF32(whh), pB = ar.putF32(bias);
    const px = ar.putF32(x), ph = ar.putF32(h0), pc = ar.putF32(c0), pg = ar.allocF32(B * G);
    // x·W_ihᵀ + b, then += h·W_hhᵀ (β = 1), then the cell
    const two = () => {
      k.gemm_nt(B, G, E, px, E, pWih, E, pg, G, pB, 0);
      k.gemm_nt(B, G, H, ph, H, pWhh, H, pg, G, 0, 1);
      k.lstm_cell_forward(B, H, pg, G, ph, pc, 0, 0, 0, 0, 0, 0);
    };
    impls.push({
      impl: `ours-${eng.variant}`, ours: eng.variant, variant: "2×gemm_nt",
      run: two,
      check: () => {
        ar.f32(ph, B * H).set(h0);
        ar.f32(pc, B * H).set(c0);
        two();
        return [copy(eng, ph, B * H), copy(eng, pc, B * H)];
      },
    });
    // [x; h]·[W_ih W_hh]ᵀ + b in one GEMM; the cell writes h' back into [x; h]
    const pWcat = ar.putF32(wcat), pxh = ar.putF32(xh0), ph2 = ar.putF32(h0), pc2 = ar.putF32(c0), pg2 = ar.allocF32(B * G);
    const hIn = pxh + 4 * E;
    const cat = B === 1
      ? () => {
        k.gemm_nt(1, G, E + H, pxh, E + H, pWcat, E + H, pg2, G, pB, 0);
        k.lstm_cell_forward(1, H, pg2, G, hIn, pc2, 0, 0, 0, 0, 0, 0);
      }
      : () => {
        k.gemm_nt(B, G, E + H, pxh, E + H, pWcat, E + H, pg2, G, pB, 0);
        k.lstm_cell_forward(B, H, pg2, G, ph2, pc2, hIn, E + H, 0, 0, 0, 0);
      };
    impls.push({
      impl: `ours-${eng.variant}`, ours: eng.variant, variant: "[x;h] gemm_nt",
      run: cat,
      check: () => {
        ar.f32(pxh, B * (E + H)).set(xh0);
        ar.f32(ph2, B * H).set(h0);
        ar.f32(pc2, B * H).set(c0);
        cat();
        const h = new Float32Array(B * H);
        const xh = ar.f32(pxh, B * (E + H));
        for (let b = 0; b < B; b++) h.set(xh.subarray(b * (E + H) + E, (b + 1) * (E + H)), b * H);
        return [h, copy(eng, pc2, B * H)];
      },
    });
    if (B <= PANEL_MAX_ROWS) {
      // decoding few rows: W read from column panels (Model.packForDecoding, src/model/linear.ts)
      const pPih = ar.allocF32(k.panels_size(G, E)), pPhh = ar.allocF32(k.panels_size(G, H)), pPcat = ar.allocF32(k.panels_size(G, E + H));
      k.pack_panels(G, E, pWih, E, pPih);
      k.pack_panels(G, H, pWhh, H, pPhh);
      k.pack_panels(G, E + H, pWcat, E + H, pPcat);
      const ph3 = ar.putF32(h0), pc3 = ar.putF32(c0), pg3 = ar.allocF32(B * G);
      const twoPn = () => {
        k.gemm_pn(B, G, E, px, E, pPih, pg3, G, pB, 0);
        k.gemm_pn(B, G, H, ph3, H, pPhh, pg3, G, 0, 1);
        k.lstm_cell_forward(B, H, pg3, G, ph3, pc3, 0, 0, 0, 0, 0, 0);
      };
      impls.push({
        impl: `ours-${eng.variant}`, ours: eng.variant, variant: "2×gemm_pn",
        run: twoPn,
        check: () => {
          ar.f32(ph3, B * H).set(h0);
          ar.f32(pc3, B * H).set(c0);
          twoPn();
          return [copy(eng, ph3, B * H), copy(eng, pc3, B * H)];
        },
      });
      const pxh4 = ar.putF32(xh0), ph4 = ar.putF32(h0), pc4 = ar.putF32(c0), pg4 = ar.allocF32(B * G);
      const hIn4 = pxh4 + 4 * E;
      const catPn = () => {
        k.gemm_pn(B, G, E + H, pxh4, E + H, pPcat, pg4, G, pB, 0);
        if (B === 1) k.lstm_cell_forward(1, H, pg4, G, hIn4, pc4, 0, 0, 0, 0, 0, 0);
        else k.lstm_cell_forward(B, H, pg4, G, ph4, pc4, hIn4, E + H, 0, 0, 0, 0);
      };
      impls.push({
        impl: `ours-${eng.variant}`, ours: eng.variant, variant: "[x;h] gemm_pn",
        run: catPn,
        check: () => {
          ar.f32(pxh4, B * (E + H)).set(xh0);
          ar.f32(ph4, B * H).set(h0);
          ar.f32(pc4, B * H).set(c0);
          catPn();
          const h = new Float32Array(B * H);
          const xh = ar.f32(pxh4, B * (E + H));
          for (let b = 0; b < B; b++) h.set(xh.subarray(b * (E + H) + E, (b + 1) * (E + H)), b * H);
          return [h, copy(eng, pc4, B * H)];
        },
      });
    }
  }
  {
    const hj = h0.slice(), cj = c0.slice(), gj = new Float32Array(B * G);
    impls.push({
      impl: "js",
      run: () => js.lstmStep(B, E, H, x, hj, cj, wih, whh, bias, gj),
      check: () => {
        hj.set(h0);
        cj.set(c0);
        js.lstmStep(B, E, H, x, hj, cj, wih, whh, bias, gj);
        return [hj.slice(), cj.slice()];
      },
    });
  }
  const wihT = transpose(wih, G, E), whhT = transpose(whh, G, H);
  for (const backend of ["wasm", "cpu"] as const) {
    impls.push(tfImpl(backend, "x·W_ihᵀ + h·W_hhᵀ (pre-transposed)",
      () => ({
        x: tf.tensor2d(x, [B, E]), h: tf.tensor2d(h0, [B, H]), c: tf.tensor2d(c0, [B, H]),
        wih: tf.tensor2d(wihT, [E, G]), whh: tf.tensor2d(whhT, [H, G]), b: tf.tensor1d(bias),
      }),
      (t) => tf.tidy(() => {
        const z = tf.add(tf.add(tf.matMul(t.x, t.wih), tf.matMul(t.h, t.whh)), t.b);
        const [zi, zf, zg, zo] = tf.split(z, 4, 1);
        const cn = tf.add(tf.mul(tf.sigmoid(zf), t.c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
        const hn = tf.mul(tf.sigmoid(zo), tf.tanh(cn));
        return [hn, cn];
      }),
      (t) => Object.values(t).forEach((v) => v.dispose()),
    ));
  }
  impls.push(await ortImpl(onnx.lstmStep(B, E, H, wih, whh, bias), { x: f32(x, [B, E]), h: f32(h0, [B, H]), c: f32(c0, [B, H]) }, ["h_out", "c_out"], "Gemm×2 + Split + σ/tanh"));
  return {
    id: `lstm_b${B}`,
    title: `LSTM step E=H=${H}, batch ${B}`,
    flops: 2 * B * G * (E + H),
    flopsNote: "2·B·4H·(E+H): the gate GEMMs; the cell's element-wise work is not counted",
    impls,
  };
}

// ---- GRU and RNN steps at the LSTM's sizes ---------------------------------------------
/** Weights of a G·H-gate cell as PyTorch keeps them: W_ih [G·H, E], W_hh [G·H, H], b_ih, b_hh [G·H]. */
function cellWeights(GH: number) {
  return { wih: rand(GH * E, 1 / Math.sqrt(H)), whh: rand(GH * H, 1 / Math.sqrt(H)), bih: rand(GH, 0.1), bhh: rand(GH, 0.1) };
}

async function gruCase(B: number, engines: Engine[]): Promise<Case> {
  const G3 = 3 * H;
  const { wih, whh, bih, bhh } = cellWeights(G3);
  const x = rand(B * E), h0 = rand(B * H, 0.5);
  // [W_ir W_hr; W_iz W_hz]: [2H, E+H]; b_i· + b_h·: [2H]; [x; h] rows: [B, E+H]
  const wrz = new Float32Array(2 * H * (E + H)), brz = new Float32Array(2 * H);
  for (let r = 0; r < 2 * H; r++) {
    wrz.set(wih.subarray(r * E, (r + 1) * E), r * (E + H));
    wrz.set(whh.subarray(r * H, (r + 1) * H), r * (E + H) + E);
    brz[r] = bih[r] + bhh[r];
  }
  const xh0 = new Float32Array(B * (E + H));
  for (let b = 0; b < B; b++) {
    xh0.set(x.subarray(b * E, (b + 1) * E), b * (E + H));
    xh0.set(h0.subarray(b * H, (b + 1) * H), b * (E + H) + E);
  }
  const impls: Impl[] = [];
  for (const eng of engines) {
    const k = eng.kernels, ar = eng.arena;
    const pWih = ar.putF32(wih), pWhh = ar.putF32(whh), pBih = ar.putF32(bih), pBhh = ar.putF32(bhh);
    const px = ar.putF32(x), ph = ar.putF32(h0), pgx = ar.allocF32(B * G3), pgh = ar.allocF32(B * G3);
    // gx = x·W_ihᵀ + b_ih; gh = h·W_hhᵀ + b_hh apart (β = 0: r multiplies only its n block); then the cell
    const two = () => {
      k.gemm_nt(B, G3, E, px, E, pWih, E, pgx, G3, pBih, 0);
      k.gemm_nt(B, G3, H, ph, H, pWhh, H, pgh, G3, pBhh, 0);
      k.gru_cell_forward(B, H, pgx, G3, pgh, G3, ph, 0, 0, 0, 0);
    };
    impls.push({
      impl: `ours-${eng.variant}`, ours: eng.variant, variant: "2×gemm_nt",
      run: two,
      check: () => {
        ar.f32(ph, B * H).set(h0);
        two();
        return [copy(eng, ph, B * H)];
      },
    });
    // r and z from one product over [x; h] with rows [W_i· W_h·] and bias b_i· + b_h·; n apart
    // (x·W_inᵀ + b_in into gx's n block, h·W_hnᵀ + b_hn into gh's n block; gh's r and z blocks stay 0)
    const pWrz = ar.putF32(wrz), pBrz = ar.putF32(brz);
    const pWin = pWih + 4 * 2 * H * E, pWhn = pWhh + 4 * 2 * H * H, pBin = pBih + 4 * 2 * H, pBhn = pBhh + 4 * 2 * H;
    const stacked = (pn: boolean) => {
      const pxh = ar.putF32(xh0), ph2 = ar.putF32(h0), pgx2 = ar.zerosF32(B * G3), pgh2 = ar.zerosF32(B * G3);
      const hIn = pxh + 4 * E;
      let gemm: () => void;
      if (pn) {
        const pPrz = ar.allocF32(k.panels_size(2 * H, E + H)), pPin = ar.allocF32(k.panels_size(H, E)), pPhn = ar.allocF32(k.panels_size(H, H));
        k.pack_panels(2 * H, E + H, pWrz, E + H, pPrz);
        k.pack_panels(H, E, pWin, E, pPin);
        k.pack_panels(H, H, pWhn, H, pPhn);
        gemm = () => {
          k.gemm_pn(B, 2 * H, E + H, pxh, E + H, pPrz, pgx2, G3, pBrz, 0);
          k.gemm_pn(B, H, E, pxh, E + H, pPin, pgx2 + 4 * 2 * H, G3, pBin, 0);
          k.gemm_pn(B, H, H, hIn, E + H, pPhn, pgh2 + 4 * 2 * H, G3, pBhn, 0);
        };
      } else {
        gemm = () => {
          k.gemm_nt(B, 2 * H, E + H, pxh, E + H, pWrz, E + H, pgx2, G3, pBrz, 0);
          k.gemm_nt(B, H, E, pxh, E + H, pWin, E, pgx2 + 4 * 2 * H, G3, pBin, 0);
          k.gemm_nt(B, H, H, hIn, E + H, pWhn, H, pgh2 + 4 * 2 * H, G3, pBhn, 0);
        };
      }
      const run = B === 1
        ? () => { gemm(); k.gru_cell_forward(1, H, pgx2, G3, pgh2, G3, hIn, 0, 0, 0, 0); }
        : () => { gemm(); k.gru_cell_forward(B, H, pgx2, G3, pgh2, G3, ph2, hIn, E + H, 0, 0); };
      impls.push({
        impl: `ours-${eng.variant}`, ours: eng.variant, variant: `[x;h] r,z ${pn ? "gemm_pn" : "gemm_nt"}`,
        run,
        check: () => {
          ar.f32(pxh, B * (E + H)).set(xh0);
          ar.f32(ph2, B * H).set(h0);
          run();
          const h = new Float32Array(B * H);
          const xh = ar.f32(pxh, B * (E + H));
          for (let b = 0; b < B; b++) h.set(xh.subarray(b * (E + H) + E, (b + 1) * (E + H)), b * H);
          return [h];
        },
      });
    };
    stacked(false);
    if (B <= PANEL_MAX_ROWS) {
      // decoding few rows: W read from column panels (Model.packForDecoding, src/model/linear.ts)
      const pPih = ar.allocF32(k.panels_size(G3, E)), pPhh = ar.allocF32(k.panels_size(G3, H));
      k.pack_panels(G3, E, pWih, E, pPih);
      k.pack_panels(G3, H, pWhh, H, pPhh);
      const ph3 = ar.putF32(h0), pgx3 = ar.allocF32(B * G3), pgh3 = ar.allocF32(B * G3);
      const twoPn = () => {
        k.gemm_pn(B, G3, E, px, E, pPih, pgx3, G3, pBih, 0);
        k.gemm_pn(B, G3, H, ph3, H, pPhh, pgh3, G3, pBhh, 0);
        k.gru_cell_forward(B, H, pgx3, G3, pgh3, G3, ph3, 0, 0, 0, 0);
      };
      impls.push({
        impl: `ours-${eng.variant}`, ours: eng.variant, variant: "2×gemm_pn",
        run: twoPn,
        check: () => {
          ar.f32(ph3, B * H).set(h0);
          twoPn();
          return [copy(eng, ph3, B * H)];
        },
      });
      stacked(true);
    }
  }
  {
    const hj = h0.slice(), gx = new Float32Array(B * G3), gh = new Float32Array(B * G3);
    impls.push({
      impl: "js",
      run: () => js.gruStep(B, E, H, x, hj, wih, whh, bih, bhh, gx, gh),
      check: () => {
        hj.set(h0);
        js.gruStep(B, E, H, x, hj, wih, whh, bih, bhh, gx, gh);
        return [hj.slice()];
      },
    });
  }
  // tf.layers.gruCell only has resetAfter = false (r applied before W_hh·h), a different cell: ops instead
  const wihT = transpose(wih, G3, E), whhT = transpose(whh, G3, H);
  for (const backend of ["wasm", "cpu"] as const) {
    impls.push(tfImpl(backend, "x·W_ihᵀ, h·W_hhᵀ (pre-transposed)",
      () => ({
        x: tf.tensor2d(x, [B, E]), h: tf.tensor2d(h0, [B, H]),
        wih: tf.tensor2d(wihT, [E, G3]), whh: tf.tensor2d(whhT, [H, G3]), bih: tf.tensor1d(bih), bhh: tf.tensor1d(bhh),
      }),
      (t) => tf.tidy(() => {
        const [xr, xz, xn] = tf.split(tf.add(tf.matMul(t.x, t.wih), t.bih), 3, 1);
        const [hr, hz, hn] = tf.split(tf.add(tf.matMul(t.h, t.whh), t.bhh), 3, 1);
        const r = tf.sigmoid(tf.add(xr, hr)), z = tf.sigmoid(tf.add(xz, hz));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, t.h))];
      }),
      (t) => Object.values(t).forEach((v) => v.dispose()),
    ));
  }
  impls.push(await ortImpl(onnx.gruStep(B, E, H, wih, whh, bih, bhh), { x: f32(x, [1, B, E]), h: f32(h0, [1, B, H]) }, ["h_out"], "GRU operator, linear_before_reset=1, length 1"));
  return {
    id: `gru_b${B}`,
    title: `GRU step E=H=${H}, batch ${B}`,
    flops: 2 * B * G3 * (E + H),
    flopsNote: "2·B·3H·(E+H): the gate GEMMs; the cell's element-wise work is not counted",
    impls,
  };
}

async function rnnCase(B: number, engines: Engine[]): Promise<Case> {
  const { wih, whh, bih, bhh } = cellWeights(H);
  const bias = bih.map((b, i) => b + bhh[i]); // b_ih + b_hh: one bias, as the LSTM's
  const x = rand(B * E), h0 = rand(B * H, 0.5);
  const impls: Impl[] = [];
  for (const eng of engines) {
    const k = eng.kernels, ar = eng.arena;
    const pWih = ar.putF32(wih), pWhh = ar.putF32(whh), pB = ar.putF32(bias);
    const px = ar.putF32(x), ph = ar.putF32(h0), pg = ar.allocF32(B * H);
    // x·W_ihᵀ + b, then += h·W_hhᵀ (β = 1), then the cell
    const two = () => {
      k.gemm_nt(B, H, E, px, E, pWih, E, pg, H, pB, 0);
      k.gemm_nt(B, H, H, ph, H, pWhh, H, pg, H, 0, 1);
      k.rnn_cell_forward(B, H, pg, H, ph, 0, 0, 0, 0);
    };
    impls.push({
      impl: `ours-${eng.variant}`, ours: eng.variant, variant: "2×gemm_nt",
      run: two,
      check: () => {
        ar.f32(ph, B * H).set(h0);
        two();
        return [copy(eng, ph, B * H)];
      },
    });
  }
  {
    const hj = h0.slice(), z = new Float32Array(B * H);
    impls.push({
      impl: "js",
      run: () => js.rnnStep(B, E, H, x, hj, wih, whh, bias, z),
      check: () => {
        hj.set(h0);
        js.rnnStep(B, E, H, x, hj, wih, whh, bias, z);
        return [hj.slice()];
      },
    });
  }
  const wihT = transpose(wih, H, E), whhT = transpose(whh, H, H);
  for (const backend of ["wasm", "cpu"] as const) {
    impls.push(tfImpl(backend, "x·W_ihᵀ + h·W_hhᵀ (pre-transposed)",
      () => ({
        x: tf.tensor2d(x, [B, E]), h: tf.tensor2d(h0, [B, H]),
        wih: tf.tensor2d(wihT, [E, H]), whh: tf.tensor2d(whhT, [H, H]), b: tf.tensor1d(bias),
      }),
      (t) => tf.tidy(() => [tf.tanh(tf.add(tf.add(tf.matMul(t.x, t.wih), tf.matMul(t.h, t.whh)), t.b))]),
      (t) => Object.values(t).forEach((v) => v.dispose()),
    ));
  }
  impls.push(await ortImpl(onnx.rnnStep(B, E, H, wih, whh, bih, bhh), { x: f32(x, [1, B, E]), h: f32(h0, [1, B, H]) }, ["h_out"], "RNN operator (tanh), length 1"));
  return {
    id: `rnn_b${B}`,
    title: `RNN (tanh) step E=H=${H}, batch ${B}`,
    flops: 2 * B * H * (E + H),
    flopsNote: "2·B·H·(E+H): the GEMMs; tanh is not counted",
    impls,
  };
}

// ---- case 3: additive attention step ----------------------------------------------------
async function attentionCase(engines: Engine[]): Promise<Case> {
  const wq = rand(A * H, 1 / Math.sqrt(H)), v = rand(A, 1 / Math.sqrt(A));
  const q = rand(H), keys = rand(L * A), mem = rand(L * DM);
  const impls: Impl[] = [];
  for (const eng of engines) {
    const k = eng.kernels, ar = eng.arena;
    const pWq = ar.putF32(wq), pv = ar.putF32(v), pq = ar.putF32(q), pk = ar.putF32(keys), pm = ar.putF32(mem);
    const plen = ar.putI32([L]), pqp = ar.allocF32(A), pa = ar.allocF32(L), pctx = ar.allocF32(DM);
    const run = () => {
      k.gemm_nt(1, A, H, pq, H, pWq, H, pqp, A, 0, 0);
      k.attention_additive_forward(1, L, A, DM, pqp, A, pk, pv, pm, plen, 0, pa, pctx, DM);
    };
    impls.push({
      impl: `ours-${eng.variant}`, ours: eng.variant, variant: "gemm_nt + attention_additive_forward",
      run,
      check: () => {
        run();
        return [copy(eng, pa, L), copy(eng, pctx, DM)];
      },
    });
  }
  {
    const qp = new Float32Array(A), alpha = new Float32Array(L), ctx = new Float32Array(DM);
    const run = () => js.attentionAdditive(L, H, A, DM, q, wq, keys, v, mem, qp, alpha, ctx);
    impls.push({ impl: "js", run, check: () => (run(), [alpha.slice(), ctx.slice()]) });
  }
  const wqT = transpose(wq, A, H);
  for (const backend of ["wasm", "cpu"] as const) {
    impls.push(tfImpl(backend, undefined,
      () => ({
        q: tf.tensor2d(q, [1, H]), wq: tf.tensor2d(wqT, [H, A]), keys: tf.tensor2d(keys, [L, A]),
        v: tf.tensor2d(v, [A, 1]), mem: tf.tensor2d(mem, [L, DM]),
      }),
      (t) => tf.tidy(() => {
        const qp = tf.matMul(t.q, t.wq);
        const s = tf.reshape(tf.matMul(tf.tanh(tf.add(t.keys, qp)), t.v), [1, L]);
        const alpha = tf.softmax(s);
        const ctx = tf.matMul(alpha, t.mem);
        return [alpha, ctx];
      }),
      (t) => Object.values(t).forEach((x) => x.dispose()),
    ));
  }
  impls.push(await ortImpl(onnx.attentionAdditive(L, H, A, DM, wq, v), { q: f32(q, [1, H]), keys: f32(keys, [L, A]), mem: f32(mem, [L, DM]) }, ["alpha", "ctx"]));
  return {
    id: "attention_b1",
    title: `Additive attention step incl. query projection, L=${L}, H=A=Dm=${H}, batch 1`,
    flops: 2 * A * H + 3 * L * A + 2 * L * DM,
    flopsNote: "2·A·H (q·W_qᵀ) + 3·L·A (add, ·v, sum; tanh not counted) + 2·L·Dm (context)",
    impls,
  };
}

// ---- case 4: GEMM 512³ --------------------------------------------------------------------
async function gemmCases(engines: Engine[]): Promise<Case[]> {
  const M = N3, N = N3, K = N3;
  const a = rand(M * K), b = rand(N * K);
  const flops = 2 * M * N * K;
  const note = "2·M·N·K";
  const cases: Case[] = [];
  for (const layout of ["nt", "nn", "tn"] as const) {
    const impls: Impl[] = [];
    for (const eng of engines) {
      const k = eng.kernels, ar = eng.arena;
      const pa = ar.putF32(a), pb = ar.putF32(b), pc = ar.allocF32(M * N);
      const fn = layout === "nt" ? k.gemm_nt : layout === "nn" ? k.gemm_nn : k.gemm_tn;
      const lda = layout === "tn" ? M : K, ldb = layout === "nt" ? K : N;
      const run = () => fn(M, N, K, pa, lda, pb, ldb, pc, N, 0, 0);
      impls.push({ impl: `ours-${eng.variant}`, ours: eng.variant, variant: `gemm_${layout}`, run, check: () => (run(), [copy(eng, pc, M * N)]) });
    }
    {
      const c = new Float32Array(M * N);
      const run = layout === "nt" ? () => js.gemmNT(M, N, K, a, b, c) : layout === "nn" ? () => js.gemmNN(M, N, K, a, b, c) : () => js.gemmTN(M, N, K, a, b, c);
      impls.push({ impl: "js", run, check: () => (run(), [c.slice()]) });
    }
    if (layout === "nt") {
      // tfjs: A·Bᵀ from a pre-transposed B (its transposeB path is ~10× slower on the wasm backend)
      const bT = transpose(b, N, K);
      for (const backend of ["wasm", "cpu"] as const) {
        impls.push(tfImpl(backend, "matMul(A, Bᵀ pre-transposed)",
          () => ({ a: tf.tensor2d(a, [M, K]), bT: tf.tensor2d(bT, [K, N]) }),
          (t) => [tf.matMul(t.a, t.bT)],
          (t) => { t.a.dispose(); t.bT.dispose(); },
        ));
      }
      impls.push(await ortImpl(onnx.gemmNT(M, N, K), { A: f32(a, [M, K]), B: f32(b, [N, K]) }, ["C"], "Gemm transB=1, both operands inputs"));
      impls.push(await ortImpl(onnx.gemmNT(M, N, K, b), { A: f32(a, [M, K]) }, ["C"], "Gemm transB=1, B an initializer (pre-packed)"));
    }
    cases.push({
      id: `gemm_${layout}`,
      title: `GEMM ${M}×${N}×${K}, ${layout === "nt" ? "A·Bᵀ" : layout === "nn" ? "A·B" : "Aᵀ·B"} (gemm_${layout})`,
      flops, flopsNote: note, impls,
    });
  }
  return cases;
}

// ---- measurement ---------------------------------------------------------------------------
interface Row {
  impl: string;
  variant?: string;
  ours?: Variant;
  median: number;
  p25: number;
  p75: number;
  min: number;
  samples: number;
  gflops: number;
  maxAbsDiff: number | null;
  /** this row's median / our build's median (how many times slower than ours) */
  vsSimd?: number;
  vsRelaxed?: number;
  /** GFLOP/s over the build's own large-GEMM peak (our rows only) */
  ofPeak?: number;
  /** the variant reported as "ours" for this case */
  headline?: boolean;
}

/**
 * Checks and times cases together: each implementation is first checked against
 * its own case's first (our SIMD build), then all implementations of all the cases
 * are timed in the same rounds, so that the ratios between the cases (the GRU and
 * RNN steps against the LSTM's at the same batch) compare samples taken under the
 * same load.
 */
async function measureTogether(cs: Case[]): Promise<Row[][]> {
  // 1. same numbers: every implementation against our SIMD build of its case
  const diffs = new Map<Impl, number | null>();
  for (const c of cs) {
    const ref = await c.impls[0].check();
    diffs.set(c.impls[0], null);
    for (const im of c.impls.slice(1)) {
      await im.before?.();
      const out = await im.check();
      const d = Math.max(...out.map((o, i) => maxAbsDiff(o, ref[i])));
      diffs.set(im, d);
      console.log(`  check ${c.id} ${im.impl}${im.variant ? ` (${im.variant})` : ""}: max abs diff vs ours-${c.impls[0].ours} ${d.toExponential(2)}`);
      if (!(d < 1e-2)) throw new Error(`${c.id}: ${im.impl} disagrees with our kernel (max abs diff ${d})`);
    }
  }
  // 2. timing: ROUNDS passes over all implementations (the order reversed every
  // other pass), samples pooled per implementation, so that load from other
  // processes on the machine spreads over all of them instead of hitting one
  const all = cs.flatMap((c) => c.impls.map((im) => ({ c, im })));
  const pooled: number[][] = all.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    const order = all.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    const bench = new Bench({
      name: cs.map((c) => c.id).join("+"), time: TIME / ROUNDS, warmup: round === 0, warmupTime: WARMUP, warmupIterations: 5,
      iterations: round === 0 ? 4 : 2, retainSamples: true, throws: true,
      ...(CLOCK === "cpu" ? { timestampProvider: cpuClock, subtractTimerOverhead: true } : {}),
    });
    for (const i of order) {
      const { c, im } = all[i];
      bench.add(`${c.id} ${im.impl}${im.variant ? ` ${im.variant}` : ""}`, im.run, {
        async: im.async ?? false,
        beforeAll: im.before ? async () => im.before!() : undefined,
      });
    }
    await bench.run();
    order.forEach((i, t) => {
      const r = bench.tasks[t].result;
      if (r.state !== "completed") throw new Error(`${all[i].c.id}: ${all[i].im.impl} did not complete (${r.state})`);
      pooled[i].push(...r.latency.samples!);
    });
  }
  for (const { im } of all) await im.after?.();
  const rows = all.map(({ c, im }, i) => {
    const s = pooled[i].sort((a, b) => a - b);
    const median = quantile(s, 0.5);
    return {
      impl: im.impl, variant: im.variant, ours: im.ours,
      median, p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], samples: s.length,
      gflops: c.flops / (median * 1e6), maxAbsDiff: diffs.get(im) ?? null,
    };
  });
  return cs.map((c) => rows.filter((_, i) => all[i].c === c));
}

const fmt = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? "" : x.toFixed(d));

function printTable(c: Case, rows: Row[]): void {
  console.log(`\n${c.title}   (${(c.flops / 1e6).toFixed(2)} MFLOP: ${c.flopsNote})`);
  const head = ["impl", "variant", "median ms", "p25", "p75", "min", "GFLOP/s", "of peak", "× simd", "× relaxed", "max |diff|"];
  const body = rows.map((r) => [
    (r.headline ? "*" : " ") + r.impl, r.variant ?? "", fmt(r.median, 4), fmt(r.p25, 4), fmt(r.p75, 4), fmt(r.min, 4), fmt(r.gflops, 2),
    r.ofPeak === undefined ? "" : `${(100 * r.ofPeak).toFixed(0)}%`, fmt(r.vsSimd, 2), fmt(r.vsRelaxed, 2),
    r.maxAbsDiff === null ? "(ref)" : r.maxAbsDiff.toExponential(1),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  console.log(line(head));
  for (const b of body) console.log(line(b));
}

// ---- main -----------------------------------------------------------------------------------
async function main(): Promise<void> {
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const engines: Engine[] = [await loadEngine({ variant: "simd" })];
  let relaxedNote = "";
  try {
    engines.push(await loadEngine({ variant: "relaxed" }));
  } catch (e) {
    relaxedNote = `relaxed build not measured: ${(e as Error).message}`;
    console.warn(relaxedNote);
  }

  // baselines: tfjs wasm backend (SIMD, 1 thread) and cpu backend; onnxruntime-web wasm, 1 thread
  const require = createRequire(import.meta.url);
  setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
  setThreadsCount(1);
  tf.enableProdMode(); // no debug checks; silences the hint about tfjs-node
  const handlers = { u: process.listeners("uncaughtException"), r: process.listeners("unhandledRejection") };
  await tfBackend("cpu");
  await tfBackend("wasm");
  // the emscripten glue of tfjs-backend-wasm installs handlers that rethrow (printing its own
  // minified source); errors of this script are reported by Node's default handler instead
  for (const l of process.listeners("uncaughtException")) if (!handlers.u.includes(l)) process.off("uncaughtException", l);
  for (const l of process.listeners("unhandledRejection")) if (!handlers.r.includes(l)) process.off("unhandledRejection", l);
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";

  const builders: [string, () => Promise<Case | Case[]>][] = [
    ["lstm_b1", () => lstmCase(1, engines)],
    ["lstm_b32", () => lstmCase(32, engines)],
    ["gru_b1", () => gruCase(1, engines)],
    ["gru_b32", () => gruCase(32, engines)],
    ["rnn_b1", () => rnnCase(1, engines)],
    ["rnn_b32", () => rnnCase(32, engines)],
    ["attention_b1", () => attentionCase(engines)],
    ["gemm", () => gemmCases(engines)],
  ];
  // the cell steps of one batch size are timed together (measureTogether): lstm_b1, gru_b1, rnn_b1; the same at 32
  const together = (id: string) => id.replace(/^(lstm|gru|rnn)_/, "cells_");
  const groups = new Map<string, Case[]>();
  for (const [id, build] of builders) {
    if (ONLY && !ONLY.some((o) => id.startsWith(o) || o.startsWith(id))) continue;
    const built = await build();
    for (const c of Array.isArray(built) ? built : [built]) {
      if (ONLY && !ONLY.some((o) => c.id.startsWith(o))) continue;
      const g = groups.get(together(c.id)) ?? [];
      groups.set(together(c.id), [...g, c]);
    }
  }
  const results: { case: Case; rows: Row[] }[] = [];
  for (const cs of groups.values()) {
    console.log(`\n== ${cs.map((c) => c.title).join("; ")}`);
    const rows = await measureTogether(cs);
    cs.forEach((c, i) => results.push({ case: c, rows: rows[i] }));
  }
  const order = (c: Case) => builders.findIndex(([id]) => c.id.startsWith(id));
  results.sort((a, b) => order(a.case) - order(b.case));

  // peak of each build: its fastest 512³ GEMM call (nt, nn or tn) — what the build
  // reaches undisturbed; medians of busy machines would make the fractions meaningless
  const peak: Partial<Record<Variant, number>> = {};
  for (const { case: c, rows } of results) {
    if (!c.id.startsWith("gemm_")) continue;
    for (const r of rows) if (r.ours) peak[r.ours] = Math.max(peak[r.ours] ?? 0, c.flops / (r.min * 1e6));
  }
  // headline "ours" per build = its fastest variant in the case; ratios against it
  for (const { rows } of results) {
    const best: Partial<Record<Variant, Row>> = {};
    for (const r of rows) if (r.ours && (!best[r.ours] || r.median < best[r.ours]!.median)) best[r.ours] = r;
    for (const r of Object.values(best)) r!.headline = true;
    for (const r of rows) {
      if (best.simd) r.vsSimd = r.median / best.simd.median;
      if (best.relaxed) r.vsRelaxed = r.median / best.relaxed.median;
      if (r.ours && peak[r.ours]) r.ofPeak = r.gflops / peak[r.ours]!;
    }
  }
  for (const { case: c, rows } of results) printTable(c, rows);

  const targets = results.flatMap(({ case: c, rows }) => {
    const t = TARGETS[c.id];
    if (!t) return [];
    return rows.filter((r) => r.headline && r.ours).map((r) => {
      const ok = t.maxMs !== undefined ? r.median <= t.maxMs : r.gflops >= (t.minGflops?.[r.ours!] ?? Infinity);
      return { case: c.id, build: r.ours!, variant: r.variant, median: r.median, gflops: r.gflops, maxMs: t.maxMs, minGflops: t.minGflops?.[r.ours!], met: ok };
    });
  });
  console.log("\nTargets:");
  for (const t of targets) {
    const goal = t.maxMs !== undefined ? `≤ ${t.maxMs} ms` : `≥ ${t.minGflops} GFLOP/s`;
    console.log(`  ${t.met ? "met   " : "MISSED"} ${t.case} ${t.build}: ${t.median.toFixed(4)} ms, ${t.gflops.toFixed(1)} GFLOP/s (${goal})`);
  }
  // ratio targets of the GRU and RNN steps (bench/cell-targets.ts; docs/benchmarks.md renders them from the JSON)
  for (const t of cellTargets(results.map(({ case: c, rows }) => ({ id: c.id, rows })))) {
    console.log(`  ${t.met ? "met   " : "MISSED"} ${t.what} ${t.build}: ${t.ratio.toFixed(2)}× (${t.num.median.toFixed(4)} / ${t.den.median.toFixed(4)} ms; ${t.bound})`);
  }

  const json = {
    generated: new Date().toISOString(),
    machine: machineInfo(loadStart),
    settings: {
      timeMs: TIME, warmupMs: WARMUP, rounds: ROUNDS, clock: CLOCK, threads: 1, relaxed: engines.some((e) => e.variant === "relaxed"), relaxedNote,
      libraries: {
        tinybench: pkgVersion("tinybench"),
        "@tensorflow/tfjs": tf.version_core,
        "@tensorflow/tfjs-backend-wasm": pkgVersion("@tensorflow/tfjs-backend-wasm"),
        "onnxruntime-web": ort.env.versions.web,
      },
    },
    peakGflops: peak,
    targets,
    cases: results.map(({ case: c, rows }) => ({ id: c.id, title: c.title, flops: c.flops, flopsNote: c.flopsNote, rows })),
    durationS: (performance.now() - t0) / 1000,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(json, null, 2) + "\n");
  console.log(`\nwrote ${OUT} (${json.durationS.toFixed(0)} s)`);
}

await main();
