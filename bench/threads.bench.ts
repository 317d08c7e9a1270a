// Worker-pool benchmark (docs/threads.md): the same work on
// an engine with 1 thread and with 2 (loadEngine({ threads: 2 }), default
// pool settings), in the same run, in interleaved rounds (samples pooled):
//
//   train      tokens/s of full training steps (grads.zero + lossAndGrads +
//              Adam step) on config (b) of bench/train.bench.ts: E=256, He=256
//              bi, Hd=512, A=512 additive, luong + input feeding, V=8000, B=64,
//              lengths 10–18 (same random batch). Target: 2 threads ≥ 1.6× 1.
//   translate  sentences/s of batched beam-5 search (searchIds, 32 sentences
//              per batch) on the same reference model with random weights,
//              200 random sentences of 5–30 tokens (with EOS).
//   gemm       gemm_nt, gemm_nn, gemm_tn at growing sizes with 1 and 2 threads
//              (pool threshold off): where splitting starts to pay, which is
//              what DEFAULT_MIN_WORK (src/engine/pool.ts) is set from.
//
// Before timing, the 2-thread engine must reproduce the 1-thread loss and
// translations exactly (bitwise): a pool that is fast but wrong fails here.
//
//   npm run bench:threads [-- --quick]
//   node --experimental-wasm-relaxed-simd --import tsx bench/threads.bench.ts [--quick]
//
// Full run: 3 rounds × 3 training steps and 2 rounds × 200 sentences per
// engine, about 3–4 minutes on an idle machine. --quick: one round, 2 steps,
// 40 sentences (about a minute); numbers are noisier. Env: BENCH_OUT (default bench/results/threads.json), S2S_WASM.
// Two threads need two idle cores: the JSON records the load average.

import { Bench } from "tinybench";
import { machineInfo } from "./machine.js";
import { quantile } from "./stats.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import type { Engine } from "../src/engine/engine.js";
import { threadedEngine } from "../src/engine/threaded.js";
import { spawnNodeWorker } from "../src/engine/pool-node.js";
import { DEFAULT_MIN_WORK } from "../src/engine/pool.js";
import { EOS, NUM_SPECIALS, parseConfig } from "../src/model/config.js";
import { Model } from "../src/model/model.js";
import { lossAndGrads, type BatchIds } from "../src/train/backprop.js";
import { Grads } from "../src/train/grads.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { Optimizer } from "../src/train/optim.js";
import { searchIds } from "../src/decode/search.js";

const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes("--quick");
const OUT = process.env.BENCH_OUT ?? join(here, "results", "threads.json");
const TRAIN_ROUNDS = QUICK ? 1 : 3;
const TRANSLATE_ROUNDS = QUICK ? 1 : 2; // a pass over 200 sentences takes 10–20 s
const TRAIN_STEPS = QUICK ? 2 : 3; // timed steps per engine per round (after the checked first step and, unless quick, one warm-up step)
const WARMUP = QUICK ? 0 : 1; // untimed calls per engine before round 1
const SENTENCES = QUICK ? 40 : 200;

const CONFIG = parseConfig({
  src_vocab_size: 8000, tgt_vocab_size: 8000, emb_dim: 256, enc_hidden: 256, bidirectional: true,
  dec_hidden: 512, attn_dim: 512, attention: "additive", decoder_style: "luong", input_feed: true,
});

function randomIds(rand: () => number, V: number, lo: number, hi: number): number[] {
  const n = lo + Math.floor(rand() * (hi - lo + 1));
  return [...Array.from({ length: n - 1 }, () => NUM_SPECIALS + Math.floor(rand() * (V - NUM_SPECIALS))), EOS];
}

/** bench/train.bench.ts's batch of config (b): seed 22, B = 64, lengths 10–18 with EOS. */
function trainBatch(): BatchIds {
  const rand = mulberry32(22);
  const srcs: number[][] = [], tgts: number[][] = [];
  for (let b = 0; b < 64; b++) {
    const lo = 10, hi = 18;
    const int = (a: number, z: number) => a + Math.floor(rand() * (z - a + 1));
    const sentence = (V: number) => [...Array.from({ length: int(lo, hi) - 1 }, () => int(NUM_SPECIALS, V - 1)), EOS];
    srcs.push(sentence(8000));
    tgts.push(sentence(8000));
  }
  return { srcs, tgts };
}

function stats(xs: number[]): { median: number; p25: number; p75: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), n: s.length };
}

/** ms per call of `fn`: `iterations` timed calls after `warmup` untimed ones (tinybench). */
async function time(name: string, fn: () => void, iterations: number, warmup: number): Promise<number[]> {
  const bench = new Bench({ name, time: 1, iterations, warmup: warmup > 0, warmupTime: 0, warmupIterations: warmup, retainSamples: true, throws: true });
  bench.add(name, fn, { async: false });
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== "completed") throw new Error(`${name} did not complete (${r.state})`);
  return [...r.latency.samples!];
}

/** Fraction of the split GEMMs' chunks that ran on workers since `before` (null: no pool). 0.5 of 2 threads is an even share. */
function workerShare(e: Engine, before: ReturnType<Engine["threadStats"]>): number | null {
  const now = e.threadStats();
  if (!now || !before) return null;
  const chunks = now.chunks - before.chunks;
  return chunks > 0 ? (now.workerChunks - before.workerChunks) / chunks : 0;
}

interface Trainee { engine: Engine; step(): number }

function trainee(engine: Engine, batch: BatchIds): Trainee {
  const model = Model.create(engine, CONFIG);
  initialize(model, { kind: "uniform", range: 0.1 }, 1234);
  const grads = new Grads(model);
  const opt = new Optimizer(model, grads, { kind: "adam" });
  return {
    engine,
    step() {
      grads.zero();
      const r = lossAndGrads(model, grads, batch, {});
      opt.step(1e-3);
      return r.loss;
    },
  };
}

/** Interleaved rounds over the engines (order reversed every round); samples (ms) pooled per engine. */
async function rounds<T extends { engine: Engine }>(n: number, items: T[], run: (x: T, warm: number) => Promise<number[]>): Promise<number[][]> {
  const pooled = items.map(() => [] as number[]);
  for (let r = 0; r < n; r++) {
    const order = r % 2 === 0 ? items.map((_, i) => i) : items.map((_, i) => items.length - 1 - i);
    for (const i of order) pooled[i].push(...(await run(items[i], r === 0 ? WARMUP : 0)));
  }
  return pooled;
}

async function benchTrain(engines: Engine[]) {
  const batch = trainBatch();
  const tokens = batch.tgts.reduce((s, t) => s + t.length, 0);
  const ts = engines.map((e) => trainee(e, batch));
  // correctness first: the same first-step loss, bit for bit (both models start from the same weights)
  const losses = ts.map((t) => t.step());
  if (!Object.is(losses[0], losses[1])) throw new Error(`2 threads: loss ${losses[1]} ≠ 1 thread: ${losses[0]}`);
  const before = engines.map((e) => e.threadStats());
  const samples = await rounds(TRAIN_ROUNDS, ts, (t, warm) => time(`train ${t.engine.threads}t`, () => void t.step(), TRAIN_STEPS, warm));
  const rows = samples.map((s, i) => {
    const st = stats(s);
    return { threads: engines[i].threads, ...st, tokensPerSec: tokens / (st.median / 1e3), workerShare: workerShare(engines[i], before[i]) };
  });
  return { targetTokens: tokens, firstLoss: losses[0], rows, ratio: rows[1].tokensPerSec / rows[0].tokensPerSec, target: 1.6 };
}

async function benchTranslate(engines: Engine[]) {
  const rand = mulberry32(31);
  const srcs = Array.from({ length: SENTENCES }, () => randomIds(rand, 8000, 5, 30));
  const models = engines.map((engine) => {
    const m = Model.create(engine, CONFIG);
    initialize(m, { kind: "uniform", range: 0.1 }, 99);
    return { engine, m };
  });
  const opts = { beam: 5, batchSentences: 32, attention: false };
  const check = srcs.slice(0, 8);
  const [h1, h2] = models.map((x) => JSON.stringify(searchIds(x.m, check, opts)));
  if (h1 !== h2) throw new Error("2 threads translate differently from 1 thread");
  const before = engines.map((e) => e.threadStats());
  const samples = await rounds(TRANSLATE_ROUNDS, models, (x) => time(`translate ${x.engine.threads}t`, () => void searchIds(x.m, srcs, opts), 1, 0)); // the checked search above warmed up
  const rows = samples.map((s, i) => {
    const st = stats(s);
    return { threads: engines[i].threads, ...st, sentencesPerSec: SENTENCES / (st.median / 1e3), workerShare: workerShare(engines[i], before[i]) };
  });
  return { sentences: SENTENCES, beam: 5, batchSentences: 32, rows, ratio: rows[1].sentencesPerSec / rows[0].sentencesPerSec };
}

/** 1- and 2-thread times of single GEMMs at growing M·N·K, the pool's threshold off. */
async function benchGemm(one: Engine, variant: Engine["variant"]) {
  const module = await WebAssembly.compile(readFileSync(join(here, "..", `build/kernels.${variant}-mt.wasm`)));
  const two = await threadedEngine(module, variant, 2, spawnNodeWorker, {}, { minWork: 0 });
  // training-like shapes: M = batch rows, N = output width, K = input width
  const shapes: [number, number, number][] = QUICK
    ? [[16, 64, 64], [32, 128, 128], [64, 256, 256], [64, 1024, 512]]
    : [[8, 32, 32], [16, 64, 64], [32, 64, 128], [32, 128, 128], [64, 128, 128], [64, 256, 256], [64, 512, 512], [64, 1024, 512], [64, 2048, 512]];
  const rows = [];
  for (const [M, N, K] of shapes) {
    for (const kind of ["nt", "nn", "tn"] as const) {
      const ms: number[] = [];
      for (const e of [one, two]) {
        const a = e.arena, mark = a.mark();
        const A = a.zerosF32(M * K), B = a.zerosF32(K * N), C = a.zerosF32(M * N);
        const fn = kind === "nt" ? () => e.kernels.gemm_nt(M, N, K, A, K, B, K, C, N, 0, 0)
          : kind === "nn" ? () => e.kernels.gemm_nn(M, N, K, A, K, B, N, C, N, 0, 0)
            : () => e.kernels.gemm_tn(M, N, K, A, M, B, N, C, N, 0, 0);
        const reps = Math.max(3, Math.min(2000, Math.round(2e8 / (M * N * K))));
        const s = await time(`gemm_${kind} ${M}x${N}x${K}`, fn, reps, Math.min(reps, 20));
        ms.push(stats(s).median);
        a.release(mark);
      }
      rows.push({ kind, M, N, K, work: M * N * K, ms1: ms[0], ms2: ms[1], speedup: ms[0] / ms[1] });
    }
  }
  two.close();
  return { defaultMinWork: DEFAULT_MIN_WORK, rows };
}

function share(x: number | null): string {
  return x === null ? "" : `; workers ran ${(100 * x).toFixed(0)}% of the chunks`;
}

async function main() {
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const one = await loadEngine();
  const two = await loadEngine({ threads: 2 });
  console.log(`kernels: ${one.variant}; ${os.cpus().length} cores; load average ${loadStart.map((x) => x.toFixed(2)).join(" ")}${QUICK ? "; --quick" : ""}`);

  const gemm = await benchGemm(one, one.variant);
  console.log("\ngemm (ms per call; 2-thread pool with its threshold off)");
  console.log("kind  M×N×K              1 thread   2 threads  speedup");
  for (const r of gemm.rows) {
    console.log(`${r.kind.padEnd(5)} ${`${r.M}×${r.N}×${r.K}`.padEnd(18)} ${r.ms1.toFixed(3).padStart(9)} ${r.ms2.toFixed(3).padStart(10)}  ${r.speedup.toFixed(2)}×${r.work < DEFAULT_MIN_WORK ? "  (below the default threshold)" : ""}`);
  }

  const train = await benchTrain([one, two]);
  console.log(`\ntrain, config (b), ${train.targetTokens} target tokens per step`);
  for (const r of train.rows) console.log(`  ${r.threads} thread${r.threads > 1 ? "s" : " "}  median ${r.median.toFixed(0)} ms (p25 ${r.p25.toFixed(0)}, p75 ${r.p75.toFixed(0)}, n ${r.n})  ${r.tokensPerSec.toFixed(0)} tokens/s${share(r.workerShare)}`);
  console.log(`  2 threads / 1 thread: ${train.ratio.toFixed(2)}× (target ≥ ${train.target}×)`);

  const translate = await benchTranslate([one, two]);
  console.log(`\ntranslate, beam 5, ${translate.sentences} sentences of 5–30 tokens, random weights`);
  for (const r of translate.rows) console.log(`  ${r.threads} thread${r.threads > 1 ? "s" : " "}  median ${(r.median / 1e3).toFixed(1)} s (n ${r.n})  ${r.sentencesPerSec.toFixed(1)} sentences/s${share(r.workerShare)}`);
  console.log(`  2 threads / 1 thread: ${translate.ratio.toFixed(2)}×`);
  two.close();

  const out = {
    benchmark: "worker threads: 1 vs 2 threads in the same run",
    date: new Date().toISOString(),
    quick: QUICK,
    machine: machineInfo(loadStart),
    variant: one.variant,
    method: "interleaved rounds (order reversed each round), samples pooled, medians; workerShare = fraction of the split GEMMs' chunks " +
      "that ran on the worker (0.5 = an even share; far less means the worker rarely had a core); the 2-thread engine is checked to reproduce " +
      "the 1-thread loss and beam-search output exactly before timing. train: grads.zero + lossAndGrads + Adam step on config (b); " +
      "translate: searchIds beam 5, 32 sentences per batch, no attention output.",
    train, translate, gemm,
    seconds: (performance.now() - t0) / 1e3,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(out, null, 2) + "\n");
  console.log(`\nwrote ${OUT} (${out.seconds.toFixed(0)} s)`);
}

await main();
