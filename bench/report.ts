// Renders docs/benchmarks.md from the benchmarks' JSON in bench/results/:
// kernels.json (bench/kernels.bench.ts), translate.json
// (bench/translate.bench.ts), train.json (bench/train.bench.ts), serve.json
// (bench/serve.bench.ts), and the
// int8, threads and ddp (bench/ddp.bench.ts) results when present. Every number in the page comes from
// the JSON; a missing file leaves its section out (and says so).
//
//   node --import tsx bench/report.ts [results-dir] [out.md]

import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cellTargets, GRU_OVER_LSTM_MAX } from "./cell-targets.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const DIR = process.argv[2] ?? join(here, "results");
const IN = join(DIR, "kernels.json");
const OUT = process.argv[3] ?? join(root, "docs", "benchmarks.md");

interface Row {
  impl: string;
  variant?: string;
  ours?: "simd" | "relaxed";
  median: number;
  p25: number;
  p75: number;
  min: number;
  samples: number;
  gflops: number;
  maxAbsDiff: number | null;
  vsSimd?: number;
  vsRelaxed?: number;
  ofPeak?: number;
  headline?: boolean;
}

interface Results {
  generated: string;
  machine: { cpu: string; cores: number; platform: string; node: string; v8: string; loadavgStart: number[]; loadavgEnd: number[] };
  settings: { timeMs: number; warmupMs: number; rounds?: number; clock?: "cpu" | "wall"; threads: number; relaxed: boolean; relaxedNote: string; libraries: Record<string, string> };
  peakGflops: Partial<Record<"simd" | "relaxed", number>>;
  targets: { case: string; build: string; variant?: string; median: number; gflops: number; maxMs?: number; minGflops?: number; met: boolean }[];
  cases: { id: string; title: string; flops: number; flopsNote: string; rows: Row[] }[];
  durationS: number;
}

const out: string[] = [];
const p = (s = "") => out.push(s);

function readResults<T>(name: string): T | null {
  const f = join(DIR, name);
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as T) : null;
}


const ms = (x: number) => (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x >= 1 ? x.toFixed(3) : x.toFixed(4));
const num = (x: number | undefined, d: number) => (x === undefined || !Number.isFinite(x) ? "" : x.toFixed(d));
const ratio = (x: number | undefined) => (x === undefined ? "" : x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`);
const pct = (x: number | undefined) => (x === undefined ? "" : `${(100 * x).toFixed(0)}%`);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");

function kernelSection(r: Results): void {
p("## Kernels");
p();
p(`<!-- from ${relative(root, IN)}; re-run: npm run bench -->`);
p();
p("Single-threaded timings of the wasm kernels against plain JavaScript,");
p("@tensorflow/tfjs (wasm and cpu backends) and onnxruntime-web (wasm backend),");
p("all in one Node process. Each implementation is first checked to compute the");
p("same numbers as our SIMD build (column *max |diff|*), then timed with");
p("tinybench after a warm-up. Times are per call in milliseconds: median and");
p("interquartile range (p25–p75), and the fastest call (*min*, the least disturbed");
p("by other processes). *× simd* and *× relaxed* divide a row's median");
p("by the median of our build (its faster variant, marked **bold**): above 1× is");
p("slower than ours. *of peak* is a kernel's GFLOP/s (at its median) over the");
p("peak of its own build: the GFLOP/s of that build's fastest 512³ GEMM call.");
p();
p("### Machine and settings");
p();
p(`| | |`);
p(`| --- | --- |`);
p(`| CPU | ${r.machine.cpu}; ${r.machine.cores} logical cores, ${r.machine.platform} |`);
p(`| Node | ${r.machine.node} (V8 ${r.machine.v8}) |`);
p(`| Date | ${r.generated} |`);
p(`| Threads | ${r.settings.threads} for every implementation |`);
p(`| Clock | ${r.settings.clock === "cpu" ? "CPU time of the benchmark process (user + system, µs resolution): time spent descheduled while other processes run does not count, the process's background threads (GC, JIT) do" : "wall time (performance.now)"} |`);
p(`| Time per task | ${r.settings.timeMs} ms after ${r.settings.warmupMs} ms warm-up, in ${r.settings.rounds ?? 1} passes over all implementations of a case (order reversed every other pass, samples pooled) |`);
p(`| Load average (1/5/15 min) | start ${load(r.machine.loadavgStart)}, end ${load(r.machine.loadavgEnd)} |`);
p(`| Libraries | ${Object.entries(r.settings.libraries).map(([k, v]) => `${k} ${v}`).join(", ")} |`);
p(`| Total bench time | ${r.durationS.toFixed(0)} s |`);
if (r.settings.relaxedNote) p(`| Relaxed SIMD | ${r.settings.relaxedNote} |`);
p();
if (Math.max(...r.machine.loadavgStart.slice(0, 1), ...r.machine.loadavgEnd.slice(0, 1)) > r.machine.cores - 1) {
  p("The load average shows other processes competing for the cores during this run.");
  p(r.settings.clock === "cpu"
    ? "CPU-time samples leave out time spent descheduled, but not the sharing of L3 and memory bandwidth."
    : "Wall-time medians then include time this process spent descheduled.");
  p("Rows of one case were measured interleaved and compare fairly with each other;");
  p("*min* shows what an undisturbed call takes.");
  p();
}
p("Measured peak (fastest 512³ GEMM call of each build): " +
  Object.entries(r.peakGflops).map(([b, g]) => `${b} **${num(g, 1)} GFLOP/s**`).join(", ") + ".");
p();
p("### Targets");
p();
p("| case | build | variant | median ms | GFLOP/s | target | met |");
p("| --- | --- | --- | ---: | ---: | --- | --- |");
for (const t of r.targets) {
  const goal = t.maxMs !== undefined ? `≤ ${t.maxMs} ms` : `≥ ${t.minGflops} GFLOP/s`;
  p(`| ${t.case} | ${t.build} | ${t.variant ?? ""} | ${ms(t.median)} | ${num(t.gflops, 1)} | ${goal} | ${t.met ? "yes" : "**no**"} |`);
}
p();
const cells = cellTargets(r.cases);
if (cells.length) {
  p(`GRU and RNN steps (bench/cell-targets.ts): a GRU step takes at most ${GRU_OVER_LSTM_MAX}× the median of the LSTM step at the same sizes`);
  p("(its faster variant, in the same build), and each baseline's median over ours is above 1× at every batch size.");
  p();
  p("| ratio of medians | build | numerator ms | denominator ms | measured | target | met |");
  p("| --- | --- | ---: | ---: | ---: | --- | --- |");
  for (const t of cells) {
    p(`| ${t.what} | ${t.build} | ${ms(t.num.median)} (${t.num.label}) | ${ms(t.den.median)} (${t.den.label}) | ${t.ratio.toFixed(2)}× | ${t.bound} | ${t.met ? "yes" : "**no**"} |`);
  }
  p();
  const missed = cells.filter((t) => !t.met);
  p(missed.length === 0
    ? `All ${cells.length} met.`
    : `Missed ${missed.length} of ${cells.length}: ` + missed.map((t) => `${t.what} (${t.build}) ${t.ratio.toFixed(2)}×, target ${t.bound}`).join("; ") + ".");
  p();
  const same = cells.filter((t) => t.vsSameMethod);
  if (same.length) {
    p("Where the LSTM's faster variant is not the method of the GRU's, the GRU step against the LSTM's variant of that method (not a target): " +
      same.map((t) => `${t.what} (${t.build}) ${ms(t.num.median)} / ${ms(t.vsSameMethod!.median)} ms = ${t.vsSameMethod!.ratio.toFixed(2)}×`).join("; ") + ".");
    p();
  }
}
p("### Results");
for (const c of r.cases) {
  p();
  p(`#### ${c.title}`);
  p();
  p(`${(c.flops / 1e6).toFixed(2)} MFLOP per call (${c.flopsNote}).`);
  p();
  p("| implementation | variant | median ms | p25 | p75 | min | GFLOP/s | of peak | × simd | × relaxed | max \\|diff\\| |");
  p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of c.rows) {
    const name = row.headline ? `**${row.impl}**` : row.impl;
    const diff = row.maxAbsDiff === null ? "reference" : row.maxAbsDiff.toExponential(1);
    p(`| ${name} | ${row.variant ?? ""} | ${ms(row.median)} | ${ms(row.p25)} | ${ms(row.p75)} | ${ms(row.min)} | ${num(row.gflops, 2)} | ${pct(row.ofPeak)} | ${ratio(row.vsSimd)} | ${ratio(row.vsRelaxed)} | ${diff} |`);
  }
}
p();
p("### How each implementation computes a case");
p();
p("- **ours-simd / ours-relaxed**: the kernels of `assembly/` on byte offsets into");
p("  one wasm memory, from `build/kernels.simd.wasm` and `build/kernels.relaxed.wasm`.");
p("  LSTM: `2×gemm_nt` computes x·W_ihᵀ + b, then accumulates h·W_hhᵀ (β = 1),");
p("  then `lstm_cell_forward`; `[x;h] gemm_nt` keeps x and h side by side in one");
p("  row and W_ih, W_hh side by side in one [4H, E+H] matrix, so one GEMM gives the");
p("  gates (the cell writes h′ back into the row for the next step).");
p("  `2×gemm_pn` and `[x;h] gemm_pn`: the same with W read from column panels (`gemm_pn`,");
p("  what decoding runs for at most 8 rows of a packed model; batch 1 only).");
p("  GRU: `2×gemm_nt` is `gemm_nt` for x·W_ihᵀ + b_ih and another for h·W_hhᵀ + b_hh into a separate");
p("  buffer (r multiplies only the recurrent part of the n gate), then `gru_cell_forward`;");
p("  `[x;h] r,z gemm_nt` takes r and z from one product of [x; h] with [W_i· W_h·] rows and");
p("  bias b_i· + b_h·, and n from x·W_inᵀ + b_in and h·W_hnᵀ + b_hn apart (the r and z blocks of");
p("  the recurrent buffer stay 0); the `gemm_pn` variants read W from column panels.");
p("  RNN: as the LSTM's `2×gemm_nt` (one bias b_ih + b_hh), then `rnn_cell_forward`.");
p("  Attention: `gemm_nt` for the query projection, then `attention_additive_forward`");
p("  over precomputed keys (L valid positions, no padding).");
p("- **js**: `bench/baselines/js.ts`, Float32Array loops with float64 accumulators.");
p("- **tfjs-wasm / tfjs-cpu**: tfjs ops inside `tf.tidy`; weights pre-transposed to");
p("  [in, out] because `matMul(a, b, false, true)` is about ten times slower on the");
p("  wasm backend. Outputs are disposed, not read back (the backends compute synchronously).");
p("  GRU in ops too: `tf.layers.gruCell` applies r before W_hh·h (`resetAfter` false is all it");
p("  supports), not the PyTorch cell measured here.");
p("- **ort-wasm**: ONNX graphs built in memory by `bench/onnx/` (opset 17; weights as");
p("  initializers, which onnxruntime pre-packs when the session is created), run by");
p("  `InferenceSession.run`, whose outputs are copied out of wasm memory on every call.");
p("  GRU and RNN: the ONNX `GRU` (linear_before_reset = 1, PyTorch's cell) and `RNN` (tanh)");
p("  operators over a sequence of length 1 with initial_h.");
p("  The GEMM case is run twice: with both operands as inputs, and with B as an initializer.");
p();
}

// ---- end-to-end translation (bench/translate.bench.ts) -------------------------------------

interface TranslateRow {
  runtime: string; label: string; ours?: "simd" | "relaxed"; int8?: boolean; sentences: number; words: number; outputTokens: number;
  iterations: number; medianMs: number; minMs: number; maxMs: number; sentencesPerSec: number; wordsPerSec: number;
  agree: number; checked: number; vs: Partial<Record<"simd" | "relaxed", number>>; vsInt8?: Partial<Record<"simd" | "relaxed", number>>;
}
interface MemoryRow { variant: string; sentences: number; fileBytes: number; baseRss: number; loadedRss: number; peakRss: number; wasmBytes: number; overFile: number; met: boolean }
interface TranslateResults {
  generated: string;
  machine: Results["machine"];
  settings: { quick: boolean; sentences: number; words: number; sentenceSource: string; relaxedNote: string; threads: number; oursF32?: string; model: { config: Record<string, unknown>; trained: boolean; fileBytes: number; int8FileBytes?: number; params: number }; search: string; libraries: Record<string, string> };
  modes: { id: string; title: string; beam: number; batch: number; rows: TranslateRow[] }[];
  targets: { mode: string; vs: string; min: number; build: string; ratio: number; met: boolean }[];
  memory: MemoryRow[];
  durationS: number;
}

const MiB = 2 ** 20;

function machineRows(m: Results["machine"], generated: string, extra: [string, string][]): void {
  p("| | |");
  p("| --- | --- |");
  p(`| CPU | ${m.cpu}; ${m.cores} logical cores${m.platform ? `, ${m.platform}` : ""} |`);
  p(`| Node | ${m.node}${m.v8 ? ` (V8 ${m.v8})` : ""} |`);
  p(`| Date | ${generated} |`);
  p(`| Load average (1/5/15 min) | start ${load(m.loadavgStart)}, end ${load(m.loadavgEnd)} |`);
  for (const [k, v] of extra) p(`| ${k} | ${v} |`);
  p();
}

function translateSection(t: TranslateResults): void {
  p("## End-to-end translation");
  p();
  p("<!-- from bench/results/translate.json; re-run: npm run bench:translate -->");
  p();
  const c = t.settings.model.config as Record<string, number | string | boolean>;
  p(`The reference model (E = ${c.emb_dim}, He = ${c.enc_hidden} ${c.bidirectional ? "bidirectional" : "unidirectional"}, Hd = ${c.dec_hidden}, A = ${c.attn_dim}, ` +
    `${c.attention} attention, ${c.decoder_style} style${c.input_feed ? " with input feeding" : ""}, vocabularies ${c.src_vocab_size} / ${c.tgt_vocab_size}; ` +
    `${(t.settings.model.params / 1e6).toFixed(1)} M parameters, ${(t.settings.model.fileBytes / MiB).toFixed(1)} MiB file; ` +
    `${t.settings.model.trained ? "trained weights" : "random weights: speed does not depend on the values"}) translating ${t.settings.sentences} sentences ` +
    `(${t.settings.words} source words): ${t.settings.sentenceSource}.`);
  p(`Every runtime loads the same safetensors file and is driven by the same search (${t.settings.search}).`);
  p("Before timing, each baseline translates its sentences once and its output ids are compared with ours (column *ids = ours*).");
  p("One-sentence-at-a-time modes translate every 4th sentence, and slow baselines every n-th of those (column *sentences*); rates are per sentence, so the columns compare.");
  p("*× simd* and *× relaxed*: our build's sentences/s (f32 weights) over the row's; *× int8*: ours with the model quantised by `s2s quantize`" +
    (t.settings.model.int8FileBytes ? ` (${(t.settings.model.int8FileBytes / MiB).toFixed(1)} MiB)` : "") +
    ", relaxed build where available. int8 outputs are not expected to equal the f32 ids (their *ids = ours* shows how many do). All single-threaded." +
    (t.settings.oursF32 ? ` Ours: ${t.settings.oursF32}.` : ""));
  p();
  machineRows(t.machine, t.generated, [
    ["Libraries", Object.entries(t.settings.libraries).map(([k, v]) => `${k} ${v}`).join(", ")],
    ["Timing", "tinybench: the whole subset translated 1–5 times (as many as fit in about a minute), median"],
    ["Total bench time", `${t.durationS.toFixed(0)} s`],
    ...(t.settings.relaxedNote ? [["Relaxed SIMD", t.settings.relaxedNote] as [string, string]] : []),
  ]);
  if (t.targets.length) {
    p("| target | build | measured | goal | met |");
    p("| --- | --- | ---: | ---: | --- |");
    for (const g of t.targets) p(`| ${g.mode} vs ${g.vs} | ${g.build} | ${g.ratio.toFixed(2)}× | ≥ ${g.min}× | ${g.met ? "yes" : "**no**"} |`);
    p();
  }
  for (const m of t.modes) {
    p(`### ${m.title}`);
    p();
    p("| runtime | sentences | median s | sentences/s | source words/s | output tokens | ids = ours | × simd | × relaxed | × int8 |");
    p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of m.rows) {
      const name = r.ours ? `**${r.runtime}**` : r.runtime;
      const agree = r.checked ? `${r.agree}/${r.checked}` : "reference";
      const i8 = r.vsInt8?.relaxed ?? r.vsInt8?.simd;
      p(`| ${name} | ${r.sentences} | ${(r.medianMs / 1000).toFixed(2)} | ${num(r.sentencesPerSec, 1)} | ${num(r.wordsPerSec, 0)} | ${r.outputTokens} | ${agree} | ${r.ours ? "" : ratio(r.vs.simd)} | ${r.ours ? "" : ratio(r.vs.relaxed)} | ${r.ours ? "" : ratio(i8)} |`);
    }
    p();
  }
  if (t.memory.length) {
    p("### Peak memory");
    p();
    p(`A fresh process loads the engine, then the model file${t.settings.oursF32 ? " (packed for decoding, as `s2s translate` loads it: the column panels add the decoder matrices' size again)" : ""}, then translates the sentences with beam 5 in batches and greedily one at a time. ` +
      "*Peak* is the process's peak resident set size (VmHWM) minus its value before the model was read; the target is the model file + 64 MiB.");
    p();
    p("| build | model file MiB | peak above engine MiB | file + | wasm memory MiB | target met |");
    p("| --- | ---: | ---: | ---: | ---: | --- |");
    for (const x of t.memory) p(`| ${x.variant} | ${(x.fileBytes / MiB).toFixed(1)} | ${((x.peakRss - x.baseRss) / MiB).toFixed(1)} | ${(x.overFile / MiB).toFixed(1)} MiB | ${(x.wasmBytes / MiB).toFixed(1)} | ${x.met ? "yes" : "**no**"} |`);
    p();
  }
}

// ---- training (bench/train.bench.ts) ----------------------------------------------------------

interface TrainRow { impl: string; median: number; p25: number; p75: number; min: number; samples: number; tokensPerSec: number; gflops: number; ofPeak: number; peakVariant: string }
interface TrainResults {
  date: string;
  machine: Results["machine"];
  versions: Record<string, string>;
  method: string;
  gemmPeakGflops: Record<string, number>;
  cases: {
    id: string; title: string; data: string; targetTokens: number; parameters: number; gflopPerStep: number; rows: TrainRow[]; notes?: string[] | string;
    /** PyTorch of the run (absent in older runs, null when not measured) */
    torch?: { torch: string; blas: string[] } | null;
    torchTargets?: { ours: string; vs: string; min: number; ratio: number | null; met: boolean | null }[];
    ofPeakTarget?: { impl: string; min: number; ofPeak: number; met: boolean };
    /** the case compared with this one row by row (absent or null: none) */
    beside?: string | null;
    /** the run that measured the case (absent in older files: the file's run) */
    measured?: { date: string; cpu?: string; loadavgStart: number[]; loadavgEnd: number[]; gemmPeakGflops: Record<string, number> };
  }[];
  /** why PyTorch was not measured (null: it was) */
  torch?: string | null;
  seconds: number;
}

function trainSection(t: TrainResults): void {
  p("## Training throughput");
  p();
  p("<!-- from bench/results/train.json; re-run: npm run bench:train -->");
  p();
  p(t.method);
  p();
  machineRows(t.machine, t.date, [
    ["Libraries", Object.entries(t.versions).map(([k, v]) => `${k} ${v}`).join(", ")],
    ["GEMM peak of the run", Object.entries(t.gemmPeakGflops).map(([k, v]) => `${k} ${v.toFixed(1)} GFLOP/s`).join(", ")],
    ["Total bench time", `${t.seconds.toFixed(0)} s`],
  ]);
  for (const c of t.cases) {
    p(`### ${c.title}`);
    p();
    p(`${c.data}; ${c.targetTokens} target tokens and ${(c.gflopPerStep).toFixed(2)} GFLOP per step; ${(c.parameters / 1e6).toFixed(2)} M parameters.`);
    p();
    const m = c.measured;
    if (m) {
      const same = t.cases.filter((x) => x.measured?.date === m.date).map((x) => `(${x.id})`);
      p(`Measured ${m.date === t.date ? "in the run above" : `in an earlier run, ${m.date}`}${m.cpu && m.cpu !== t.machine.cpu ? `, on another CPU: ${m.cpu}` : ""}` +
        `${same.length > 1 ? `, with ${same.filter((x) => x !== `(${c.id})`).join(", ")}` : ""}: ` +
        `load average ${load(m.loadavgStart)} at the start of this case, ${load(m.loadavgEnd)} at its end; GEMM peak of that run ${Object.entries(m.gemmPeakGflops).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")} GFLOP/s.`);
      p();
    }
    if (c.torch) p(`PyTorch ${c.torch.torch}, BLAS loaded by the process: ${c.torch.blas.map((b) => `\`${b.split("/").pop()}\``).join(", ")}.`);
    else if (t.torch) p(`PyTorch not measured: ${t.torch}.`);
    if (c.torch || t.torch) p();
    const ours = c.rows.filter((r) => r.impl.startsWith("ours"));
    p(`| implementation | median ms/step | p25 | p75 | steps | target tokens/s | GFLOP/s | of peak | ${ours.map((o) => `${o.impl} ×`).join(" | ")} |`);
    p(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ${ours.map(() => "---:").join(" | ")} |`);
    for (const r of c.rows) {
      p(`| ${r.impl.startsWith("ours") ? `**${r.impl}**` : r.impl} | ${ms(r.median)} | ${ms(r.p25)} | ${ms(r.p75)} | ${r.samples} | ${num(r.tokensPerSec, 0)} | ${num(r.gflops, 1)} | ${pct(r.ofPeak)} | ${ours.map((o) => (r.impl.startsWith("ours") ? "" : ratio(o.tokensPerSec / r.tokensPerSec))).join(" | ")} |`);
    }
    p();
    const other = c.beside ? t.cases.find((x) => x.id === c.beside) : undefined;
    if (other) {
      const sameRun = other.measured?.date !== undefined && other.measured.date === c.measured?.date;
      const pairs = c.rows.map((r) => [r, other.rows.find((o) => o.impl === r.impl)] as const).filter(([, o]) => o);
      p(`Target tokens/s over (${other.id})'s${sameRun ? ", same run" : ` (**not the same run**: ${other.measured?.date ?? t.date})`}: ` +
        pairs.map(([r, o]) => `${r.impl} ${ratio(r.tokensPerSec / o!.tokensPerSec)}`).join(", ") + ".");
      p();
    }
    const targets = [
      ...(c.torchTargets ?? []).map((x) => [`${x.ours} ÷ ${x.vs}`, `≥ ${x.min.toFixed(2)}×`, x.ratio === null ? "not measured" : ratio(x.ratio), x.met === null ? "" : x.met ? "met" : "not met"]),
      ...(c.ofPeakTarget ? [[`${c.ofPeakTarget.impl} whole step ÷ gemm_nt 512³ peak`, `≥ ${pct(c.ofPeakTarget.min)}`, pct(c.ofPeakTarget.ofPeak), c.ofPeakTarget.met ? "met" : "not met"]] : []),
    ];
    if (targets.length) {
      p("| target | wanted | measured | |");
      p("| --- | ---: | ---: | --- |");
      for (const x of targets) p(`| ${x.join(" | ")} |`);
      p();
    }
  }
}

// ---- int8 (bench/int8.bench.ts) -------------------------------------------------------------------

interface Int8Results {
  date: string;
  machine?: Results["machine"];
  speed?: {
    sentences: number; sentenceSource?: string; init: string; search: string; meanOutputLength: Record<string, number>;
    /** how the f32 model was loaded (absent in older runs) */
    f32Weights?: string;
    fileBytes: { f32: number; int8: number; ratio: number };
    builds: Record<string, { f32SentencesPerSec: number; int8SentencesPerSec: number; ratio: number; perRound: { f32: number[]; int8: number[] } }>;
    targets: { speedRatio: number; sizeRatio: number };
  };
  bleu?: {
    skipped?: string; model?: string; set?: string; sentences?: number; kernels?: string; alpha?: number; bleu?: string;
    fileBytes?: { f32: number; int8: number; ratio: number };
    greedy?: { f32: number; int8: number; change: number; f32Seconds: number; int8Seconds: number };
    beam5?: { f32: number; int8: number; change: number; f32Seconds: number; int8Seconds: number };
  };
}

function int8Section(r: Int8Results): void {
  p("## int8 weights");
  p();
  p("<!-- from bench/results/int8.json; re-run: npm run bench:int8 -->");
  p();
  p("`s2s quantize` stores every weight matrix and both embedding tables as int8 with one scale per row (docs/model.md);");
  p("activations are quantised per row on the fly and the products run as SIMD integer dot products (assembly/quant.ts).");
  p();
  if (r.machine) machineRows(r.machine, r.date, []);
  const sp = r.speed;
  if (sp) {
    p(`### Speed: greedy, one sentence at a time (reference model, ${sp.init})`);
    p();
    p(`${sp.sentences} sentences${sp.sentenceSource ? ` (${sp.sentenceSource})` : ""}; ${sp.search}; mean output length f32 ${sp.meanOutputLength.f32}, int8 ${sp.meanOutputLength.int8} tokens.${sp.f32Weights ? ` f32 weights: ${sp.f32Weights}.` : ""}`);
    p();
    p("| build | f32 sentences/s | int8 sentences/s | int8 speed-up | target | per round (f32 / int8) |");
    p("| --- | ---: | ---: | ---: | ---: | --- |");
    for (const [b, x] of Object.entries(sp.builds)) {
      p(`| ${b} | ${x.f32SentencesPerSec.toFixed(2)} | ${x.int8SentencesPerSec.toFixed(2)} | ${x.ratio.toFixed(2)}× | ≥ ${sp.targets.speedRatio}× | ${x.perRound.f32.map((f, i) => `${f} / ${x.perRound.int8[i]}`).join(", ")} |`);
    }
    p();
    p(`File: f32 ${(sp.fileBytes.f32 / MiB).toFixed(1)} MiB, int8 ${(sp.fileBytes.int8 / MiB).toFixed(1)} MiB: ${sp.fileBytes.ratio.toFixed(2)}× smaller (target ≥ ${sp.targets.sizeRatio}×).`);
    p();
  }
  const b = r.bleu;
  if (b?.skipped) {
    p(`BLEU: not measured (${b.skipped}).`);
    p();
  } else if (b?.greedy && b.beam5) {
    p(`### BLEU: ${b.model} on Multi30k ${b.set} (${b.sentences} sentences, ${b.kernels} build)`);
    p();
    p(`${b.bleu}; beam search α = ${b.alpha}. Files: f32 ${((b.fileBytes?.f32 ?? 0) / MiB).toFixed(1)} MiB, int8 ${((b.fileBytes?.int8 ?? 0) / MiB).toFixed(1)} MiB.`);
    p();
    p("| search | BLEU f32 | BLEU int8 | change | target | seconds f32 / int8 |");
    p("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const [name, x] of [["greedy", b.greedy], ["beam 5", b.beam5]] as const) {
      p(`| ${name} | ${x.f32.toFixed(2)} | ${x.int8.toFixed(2)} | ${x.change >= 0 ? "+" : ""}${x.change.toFixed(2)} | ≤ 0.5 | ${x.f32Seconds} / ${x.int8Seconds} |`);
    }
    p();
  }
}

// ---- worker threads (bench/threads.bench.ts) ----------------------------------------------------

interface ThreadRow { threads: number; median: number; p25: number; p75: number; n: number; tokensPerSec?: number; sentencesPerSec?: number; workerShare: number | null }
interface ThreadsResults {
  date: string;
  quick: boolean;
  machine: Results["machine"];
  variant: string;
  method: string;
  train: { targetTokens: number; rows: ThreadRow[]; ratio: number; target: number };
  translate: { sentences: number; beam: number; batchSentences: number; rows: ThreadRow[]; ratio: number };
  gemm: { defaultMinWork: number; rows: { kind: string; M: number; N: number; K: number; work: number; ms1: number; ms2: number; speedup: number }[] };
  seconds: number;
}

function threadsSection(r: ThreadsResults): void {
  p("## Worker threads");
  p();
  p("<!-- from bench/results/threads.json; re-run: npm run bench:threads -->");
  p();
  p(`The same work with \`threads: 1\` and \`threads: 2\` (docs/threads.md), ${r.variant} build, results bitwise equal (checked before timing). ${r.method}`);
  p();
  machineRows(r.machine, r.date, [["Total bench time", `${r.seconds.toFixed(0)} s${r.quick ? " (--quick)" : ""}`]]);
  const share = (x: number | null) => (x === null ? "" : pct(x));
  p(`| work | threads | median ms | p25 | p75 | runs | rate | worker's share of the chunks | 2 threads ÷ 1 | target |`);
  p(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const x of r.train.rows) p(`| training step, config (b) | ${x.threads} | ${ms(x.median)} | ${ms(x.p25)} | ${ms(x.p75)} | ${x.n} | ${num(x.tokensPerSec, 0)} target tokens/s | ${share(x.workerShare)} | ${x.threads === 2 ? `${r.train.ratio.toFixed(2)}×` : ""} | ${x.threads === 2 ? `≥ ${r.train.target}×` : ""} |`);
  for (const x of r.translate.rows) p(`| beam ${r.translate.beam}, ${r.translate.sentences} sentences in batches of ${r.translate.batchSentences} | ${x.threads} | ${ms(x.median)} | ${ms(x.p25)} | ${ms(x.p75)} | ${x.n} | ${num(x.sentencesPerSec, 1)} sentences/s | ${share(x.workerShare)} | ${x.threads === 2 ? `${r.translate.ratio.toFixed(2)}×` : ""} | |`);
  p();
  p(`GEMM sizes (a GEMM stays on one thread below ${r.gemm.defaultMinWork.toLocaleString("en")} multiply-adds):`);
  p();
  p("| kind | M | N | K | 1 thread ms | 2 threads ms | speed-up |");
  p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const g of r.gemm.rows) p(`| ${g.kind} | ${g.M} | ${g.N} | ${g.K} | ${ms(g.ms1)} | ${ms(g.ms2)} | ${g.speedup.toFixed(2)}× |`);
  p();
}

interface PanelsResults {
  generated: string;
  machine: Results["machine"];
  settings: { rounds: number; timeMs: number; panelMaxRows: number; weightBytes: number; products: string[]; method: string };
  rows: { variant: string; M: number; ntMs: number; pnMs: number; ratio: number; ntGBs: number; pnGBs: number; maxAbsDiff: number }[];
  durationS: number;
}

function panelsSection(r: PanelsResults): void {
  p("## Few-row products (one sentence at a time)");
  p();
  p("<!-- from bench/results/panels.json; re-run: npm run bench:panels -->");
  p();
  p(`Decoding one sentence multiplies 1 row (greedy) or k rows (beam k) by every decoder matrix per output token: ` +
    `${(r.settings.weightBytes / MiB).toFixed(1)} MiB of weights per step for the reference model, more than stays in the L3 cache, so the speed is the speed of reading W. ` +
    "`gemm_nt` reads W as stored (row-major, several rows at once); `gemm_pn` reads the copy `Model.packForDecoding` makes, packed in column panels [N/8][K][8] (one sequential stream). " +
    `Products of at most ${r.settings.panelMaxRows} rows use the panels when a model is packed (src/model/linear.ts; \`s2s translate\` and \`s2s eval\` pack). ` +
    `One task: one decoder step's products (${r.settings.products.join(", ")}). ${r.settings.method}. GB/s: bytes of W read per second.`);
  p();
  machineRows(r.machine, r.generated, [["Total bench time", `${r.durationS.toFixed(0)} s`]]);
  p("| build | rows M | gemm_nt ms | GB/s | gemm_pn ms | GB/s | gemm_nt ÷ gemm_pn | max abs diff |");
  p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const x of r.rows) {
    const used = x.M <= r.settings.panelMaxRows;
    p(`| ${x.variant} | ${x.M} | ${ms(x.ntMs)} | ${x.ntGBs.toFixed(1)} | ${ms(x.pnMs)} | ${x.pnGBs.toFixed(1)} | ${used ? "**" : ""}${x.ratio.toFixed(2)}×${used ? "**" : ""} | ${x.maxAbsDiff.toExponential(1)} |`);
  }
  p();
  p(`Bold: the row counts that use the panels.`);
  p();
}

interface ServeResults {
  generated: string;
  machine: Results["machine"];
  settings: { quick: boolean; requests: number; beam: number; sentenceSource: string; search: string; server: string; settings: { id: string; label: string }[] };
  runs: { setting: string; clients: number; requests: number; seconds: number; sentencesPerSec: number; p50Ms: number; p99Ms: number }[];
  targets: { what: string; value: number; bound: string; met: boolean }[];
  answersEqual: { same: number; compared: number };
  durationS: number;
}

function serveSection(r: ServeResults): void {
  p("## Serving over HTTP");
  p();
  p("<!-- from bench/results/serve.json; re-run: npm run bench:serve -->");
  p();
  p(`\`s2s serve\` (docs/serve.md) with the reference model as a text model (whitespace tokenizer over its 8,000-word vocabularies, random weights), ` +
    `${r.settings.requests} requests of one sentence each per run (${r.settings.sentenceSource}), from 1, 8 and 32 concurrent clients that each send their next request when the last is answered. ` +
    `${r.settings.search}. ${r.settings.server}. Sentences/s: requests answered per second of wall time; latency: from sending a request to its whole answer.`);
  p();
  machineRows(r.machine, r.generated, [["Total bench time", `${r.durationS.toFixed(0)} s${r.settings.quick ? " (--quick)" : ""}`]]);
  p("| server | clients | sentences/s | p50 latency ms | p99 latency ms |");
  p("| --- | ---: | ---: | ---: | ---: |");
  for (const s of r.settings.settings) {
    for (const x of r.runs.filter((y) => y.setting === s.id)) p(`| ${s.label} | ${x.clients} | ${x.sentencesPerSec.toFixed(1)} | ${x.p50Ms.toFixed(0)} | ${x.p99Ms.toFixed(0)} |`);
  }
  p();
  p("| target | measured | bound | |");
  p("| --- | ---: | ---: | --- |");
  for (const t of r.targets) p(`| ${t.what} | ${t.value.toFixed(2)} | ${t.bound} | ${t.met ? "met" : "missed"} |`);
  p();
  p(`Answers equal across both servers and every client count: ${r.answersEqual.same} of ${r.answersEqual.compared}. ` +
    "With c clients that wait for their answers, the mean latency is c ÷ throughput (Little's law): at 32 clients it stays near the single-client latency only if a batch of 32 sentences costs about what one sentence costs.");
  p();
}

// ---- PyTorch DDP trainer (bench/ddp.bench.ts) ------------------------------------------------

interface DdpResults {
  date: string;
  machine: Results["machine"];
  settings: { config: Record<string, unknown>; batchSentences: number; lengths: string; optimizer: string; lr: number; clip: number; warmupSteps: number; timedSteps: number; rounds: number; torch: string; blas: string; method: string };
  rows: { id: string; label: string; n: number; tokensPerSec: number; p25: number; p75: number; medianStepMs: number; vsEngine1: number }[];
}

function ddpSection(r: DdpResults): void {
  p("## PyTorch trainer (DDP) beside the engine's");
  p();
  p("<!-- from bench/results/ddp.json; re-run: npm run bench:ddp -->");
  p();
  const c = r.settings.config;
  p(`Target tokens per second of full training steps (forward, backward, gradient all-reduce, clipping at ${r.settings.clip}, ${r.settings.optimizer === "adam" ? "Adam" : r.settings.optimizer} with lr ${r.settings.lr}) ` +
    `of tools/torch/train.py (docs/scale.md) and of the engine's trainer (what \`s2s train\` runs), same model, same weights (the first step's losses agree), same batches: ` +
    `E=${c.emb_dim}, He=${c.enc_hidden} bi, Hd=${c.dec_hidden}, A=${c.attn_dim} ${c.attention}, ${c.decoder_style} with input feeding, vocabularies ${c.src_vocab_size}; ` +
    `global batches of ${r.settings.batchSentences} sentences (${r.settings.lengths}). The 2-process run splits each global batch in two and averages the gradients over gloo; ` +
    `each process and each engine thread has one core's worth of BLAS/wasm. ${r.settings.method}`);
  p();
  machineRows(r.machine, r.date, [["PyTorch", `${r.settings.torch}; ${r.settings.blas}`], ["Steps", `${r.settings.warmupSteps} warm-up + ${r.settings.timedSteps} timed per run, ${r.settings.rounds} rounds`]]);
  p("| trainer | median target tokens/s | p25 | p75 | median ms per step | steps | ÷ engine, 1 thread |");
  p("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const x of r.rows) p(`| ${x.label} | ${num(x.tokensPerSec, 0)} | ${num(x.p25, 0)} | ${num(x.p75, 0)} | ${num(x.medianStepMs, 0)} | ${x.n} | ${ratio(x.vsEngine1)} |`);
  p();
  p(`Two processes or threads need two idle cores: on a machine whose load average is near or above its ${r.machine.cores} cores, the second one mostly waits (compare the load above). ` +
    "GPUs (nccl) and several nodes are not measured here: this table is only what runs on this machine.");
  p();
}

// ---- the page ----------------------------------------------------------------------------------

p("# Benchmarks");
p();
p("<!-- Generated by bench/report.ts from bench/results/*.json; do not edit. -->");
p();
p("Every table below is generated from the JSON a benchmark script wrote on this");
p("project's development machine; each section names its script, the machine, the");
p("Node version and the load during the run (the machine is shared: read the load");
p("average before comparing absolute numbers; ratios within one table were");
p("measured in the same run). Sections: [end-to-end translation](#end-to-end-translation),");
p("[training throughput](#training-throughput), [serving over HTTP](#serving-over-http), [worker threads](#worker-threads), [PyTorch trainer (DDP)](#pytorch-trainer-ddp-beside-the-engines), [int8 weights](#int8-weights), [few-row products](#few-row-products-one-sentence-at-a-time), [kernels](#kernels).");
p();
const missing: string[] = [];
const tr = readResults<TranslateResults>("translate.json");
if (tr) translateSection(tr);
else missing.push("translate.json (npm run bench:translate)");
const trn = readResults<TrainResults>("train.json");
if (trn) trainSection(trn);
else missing.push("train.json (npm run bench:train)");
const sv = readResults<ServeResults>("serve.json");
if (sv) serveSection(sv);
else missing.push("serve.json (npm run bench:serve)");
const th = readResults<ThreadsResults>("threads.json");
if (th) threadsSection(th);
else missing.push("threads.json (npm run bench:threads)");
const dd = readResults<DdpResults>("ddp.json");
if (dd) ddpSection(dd);
else missing.push("ddp.json (npm run bench:ddp)");
const i8 = readResults<Int8Results>("int8.json");
if (i8) int8Section(i8);
else missing.push("int8.json (npm run bench:int8)");
const pn = readResults<PanelsResults>("panels.json");
if (pn) panelsSection(pn);
else missing.push("panels.json (npm run bench:panels)");
const kr = readResults<Results>("kernels.json");
if (kr) kernelSection(kr);
else missing.push("kernels.json (npm run bench)");
if (missing.length) {
  p("## Not measured in this version of the page");
  p();
  for (const m of missing) p(`- ${m}`);
  p();
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, out.join("\n"));
console.log(`wrote ${relative(process.cwd(), OUT)}`);
