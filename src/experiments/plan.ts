// The experiment plan: which models are compared (docs/results.md), their
// shared sizes and training budget, the data settings and what is measured.
// One plan for the real run and a tiny one for --quick, per corpus (Multi30k,
// the default, and wmt-deen: Bahdanau et al.'s length experiment); the plan
// is written into the output directory (run.json) so the report states it.
// Fields added for wmt-deen are optional and absent from Multi30k's plans, so
// their JSON, and the keys of runs made before them, stay as they were.

import type { Attention, Cell, DecoderStyle, ModelConfig } from "../model/config.js";
import { cellKeys, numel, paramSpecs, parseConfig } from "../model/config.js";
import { DEFAULT_LENGTH_EDGES } from "../eval/bylength.js";
import { WMT_DEEN } from "../data/wmt.js";

/** One model of the comparison. All share the plan's sizes; they differ only in what is listed here. */
export interface ModelSpec {
  /** short name: directory name and --only value */
  name: string;
  /** name in tables and plots */
  label: string;
  /** one line for the report */
  description: string;
  attention: Attention;
  decoderStyle: DecoderStyle;
  bidirectional: boolean;
  inputFeed: boolean;
  /** reverse the source tokens (before EOS) at training and test time (Sutskever et al. 2014) */
  reverseSource: boolean;
  /** recurrent cell (absent: lstm) */
  cell?: Cell;
  /**
   * A model of another cell has fewer weights per hidden unit (G = 3 or 1
   * gate blocks instead of 4): its hidden size is chosen so that its
   * parameter count is the closest to this LSTM model's (see matchedHidden).
   */
  matchParams?: string;
  /**
   * Train only on pairs of at most this many words on both sides (words =
   * Moses tokens, counted as the length buckets count them: sourceLength of
   * src/eval/bylength.ts), as Bahdanau et al.'s RNNsearch-30/-50.
   */
  maxWords?: number;
}

/**
 * The models of the experiments, in training order (the headline model first).
 * RNNenc is Bahdanau et al.'s baseline RNNencdec: no attention, the
 * encoder summary m̄ fed to the decoder at every step (bahdanau style,
 * attention none), unidirectional encoder as in Cho et al. 2014.
 */
export const MODELS: readonly ModelSpec[] = [
  {
    name: "rnnsearch", label: "RNNsearch", attention: "additive", decoderStyle: "bahdanau", bidirectional: true, inputFeed: false, reverseSource: false,
    description: "additive attention (Bahdanau et al. 2014), bidirectional encoder, context fed to the decoder LSTM",
  },
  {
    name: "rnnenc", label: "RNNenc", attention: "none", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: false,
    description: "no attention: the encoder's last state m̄ is the context at every step (Cho et al. 2014; Bahdanau's RNNencdec), unidirectional encoder",
  },
  {
    name: "rnnenc-rev", label: "RNNenc reversed", attention: "none", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: true,
    description: "RNNenc with the source tokens reversed (Sutskever et al. 2014)",
  },
  {
    name: "rnnsearch-uni", label: "RNNsearch uni", attention: "additive", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: false,
    description: "RNNsearch with a unidirectional encoder: differs from RNNenc only by attention",
  },
  {
    name: "luong-general", label: "Luong general", attention: "general", decoderStyle: "luong", bidirectional: true, inputFeed: true, reverseSource: false,
    description: "multiplicative attention q·W·M_j on the new decoder state (Luong et al. 2015), input feeding, bidirectional encoder",
  },
  {
    name: "luong-dot", label: "Luong dot", attention: "dot", decoderStyle: "luong", bidirectional: false, inputFeed: true, reverseSource: false,
    description: "dot-product attention q·M_j (Luong et al. 2015), input feeding, unidirectional encoder",
  },
  {
    name: "rnnsearch-gru", label: "RNNsearch GRU", attention: "additive", decoderStyle: "bahdanau", bidirectional: true, inputFeed: false, reverseSource: false,
    cell: "gru", matchParams: "rnnsearch",
    description: "Bahdanau et al.'s own RNNsearch: RNNsearch with GRU cells (bidirectional GRU encoder, GRU decoder fed the context)",
  },
  {
    name: "rnnenc-gru", label: "RNNenc GRU", attention: "none", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: false,
    cell: "gru", matchParams: "rnnenc",
    description: "RNNenc with GRU cells: Cho et al.'s encoder-decoder as published",
  },
  {
    name: "rnnsearch-rnn", label: "RNNsearch RNN", attention: "additive", decoderStyle: "bahdanau", bidirectional: true, inputFeed: false, reverseSource: false,
    cell: "rnn", matchParams: "rnnsearch",
    description: "RNNsearch with plain tanh RNN cells (no gates): what attention does without gates",
  },
  {
    name: "rnnenc-rnn", label: "RNNenc RNN", attention: "none", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: false,
    cell: "rnn", matchParams: "rnnenc",
    description: "RNNenc with plain tanh RNN cells: neither gates nor attention",
  },
];

export const MODEL_NAMES = MODELS.map((m) => m.name);

/**
 * The models of the wmt-deen length experiment: Bahdanau et al. 2014's
 * Table 1 / Figure 2 at our scale. RNNencdec and RNNsearch, each trained on
 * the pairs of at most 30 and of at most 50 words; GRU cells (the paper's),
 * the bahdanau decoder (context fed to the GRU) and, for RNNsearch, additive
 * attention over a bidirectional encoder. Same sizes for all four.
 */
export const WMT_MODELS: readonly ModelSpec[] = [
  {
    name: "rnnsearch-50", label: "RNNsearch-50", attention: "additive", decoderStyle: "bahdanau", bidirectional: true, inputFeed: false, reverseSource: false,
    cell: "gru", maxWords: 50,
    description: "RNNsearch (Bahdanau et al. 2014): additive attention, bidirectional GRU encoder, GRU decoder fed the context; trained on pairs of at most 50 words",
  },
  {
    name: "rnnencdec-50", label: "RNNencdec-50", attention: "none", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: false,
    cell: "gru", maxWords: 50,
    description: "RNNencdec (Cho et al. 2014): no attention, the GRU encoder's last state m̄ is the context at every step; trained on pairs of at most 50 words",
  },
  {
    name: "rnnsearch-30", label: "RNNsearch-30", attention: "additive", decoderStyle: "bahdanau", bidirectional: true, inputFeed: false, reverseSource: false,
    cell: "gru", maxWords: 30,
    description: "RNNsearch trained on pairs of at most 30 words",
  },
  {
    name: "rnnencdec-30", label: "RNNencdec-30", attention: "none", decoderStyle: "bahdanau", bidirectional: false, inputFeed: false, reverseSource: false,
    cell: "gru", maxWords: 30,
    description: "RNNencdec trained on pairs of at most 30 words",
  },
];

export const WMT_MODEL_NAMES = WMT_MODELS.map((m) => m.name);

/** Corpora the experiments run on: Multi30k (the default) and wmt-deen. */
export const EXPERIMENT_CORPORA = ["multi30k", "wmt-deen"] as const;
export type ExperimentCorpus = (typeof EXPERIMENT_CORPORA)[number];

/** The models a corpus' plan chooses from. */
export function corpusModels(corpus: ExperimentCorpus): readonly ModelSpec[] {
  return corpus === "wmt-deen" ? WMT_MODELS : MODELS;
}

export function modelSpec(name: string): ModelSpec {
  const m = MODELS.find((x) => x.name === name) ?? WMT_MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown model ${name}`);
  return m;
}

/** Sizes shared by every model. */
export interface Sizes {
  /** embedding size E (source and target) */
  emb: number;
  /** decoder hidden size Hd = size of an encoder memory vector Hm (so dot attention fits); a bidirectional encoder has Hd/2 per direction */
  hidden: number;
  /** additive attention size A */
  attnDim: number;
  layers: number;
}

export interface TrainPlan {
  epochs: number;
  batchSentences: number;
  lr: number;
  schedule: "constant" | "plateau";
  decay: number;
  dropout: number;
  labelSmoothing: number;
  clip: number;
  initRange: number;
  seed: number;
  /** wall-clock limit per model, training and its validation included (minutes) */
  budgetMinutes: number;
  /** also checkpoint every N steps (a stop loses at most N steps; Ctrl-C is noticed at checkpoints and epoch ends) */
  checkpointEvery: number;
  /** validation BLEU after each epoch on the first N validation sentences (greedy); 0 = all */
  validBleuLimit: number;
}

export interface DataPlan {
  /** joint BPE merge operations learned on both training sides */
  bpeMerges: number;
  /** training pairs with more pieces on a side are left out (only affects training) */
  maxLen: number;
  /** first N training pairs (0 = all) */
  trainLimit: number;
  /** first N validation pairs (0 = all) */
  validLimit: number;
  /** first N test pairs (0 = all); the joined sets are made from them */
  testLimit: number;
  testSplit: string;
  validSplit: string;
  /** lowercase both sides (absent: true, Multi30k's setting; wmt-deen keeps case: its references are cased) */
  lowercase?: boolean;
}

export interface EvalPlan {
  /** beam sizes evaluated (1 = greedy) */
  beams: number[];
  alpha: number;
  /** joined test sets: n consecutive pairs as one (1 = the test set itself) */
  joins: number[];
  /** upper edges of the source-length buckets: DEFAULT_LENGTH_EDGES of src/eval/bylength.ts, WMT_LENGTH_EDGES for wmt-deen (recorded in run.json) */
  lengthEdges: number[];
  /** evaluate the validation set too (absent: true; wmt-deen: false, its dev set selects the model) */
  valid?: boolean;
  /**
   * Heatmap examples: for each N, the test sentence (real, not joined) whose
   * source length is the closest to N words; the last one at least N words
   * when the set has one (absent: Multi30k's median / longest ≤ 30 / joined
   * examples of pickExamples).
   */
  exampleWords?: number[];
  /** also BLEU by length of each test set alone, and perplexity by length (absent: false) */
  perSetLengths?: boolean;
}

export interface Plan {
  /** absent: Multi30k */
  corpus?: "wmt-deen";
  quick: boolean;
  pairs: string[];
  models: string[];
  /** seeds each model is trained with (absent: train.seed only); a seed other than train.seed trains into MODEL-seedN (modelDir) */
  seeds?: number[];
  sizes: Sizes;
  train: TrainPlan;
  data: DataPlan;
  eval: EvalPlan;
}

export const PAIRS = ["de-en", "en-fr"] as const;

export function fullPlan(): Plan {
  return {
    quick: false,
    pairs: ["de-en", "en-fr"],
    models: [...MODEL_NAMES],
    sizes: { emb: 256, hidden: 256, attnDim: 256, layers: 1 },
    train: {
      epochs: 10, batchSentences: 64, lr: 2e-3, schedule: "plateau", decay: 0.5, dropout: 0.3, labelSmoothing: 0.1,
      clip: 5, initRange: 0.1, seed: 1, budgetMinutes: 90, checkpointEvery: 200, validBleuLimit: 0,
    },
    data: { bpeMerges: 8000, maxLen: 80, trainLimit: 0, validLimit: 0, testLimit: 0, testSplit: "test_2016_flickr", validSplit: "val" },
    eval: { beams: [1, 5], alpha: 0.6, joins: [1, 2, 3, 4], lengthEdges: [...DEFAULT_LENGTH_EDGES] },
  };
}

/** A few minutes on a small subset: the script's smoke test. */
export function quickPlan(): Plan {
  return {
    quick: true,
    pairs: ["de-en"],
    models: ["rnnsearch", "rnnenc"],
    sizes: { emb: 64, hidden: 128, attnDim: 64, layers: 1 },
    train: {
      epochs: 2, batchSentences: 32, lr: 3e-3, schedule: "constant", decay: 0.5, dropout: 0, labelSmoothing: 0.1,
      clip: 5, initRange: 0.1, seed: 1, budgetMinutes: 90, checkpointEvery: 25, validBleuLimit: 0,
    },
    data: { bpeMerges: 1000, maxLen: 80, trainLimit: 4000, validLimit: 100, testLimit: 100, testSplit: "test_2016_flickr", validSplit: "val" },
    eval: { beams: [1, 5], alpha: 0.6, joins: [1, 2, 3, 4], lengthEdges: [...DEFAULT_LENGTH_EDGES] },
  };
}

/** The length buckets of wmt-deen: 1-10, 11-20, ..., 51-60, 61+ source words (the corpus's own, src/data/wmt.ts). */
export const WMT_LENGTH_EDGES: readonly number[] = WMT_DEEN.lengthEdges;

/**
 * Bahdanau et al. 2014's protocol on wmt-deen at our scale: the four models
 * of WMT_MODELS with the same sizes, epochs and time budget; dev =
 * newstest2013 (validation loss selects the model; per-epoch greedy BLEU on
 * its first 500 sentences), test = newstest2014 de→en and the same with each
 * 2 consecutive pairs joined (made-up long inputs); cased text and cased BLEU.
 * Sizes: each model trains in at most about 3 hours on 2 cores with
 * --threads 2. Measured on a 2-core AMD EPYC shared with other work (load
 * 7.5–10): the -50 models train on 51,352 pairs, 803 steps and 1.56 M
 * target tokens an epoch; RNNsearch-50 (7.0 M parameters) ran 0.43 steps/s
 * (31 minutes an epoch), RNNencdec-50 (7.0 M) 0.33 steps/s at the higher
 * load (40 minutes), so 4 epochs take 2.1–2.7 hours plus validation. The -30
 * models train on 37,346 pairs (584 steps, 0.88 M target tokens an epoch):
 * RNNsearch-30 ran 0.65 steps/s (load 4.6–7), 15 minutes an epoch. The
 * 180-minute budget stops a slower run (the best model so far is kept, and
 * the report says so).
 */
export function wmtPlan(): Plan {
  return {
    corpus: "wmt-deen",
    quick: false,
    pairs: ["de-en"],
    models: [...WMT_MODEL_NAMES],
    sizes: { emb: 256, hidden: 256, attnDim: 256, layers: 1 },
    train: {
      epochs: 4, batchSentences: 64, lr: 2e-3, schedule: "plateau", decay: 0.5, dropout: 0.3, labelSmoothing: 0.1,
      clip: 5, initRange: 0.1, seed: 1, budgetMinutes: 180, checkpointEvery: 200, validBleuLimit: 500,
    },
    data: { bpeMerges: 10000, maxLen: 0, trainLimit: 0, validLimit: 0, testLimit: 0, testSplit: "newstest2014", validSplit: "newstest2013", lowercase: false },
    eval: { beams: [1, 5], alpha: 0.6, joins: [1, 2], lengthEdges: [...WMT_LENGTH_EDGES], valid: false, exampleWords: [30, 45, 60], perSetLengths: true },
  };
}

/** wmt-deen in a few minutes: 3,000 training pairs, tiny models, 2 of the 4 models, 150 test sentences. */
export function wmtQuickPlan(): Plan {
  return {
    corpus: "wmt-deen",
    quick: true,
    pairs: ["de-en"],
    models: ["rnnsearch-50", "rnnencdec-30"],
    sizes: { emb: 64, hidden: 128, attnDim: 64, layers: 1 },
    train: {
      epochs: 2, batchSentences: 32, lr: 3e-3, schedule: "constant", decay: 0.5, dropout: 0, labelSmoothing: 0.1,
      clip: 5, initRange: 0.1, seed: 1, budgetMinutes: 180, checkpointEvery: 25, validBleuLimit: 50,
    },
    data: { bpeMerges: 1000, maxLen: 0, trainLimit: 3000, validLimit: 100, testLimit: 150, testSplit: "newstest2014", validSplit: "newstest2013", lowercase: false },
    eval: { beams: [1, 5], alpha: 0.6, joins: [1, 2], lengthEdges: [...WMT_LENGTH_EDGES], valid: false, exampleWords: [30, 45, 60], perSetLengths: true },
  };
}

export function splitPair(pair: string): [string, string] {
  const m = /^([a-z]{2,3})-([a-z]{2,3})$/.exec(pair);
  if (!m) throw new Error(`a language pair is written SRC-TGT (de-en, en-fr), got ${JSON.stringify(pair)}`);
  return [m[1], m[2]];
}

/** Parameters of a config. */
export function paramCount(c: ModelConfig): number {
  return paramSpecs(c).reduce((n, p) => n + numel(p.shape), 0);
}

function configWithHidden(spec: ModelSpec, sizes: Sizes, hidden: number, Vs: number, Vt: number): ModelConfig {
  const D = spec.bidirectional ? 2 : 1;
  if (hidden % D !== 0) throw new Error(`hidden size ${hidden} is not divisible by 2 (bidirectional encoder)`);
  return parseConfig({
    src_vocab_size: Vs, tgt_vocab_size: Vt,
    emb_dim: sizes.emb, enc_hidden: hidden / D, bidirectional: spec.bidirectional,
    enc_layers: sizes.layers, dec_layers: sizes.layers, dec_hidden: hidden,
    attn_dim: spec.attention === "additive" ? sizes.attnDim : 0,
    attention: spec.attention, decoder_style: spec.decoderStyle, input_feed: spec.decoderStyle === "luong" && spec.inputFeed,
    ...cellKeys(spec.cell ?? "lstm"),
  }, `model ${spec.name}`);
}

/** Hidden sizes are searched in steps of this (a multiple of the SIMD width, even for bidirectional encoders). */
export const HIDDEN_STEP = 8;

/**
 * The hidden size (decoder; encoder memory) of a model with `matchParams`:
 * the multiple of HIDDEN_STEP whose parameter count is the closest to the
 * LSTM model's with the plan's sizes and the same vocabularies. Embeddings,
 * attention size and layers stay the plan's; only the recurrent width moves.
 */
export function matchedHidden(spec: ModelSpec, sizes: Sizes, Vs: number, Vt: number): number {
  if (!spec.matchParams) return sizes.hidden;
  const target = paramCount(configWithHidden(modelSpec(spec.matchParams), sizes, sizes.hidden, Vs, Vt));
  let best = sizes.hidden, bestGap = Infinity;
  for (let h = HIDDEN_STEP; h <= 8 * sizes.hidden; h += HIDDEN_STEP) {
    const gap = Math.abs(paramCount(configWithHidden(spec, sizes, h, Vs, Vt)) - target);
    if (gap < bestGap) [best, bestGap] = [h, gap];
  }
  return best;
}

/** The model config of one model of the plan. */
export function modelConfig(spec: ModelSpec, sizes: Sizes, Vs: number, Vt: number): ModelConfig {
  return configWithHidden(spec, sizes, matchedHidden(spec, sizes, Vs, Vt), Vs, Vt);
}

/** The settings that make a model's results comparable; a resumed run must have the same. */
export function trainKey(plan: Plan, pair: string, spec: ModelSpec): string {
  const { budgetMinutes: _b, checkpointEvery: _c, ...train } = plan.train;
  const { label: _l, description: _d, ...model } = spec;
  return JSON.stringify({ pair, model, sizes: plan.sizes, train, data: plan.data });
}

export function evalKey(plan: Plan, pair: string, spec: ModelSpec): string {
  return JSON.stringify({ train: trainKey(plan, pair, spec), eval: plan.eval });
}

/** The directory of a model trained with a seed: the model's name for the plan's own seed, else NAME-seedN. */
export function modelDir(name: string, seed: number, plan: Plan): string {
  return seed === plan.train.seed ? name : `${name}-seed${seed}`;
}

/** Settings of run.json that must not change (the seed excepted: other seeds train into their own directories) between invocations into one directory. */
export function planIdentity(p: Plan): string {
  const { budgetMinutes: _b, checkpointEvery: _c, seed: _s, ...train } = p.train;
  return JSON.stringify({ ...(p.corpus ? { corpus: p.corpus } : {}), quick: p.quick, sizes: p.sizes, train, data: p.data, eval: p.eval });
}

/** The models the report compares first: the headline attention model and the no-attention baseline of the plan's corpus. */
export function roles(plan: { corpus?: string }): { head: string; base: string } {
  return plan.corpus === "wmt-deen" ? { head: "rnnsearch-50", base: "rnnencdec-50" } : { head: "rnnsearch", base: "rnnenc" };
}
