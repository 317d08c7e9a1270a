// The JSON files of an experiment run (docs/results.md is generated from
// them) and small helpers to read and write them.
//
//   OUT/run.json                       plan, command, machine (s2s-experiments)
//   OUT/summary.json                   everything below gathered into one file (the report's input)
//   OUT/PAIR/prep/                     s2s prepare directory (tokenizer, vocabularies, ids) + check.json
//   OUT/PAIR/MODEL/train.json          config, sizes, training history, time, status
//   OUT/PAIR/MODEL/model.safetensors   best model by validation loss (a complete translator, reversed models excepted)
//   OUT/PAIR/MODEL/model.ckpt.safetensors  checkpoint (model + Adam + loop state) for resuming
//   OUT/PAIR/MODEL/eval.json           BLEU/chrF/perplexity per set and beam, BLEU by length, examples
//   OUT/PAIR/MODEL/hyps/SET.beamK.txt  the translations, one a line

import { readFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import type { EpochRecord } from "../train/trainer.js";
import type { ModelConfig } from "../model/config.js";
import type { ModelSpec, Plan } from "./plan.js";
import type { BootstrapResult } from "../eval/bootstrap.js";

export const RUN_FORMAT = "s2s-experiments";
export const FORMAT_VERSION = 1;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  arch: string;
  /** the kernel build that ran (simd or relaxed) */
  kernels: string;
}

export function machineInfo(kernels: string): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? "unknown", cores: c.length, memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version, platform: process.platform, arch: process.arch, kernels,
  };
}

export function load1(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

export interface RunFile {
  format: typeof RUN_FORMAT;
  version: number;
  plan: Plan;
  /** commands that wrote into this directory, oldest first */
  commands: { command: string; started: string; machine: Machine }[];
}

export interface PrepCheck {
  /** lines of each split and side whose tokenization equals the dataset's tok/ file */
  splits: { split: string; lang: string; lines: number; identical: number }[];
}

export interface TrainSession {
  started: string;
  ended: string | null;
  seconds: number;
  /** 1-minute load average when the session started and ended (the machine may be shared) */
  loadStart: number;
  loadEnd: number | null;
  machine: Machine;
}

/** Source lengths (Moses tokens) of the training pairs: how long the inputs a model has seen are. */
export interface LengthStats {
  split: string;
  lang: string;
  sentences: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** share of sentences longer than each edge (key = edge) */
  over: Record<string, number>;
}

export type TrainStatus = "training" | "done" | "budget";

export interface TrainFile {
  format: "s2s-experiment-train";
  version: number;
  pair: string;
  model: ModelSpec;
  /** identity of the settings; a resumed run must match it */
  key: string;
  config: ModelConfig;
  params: number;
  status: TrainStatus;
  /** wall time of training and its per-epoch validation, all sessions */
  wallSeconds: number;
  /** time in training steps only (sum of epoch times, plus a partial epoch stopped by the budget) */
  trainSeconds: number;
  /** target tokens per training epoch (EOS included) */
  epochTgtTokens: number;
  stepsPerEpoch: number;
  /** where training is: the epoch, the next batch in it, updates done */
  position?: { epoch: number; batch: number; step: number };
  history: EpochRecord[];
  bestEpoch: number | null;
  bestValidLoss: number | null;
  /** where the time budget stopped training (null when it did not) */
  stoppedAt: { epoch: number; batch: number; step: number } | null;
  skippedSteps: number;
  sessions: TrainSession[];
  /** training pairs of a model trained on pairs of at most model.maxWords words (absent for the others: all of prep/) */
  trainPairs?: number;
}

export interface ScoreJson {
  score: number;
  bp: number;
  ratio: number;
  sys_len: number;
  ref_len: number;
  precisions: number[];
}

export interface SetResult {
  set: string;
  /** how the set was made, for the report */
  description: string;
  sentences: number;
  /** source length in Moses tokens: mean and max */
  srcWordsMean: number;
  srcWordsMax: number;
  /** teacher-forced perplexity of the references */
  ppl: number;
  nll: number;
  refTokens: number;
  /** per beam size (key "1", "5") */
  decode: Record<string, { bleu: ScoreJson; chrf: number; bleuLine: string; chrfLine: string; seconds: number }>;
}

export interface LengthRow {
  label: string;
  min: number;
  /** null for the open last bucket */
  max: number | null;
  sentences: number;
  /** segments of each set in this bucket */
  bySet: Record<string, number>;
  bleu: number | null;
  bp: number | null;
}

/** One source-length bucket of perplexityByLength. */
export interface PplRow {
  label: string;
  min: number;
  /** null for the open last bucket */
  max: number | null;
  sentences: number;
  /** reference tokens (pieces and </s>) */
  tokens: number;
  /** teacher-forced perplexity of the bucket's references (null when empty) */
  ppl: number | null;
}

export interface ExampleResult {
  id: string;
  set: string;
  index: number;
  source: string;
  reference: string;
  srcWords: number;
  beam: number;
  hypothesis: string;
  sentenceBleu: number;
  srcPieces: string[];
  steps: string[];
  /** rows = output steps, columns = srcPieces (null for attention none) */
  attention: number[][] | null;
  /** teacher-forced log p of each reference token (pieces + </s>) */
  refPieces: string[];
  refLogprobs: number[];
}

export interface EvalFile {
  format: "s2s-experiment-eval";
  version: number;
  pair: string;
  model: string;
  key: string;
  bleuSignature: string;
  chrfSignature: string;
  sets: SetResult[];
  /** BLEU by source-length bucket over the test set and its joined versions together, per beam */
  byLength: Record<string, { edges: number[]; sets: string[]; rows: LengthRow[] }>;
  /** plan.eval.perSetLengths (wmt-deen): BLEU by length of each test set alone (set name → beam → table) */
  byLengthPerSet?: Record<string, Record<string, { edges: number[]; sets: string[]; rows: LengthRow[] }>>;
  /** plan.eval.perSetLengths: perplexity of the references by source length, per test set */
  pplByLength?: Record<string, { edges: number[]; rows: PplRow[] }>;
  examples: ExampleResult[];
  seconds: number;
  machine: Machine;
}

export interface PairSummary {
  pair: string;
  src: string;
  tgt: string;
  prepared: Record<string, unknown> | null;
  check: PrepCheck | null;
  lengths: LengthStats | null;
  models: { name: string; train: TrainFile | null; eval: EvalFile | null; outputs?: boolean }[];
  /** the same models trained with other seeds than the plan's (directories MODEL-seedN) */
  seeds?: { name: string; seed: number; train: TrainFile | null; eval: EvalFile | null }[];
  /** paired bootstrap against the baseline (significance.ts), when computed from the current translations */
  significance?: SignificanceFile | null;
}

export interface Summary {
  format: "s2s-experiments-summary";
  version: number;
  generated: string;
  outDir: string;
  run: RunFile;
  pairs: PairSummary[];
}

export async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  return JSON.parse(text) as T;
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(value, null, 1) + "\n"));
}

export const paths = {
  run: (out: string) => join(out, "run.json"),
  summary: (out: string) => join(out, "summary.json"),
  prep: (out: string, pair: string) => join(out, pair, "prep"),
  check: (out: string, pair: string) => join(out, pair, "prep", "check.json"),
  lengths: (out: string, pair: string) => join(out, pair, "prep", "lengths.json"),
  modelDir: (out: string, pair: string, model: string) => join(out, pair, model),
  train: (out: string, pair: string, model: string) => join(out, pair, model, "train.json"),
  eval: (out: string, pair: string, model: string) => join(out, pair, model, "eval.json"),
  best: (out: string, pair: string, model: string) => join(out, pair, model, "model.safetensors"),
  ckpt: (out: string, pair: string, model: string) => join(out, pair, model, "model.ckpt.safetensors"),
  hyps: (out: string, pair: string, model: string) => join(out, pair, model, "hyps"),
};

/** One length bucket's paired bootstrap (significance.ts). */
export interface BucketBootstrap {
  label: string;
  segments: number;
  results: BootstrapResult[];
}

export interface SignificanceFile {
  format: "s2s-experiment-significance";
  version: 1;
  pair: string;
  samples: number;
  seed: number;
  /** the model the others are compared with (the first of every results list) */
  baseline: string;
  /** the sets scored: `test` for the overall scores; all of them, pooled by source length, for the buckets */
  sets: string[];
  /** per beam ("1", "5") */
  beams: Record<string, { test: BootstrapResult[]; buckets: BucketBootstrap[] }>;
  /** attention against no attention within one cell (cellPairs): the same bootstrap on the test set, per beam */
  within?: { model: string; baseline: string; beams: Record<string, BootstrapResult[]> }[];
  /**
   * Test-set BLEU of every model on Moses tokens, lowercased (the target
   * language's rules; references as Multi30k's tok/ files; tok:none), per beam
   * then model: the convention of the WMT multimodal tasks (MultEval)
   */
  mosesLc?: Record<string, Record<string, number>>;
  /** sha256 of each model's translation files, in model order */
  inputs: Record<string, string>;
}
