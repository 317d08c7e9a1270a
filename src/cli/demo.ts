// s2s demo: the project's question on a fresh machine, in about three minutes.
// Trains an encoder-decoder without attention (RNNenc: the context m̄ fed at
// every step) and one with additive attention (RNNsearch), same sizes and
// budget, on a built-in task; prints exact-match accuracy by input length
// side by side and writes an attention heatmap of a long example.

import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { S2SError } from "../errors.js";
import { searchIds } from "../decode/search.js";
import type { PairIds } from "../decode/score.js";
import { loadEngine } from "../engine/load-node.js";
import { writeFileAtomic } from "../io/atomic.js";
import { CELLS, cellKeys, parseConfig, type Attention, type Cell } from "../model/config.js";
import { Model } from "../model/model.js";
import { taskModelMetadata } from "../pipeline/task-model.js";
import { attentionHeatmapSvg } from "../report/heatmap.js";
import { getTask, makeRng, makeSplits, TASK_NAMES, vocabulary, type Example, type TaskSpec } from "../tasks/index.js";
import { initialize } from "../train/init.js";
import { formatDuration, Progress } from "../train/progress.js";
import { DEFAULT_TRAIN, Trainer } from "../train/trainer.js";
import type { CommandSpec, Values } from "./args.js";
import { WASM_OPT } from "./common.js";

export const demoSpec: CommandSpec = {
  name: "demo",
  summary: "Train a model without and one with attention on a built-in task; compare accuracy by input length.",
  usage: "s2s demo [--task numbers] [--steps N] [--out-dir DIR]",
  description:
    "The first run on a fresh machine (npm start). Both models have the same sizes and the same number of\n" +
    "updates; the table shows exact-match accuracy of greedy output by source length. The models, a JSON\n" +
    "summary and an SVG attention heatmap of a long test example are written to --out-dir.",
  options: [
    { name: "task", type: "string", choices: TASK_NAMES as string[], default: "numbers", help: "built-in task" },
    { name: "steps", type: "int", min: 1, default: 1000, help: "updates per model" },
    { name: "batch-sentences", type: "int", min: 1, default: 48, help: "sentences per batch" },
    { name: "train-size", type: "int", min: 100, default: 30000, help: "training examples generated" },
    { name: "test-per-bucket", type: "int", min: 1, default: 100, help: "test examples per length bucket" },
    { name: "emb-dim", type: "int", min: 1, default: 32, help: "embedding size" },
    { name: "hidden", type: "int", min: 1, default: 64, help: "encoder hidden size per direction (decoder: twice this)" },
    { name: "cell", type: "string", choices: [...CELLS], default: "lstm", help: "recurrent cell of both models" },
    { name: "lr", type: "number", min: 0, default: 0.003, help: "Adam learning rate" },
    { name: "seed", type: "int", default: 1, help: "seed of data, initialisation and shuffling" },
    { name: "out-dir", type: "string", arg: "DIR", default: "runs/demo", help: "where models, summary and heatmap go" },
    { name: "quiet", type: "boolean", help: "no progress output" },
    WASM_OPT,
  ],
};

interface Bucket {
  lo: number;
  hi: number;
}

function buckets(task: TaskSpec): Bucket[] {
  if (task.name === "reverse") return [[5, 14], [15, 24], [25, 34], [35, 44], [45, 60]].map(([lo, hi]) => ({ lo, hi }));
  if (task.name === "numbers") return [[1, 5], [6, 9], [10, 12], [13, 17]].map(([lo, hi]) => ({ lo, hi }));
  return [[8, 10], [11, 13], [14, 17], [18, 29]].map(([lo, hi]) => ({ lo, hi }));
}

/** Test examples spread over the length buckets, none of them in the training set. */
function testSet(task: TaskSpec, train: Example[], per: number, seed: number): Example[] {
  const seen = new Set(train.map((e) => e.src.join(" ")));
  const rng = makeRng(seed + 7777);
  const out: Example[] = [];
  for (const b of buckets(task)) {
    let got = 0, tries = 0;
    while (got < per && tries < per * 2000) {
      tries++;
      const len = task.name === "reverse" ? rng.int(b.lo, b.hi) : undefined;
      const ex = task.name === "numbers" ? task.sample(rng, rng.int(1, 9)) : task.sample(rng, len);
      if (ex.src.length < b.lo || ex.src.length > b.hi) continue;
      const key = ex.src.join(" ");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(ex);
      got++;
    }
  }
  return out;
}

export async function runDemo(v: Values): Promise<void> {
  const task = getTask(v.task as string);
  const seed = v.seed as number;
  const outDir = resolve(v["out-dir"] as string);
  const progress = new Progress(process.stderr, 5000, Boolean(v.quiet));
  const say = (s: string) => process.stdout.write(s + "\n");
  try {
    await mkdir(outDir, { recursive: true });
  } catch (e) {
    throw new S2SError(`cannot create ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const t0 = Date.now();
  const { train } = makeSplits(task, { train: v["train-size"] as number, valid: 0, test: 0 }, seed);
  const test = testSet(task, train, v["test-per-bucket"] as number, seed);
  const voc = vocabulary(train.concat(test));
  const srcIds = new Map(voc.src.map((t, i) => [t, i + 4]));
  const tgtIds = new Map(voc.tgt.map((t, i) => [t, i + 4]));
  const toPair = (e: Example): PairIds => ({
    src: [...e.src.map((t) => srcIds.get(t) ?? 1), 3],
    tgt: [...e.tgt.map((t) => tgtIds.get(t) ?? 1), 3],
  });
  const trainPairs = train.map(toPair), testPairs = test.map(toPair);
  const engine = await loadEngine({ variant: v.wasm === "simd" || v.wasm === "relaxed" ? v.wasm : undefined });
  const E = v["emb-dim"] as number, H = v.hidden as number;
  say(`s2s demo: task "${task.name}" (${task.description})`);
  say(`${train.length} training examples, ${test.length} test examples; both models: embeddings ${E}, bidirectional encoder ${H}×2, decoder ${2 * H}, ${v.cell} cells, ${v.steps} Adam updates of ${v["batch-sentences"]} sentences; kernels: ${engine.variant}`);
  const models: { name: string; attention: Attention; model: Model; seconds: number; correct: boolean[]; outputs: number[][] }[] = [];
  for (const [name, attention] of [["RNNenc (no attention)", "none"], ["RNNsearch (additive attention)", "additive"]] as const) {
    const config = parseConfig({
      src_vocab_size: voc.src.length + 4, tgt_vocab_size: voc.tgt.length + 4, emb_dim: E, enc_hidden: H,
      bidirectional: true, dec_hidden: 2 * H, attn_dim: 2 * H, attention, decoder_style: "bahdanau",
      ...cellKeys(v.cell as Cell),
    });
    // the task's vocabularies and tokenizer: s2s translate reads the task's text as the model was trained
    const model = Model.create(engine, config, taskModelMetadata(task.name, voc));
    initialize(model, { kind: "uniform", range: 0.1 }, seed);
    progress.log(`training ${name} ...`);
    const start = Date.now();
    const trainer = new Trainer(model, trainPairs, null, {
      ...DEFAULT_TRAIN, lr: v.lr as number, steps: v.steps as number, batchSentences: v["batch-sentences"] as number, seed,
    });
    await trainer.run({ progress });
    const seconds = (Date.now() - start) / 1000;
    const hyps = searchIds(model, testPairs.map((p) => p.src), { beam: 1, maxLenA: 1.5, maxLenB: 10, attention: false });
    const outputs = hyps.map((h) => h[0].ids);
    const correct = outputs.map((ids, i) => ids.length === testPairs[i].tgt.length && ids.every((x, j) => x === testPairs[i].tgt[j]));
    models.push({ name, attention, model, seconds, correct, outputs });
    await writeFileAtomic(join(outDir, `${attention}.safetensors`), model.toBytes());
  }

  // accuracy by source length, side by side
  const rows = buckets(task).map((b) => {
    const idx = test.map((e, i) => [e, i] as const).filter(([e]) => e.src.length >= b.lo && e.src.length <= b.hi).map(([, i]) => i);
    return { bucket: `${b.lo}-${b.hi}`, n: idx.length, acc: models.map((m) => (idx.length ? idx.filter((i) => m.correct[i]).length / idx.length : NaN)) };
  });
  const all = models.map((m) => m.correct.filter(Boolean).length / Math.max(1, m.correct.length));
  const pct = (x: number) => (Number.isNaN(x) ? "-" : `${(100 * x).toFixed(1)}%`);
  const w0 = 14, w = 32;
  say("");
  say(`exact-match accuracy by source length (greedy), ${task.name}:`);
  say(`${"source length".padEnd(w0)}${"sentences".padStart(10)}  ${models.map((m) => m.name.padStart(w)).join("")}`);
  for (const r of rows) say(`${r.bucket.padEnd(w0)}${String(r.n).padStart(10)}  ${r.acc.map((a) => pct(a).padStart(w)).join("")}`);
  say(`${"all".padEnd(w0)}${String(test.length).padStart(10)}  ${all.map((a) => pct(a).padStart(w)).join("")}`);
  say(`${"training time".padEnd(w0)}${"".padStart(10)}  ${models.map((m) => formatDuration(m.seconds).padStart(w)).join("")}`);

  // what the table says, in words
  const last = rows[rows.length - 1], first = rows[0];
  const gapLong = last.acc[1] - last.acc[0], gapShort = first.acc[1] - first.acc[0];
  say("");
  say(
    `On the longest inputs (${last.bucket}) attention ${gapLong >= 0 ? "gains" : "loses"} ${(100 * Math.abs(gapLong)).toFixed(1)} points; ` +
    `on the shortest (${first.bucket}) it ${gapShort >= 0 ? "gains" : "loses"} ${(100 * Math.abs(gapShort)).toFixed(1)} points.`,
  );

  // heatmap of a long example, translated by the attention model
  const attn = models[1];
  const longest = test.map((e, i) => [e.src.length, i] as const).sort((a, b) => b[0] - a[0])[0][1];
  const ex = test[longest];
  const h = searchIds(attn.model, [testPairs[longest].src], { beam: 1, maxLenA: 1.5, maxLenB: 10 })[0][0];
  const tgtVocab = ["<pad>", "<unk>", "<s>", "</s>", ...voc.tgt];
  const svg = attentionHeatmapSvg([...ex.src, "</s>"], h.ids.map((i) => tgtVocab[i] ?? "?"), h.attention ?? [],
    { title: `${attn.name}: attention on a test example of length ${ex.src.length}` });
  const svgPath = join(outDir, "attention.svg");
  await writeFile(svgPath, svg);
  const summary = {
    task: task.name, seed, steps: v.steps, batchSentences: v["batch-sentences"], emb: E, hidden: H,
    kernels: engine.variant, node: process.version,
    models: models.map((m, i) => ({ name: m.name, attention: m.attention, seconds: m.seconds, accuracy: all[i] })),
    byLength: rows,
  };
  await writeFile(join(outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  say("");
  say(`wrote ${svgPath} (attention heatmap), ${join(outDir, "none.safetensors")}, ${join(outDir, "additive.safetensors")} and summary.json`);
  say(`total time ${formatDuration((Date.now() - t0) / 1000)}`);
}
