// End-to-end translation benchmark: the reference model (bench/reference.ts)
// translating Multi30k-like sentences, greedy and beam 5, one sentence at a
// time and batched, with our two builds and, in the same run, the same model
// loaded from the same safetensors file into @tensorflow/tfjs (wasm and cpu
// backends) and onnxruntime-web (wasm; the model exported to ONNX by
// `s2s export-onnx`'s exportOnnx). Every runtime is driven by the same beam
// search (src/decode/search.ts over a Stepper), and each baseline is first
// checked to produce the same output ids as ours on its sentences.
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/translate.bench.ts [--quick]
//
// Env: S2S_DATA (the Multi30k directory: real test sentences), BENCH_MODEL (a
// trained model of the reference shape), BENCH_SENTENCES (default 1000),
// BENCH_ONLY (comma list of runtime ids), BENCH_MODES (comma list of mode ids),
// BENCH_OUT (JSON path; default bench/results/translate.json).
// Writes the JSON; bench/report.ts renders it into docs/benchmarks.md.

import { Bench } from "tinybench";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import type { Variant } from "../src/engine/kernels.js";
import { Model } from "../src/model/model.js";
import { quantizeModel } from "../src/model/quant.js";
import { writeFileAtomic } from "../src/io/atomic.js";
import { searchIds, searchWith, type SearchOptions } from "../src/decode/search.js";
import type { Stepper } from "../src/decode/stepper.js";
import { machineInfo, pkgVersion } from "./machine.js";
import { benchSentences, REFERENCE_CONFIG, referenceModelFile } from "./reference.js";
import { baselineRuntimes, type BaselineRuntime } from "./baselines/translate-runtimes.js";
import { measureMemory, type MemoryResult } from "./translate-memory.js";

const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes("--quick");
const N = Number(process.env.BENCH_SENTENCES ?? (QUICK ? 60 : 1000));
const ONLY = process.env.BENCH_ONLY?.split(",").filter(Boolean);
const MODES_ONLY = process.env.BENCH_MODES?.split(",").filter(Boolean);
const OUT = process.env.BENCH_OUT ?? join(here, "results", QUICK ? "translate-quick.json" : "translate.json");

interface Mode {
  id: string;
  title: string;
  beam: number;
  /** sentences per batch (1 = one sentence at a time) */
  batch: number;
  /** every sample-th sentence of the set is translated in this mode (by every runtime; a baseline's stride multiplies it) */
  sample: number;
}

const MODES: Mode[] = [
  { id: "greedy-single", title: "greedy, one sentence at a time", beam: 1, batch: 1, sample: 4 },
  { id: "greedy-batched", title: "greedy, batches of 32 sentences", beam: 1, batch: 32, sample: 1 },
  { id: "beam5-single", title: "beam 5, one sentence at a time", beam: 5, batch: 1, sample: 4 },
  { id: "beam5-batched", title: "beam 5, batches of 32 sentences (14 per batch × 5 beams = 70 rows)", beam: 5, batch: 32, sample: 1 },
];

/** Targets on this machine: ours ÷ baseline in sentences/s. */
const TARGETS: { mode: string; vs: string; min: number }[] = [
  { mode: "beam5-batched", vs: "tfjs-wasm", min: 5 },
  { mode: "beam5-batched", vs: "ort-wasm", min: 2 },
  { mode: "greedy-single", vs: "ort-wasm", min: 3 },
];

interface Runtime {
  id: string;
  label: string;
  ours?: Variant;
  /** ours with int8 weights (s2s quantize): ids may differ from f32 by design */
  int8?: boolean;
  /** translates with the given search options (the same search for every runtime) */
  translate(srcs: number[][], o: SearchOptions): Promise<number[][]>;
  /** every stride-th sentence of the set is timed (slow baselines get a stride) */
  stride: number;
  activate?(): Promise<void>;
  dispose(): Promise<void>;
}

interface Row {
  runtime: string;
  label: string;
  ours?: Variant;
  int8?: boolean;
  sentences: number;
  words: number;
  outputTokens: number;
  /** times the whole subset was translated; median and spread of those (ms) */
  iterations: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  sentencesPerSec: number;
  wordsPerSec: number;
  /** sentences whose ids equal ours (simd build) on the same sentences */
  agree: number;
  checked: number;
  /** ours (each build, f32) ÷ this, in sentences/s */
  vs: Partial<Record<Variant, number>>;
  /** ours with int8 weights (each build) ÷ this */
  vsInt8: Partial<Record<Variant, number>>;
}

function oursRuntime(model: Model, variant: Variant, int8 = false): Runtime {
  return {
    id: `ours-${variant}${int8 ? "-int8" : ""}`, label: `ours (${variant} build${int8 ? ", int8 weights" : ""})`, ours: variant, int8, stride: 1,
    translate: async (srcs, o) => searchIds(model, srcs, o).map((h) => h[0].ids),
    dispose: async () => {},
  };
}

function baselineRuntime(b: BaselineRuntime, stepper: Stepper): Runtime {
  return {
    id: b.id, label: b.label, stride: QUICK ? 1 : b.stride,
    translate: async (srcs, o) => (await searchWith(stepper, srcs, o)).map((h) => h[0].ids),
    activate: b.activate, dispose: () => b.dispose(),
  };
}

function every<T>(xs: T[], stride: number): T[] {
  return xs.filter((_, i) => i % stride === 0);
}

const sameIds = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Random weights almost never make EOS the best token, so outputs would run to
 * the search's maximum length (2·S + 10 tokens, three times a real
 * translation). The benchmark caps them at ⌊1·S + 0⌋ = the source length with
 * EOS, which is what translations of Multi30k captions are long; the same cap
 * for every runtime. A trained model (BENCH_MODEL) keeps the default limits.
 */
let LENGTH_LIMITS: SearchOptions = { maxLenA: 1, maxLenB: 0 };

/** One runtime × mode: a warm-up on a few sentences, a first timed pass that also checks the ids, more passes while they fit in about a minute. */
async function measure(rt: Runtime, mode: Mode, srcs: number[][], words: number[], reference: Map<number, number[]> | null): Promise<Row> {
  const idx = every(srcs.map((_, i) => i), rt.stride * (QUICK ? 1 : mode.sample));
  const sub = idx.map((i) => srcs[i]);
  const o: SearchOptions = { beam: mode.beam, batchSentences: mode.batch, attention: false, ...LENGTH_LIMITS };
  await rt.activate?.();
  await rt.translate(sub.slice(0, Math.min(sub.length, mode.batch * 2, 8)), o);
  const t0 = performance.now();
  const ids = await rt.translate(sub, o);
  const samples = [performance.now() - t0];
  let agree = 0;
  if (reference) idx.forEach((i, k) => (agree += sameIds(ids[k], reference.get(i)!) ? 1 : 0));
  const outputTokens = ids.reduce((s, x) => s + x.length, 0);
  const more = QUICK ? 1 : Math.min(4, Math.floor(60_000 / samples[0]));
  if (more > 0) {
    const bench = new Bench({ name: `${rt.id} ${mode.id}`, time: 1, iterations: more, warmup: false, retainSamples: true, throws: true });
    bench.add(rt.id, () => rt.translate(sub, o), { async: true });
    await bench.run();
    const r = bench.tasks[0].result;
    if (r.state !== "completed") throw new Error(`${rt.id} ${mode.id} did not complete (${r.state})`);
    samples.push(...r.latency.samples!);
  }
  samples.sort((a, b) => a - b);
  const medianMs = (samples[Math.floor((samples.length - 1) / 2)] + samples[Math.ceil((samples.length - 1) / 2)]) / 2;
  const w = idx.reduce((s, i) => s + words[i], 0);
  return {
    runtime: rt.id, label: rt.label, ours: rt.ours, int8: rt.int8, sentences: sub.length, words: w, outputTokens,
    iterations: samples.length, medianMs, minMs: samples[0], maxMs: samples[samples.length - 1],
    sentencesPerSec: (1000 * sub.length) / medianMs, wordsPerSec: (1000 * w) / medianMs,
    agree: reference ? agree : sub.length, checked: reference ? sub.length : 0, vs: {}, vsInt8: {},
  };
}

function fmt(x: number, d: number): string {
  return Number.isFinite(x) ? x.toFixed(d) : "";
}

function printTable(mode: Mode, rows: Row[]): void {
  console.log(`\n== ${mode.title}`);
  const head = ["runtime", "sentences", "median s", "sent/s", "words/s", "ids = ours", "ours-simd ×", "ours-relaxed ×"];
  const body = rows.map((r) => [
    r.runtime, String(r.sentences), fmt(r.medianMs / 1000, 2), fmt(r.sentencesPerSec, 1), fmt(r.wordsPerSec, 0),
    r.checked ? `${r.agree}/${r.checked}` : "ref", r.ours ? "" : fmt(r.vs.simd ?? NaN, 2), r.ours ? "" : fmt(r.vs.relaxed ?? NaN, 2),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  console.log(line(head));
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const engines = [await loadEngine({ variant: "simd" })];
  let relaxedNote = "";
  try {
    engines.push(await loadEngine({ variant: "relaxed" }));
  } catch (e) {
    relaxedNote = `relaxed build not measured: ${(e as Error).message}`;
    console.warn(relaxedNote);
  }
  const file = referenceModelFile(engines[0], process.env.BENCH_MODEL);
  if (file.trained) LENGTH_LIMITS = {};
  const bytes = new Uint8Array(readFileSync(file.path));
  const fileBytes = statSync(file.path).size;
  const set = benchSentences(N, REFERENCE_CONFIG.src_vocab_size);
  const words = set.ids.map((s) => s.length - 1);
  console.log(`model: ${file.trained ? file.path : "reference shape, random weights (uniform ±0.1, seed 1)"}, ${(fileBytes / 2 ** 20).toFixed(1)} MiB`);
  console.log(`sentences: ${set.source}; ${set.words} words`);

  // f32: packed for few-row products, as `s2s translate` loads it (Model.packForDecoding)
  const models = engines.map((e) => Model.fromBytes(e, bytes, file.path));
  for (const m of models) m.packForDecoding();
  const params = models[0].paramCount;
  const runtimes: Runtime[] = models.map((m) => oursRuntime(m, m.engine.variant));
  // the same model quantised to int8 (s2s quantize), in each build
  const int8Bytes = quantizeModel(models[0]);
  for (const e of engines) runtimes.push(oursRuntime(Model.fromBytes(e, int8Bytes, "int8 reference model"), e.variant, true));
  for (const b of await baselineRuntimes(bytes, { only: ONLY })) runtimes.push(baselineRuntime(b, b.stepper));
  const modes = MODES.filter((m) => !MODES_ONLY || MODES_ONLY.includes(m.id));
  const results: { mode: Mode; rows: Row[] }[] = [];
  for (const mode of modes) {
    const rows: Row[] = [];
    // ours (simd) first: its ids are the reference the others are checked against
    const ref = new Map<number, number[]>();
    const refIdx = every(set.ids.map((_, i) => i), QUICK ? 1 : mode.sample);
    const refIds = await runtimes[0].translate(refIdx.map((i) => set.ids[i]), { beam: mode.beam, batchSentences: mode.batch, attention: false, ...LENGTH_LIMITS });
    refIds.forEach((x, k) => ref.set(refIdx[k], x));
    for (const rt of runtimes) {
      if (ONLY && !ONLY.includes(rt.id) && !rt.ours) continue;
      process.stdout.write(`${mode.id}: ${rt.id} ...`);
      const row = await measure(rt, mode, set.ids, words, rt === runtimes[0] ? null : ref);
      process.stdout.write(` ${fmt(row.sentencesPerSec, 1)} sentences/s\n`);
      rows.push(row);
    }
    for (const r of rows) {
      for (const o of rows.filter((x) => x.ours)) (o.int8 ? r.vsInt8 : r.vs)[o.ours!] = o.sentencesPerSec / r.sentencesPerSec;
    }
    printTable(mode, rows);
    results.push({ mode, rows });
  }
  for (const rt of runtimes) await rt.dispose();

  const targets = TARGETS.flatMap((t) => {
    const rows = results.find((x) => x.mode.id === t.mode)?.rows ?? [];
    const base = rows.find((r) => r.runtime === t.vs);
    if (!base) return [];
    return rows.filter((r) => r.ours).map((r) => {
      const ratio = r.sentencesPerSec / base.sentencesPerSec;
      return { ...t, build: `${r.ours}${r.int8 ? " int8" : ""}`, ratio, met: ratio >= t.min };
    });
  });
  console.log("\nTargets:");
  for (const t of targets) console.log(`  ${t.met ? "met   " : "MISSED"} ${t.mode} ${t.build} vs ${t.vs}: ${t.ratio.toFixed(2)}× (≥ ${t.min}×)`);

  console.log("\nPeak memory (separate processes):");
  const memory: MemoryResult[] = [];
  for (const e of engines) {
    const m = await measureMemory(file.path, e.variant, QUICK ? 60 : Math.min(N, 1000));
    memory.push(m);
    console.log(`  ${e.variant}: ${m.note}`);
  }

  const json = {
    generated: new Date().toISOString(),
    machine: machineInfo(loadStart),
    settings: {
      quick: QUICK, sentences: set.ids.length, words: set.words, sentenceSource: set.source, relaxedNote, threads: 1,
      oursF32: "f32 models packed for decoding (Model.packForDecoding, as `s2s translate` loads them): products of ≤ 8 rows read column panels",
      model: { config: REFERENCE_CONFIG, trained: file.trained, fileBytes, int8FileBytes: int8Bytes.length, params },
      search: `src/decode/search.ts for every runtime: batched beam search, 2K candidates, GNMT length penalty α = 0.6, ${file.trained ? "maximum output length 2·S + 10" : "output length capped at the source length S (random weights never choose EOS: without the cap every output would run to 2·S + 10 tokens)"}; attention rows not kept`,
      libraries: {
        tinybench: pkgVersion("tinybench"), "@tensorflow/tfjs": pkgVersion("@tensorflow/tfjs"),
        "@tensorflow/tfjs-backend-wasm": pkgVersion("@tensorflow/tfjs-backend-wasm"), "onnxruntime-web": pkgVersion("onnxruntime-web"),
      },
    },
    modes: results.map(({ mode, rows }) => ({ ...mode, rows })),
    targets,
    memory,
    durationS: (performance.now() - t0) / 1000,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  await writeFileAtomic(OUT, new TextEncoder().encode(JSON.stringify(json, null, 2) + "\n"));
  console.log(`\nwrote ${OUT} (${json.durationS.toFixed(0)} s)`);
}

await main();
