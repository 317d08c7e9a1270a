// Training throughput benchmark: target tokens per
// second of full training steps, single thread, for
//   (a) the tfjs date-conversion-attention configuration: 64-unit LSTM
//       encoder and decoder, dot attention, vocabularies of a dates task;
//   (b) a translation-sized model: E=256, He=256 bidirectional, Hd=512,
//       A=512 additive attention, luong with input feeding, vocabularies of
//       8,000, batches of 64 sentences of length 10–18;
//   (c) the experiments' RNNsearch sizes (docs/results): E=256, He=128
//       bidirectional, Hd=256, A=256 additive, bahdanau, the Multi30k de-en
//       vocabularies (5,832 / 4,372), batches of 64 sentences of length 10–18;
//   (c-gru) the experiments' RNNsearch GRU: (c) with GRU cells at the hidden
//       size the experiments give it (src/experiments/plan.ts matchedHidden:
//       the parameter count closest to (c)'s), on (c)'s batch.
// Ours (simd and, when the runtime has it, relaxed build): grads.zero() +
// lossAndGrads + Optimizer("adam").step. Baselines: the same model in
// @tensorflow/tfjs ops (bench/tfjs-seq2seq.ts) trained with tf.train.adam
// via optimizer.minimize:
//   tfjs-wasm      wasm backend, 1 thread, tf.matMul's own gradients (the
//                  transposed matMuls of the backward pass run in the
//                  backend's scalar fallback loop, not XNNPACK)
//   tfjs-wasm-xnn  wasm backend, 1 thread, linear maps with a custom gradient
//                  that keeps the backward matMuls in XNNPACK (the strongest
//                  tfjs baseline we could write)
//   tfjs-cpu       cpu backend (plain JavaScript)
//   torch          PyTorch (/usr/bin/python3, bench/torch_train.py): nn.LSTM (nn.GRU) over
//                  packed sequences, an nn.LSTMCell (nn.GRUCell) step loop, F.cross_entropy,
//                  torch.optim.Adam; torch.set_num_threads(1) and
//                  OPENBLAS_NUM_THREADS=1 (torch-2t: 2 and 2). The process reports
//                  the BLAS library it loaded (/proc/self/maps) and refuses to time
//                  on the reference BLAS. Skipped with a line when
//                  `/usr/bin/python3 -c "import torch"` fails.
// Ours also runs with 2 threads (ours-VARIANT-2t, loadEngine({ threads: 2 })).
// Gradient clipping is left out of all. Every step trains on the same batch.
//
// Before timing, each tfjs model is loaded with our model's initial weights and
// must give our loss on the first batch (relative difference < 1e-4) and our
// gradients (max |diff| / max |grad| over tensors < 1e-3). For the very slow
// ones on (b) (see checkInFirstStep) the loss of the first timed step is
// checked instead and the gradients are not compared.
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/train.bench.ts
//
// Env: BENCH_ONLY (comma list of case ids: a, b, c, c-gru), BENCH_MERGE (1: keep the
//      cases of the existing BENCH_OUT that this run leaves out, each with the date,
//      CPU, load and GEMM peak of its own run), BENCH_OUT (JSON path, default bench/results/train.json),
//      BENCH_SCALE (multiplies every time budget, default 1), BENCH_ROUNDS
//      (passes over ours and tfjs-wasm-xnn, order reversed each pass, samples
//      pooled, default 2), BENCH_SKIP (comma list of impl ids to leave out,
//      e.g. tfjs-cpu: on (b) its single step takes about two minutes),
//      BENCH_PYTHON (default /usr/bin/python3).
// Achieved GFLOP/s counts the GEMM (matrix product) flops of the forward pass
// at the padded sizes, ×3 for forward + backward, and is compared with the
// 512×512×512 gemm_nt rate of the same build measured in the same run.

import { Bench } from "tinybench";
import { machineInfo, pkgVersion } from "./machine.js";
import { quantile } from "./stats.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { loadEngine } from "../src/engine/load-node.js";
import { writeFileAtomic } from "../src/io/atomic.js";
import type { Engine } from "../src/engine/engine.js";
import { EOS, NUM_SPECIALS, dims, parseConfig, paramSpecs, type ModelConfig } from "../src/model/config.js";
import { Model } from "../src/model/model.js";
import { lossAndGrads, type BatchIds } from "../src/train/backprop.js";
import { Grads } from "../src/train/grads.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { Optimizer } from "../src/train/optim.js";
import { TfSeq2Seq, disposeTfBatch, makeTfBatch, type TfBatch } from "./tfjs-seq2seq.js";
import { MODELS, matchedHidden } from "../src/experiments/plan.js";

const here = dirname(fileURLToPath(import.meta.url));
const ONLY = process.env.BENCH_ONLY?.split(",").filter(Boolean);
const MERGE = process.env.BENCH_MERGE === "1";
const OUT = process.env.BENCH_OUT ?? join(here, "results", "train.json");
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SKIP = process.env.BENCH_SKIP?.split(",").filter(Boolean) ?? [];
const LR = 1e-3;
const PYTHON = process.env.BENCH_PYTHON ?? "/usr/bin/python3";

// ---- the two configurations -----------------------------------------------------------

interface Budget {
  /** per round: ms of timed steps (tinybench `time`) and at least `iterations` steps, after `warmup` steps (first round only) */
  time: number;
  iterations: number;
  warmup: number;
}

/** The implementations, in table order. */
type ImplId = "ours-simd" | "ours-relaxed" | "ours-simd-2t" | "ours-relaxed-2t" | "tfjs-wasm-xnn" | "tfjs-wasm" | "tfjs-cpu" | "torch" | "torch-2t";
type TfjsId = "tfjs-wasm-xnn" | "tfjs-wasm" | "tfjs-cpu";

/** A target ratio: `ours` tokens/s ≥ min × `vs` tokens/s ("torch-best": the faster torch row). */
interface RatioTarget { ours: "ours-simd" | "ours-relaxed" | "ours-2t"; vs: ImplId | "torch-best"; min: number }

interface Case {
  id: string;
  title: string;
  config: ModelConfig;
  batch: BatchIds;
  dataNote: string;
  budgets: Record<"ours" | "torch" | TfjsId, Budget>;
  /** tfjs implementations of this case (default: all three) */
  tfjs?: TfjsId[];
  /**
   * tfjs implementations too slow for a separate check pass: their first timed step
   * (optimizer.minimize with returnCost) gives the first-batch loss that is checked
   */
  checkInFirstStep: ImplId[];
  /** target: ours ≥ this × tfjs-wasm throughput */
  minRatioWasm?: number;
  /** targets against PyTorch */
  torchTargets?: RatioTarget[];
  /** target: whole-step GFLOP/s of ours-relaxed ≥ this × its build's gemm_nt 512³ peak */
  minOfPeak?: number;
  /** the case this one is compared with, row by row (the report's tokens/s ratios when both come from one run) */
  beside?: string;
}

/** A batch of random ids: lengths (including EOS) drawn from [lo, hi]. */
function randomBatch(seed: number, B: number, Vs: number, Vt: number, srcLen: [number, number], tgtLen: [number, number]): BatchIds {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const sentence = (V: number, [lo, hi]: [number, number]) => {
    const n = int(lo, hi);
    return [...Array.from({ length: n - 1 }, () => int(NUM_SPECIALS, V - 1)), EOS];
  };
  const srcs: number[][] = [], tgts: number[][] = [];
  for (let b = 0; b < B; b++) {
    srcs.push(sentence(Vs, srcLen));
    tgts.push(sentence(Vt, tgtLen));
  }
  return { srcs, tgts };
}

/** The experiments' sizes behind case (c) and the hidden size of their RNNsearch GRU (parameter count matched to the LSTM's). */
const C_SIZES = { emb: 256, hidden: 256, attnDim: 256, layers: 1 };
const C_VOCAB = { Vs: 5832, Vt: 4372 };
const GRU_SPEC = MODELS.find((m) => m.name === "rnnsearch-gru");
if (!GRU_SPEC) throw new Error("train bench: the experiments' plan has no model rnnsearch-gru (src/experiments/plan.ts)");
const C_GRU_HIDDEN = matchedHidden(GRU_SPEC, C_SIZES, C_VOCAB.Vs, C_VOCAB.Vt);

const CASES: Case[] = [
  {
    id: "a",
    title: "(a) tfjs date-conversion-attention config: E=64, He=64 uni, Hd=64, dot attention, luong without input feeding, Vs=60, Vt=15, B=64",
    config: parseConfig({
      src_vocab_size: 60, tgt_vocab_size: 15, emb_dim: 64, enc_hidden: 64, bidirectional: false,
      dec_hidden: 64, attention: "dot", decoder_style: "luong", input_feed: false,
    }),
    batch: randomBatch(11, 64, 60, 15, [10, 14], [11, 11]),
    dataNote: "random ids; source 10–14 tokens with EOS (mean 12), target 10 + EOS = 11 (the ISO date)",
    budgets: {
      ours: { time: 1500, iterations: 20, warmup: 10 },
      torch: { time: 1500, iterations: 20, warmup: 5 },
      "tfjs-wasm-xnn": { time: 2000, iterations: 5, warmup: 2 },
      "tfjs-wasm": { time: 3000, iterations: 5, warmup: 2 },
      "tfjs-cpu": { time: 5000, iterations: 3, warmup: 1 },
    },
    checkInFirstStep: [],
  },
  {
    id: "b",
    title: "(b) translation-sized: E=256, He=256 bi, Hd=512, A=512 additive, luong with input feeding, Vs=Vt=8000, B=64",
    config: parseConfig({
      src_vocab_size: 8000, tgt_vocab_size: 8000, emb_dim: 256, enc_hidden: 256, bidirectional: true,
      dec_hidden: 512, attn_dim: 512, attention: "additive", decoder_style: "luong", input_feed: true,
    }),
    batch: randomBatch(22, 64, 8000, 8000, [10, 18], [10, 18]),
    dataNote: "random ids; source and target 10–18 tokens with EOS (mean 14)",
    budgets: {
      ours: { time: 5000, iterations: 3, warmup: 1 },
      torch: { time: 5000, iterations: 3, warmup: 1 },
      "tfjs-wasm-xnn": { time: 8000, iterations: 2, warmup: 1 },
      // a step takes ~40 s (wasm, stock matMul gradients) and ~130 s (cpu): one step each, no warm-up
      "tfjs-wasm": { time: 1, iterations: 1, warmup: 0 },
      "tfjs-cpu": { time: 1, iterations: 1, warmup: 0 },
    },
    checkInFirstStep: ["tfjs-wasm", "tfjs-cpu"],
    minRatioWasm: 5,
    torchTargets: [
      { ours: "ours-relaxed", vs: "torch", min: 1.0 },
      { ours: "ours-simd", vs: "torch", min: 0.85 },
      { ours: "ours-2t", vs: "torch-best", min: 1.6 },
    ],
    minOfPeak: 0.8,
  },
  {
    id: "c",
    title: "(c) the experiments' RNNsearch: E=256, He=128 bi, Hd=256, A=256 additive, bahdanau, Vs=5832, Vt=4372 (Multi30k de-en), B=64",
    config: parseConfig({
      src_vocab_size: 5832, tgt_vocab_size: 4372, emb_dim: 256, enc_hidden: 128, bidirectional: true,
      dec_hidden: 256, attn_dim: 256, attention: "additive", decoder_style: "bahdanau", input_feed: false,
    }),
    batch: randomBatch(33, 64, 5832, 4372, [10, 18], [10, 18]),
    dataNote: "random ids; source and target 10–18 tokens with EOS (mean 14)",
    budgets: {
      ours: { time: 4000, iterations: 5, warmup: 2 },
      torch: { time: 4000, iterations: 5, warmup: 2 },
      "tfjs-wasm-xnn": { time: 6000, iterations: 3, warmup: 1 },
      "tfjs-wasm": { time: 1, iterations: 1, warmup: 0 },
      "tfjs-cpu": { time: 1, iterations: 1, warmup: 0 },
    },
    tfjs: [], // bench/tfjs-seq2seq.ts builds luong decoders only
    checkInFirstStep: [],
    torchTargets: [{ ours: "ours-relaxed", vs: "torch", min: 1.3 }],
  },
  {
    id: "c-gru",
    title: `(c-gru) the experiments' RNNsearch GRU: (c) with GRU cells, He=${C_GRU_HIDDEN / 2} bi, Hd=${C_GRU_HIDDEN} (parameters matched to (c)), E=256, A=256 additive, bahdanau, Vs=5832, Vt=4372, B=64`,
    config: parseConfig({
      src_vocab_size: C_VOCAB.Vs, tgt_vocab_size: C_VOCAB.Vt, emb_dim: C_SIZES.emb, enc_hidden: C_GRU_HIDDEN / 2, bidirectional: true,
      dec_hidden: C_GRU_HIDDEN, attn_dim: C_SIZES.attnDim, attention: "additive", decoder_style: "bahdanau", input_feed: false, cell: "gru",
    }),
    batch: randomBatch(33, 64, 5832, 4372, [10, 18], [10, 18]),
    dataNote: "random ids, (c)'s batch; source and target 10–18 tokens with EOS (mean 14)",
    budgets: {
      ours: { time: 4000, iterations: 5, warmup: 2 },
      torch: { time: 4000, iterations: 5, warmup: 2 },
      "tfjs-wasm-xnn": { time: 6000, iterations: 3, warmup: 1 },
      "tfjs-wasm": { time: 1, iterations: 1, warmup: 0 },
      "tfjs-cpu": { time: 1, iterations: 1, warmup: 0 },
    },
    tfjs: [], // bench/tfjs-seq2seq.ts builds LSTM luong decoders only
    checkInFirstStep: [],
    beside: "c",
  },
];
if (ONLY) {
  const unknown = ONLY.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length) {
    console.error(`train bench: unknown case in BENCH_ONLY: ${unknown.join(", ")} (cases: ${CASES.map((c) => c.id).join(", ")})`);
    process.exit(2);
  }
}

// ---- flops ---------------------------------------------------------------------------

/** Forward matrix-product flops of one batch at padded sizes S, T (one encoder and decoder layer). */
function forwardFlops(c: ModelConfig, B: number, S: number, T: number): { total: number; parts: Record<string, number> } {
  const d = dims(c);
  const N = B * S, Ge = d.G * d.He, Gd = d.G * d.Hd;
  const parts: Record<string, number> = {};
  parts.encoder = d.D * (2 * N * Ge * d.E + 2 * N * Ge * d.He);
  parts.bridge = 2 * B * d.Hd * d.Hm;
  parts.keys = c.attention === "additive" ? 2 * N * d.A * d.Hm : c.attention === "general" ? 2 * N * d.Hd * d.Hm : 0;
  parts.decoder_cell = T * 2 * B * Gd * (d.in0 + d.Hd);
  parts.attention = T * (c.attention === "additive"
    ? 2 * B * d.A * d.Hd + 2 * B * S * d.A + 2 * B * S * d.Hm
    : c.attention === "none" ? 0 : 2 * B * S * d.Hm * 2);
  parts.attn_out = T * 2 * B * d.Hd * (d.Hm + d.Hd);
  parts.generator = T * 2 * B * d.Vt * d.Hd;
  return { total: Object.values(parts).reduce((s, x) => s + x, 0), parts };
}

// ---- measurement ---------------------------------------------------------------------

/** Step times (ms) of one tinybench pass. */
async function samples(name: string, fn: () => void, b: Budget, warm: boolean): Promise<number[]> {
  const bench = new Bench({
    name, time: Math.max(1, b.time * SCALE), iterations: b.iterations, warmup: warm && b.warmup > 0, warmupTime: 0,
    warmupIterations: b.warmup, retainSamples: true, throws: true,
  });
  bench.add(name, fn, { async: false }); // (without it tinybench calls fn once more to find out)
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== "completed") throw new Error(`${name} did not complete (${r.state})`);
  return [...r.latency.samples!];
}

interface Row {
  impl: ImplId;
  median: number;
  p25: number;
  p75: number;
  min: number;
  samples: number;
  tokensPerSec: number;
  gflops: number;
  /** GFLOP/s over a 512³ gemm_nt of our build (its own build for ours, the faster build for tfjs) */
  ofPeak: number;
  peakVariant: string;
}

// ---- implementations -----------------------------------------------------------------

interface Impl {
  id: ImplId;
  budget: Budget;
  /** tfjs backend to select before running */
  backend?: "wasm" | "cpu";
  step(): void;
  /** a whole timed pass in another process (PyTorch): step times in ms */
  pass?: (warm: boolean) => Promise<number[]>;
  dispose(): void;
}

interface Ours {
  engine: Engine;
  model: Model;
  grads: Grads;
  opt: Optimizer;
  step(): number;
}

function makeOurs(engine: Engine, c: Case): Ours {
  const model = Model.create(engine, c.config);
  initialize(model, { kind: "uniform", range: 0.1 }, 1234);
  const grads = new Grads(model);
  const opt = new Optimizer(model, grads, { kind: "adam" });
  return {
    engine, model, grads, opt,
    step() {
      grads.zero();
      const r = lossAndGrads(model, grads, c.batch, {});
      opt.step(LR);
      return r.loss;
    },
  };
}

/**
 * 512³ gemm_nt GFLOP/s: best median of three short passes. Measured at the start,
 * between the timing rounds and at the end; the peak reported is the best of all
 * (on a shared machine a single measurement can land on a busy moment).
 */
async function gemmPeak(engine: Engine): Promise<number> {
  const n = 512, a = engine.arena, k = engine.kernels;
  const rand = mulberry32(7);
  const fill = (m: number) => Float32Array.from({ length: m }, () => rand() - 0.5);
  const mark = a.mark();
  try {
    const A = a.putF32(fill(n * n)), B = a.putF32(fill(n * n)), C = a.allocF32(n * n);
    let best = Infinity;
    for (let pass = 0; pass < 3; pass++) {
      const s = (await samples(`gemm_nt ${engine.variant}`, () => k.gemm_nt(n, n, n, A, n, B, n, C, n, 0, 0),
        { time: 300, iterations: 10, warmup: 5 }, pass === 0)).sort((x, y) => x - y);
      best = Math.min(best, quantile(s, 0.5));
    }
    return (2 * n ** 3) / (best * 1e6);
  } finally {
    a.release(mark);
  }
}

async function useBackend(name: "wasm" | "cpu"): Promise<void> {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

/** Max over tensors of max|ours − tfjs| / max|ours| of the first batch's gradients. */
function gradCheck(m: TfSeq2Seq, b: TfBatch, ours: Ours): { worst: number; name: string } {
  const { grads } = tf.variableGrads(() => m.loss(b), m.varList());
  let worst = 0, name = "";
  for (const [pname, v] of m.vars) {
    const g = m.modelLayout(pname, grads[v.name]);
    const ref = ours.grads.viewOf(pname);
    let diff = 0;
    for (let j = 0; j < ref.length; j++) diff = Math.max(diff, Math.abs(ref[j] - g[j]));
    const rel = diff / Math.max(maxAbs(ref), 1e-12);
    if (rel > worst) {
      worst = rel;
      name = pname;
    }
  }
  tf.dispose(Object.values(grads));
  return { worst, name };
}

// ---- PyTorch (bench/torch_train.py) -------------------------------------------------------

interface TorchRun { torch: string; threads: number; blas: string[]; firstLoss: number; samples: number[] }

/** Why PyTorch cannot be measured here, or null when `import torch` works. */
function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (r.error) return `${PYTHON} not runnable (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} -c "import torch" failed: ${(r.stderr.trim().split("\n").pop() ?? "").slice(0, 200)}`;
  return null;
}

/**
 * One pass of bench/torch_train.py: loads `dir`/weights.safetensors and `dir`/batch.json,
 * times training steps. OPENBLAS_NUM_THREADS = threads; OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE removed from its environment (they slow a current OpenBLAS).
 */
function torchPass(dir: string, threads: number, b: Budget, warm: boolean): Promise<TorchRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [join(here, "torch_train.py"), "--weights", join(dir, "weights.safetensors"), "--batch", join(dir, "batch.json"),
    "--threads", String(threads), "--time-ms", String(Math.max(1, b.time * SCALE)), "--iterations", String(b.iterations),
    "--warmup", String(warm ? b.warmup : 0), "--lr", String(LR)];
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      let r: (TorchRun & { error?: string }) | null = null;
      try { r = JSON.parse(last); } catch { /* reported below */ }
      if (code !== 0 || !r || r.error) {
        reject(new Error(`torch_train.py (${threads} thread${threads > 1 ? "s" : ""}) failed with exit ${code}: ${r?.error ?? err.trim().split("\n").slice(-3).join(" | ")}`));
        return;
      }
      resolve(r);
    });
  });
}

// ---- machine -------------------------------------------------------------------------

const fmt = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? "" : x.toFixed(d));

function printTable(rows: Row[], withPeak: boolean): void {
  const ours = rows.filter((r) => r.impl.startsWith("ours"));
  const head = ["impl", "median ms", "p25", "p75", "n", "tokens/s", "GFLOP/s", ...(withPeak ? ["of peak"] : []), ...ours.map((o) => `${o.impl}/this`)];
  const body = rows.map((r) => [
    r.impl, fmt(r.median, 1), fmt(r.p25, 1), fmt(r.p75, 1), String(r.samples), fmt(r.tokensPerSec, 0),
    fmt(r.gflops, 2), ...(withPeak ? [`${(100 * r.ofPeak).toFixed(0)}% (${r.peakVariant})`] : []),
    ...ours.map((o) => (r.impl.startsWith("ours") ? "" : `${fmt(o.tokensPerSec / r.tokensPerSec, 2)}×`)),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((x, i) => (i < 1 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  console.log(line(head));
  for (const b of body) console.log(line(b));
}

// ---- main ----------------------------------------------------------------------------

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const engines: Engine[] = [await loadEngine({ variant: "simd" })];
  let relaxedNote: string | null = null;
  try {
    engines.push(await loadEngine({ variant: "relaxed" }));
  } catch (e) {
    relaxedNote = `relaxed build not measured: ${(e as Error).message}`;
    console.warn(relaxedNote);
  }
  const peakRuns: Record<string, number[]> = Object.fromEntries(engines.map((e) => [e.variant, []]));
  const measurePeaks = async () => {
    for (const e of engines) peakRuns[e.variant].push(await gemmPeak(e));
  };
  // ours with 2 threads: the faster build (bitwise the results of 1 thread, docs/threads.md)
  const mtVariant = engines[engines.length - 1].variant;
  let mtEngine: Engine | null = null;
  if (!SKIP.includes(`ours-${mtVariant}-2t`)) mtEngine = await loadEngine({ variant: mtVariant, threads: 2 });
  const torchNote = SKIP.includes("torch") ? "torch left out (BENCH_SKIP)" : torchMissing();
  if (torchNote) console.log(`PyTorch not measured: ${torchNote}`);
  await measurePeaks();
  console.log(`gemm_nt 512×512×512: ${engines.map((e) => `${e.variant} ${peakRuns[e.variant][0].toFixed(1)}`).join(", ")} GFLOP/s`);
  const allRows: { id: string; rows: Row[] }[] = [];

  const require = createRequire(import.meta.url);
  setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
  setThreadsCount(1);
  tf.enableProdMode();
  const handlers = { u: process.listeners("uncaughtException"), r: process.listeners("unhandledRejection") };
  await useBackend("cpu");
  await useBackend("wasm");
  // the emscripten glue of tfjs-backend-wasm installs handlers that rethrow; leave errors to Node
  for (const l of process.listeners("uncaughtException")) if (!handlers.u.includes(l)) process.off("uncaughtException", l);
  for (const l of process.listeners("unhandledRejection")) if (!handlers.r.includes(l)) process.off("unhandledRejection", l);

  const results: unknown[] = [];
  for (const c of CASES) {
    if (ONLY && !ONLY.includes(c.id)) continue;
    const caseStart = performance.now();
    const caseLoadStart = os.loadavg();
    const B = c.batch.srcs.length;
    const S = Math.max(...c.batch.srcs.map((s) => s.length));
    const T = Math.max(...c.batch.tgts.map((s) => s.length));
    const tokens = c.batch.tgts.reduce((s, t) => s + t.length, 0);
    const fl = forwardFlops(c.config, B, S, T);
    const stepFlops = 3 * fl.total;
    const params = paramSpecs(c.config).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    console.log(`\n${c.title}\n  ${params.toLocaleString("en")} parameters; batch B=${B}, padded S=${S}, T=${T}, ${tokens} target tokens; ` +
      `${(stepFlops / 1e9).toFixed(2)} GFLOP per step (3 × forward matrix-product flops)`);

    // ---- our models (same initial weights in every build) and their first-batch loss ----
    const ourEngines = mtEngine ? [...engines, mtEngine] : engines;
    const marks = ourEngines.map((e) => e.arena.mark());
    const ours = ourEngines.map((e) => makeOurs(e, c));
    const oursId = (o: Ours) => `ours-${o.engine.variant}${o.engine.threads > 1 ? `-${o.engine.threads}t` : ""}` as ImplId;
    const check: Record<string, { loss: number; relDiff: number; gradRelDiff?: number; gradWorst?: string; note?: string }> = {};
    for (const o of ours) {
      o.grads.zero();
      check[oursId(o)] = { loss: lossAndGrads(o.model, o.grads, c.batch, {}).loss, relDiff: 0 };
    }
    const ref = check["ours-simd"].loss;
    for (const o of ours) {
      const ch = check[oursId(o)];
      ch.relDiff = Math.abs(ch.loss - ref) / Math.abs(ref);
      console.log(`  check ${oursId(o)}: first-batch loss ${ch.loss.toFixed(7)}`);
    }
    const impls: Impl[] = ours.map((o) => ({
      id: oursId(o), budget: c.budgets.ours, step: () => void o.step(), dispose: () => {},
    }));

    // ---- PyTorch: our initial weights and the batch through files; its first-batch loss checked per pass ----
    let torchInfo: { torch: string; blas: string[] } | null = null;
    let torchDir: string | null = null;
    if (!torchNote) {
      const dir = mkdtempSync(join(os.tmpdir(), "s2s-train-bench-"));
      torchDir = dir;
      writeFileSync(join(dir, "weights.safetensors"), ours[0].model.toBytes());
      writeFileSync(join(dir, "batch.json"), JSON.stringify(c.batch));
      for (const threads of [1, 2]) {
        const id: ImplId = threads === 1 ? "torch" : "torch-2t";
        if (SKIP.includes(id)) continue;
        impls.push({
          id, budget: c.budgets.torch, step: () => {}, dispose: () => {},
          pass: async (warm) => {
            const r = await torchPass(dir, threads, c.budgets.torch, warm);
            const rel = Math.abs(r.firstLoss - ref) / Math.abs(ref);
            if (!(rel < 1e-4)) throw new Error(`case ${c.id}: ${id} first-batch loss ${r.firstLoss} differs from ours ${ref} (rel ${rel}): the PyTorch model is wrong`);
            if (!check[id]) console.log(`  check ${id}: first-batch loss ${r.firstLoss.toFixed(7)} (rel diff to ours-simd ${rel.toExponential(2)}); torch ${r.torch}, ${r.threads} thread(s), BLAS ${r.blas.join(", ")}`);
            check[id] = { loss: r.firstLoss, relDiff: rel };
            torchInfo = { torch: r.torch, blas: r.blas };
            return r.samples;
          },
        });
      }
    }

    // ---- tfjs models: checked against ours before timing ----
    const tfjsIds: TfjsId[] = (c.tfjs ?? (["tfjs-wasm-xnn", "tfjs-wasm", "tfjs-cpu"] as const)).filter((id) => !SKIP.includes(id));
    for (const id of tfjsIds) {
      const backend = id === "tfjs-cpu" ? "cpu" : "wasm";
      await useBackend(backend);
      const m = new TfSeq2Seq(c.config, (name) => ours[0].model.view(name), { xnnGrad: id === "tfjs-wasm-xnn" });
      const b = makeTfBatch(c.config, c.batch.srcs, c.batch.tgts);
      const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
      const vars = m.varList();
      const fail = (loss: number) => {
        const rel = Math.abs(loss - ref) / Math.abs(ref);
        if (!(rel < 1e-4)) throw new Error(`case ${c.id}: ${id} first-batch loss ${loss} differs from ours ${ref} (rel ${rel}): the tfjs model is wrong`);
        return rel;
      };
      let pendingCheck = c.checkInFirstStep.includes(id);
      if (!pendingCheck) {
        const loss = tf.tidy(() => m.loss(b).dataSync()[0]);
        const rel = fail(loss);
        const g = gradCheck(m, b, ours[0]);
        check[id] = { loss, relDiff: rel, gradRelDiff: g.worst, gradWorst: g.name };
        console.log(`  check ${id}: first-batch loss ${loss.toFixed(7)} (rel diff to ours-simd ${rel.toExponential(2)}); ` +
          `gradients: max |diff| / max |grad| ${g.worst.toExponential(2)} (${g.name})`);
        if (!(g.worst < 1e-3)) throw new Error(`case ${c.id}: ${id} gradients differ from ours (${g.worst} in ${g.name})`);
      }
      impls.push({
        id, backend, budget: c.budgets[id],
        step: () => {
          if (!pendingCheck) {
            opt.minimize(() => m.loss(b), false, vars);
            return;
          }
          // the first step's cost is the loss at the initial weights
          const cost = opt.minimize(() => m.loss(b), true, vars)!;
          const loss = cost.dataSync()[0];
          cost.dispose();
          pendingCheck = false;
          check[id] = { loss, relDiff: Math.abs(loss - ref) / Math.abs(ref), note: "loss of the first timed step; gradients not compared (too slow)" };
          console.log(`  check ${id}: first-batch loss ${loss.toFixed(7)} (rel diff to ours-simd ${check[id].relDiff.toExponential(2)}; from the first timed step)`);
          fail(loss);
        },
        dispose: () => {
          opt.dispose();
          m.dispose();
          disposeTfBatch(b);
        },
      });
    }

    // ---- timing: ours and tfjs-wasm-xnn in interleaved rounds, the slow ones in one pass ----
    const pooled = new Map<ImplId, number[]>(impls.map((im) => [im.id, []]));
    const run = async (im: Impl, round: number) => {
      if (im.backend) await useBackend(im.backend);
      const s = im.pass ? await im.pass(round === 0) : await samples(`${c.id} ${im.id}`, im.step, im.budget, round === 0);
      pooled.get(im.id)!.push(...s);
      const sorted = [...s].sort((x, y) => x - y);
      console.log(`  ${im.id}${im.budget.iterations > 1 ? ` round ${round + 1}` : ""}: median ${quantile(sorted, 0.5).toFixed(1)} ms/step over ${s.length} steps`);
    };
    const interleaved = impls.filter((im) => im.id.startsWith("ours") || im.id.startsWith("torch") || im.id === "tfjs-wasm-xnn");
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? interleaved : [...interleaved].reverse();
      for (const im of order) await run(im, round);
      await measurePeaks();
    }
    for (const im of impls) if (!interleaved.includes(im)) await run(im, 0);
    for (const im of impls) {
      if (im.backend) await useBackend(im.backend);
      im.dispose();
    }
    ourEngines.forEach((e, i) => e.arena.release(marks[i]));
    if (torchDir) rmSync(torchDir, { recursive: true, force: true });

    const rows: Row[] = impls.map((im) => {
      const s = pooled.get(im.id)!.sort((x, y) => x - y);
      const median = quantile(s, 0.5);
      const gf = stepFlops / (median * 1e6);
      const pv = im.id.startsWith("ours-") ? im.id.slice(5).replace(/-\dt$/, "") : "";
      return {
        impl: im.id, median, p25: quantile(s, 0.25), p75: quantile(s, 0.75), min: s[0], samples: s.length,
        tokensPerSec: tokens / (median / 1e3), gflops: gf, ofPeak: NaN, peakVariant: pv, // ofPeak: set at the end
      };
    });
    console.log();
    printTable(rows, false);
    allRows.push({ id: c.id, rows });
    // the tfjs target is single-threaded (tfjs-wasm runs 1 thread): the best 1-thread build
    const best = rows.filter((r) => r.impl.startsWith("ours") && !r.impl.endsWith("-2t")).reduce((a, r) => (r.tokensPerSec > a.tokensPerSec ? r : a));
    const ratios: Record<string, number> = {};
    for (const o of rows.filter((r) => r.impl.startsWith("ours"))) {
      for (const r of rows.filter((q) => !q.impl.startsWith("ours"))) ratios[`${o.impl}/${r.impl}`] = o.tokensPerSec / r.tokensPerSec;
    }
    let target: unknown = null;
    if (c.minRatioWasm !== undefined) {
      const vs = (id: ImplId) => ratios[`${best.impl}/${id}`];
      target = { oursOverTfjsWasm: c.minRatioWasm, best: best.impl, vsTfjsWasm: vs("tfjs-wasm") ?? null, vsTfjsWasmXnn: vs("tfjs-wasm-xnn") ?? null,
        metVsTfjsWasm: vs("tfjs-wasm") === undefined ? null : vs("tfjs-wasm") >= c.minRatioWasm,
        metVsTfjsWasmXnn: vs("tfjs-wasm-xnn") === undefined ? null : vs("tfjs-wasm-xnn") >= c.minRatioWasm };
      for (const id of ["tfjs-wasm", "tfjs-wasm-xnn"] as const) {
        if (vs(id) !== undefined) console.log(`target ${best.impl} ≥ ${c.minRatioWasm}× ${id}: ${vs(id) >= c.minRatioWasm ? "met" : "NOT met"} (${vs(id).toFixed(2)}×)`);
      }
    }
    const torchBest = rows.filter((r) => r.impl.startsWith("torch")).reduce<Row | null>((a, r) => (!a || r.tokensPerSec > a.tokensPerSec ? r : a), null);
    const torchTargets = (c.torchTargets ?? []).map((t) => {
      const o = rows.find((r) => r.impl === (t.ours === "ours-2t" ? `ours-${mtVariant}-2t` : t.ours));
      const v = t.vs === "torch-best" ? torchBest : rows.find((r) => r.impl === t.vs);
      const ratio = o && v ? o.tokensPerSec / v.tokensPerSec : null;
      const line = { ours: o?.impl ?? t.ours, vs: t.vs === "torch-best" ? `torch best (${v?.impl ?? "none"})` : t.vs, min: t.min, ratio, met: ratio === null ? null : ratio >= t.min };
      console.log(`target ${line.ours} ≥ ${t.min}× ${line.vs}: ${ratio === null ? "not measured" : `${ratio >= t.min ? "met" : "NOT met"} (${ratio.toFixed(2)}×)`}`);
      return line;
    });
    results.push({
      id: c.id, title: c.title, beside: c.beside ?? null, torch: torchInfo, torchTargets, minOfPeak: c.minOfPeak ?? null, config: c.config, data: c.dataNote, B, S, T, targetTokens: tokens, parameters: params,
      gflopPerStep: stepFlops / 1e9, forwardGflopByPart: Object.fromEntries(Object.entries(fl.parts).map(([k, v]) => [k, v / 1e9])),
      check, rows, ratios, target,
      notes: c.checkInFirstStep.length ? `${c.checkInFirstStep.join(", ")}: one step each (a step takes tens of seconds to minutes), no warm-up` : "",
      seconds: (performance.now() - caseStart) / 1e3,
      /** the run that measured this case (kept per case: BENCH_MERGE mixes runs); date and gemmPeakGflops set at the end */
      measured: { date: "", cpu: machineInfo(caseLoadStart).cpu, loadavgStart: caseLoadStart, loadavgEnd: os.loadavg(), gemmPeakGflops: {} as Record<string, number> },
    });
  }

  // fraction of the GEMM peak: ours against its own build, tfjs against the faster build
  await measurePeaks();
  const peaks = Object.fromEntries(Object.entries(peakRuns).map(([v, xs]) => [v, Math.max(...xs)]));
  const bestVariant = Object.entries(peaks).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  console.log(`\nsummary; gemm_nt 512³ peak (best of ${peakRuns.simd.length} measurements): ` +
    `${Object.entries(peaks).map(([v, g]) => `${v} ${g.toFixed(1)}`).join(", ")} GFLOP/s`);
  for (const { id, rows } of allRows) {
    for (const r of rows) {
      if (!r.peakVariant) r.peakVariant = bestVariant;
      r.ofPeak = r.gflops / peaks[r.peakVariant];
    }
    console.log(`\ncase (${id})`);
    printTable(rows, true);
    const res = results.find((x) => (x as { id: string }).id === id) as { minOfPeak: number | null; ofPeakTarget?: unknown };
    const relaxed = rows.find((r) => r.impl === "ours-relaxed") ?? rows.find((r) => r.impl === "ours-simd");
    if (res.minOfPeak !== null && relaxed) {
      res.ofPeakTarget = { impl: relaxed.impl, min: res.minOfPeak, ofPeak: relaxed.ofPeak, met: relaxed.ofPeak >= res.minOfPeak };
      console.log(`target ${relaxed.impl} whole step ≥ ${(100 * res.minOfPeak).toFixed(0)}% of the gemm_nt 512³ peak: ${relaxed.ofPeak >= res.minOfPeak ? "met" : "NOT met"} (${(100 * relaxed.ofPeak).toFixed(0)}%)`);
    }
  }

  const date = new Date().toISOString();
  for (const r of results as { measured: { date: string; gemmPeakGflops: Record<string, number> } }[]) Object.assign(r.measured, { date, gemmPeakGflops: peaks });
  const cases = MERGE ? mergeCases(results as { id: string }[]) : results;
  const out = {
    benchmark: "training throughput (target tokens/s), one thread and two",
    date,
    machine: machineInfo(loadStart),
    versions: { tfjs: pkgVersion("@tensorflow/tfjs"), "tfjs-backend-wasm": pkgVersion("@tensorflow/tfjs-backend-wasm"), tinybench: pkgVersion("tinybench") },
    method: "ours: grads.zero + lossAndGrads + Optimizer(adam).step; tfjs: tf.train.adam(1e-3).minimize(loss) over the same model in tf ops " +
      "(bench/tfjs-seq2seq.ts): tfjs-wasm = wasm backend, 1 thread, stock tf.matMul gradients; tfjs-wasm-xnn = the same with a custom " +
      "matMul gradient that keeps the backward in XNNPACK; tfjs-cpu = cpu backend. No clipping, dropout or label smoothing; the same batch " +
      "every step. torch = PyTorch (bench/torch_train.py: nn.LSTM (nn.GRU) over packed sequences, an nn.LSTMCell (nn.GRUCell) step loop, F.cross_entropy(ignore_index=0), " +
      "torch.optim.Adam) on OpenBLAS with set_num_threads(1) and OPENBLAS_NUM_THREADS=1; torch-2t and ours-…-2t: 2 threads. " +
      "Ours, torch and tfjs-wasm-xnn are timed in interleaved rounds (samples pooled). GFLOP/s = 3 × forward matrix-product flops " +
      "at padded sizes / median step time; peak = 512³ gemm_nt of the same run (best of 3 short passes), one thread: two-thread rows can pass 100%.",
    gemmPeakGflops: peaks,
    gemmPeakRuns: peakRuns,
    relaxed: relaxedNote,
    torch: torchNote,
    cases,
    seconds: (performance.now() - t0) / 1e3,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  await writeFileAtomic(OUT, new TextEncoder().encode(JSON.stringify(out, null, 2) + "\n"));
  mtEngine?.close();
  console.log(`\nwrote ${OUT} (${out.seconds.toFixed(0)} s)`);
}

/**
 * BENCH_MERGE: this run's cases, and those of the existing OUT it left out (in
 * CASES order); a kept case without its own `measured` gets its run's date, load and peaks.
 */
function mergeCases(fresh: { id: string }[]): unknown[] {
  if (!existsSync(OUT)) return fresh;
  const old = JSON.parse(readFileSync(OUT, "utf8")) as {
    date: string; machine: { cpu: string; loadavgStart: number[]; loadavgEnd: number[] }; gemmPeakGflops: Record<string, number>;
    cases: { id: string; measured?: unknown }[];
  };
  const byId = new Map<string, unknown>();
  for (const c of old.cases) {
    byId.set(c.id, c.measured ? c : {
      ...c, measured: { date: old.date, cpu: old.machine.cpu, loadavgStart: old.machine.loadavgStart, loadavgEnd: old.machine.loadavgEnd, gemmPeakGflops: old.gemmPeakGflops },
    });
  }
  for (const c of fresh) byId.set(c.id, c);
  const order = (id: string) => { const i = CASES.findIndex((c) => c.id === id); return i < 0 ? CASES.length : i; };
  const kept = [...byId.keys()].filter((id) => !fresh.some((c) => c.id === id));
  if (kept.length) console.log(`BENCH_MERGE: kept case${kept.length > 1 ? "s" : ""} ${kept.join(", ")} of ${OUT}`);
  return [...byId.entries()].sort((a, b) => order(a[0]) - order(b[0])).map(([, c]) => c);
}

await main();
