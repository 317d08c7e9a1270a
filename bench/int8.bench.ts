// int8 inference benchmark.
//
// (a) Speed: greedy translation one sentence at a time, f32 vs int8, on the
//     reference model of bench/reference.ts (E=256, He=256 bidirectional,
//     Hd=512, A=512 additive, luong with input feeding, 1+1 layers,
//     vocabularies 8,000; uniform ±0.1 weights from seed 1) over 200 sentences
//     of bench/reference.ts (Multi30k test lengths), outputs capped at the
//     source length as in bench/translate.bench.ts, in each build. One tinybench task per (build, weights); an iteration
//     translates the next sentence; sentences/s = 1000 / mean ms. ROUNDS passes
//     (order reversed each pass); the reported figure is the median over
//     passes. Also the file sizes of both models.
// (b) BLEU: the trained De→En RNNsearch of the experiments on Multi30k
//     test_2016_flickr, f32 vs int8, greedy and beam 5 (alpha 0.6, lowercased
//     13a BLEU as src/experiments/runner.ts). Skipped with a message when the
//     model or the data are absent.
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/int8.bench.ts
//
// Env: BENCH_OUT (JSON, default bench/results/int8.json), BENCH_ROUNDS (3),
//      BENCH_TIME_MS (per task and pass, 3000), BENCH_ONLY (a,b),
//      BENCH_MODEL (b's model; default runs/experiments/de-en/rnnsearch/model.safetensors,
//      written by npm run experiments), BENCH_PREP (b's prepared dir; default
//      runs/experiments/de-en/prep), S2S_DATA (the Multi30k directory).

import { Bench } from "tinybench";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import type { Engine } from "../src/engine/engine.js";
import { Model } from "../src/model/model.js";
import { quantizeModel } from "../src/model/quant.js";
import { searchIds } from "../src/decode/search.js";
import { loadModelFromFile } from "../src/model/load-file.js";
import { machineInfo } from "./machine.js";
import { median } from "./stats.js";
import { benchSentences, REFERENCE_CONFIG, referenceModelFile } from "./reference.js";
import { TextPipeline } from "../src/pipeline/tokenizer.js";
import { encodeSources, translateSources } from "../src/experiments/decode.js";
import { loadMulti30k } from "../src/data/multi30k.js";
import { corpusBleu } from "../src/eval/bleu.js";

const here = dirname(fileURLToPath(import.meta.url));
const OUT = process.env.BENCH_OUT ?? join(here, "results", "int8.json");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 3000);
const ONLY = process.env.BENCH_ONLY?.split(",").filter(Boolean);
const root = join(here, "..");
const MODEL_B = process.env.BENCH_MODEL ?? join(root, "runs", "experiments", "de-en", "rnnsearch", "model.safetensors");
const PREP_B = process.env.BENCH_PREP ?? join(root, "runs", "experiments", "de-en", "prep");
const DATA_B = process.env.S2S_DATA ?? "";
/** as bench/translate.bench.ts: random weights never choose EOS; outputs stop at the source length */
const LENGTH_LIMITS = { maxLenA: 1, maxLenB: 0 };

const r2 = (x: number) => Math.round(x * 100) / 100;

async function engines(): Promise<Engine[]> {
  const list = [await loadEngine({ variant: "simd" })];
  try {
    list.push(await loadEngine({ variant: "relaxed" }));
  } catch {
    console.log("relaxed build not available (run node with --experimental-wasm-relaxed-simd): simd only");
  }
  return list;
}

async function speed(): Promise<Record<string, unknown>> {
  const set = benchSentences(200, REFERENCE_CONFIG.src_vocab_size);
  const sources = set.ids;
  const engs = await engines();
  const file = referenceModelFile(engs[0]);
  let f32Bytes = 0, int8Bytes = 0;
  const models: { variant: string; kind: "f32" | "int8"; model: Model }[] = [];
  for (const eng of engs) {
    const f32 = loadModelFromFile(eng, file.path);
    const qbytes = quantizeModel(f32);
    f32.packForDecoding(); // the fastest f32 path, as `s2s translate` loads it
    f32Bytes = statSync(file.path).size;
    int8Bytes = qbytes.length;
    models.push({ variant: eng.variant, kind: "f32", model: f32 }, { variant: eng.variant, kind: "int8", model: Model.fromBytes(eng, qbytes, "int8") });
  }
  console.log(`(a) reference model: f32 file ${(f32Bytes / 2 ** 20).toFixed(1)} MiB, int8 ${(int8Bytes / 2 ** 20).toFixed(1)} MiB: ${(f32Bytes / int8Bytes).toFixed(2)}× smaller`);
  // output lengths decide the work per sentence: check that both weights produce about the same
  const outLen: Record<string, number> = {};
  for (const m of models.filter((x) => x.variant === engs[0].variant)) {
    const hs = searchIds(m.model, sources.slice(0, 40), { beam: 1, batchSentences: 1, ...LENGTH_LIMITS });
    outLen[m.kind] = r2(hs.reduce((n, h) => n + h[0].ids.length, 0) / hs.length);
  }
  console.log(`(a) mean greedy output length over 40 sentences: f32 ${outLen.f32}, int8 ${outLen.int8}`);
  const samples = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...models].reverse() : models;
    const bench = new Bench({ time: TIME_MS, warmupTime: 500, iterations: 5 });
    for (const m of order) {
      const id = `${m.variant} ${m.kind}`;
      let next = 0;
      bench.add(id, () => {
        searchIds(m.model, [sources[next]], { beam: 1, ...LENGTH_LIMITS });
        next = (next + 1) % sources.length;
      });
    }
    await bench.run();
    for (const t of bench.tasks) {
      const r = t.result as { latency?: { mean: number }; mean?: number } | undefined;
      const mean = r?.latency?.mean ?? r?.mean ?? NaN;
      const list = samples.get(t.name) ?? [];
      list.push(1000 / mean);
      samples.set(t.name, list);
    }
    console.log(`  round ${round + 1}: ` + [...samples].map(([k, v]) => `${k} ${v[v.length - 1].toFixed(2)}/s`).join(", "));
  }
  const builds: Record<string, unknown> = {};
  for (const eng of engs) {
    const f = samples.get(`${eng.variant} f32`)!, q = samples.get(`${eng.variant} int8`)!;
    const ratios = f.map((x, i) => q[i] / x);
    builds[eng.variant] = {
      f32SentencesPerSec: r2(median(f)), int8SentencesPerSec: r2(median(q)), ratio: r2(median(ratios)),
      perRound: { f32: f.map(r2), int8: q.map(r2) },
    };
    console.log(`(a) ${eng.variant}: f32 ${median(f).toFixed(2)} sentences/s, int8 ${median(q).toFixed(2)} sentences/s: ${median(ratios).toFixed(2)}× (median of ${ROUNDS})`);
  }
  return {
    config: REFERENCE_CONFIG, sentences: sources.length, sentenceSource: set.source, init: "uniform ±0.1, seed 1",
    search: "greedy, one sentence per call, output length capped at the source length S", meanOutputLength: outLen,
    f32Weights: "packed for decoding (Model.packForDecoding, as `s2s translate` loads them), the fastest f32 path",
    fileBytes: { f32: f32Bytes, int8: int8Bytes, ratio: r2(f32Bytes / int8Bytes) },
    builds, targets: { speedRatio: 1.8, sizeRatio: 3.5 },
  };
}

async function bleu(): Promise<Record<string, unknown>> {
  if (!DATA_B) {
    const why = "(b) skipped: set S2S_DATA to the Multi30k directory";
    console.log(why);
    return { skipped: why };
  }
  for (const p of [MODEL_B, join(PREP_B, "tokenizer.json"), join(DATA_B, "raw", "test_2016_flickr.de.gz")]) {
    if (!existsSync(p)) {
      const why = `(b) skipped: ${p} is absent (run npm run experiments -- --only rnnsearch --pairs de-en, or set BENCH_MODEL and BENCH_PREP)`;
      console.log(why);
      return { skipped: why };
    }
  }
  const md = {
    tokenizer: readFileSync(join(PREP_B, "tokenizer.json"), "utf8").trim(),
    src_vocab: readFileSync(join(PREP_B, "src_vocab.json"), "utf8").trim(),
    tgt_vocab: readFileSync(join(PREP_B, "tgt_vocab.json"), "utf8").trim(),
  };
  const pipeline = TextPipeline.fromMetadata(md, PREP_B)!;
  const pairs = loadMulti30k(DATA_B, "test_2016_flickr", "de", "en");
  const sources = encodeSources(pipeline, pairs.map((p) => p.src));
  const refs = [pairs.map((p) => p.tgt)];
  const eng = await loadEngine({});
  const bytes = new Uint8Array(readFileSync(MODEL_B)); // read only; nothing is written next to it
  const f32 = Model.fromBytes(eng, bytes, MODEL_B);
  const qbytes = quantizeModel(f32);
  const q = Model.fromBytes(eng, qbytes, "int8");
  const out: Record<string, unknown> = {
    model: relative(root, MODEL_B), set: "test_2016_flickr", sentences: pairs.length, kernels: eng.variant, alpha: 0.6, bleu: "corpus BLEU, 13a, lowercased (nrefs:1|case:lc|eff:no|tok:13a|smooth:exp)",
    fileBytes: { f32: bytes.length, int8: qbytes.length, ratio: r2(bytes.length / qbytes.length) },
  };
  for (const beam of [1, 5]) {
    const row: Record<string, number> = {};
    for (const [kind, m] of [["f32", f32], ["int8", q]] as const) {
      const t0 = Date.now();
      const hyps = translateSources(m, pipeline, sources, { beam, alpha: 0.6, reverse: false }).map((t) => t.text);
      row[kind] = r2(corpusBleu(hyps, refs, { lowercase: true }).score);
      row[`${kind}Seconds`] = r2((Date.now() - t0) / 1000);
    }
    row.change = r2(row.int8 - row.f32);
    out[beam === 1 ? "greedy" : "beam5"] = row;
    console.log(`(b) ${eng.variant} beam ${beam}: BLEU f32 ${row.f32}, int8 ${row.int8} (change ${row.change}); ${row.f32Seconds} s vs ${row.int8Seconds} s`);
  }
  return out;
}

const loadStart = os.loadavg();
const result: Record<string, unknown> = { date: new Date().toISOString() };
if (!ONLY || ONLY.includes("a")) result.speed = await speed();
if (!ONLY || ONLY.includes("b")) result.bleu = await bleu();
result.machine = machineInfo(loadStart);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
console.log(`wrote ${OUT}`);
