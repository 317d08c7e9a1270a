// PyTorch DDP trainer (tools/torch/train.py) beside the engine's trainer on
// this machine: target tokens per second of full training steps (forward,
// backward, gradient all-reduce, clipping at 5, Adam) on the same model and
// the same batches:
//   engine, 1 thread     s2s train's step (lossAndGrads + clip + Adam), loadEngine({ threads: 1 })
//   engine, 2 threads    the same on loadEngine({ threads: 2 }) (docs/threads.md)
//   torch, 1 process     python3 tools/torch/train.py --threads 1
//   torch, 2 processes   torchrun --nproc_per_node 2 (gloo), 1 thread each, the global batch split in two
// Model: config (b) of bench/train.bench.ts (E=256, He=256 bi, Hd=512, A=512
// additive, luong with input feeding, vocabularies of 8,000); global batches
// of 64 sentences of random ids, lengths 10–18, made by the engine's batcher
// (shuffled, seed 1), which the PyTorch trainer reproduces. Both start from
// the same weights (s2s train's seeded uniform ±0.1): the first step's losses
// are checked to agree before the numbers are kept.
//
// Each run takes WARMUP + STEPS steps; the first WARMUP are dropped and the
// per-step rates of the others pooled over BENCH_ROUNDS rounds (order
// reversed each round); medians. PyTorch's step times come from the
// trainer's --step-times (wall time of each step on rank 0, which waits for
// the all-reduce); start-up (torch import, process launch, rendezvous) is
// not counted.
//
//   npm run bench:ddp
//   node --experimental-wasm-relaxed-simd --import tsx bench/ddp.bench.ts
//
// Env: BENCH_OUT (default bench/results/ddp.json), BENCH_ROUNDS (default 2),
// BENCH_STEPS (timed steps per run, default 8). Needs /usr/bin/python3 with
// torch (Debian: python3-torch libopenblas0-pthread).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./machine.js";
import { quantile } from "./stats.js";
import { loadEngine } from "../src/engine/load-node.js";
import { EOS, NUM_SPECIALS, parseConfig } from "../src/model/config.js";
import { Model } from "../src/model/model.js";
import { lossAndGrads } from "../src/train/backprop.js";
import { makeBatches } from "../src/train/batches.js";
import { Grads } from "../src/train/grads.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { Optimizer } from "../src/train/optim.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..");
const OUT = process.env.BENCH_OUT ?? join(here, "results", "ddp.json");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STEPS = Number(process.env.BENCH_STEPS ?? 8);
const WARMUP = 2;
const PY = "/usr/bin/python3";
const B = 64, V = 8000, LR = 1e-3, CLIP = 5, SEED = 1;
const CONFIG = {
  src_vocab_size: V, tgt_vocab_size: V, emb_dim: 256, enc_hidden: 256, bidirectional: true, enc_layers: 1, dec_layers: 1,
  dec_hidden: 512, attn_dim: 512, attention: "additive", decoder_style: "luong", input_feed: true,
} as const;
const ENV = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", PYTHONDONTWRITEBYTECODE: "1" };

if (!existsSync(PY) || spawnSync(PY, ["-c", "import torch"], { env: ENV }).status !== 0) {
  console.error(`bench/ddp: needs ${PY} with torch (apt-get install python3-torch libopenblas0-pthread)`);
  process.exit(1);
}
const loadStart = os.loadavg();

// ---- data: a prepared directory of random ids (the files s2s prepare writes) -----------------
const pairsNeeded = B * (WARMUP + STEPS);
const rand = mulberry32(33);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const sentence = () => [...Array.from({ length: int(10, 18) - 1 }, () => int(NUM_SPECIALS, V - 1)), EOS];
const pairs = Array.from({ length: pairsNeeded }, () => ({ src: sentence(), tgt: sentence() }));
const tmp = mkdtempSync(join(os.tmpdir(), "s2s-ddp-bench-"));
const prep = join(tmp, "prep");
mkdirSync(prep);
const vocab = JSON.stringify(["<pad>", "<unk>", "<s>", "</s>", ...Array.from({ length: V - 4 }, (_, i) => `w${i + 4}`)]);
writeFileSync(join(prep, "prepared.json"), JSON.stringify({ format: "s2s-prepared" }) + "\n");
writeFileSync(join(prep, "tokenizer.json"), JSON.stringify({ type: "whitespace", version: 1, bpe: null }) + "\n");
writeFileSync(join(prep, "src_vocab.json"), vocab + "\n");
writeFileSync(join(prep, "tgt_vocab.json"), vocab + "\n");
writeFileSync(join(prep, "train.ids.jsonl"), pairs.map((p) => JSON.stringify(p)).join("\n") + "\n");
const batches = makeBatches(pairs.map((p) => ({ src: p.src.length, tgt: p.tgt.length })), { batchSentences: B, shuffle: true, seed: SEED, epoch: 1 });

interface Step { seconds: number; tokens: number; loss: number }
interface Impl { id: string; label: string; run: () => Promise<Step[]> }

async function engineRun(threads: number): Promise<Step[]> {
  const engine = await loadEngine({ threads });
  try {
    const model = Model.create(engine, parseConfig(CONFIG));
    initialize(model, { kind: "uniform", range: 0.1 }, SEED);
    const grads = new Grads(model);
    const opt = new Optimizer(model, grads, { kind: "adam" });
    const out: Step[] = [];
    for (let s = 0; s < WARMUP + STEPS; s++) {
      const idx = batches[s];
      const t0 = performance.now();
      grads.zero();
      const r = lossAndGrads(model, grads, { srcs: idx.map((i) => pairs[i].src), tgts: idx.map((i) => pairs[i].tgt) }, { seed: (SEED * 7919 + s) | 0 });
      opt.clip(CLIP);
      opt.step(LR);
      out.push({ seconds: (performance.now() - t0) / 1000, tokens: r.tokens, loss: r.loss });
    }
    return out;
  } finally {
    engine.close();
  }
}

function torchRun(nproc: number): Promise<Step[]> {
  const times = join(tmp, `times-${nproc}.json`);
  const args = [join(ROOT, "tools/torch/train.py"), "--data", prep, "--out", join(tmp, `m${nproc}.safetensors`), "--emb-dim", "256",
    "--enc-hidden", "256", "--dec-hidden", "512", "--attn-dim", "512", "--batch-sentences", String(B), "--steps", String(WARMUP + STEPS),
    "--seed", String(SEED), "--threads", "1", "--quiet", "--step-times", times];
  const launcher = existsSync("/usr/bin/torchrun") ? ["/usr/bin/torchrun"] : [PY, "-m", "torch.distributed.run"];
  // --redirects/--tee 1: torchrun 1.13 on Python 3.11 cannot parse their default "0"
  const cmd = nproc === 1 ? [PY, ...args] : [...launcher, "--standalone", "--nnodes", "1", "--nproc_per_node", String(nproc),
    "--redirects", "1", "--tee", "1", "--log_dir", join(tmp, `logs-${Date.now()}`), ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), { env: ENV, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed:\n${r.stderr}`);
  const info = JSON.parse(readFileSync(times, "utf8"));
  return Promise.resolve(info.steps.map((s: Step) => ({ seconds: s.seconds, tokens: s.tokens, loss: s.loss })));
}

const IMPLS: Impl[] = [
  { id: "engine-1", label: "engine (s2s train), 1 thread", run: () => engineRun(1) },
  { id: "engine-2", label: "engine (s2s train), 2 threads", run: () => engineRun(2) },
  { id: "torch-1", label: "PyTorch trainer, 1 process", run: () => torchRun(1) },
  { id: "torch-2", label: "PyTorch trainer DDP, 2 processes (gloo)", run: () => torchRun(2) },
];

const samples = new Map<string, number[]>(IMPLS.map((i) => [i.id, []]));
const stepMs = new Map<string, number[]>(IMPLS.map((i) => [i.id, []]));
const firstLoss = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? IMPLS : [...IMPLS].reverse();
  for (const impl of order) {
    const steps = await impl.run();
    firstLoss.set(impl.id, steps[0].loss);
    for (const s of steps.slice(WARMUP)) {
      samples.get(impl.id)!.push(s.tokens / s.seconds);
      stepMs.get(impl.id)!.push(s.seconds * 1000);
    }
    console.error(`round ${round + 1}: ${impl.label}: median ${quantile([...stepMs.get(impl.id)!].sort((a, b) => a - b), 0.5).toFixed(0)} ms/step`);
  }
}
const ref = firstLoss.get("engine-1")!;
for (const [id, l] of firstLoss) {
  if (Math.abs(l - ref) > 1e-4 * Math.abs(ref)) throw new Error(`${id}: first-step loss ${l} differs from the engine's ${ref}`);
}

const rows = IMPLS.map((impl) => {
  const r = [...samples.get(impl.id)!].sort((a, b) => a - b);
  const ms = [...stepMs.get(impl.id)!].sort((a, b) => a - b);
  return {
    id: impl.id, label: impl.label, n: r.length, tokensPerSec: quantile(r, 0.5), p25: quantile(r, 0.25), p75: quantile(r, 0.75),
    medianStepMs: quantile(ms, 0.5),
  };
});
const base = rows[0].tokensPerSec;
const torchVersion = spawnSync(PY, ["-c", "import torch; print(torch.__version__)"], { env: ENV, encoding: "utf8" }).stdout.trim();
const result = {
  benchmark: "PyTorch DDP trainer vs the engine's trainer: target tokens per second",
  date: new Date().toISOString(),
  machine: machineInfo(loadStart),
  settings: {
    config: CONFIG, batchSentences: B, lengths: "10–18 with EOS, random ids", optimizer: "adam", lr: LR, clip: CLIP,
    warmupSteps: WARMUP, timedSteps: STEPS, rounds: ROUNDS, firstLoss: ref,
    torch: torchVersion, blas: "OpenBLAS (Debian libopenblas0-pthread), OPENBLAS_NUM_THREADS=1",
    method: "Per-step wall time of full training steps; the first steps of each run dropped; per-step rates pooled over rounds (order reversed each round); medians. PyTorch times exclude start-up (import, launch, rendezvous).",
  },
  rows: rows.map((r) => ({ ...r, vsEngine1: r.tokensPerSec / base })),
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
rmSync(tmp, { recursive: true, force: true });
for (const r of result.rows) console.log(`${r.label.padEnd(42)} ${r.tokensPerSec.toFixed(0).padStart(7)} tok/s  ${r.medianStepMs.toFixed(0).padStart(6)} ms/step  ${r.vsEngine1.toFixed(2)}×`);
console.log(`wrote ${OUT}`);
