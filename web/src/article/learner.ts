// One model of the side-by-side training, without DOM or worker: builds the
// model for a task's data, runs Adam updates on length-bucketed batches, and
// measures exact match of greedy decoding by source-length bucket. The race
// worker drives it in slices; the models of a race differ only in `attention`
// (all Bahdanau-style decoders: dot needs dec_hidden = Hm, which 2·hidden is).
import {
  Grads, Model, Optimizer, initialize, lossAndGrads, makeBatches, parseConfig, searchIds, type Engine,
} from "seq2seq-wasm";
import { taskModelMetadata } from "seq2seq-wasm/text";
import { accuracyByBucket, type TaskData } from "./tasks.js";

export interface LearnerSettings {
  attention: "none" | "additive" | "dot" | "general";
  emb: number;
  /** encoder hidden size per direction; decoder and attention: twice this */
  hidden: number;
  batch: number;
  /** Adam's learning rate at the start; update k uses lr / (1 + k / lrHalfLife) */
  lr: number;
  lrHalfLife: number;
  seed: number;
}

export class Learner {
  readonly model: Model;
  private readonly grads: Grads;
  private readonly opt: Optimizer;
  private readonly lengths: { src: number; tgt: number }[];
  private batches: number[][];
  private epoch = 1;
  private next = 0;
  step = 0;
  /** loss sum and count since the last takeLoss() */
  private lossSum = 0;
  private lossCount = 0;

  constructor(engine: Engine, readonly data: TaskData, readonly s: LearnerSettings) {
    const config = parseConfig({
      src_vocab_size: data.srcVocab.length, tgt_vocab_size: data.tgtVocab.length, emb_dim: s.emb, enc_hidden: s.hidden,
      bidirectional: true, dec_hidden: 2 * s.hidden, attn_dim: 2 * s.hidden, attention: s.attention, decoder_style: "bahdanau",
    });
    // the task's vocabularies and tokenizer: s2s translate reads a downloaded model's text as the page does
    this.model = Model.create(engine, config, taskModelMetadata(data.name, { src: data.srcVocab.slice(4), tgt: data.tgtVocab.slice(4) }));
    // the same seed for both models: weights drawn from the same sequence, the same batches
    initialize(this.model, { kind: "uniform", range: 0.1 }, s.seed);
    this.grads = new Grads(this.model);
    this.opt = new Optimizer(this.model, this.grads, { kind: "adam" });
    this.lengths = data.train.map((p) => ({ src: p.src.length, tgt: p.tgt.length }));
    this.batches = this.makeBatches();
  }

  private makeBatches(): number[][] {
    return makeBatches(this.lengths, { batchSentences: this.s.batch, shuffle: true, seed: this.s.seed, epoch: this.epoch });
  }

  /** One Adam update (a non-finite loss skips the update, as the CLI trainer does). */
  update(): void {
    if (this.next >= this.batches.length) {
      this.epoch++;
      this.batches = this.makeBatches();
      this.next = 0;
    }
    const idx = this.batches[this.next++], pairs = this.data.train;
    this.grads.zero();
    const r = lossAndGrads(this.model, this.grads, { srcs: idx.map((i) => pairs[i].src), tgts: idx.map((i) => pairs[i].tgt) });
    if (!Number.isFinite(r.loss) || this.opt.nonFinite() > 0) return;
    this.opt.clip(5);
    // a falling rate: fast at first, then fewer of the spikes a constant rate gives near convergence
    this.opt.step(this.s.lr / (1 + this.step / this.s.lrHalfLife));
    this.step++;
    this.lossSum += r.loss;
    this.lossCount++;
  }

  /** Mean loss of the updates since the last call (NaN if none). */
  takeLoss(): number {
    const m = this.lossCount ? this.lossSum / this.lossCount : NaN;
    this.lossSum = 0;
    this.lossCount = 0;
    return m;
  }

  /** Exact match of greedy output on the test set: [bucket] fraction. */
  evaluate(): number[] {
    const hyps = searchIds(this.model, this.data.test.map((e) => e.pair.src), { beam: 1, maxLenA: 1.5, maxLenB: 10, attention: false });
    return accuracyByBucket(this.data, hyps.map((h) => h[0].ids));
  }
}
