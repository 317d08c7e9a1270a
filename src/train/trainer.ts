// The training loop: batches, optimizer steps with clipping and non-finite
// step skipping, learning-rate schedules, validation each epoch, early
// stopping, best-model and checkpoint saving, exact resume.

import { S2SError } from "../errors.js";
import { scoreIds, type PairIds } from "../decode/score.js";
import { parseSafetensors } from "../io/safetensors.js";
import type { Model } from "../model/model.js";
import { QUANT_KEY } from "../model/quant.js";
import { lossAndGrads } from "./backprop.js";
import { makeBatches } from "./batches.js";
import { Grads } from "./grads.js";
import { Optimizer, type OptimizerKind } from "./optim.js";
import { formatDuration, Progress } from "./progress.js";

export type Schedule = "constant" | "plateau" | "rsqrt";

export interface TrainConfig {
  optimizer: OptimizerKind;
  lr: number;
  /** stop after this many updates (across epochs) */
  steps?: number;
  /** stop after this many epochs (default 10 when steps is not set) */
  epochs?: number;
  batchSentences?: number;
  batchTokens?: number;
  shuffle: boolean;
  dropout: number;
  labelSmoothing: number;
  /** global gradient-norm clip, 0 = off */
  clip: number;
  seed: number;
  /** constant; plateau: lr × decay when validation loss does not improve; rsqrt: linear warm-up then lr·√(warmup/step) */
  schedule: Schedule;
  warmup: number;
  decay: number;
  /** stop after this many epochs without validation improvement (0 = never) */
  patience: number;
  /** also checkpoint every this many steps (0 = only at epoch ends and interrupts) */
  checkpointEvery: number;
}

/** Give up after this many batches in a row whose loss or gradients are NaN/Inf. */
export const MAX_CONSECUTIVE_SKIPS = 50;

export const DEFAULT_TRAIN: TrainConfig = {
  optimizer: "adam", lr: 1e-3, shuffle: true, dropout: 0, labelSmoothing: 0, clip: 5, seed: 1,
  schedule: "constant", warmup: 4000, decay: 0.5, patience: 0, checkpointEvery: 0,
};

export interface EpochRecord {
  epoch: number;
  step: number;
  trainLoss: number;
  validLoss: number | null;
  validPpl: number | null;
  /** extra validation metrics (e.g. BLEU) from the validate hook */
  metrics: Record<string, number>;
  lr: number;
  seconds: number;
}

export interface TrainState {
  epoch: number;
  /** next batch within the epoch */
  batch: number;
  step: number;
  lr: number;
  bestValid: number | null;
  badEpochs: number;
  skippedSteps: number;
  /** running sums of the current epoch */
  epochLoss: number;
  epochTokens: number;
  /** seconds already spent in the current epoch by earlier runs (a resumed epoch's record counts them too) */
  epochSeconds?: number;
  history: EpochRecord[];
  done: boolean;
}

export interface TrainHooks {
  progress?: Progress;
  /** extra validation metrics after each epoch (e.g. BLEU of greedy output) */
  validate?: (model: Model) => Promise<Record<string, number>> | Record<string, number>;
  /** called when the model is the best so far (or at the end when there is no validation set) */
  saveBest?: (model: Model) => Promise<void>;
  /** writes a checkpoint (bytes from checkpointBytes) */
  saveCheckpoint?: (bytes: Uint8Array) => Promise<void>;
  /** polled before each step, after a turn of the event loop (so signal handlers run); true = checkpoint and stop (Ctrl-C) */
  interrupted?: () => boolean;
  /** the clock, in ms (default Date.now; tests pass a fake one) */
  now?: () => number;
}

export interface TrainResult {
  state: TrainState;
  interrupted: boolean;
}

/** Mean teacher-forced cross-entropy per target token (no dropout, no smoothing). */
export function validationLoss(model: Model, pairs: PairIds[]): number {
  let sum = 0, n = 0;
  for (const r of scoreIds(model, pairs, { attention: false })) {
    for (const lp of r.logprobs) sum -= lp;
    n += r.logprobs.length;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * One turn of the event loop (a macrotask, so pending signals and timers run).
 * The step loop is synchronous wasm work; without this a SIGINT handler would
 * only run at the next awaited write, i.e. the end of the epoch.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

export class Trainer {
  readonly grads: Grads;
  readonly optimizer: Optimizer;
  state: TrainState;

  constructor(
    readonly model: Model,
    readonly train: PairIds[],
    readonly valid: PairIds[] | null,
    readonly cfg: TrainConfig,
  ) {
    model.requireF32("training");
    if (train.length === 0) throw new S2SError("no training pairs");
    this.grads = new Grads(model);
    this.optimizer = new Optimizer(model, this.grads, { kind: cfg.optimizer });
    this.state = {
      epoch: 1, batch: 0, step: 0, lr: cfg.lr, bestValid: null, badEpochs: 0, skippedSteps: 0,
      epochLoss: 0, epochTokens: 0, history: [], done: false,
    };
  }

  private batchesOf(epoch: number): number[][] {
    return makeBatches(this.train.map((p) => ({ src: p.src.length, tgt: p.tgt.length })), {
      batchSentences: this.cfg.batchSentences, batchTokens: this.cfg.batchTokens,
      shuffle: this.cfg.shuffle, seed: this.cfg.seed, epoch,
    });
  }

  private lrAt(step: number): number {
    const c = this.cfg;
    if (c.schedule === "rsqrt") {
      const s = Math.max(1, step);
      return c.lr * Math.min(s / Math.max(1, c.warmup), Math.sqrt(Math.max(1, c.warmup) / s));
    }
    return this.state.lr;
  }

  private maxEpochs(): number {
    return this.cfg.epochs ?? (this.cfg.steps !== undefined ? Number.POSITIVE_INFINITY : 10);
  }

  /** Runs until the step/epoch budget, early stopping, or an interrupt. */
  async run(hooks: TrainHooks = {}): Promise<TrainResult> {
    const st = this.state, c = this.cfg;
    const progress = hooks.progress ?? new Progress(undefined, 5000, true);
    const perEpoch = this.batchesOf(1).length;
    const totalSteps = c.steps ?? (Number.isFinite(this.maxEpochs()) ? perEpoch * this.maxEpochs() : null);
    const now = hooks.now ?? Date.now;
    // t0: start of this epoch's throughput window; runStart: start of this run, for the ETA
    let t0 = now(), tokens0 = 0, tokensSeen = 0;
    const runStart = t0;
    const startStep = st.step;
    // the current epoch's time: what earlier runs spent in it (from the checkpoint) plus this run's
    let epochStart = now() - (st.epochSeconds ?? 0) * 1000;
    const checkpoint = () => {
      st.epochSeconds = (now() - epochStart) / 1000;
      return this.checkpointBytes();
    };
    let consecutiveSkips = 0;
    while (!st.done) {
      // the budget may be spent already (a resumed run that had finished)
      if (st.epoch > this.maxEpochs() || (c.steps !== undefined && st.step >= c.steps && st.batch === 0)) {
        st.done = true;
        break;
      }
      const batches = this.batchesOf(st.epoch);
      while (st.batch < batches.length) {
        if (c.steps !== undefined && st.step >= c.steps) break;
        // a signal handler (Ctrl-C) runs only when the loop gives the event loop a turn
        if (hooks.interrupted) await yieldToEventLoop();
        if (hooks.interrupted?.()) {
          await hooks.saveCheckpoint?.(checkpoint());
          return { state: st, interrupted: true };
        }
        const idx = batches[st.batch];
        this.grads.zero();
        const r = lossAndGrads(this.model, this.grads, {
          srcs: idx.map((i) => this.train[i].src), tgts: idx.map((i) => this.train[i].tgt),
        }, { labelSmoothing: c.labelSmoothing, dropout: c.dropout, seed: (c.seed * 7919 + st.step) | 0 });
        st.batch++;
        if (!Number.isFinite(r.loss) || this.optimizer.nonFinite() > 0) {
          st.skippedSteps++;
          consecutiveSkips++;
          progress.log(`warning: step ${st.step + 1}: loss or gradients are NaN/Inf; step skipped (${st.skippedSteps} so far)`);
          if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
            throw new S2SError(`training diverged: ${consecutiveSkips} consecutive batches with NaN/Inf loss or gradients (lower --lr, or set --clip)`);
          }
          continue;
        }
        consecutiveSkips = 0;
        this.optimizer.clip(c.clip);
        this.optimizer.step(this.lrAt(st.step + 1));
        st.step++;
        st.epochLoss += r.lossSum;
        st.epochTokens += r.tokens;
        tokensSeen += r.tokens;
        const t = now();
        const secs = (t - t0) / 1000;
        const rate = secs > 0 ? (tokensSeen - tokens0) / secs : 0;
        // the whole run's remaining steps at the rate of this run so far (validation time included)
        const stepsLeft = totalSteps === null ? null : totalSteps - st.step;
        const eta = stepsLeft === null || st.step === startStep || t === runStart ? null : (stepsLeft * (t - runStart)) / 1000 / (st.step - startStep);
        progress.update({ epoch: st.epoch, step: st.step, totalSteps, loss: r.loss, tokensPerSec: rate, etaSec: eta });
        if (c.checkpointEvery > 0 && st.step % c.checkpointEvery === 0) await hooks.saveCheckpoint?.(checkpoint());
      }
      const epochDone = st.batch >= batches.length;
      const budgetDone = c.steps !== undefined && st.step >= c.steps;
      // end of an epoch (or of the step budget): validate, keep the best, maybe stop
      const rec: EpochRecord = {
        epoch: st.epoch, step: st.step,
        trainLoss: st.epochTokens > 0 ? st.epochLoss / st.epochTokens : NaN,
        validLoss: null, validPpl: null, metrics: {}, lr: this.lrAt(st.step),
        seconds: (now() - epochStart) / 1000,
      };
      if (this.valid && this.valid.length > 0) {
        rec.validLoss = validationLoss(this.model, this.valid);
        rec.validPpl = Math.exp(rec.validLoss);
        if (hooks.validate) rec.metrics = await hooks.validate(this.model);
        if (st.bestValid === null || rec.validLoss < st.bestValid) {
          st.bestValid = rec.validLoss;
          st.badEpochs = 0;
          await hooks.saveBest?.(this.model);
        } else {
          st.badEpochs++;
          if (c.schedule === "plateau") st.lr *= c.decay;
        }
      }
      st.history.push(rec);
      const extra = Object.entries(rec.metrics).map(([k, v]) => ` ${k} ${v.toFixed(2)}`).join("");
      progress.log(
        `epoch ${rec.epoch} step ${rec.step}: train loss ${rec.trainLoss.toFixed(4)}` +
        (rec.validLoss !== null ? ` valid loss ${rec.validLoss.toFixed(4)} ppl ${rec.validPpl!.toFixed(2)}` : "") +
        `${extra} lr ${rec.lr.toPrecision(3)} (${formatDuration(rec.seconds)})`,
      );
      if (epochDone) {
        st.epoch++;
        st.batch = 0;
        st.epochLoss = 0;
        st.epochTokens = 0;
      }
      st.epochSeconds = 0;
      epochStart = now();
      t0 = now();
      tokens0 = tokensSeen;
      if (budgetDone || st.epoch > this.maxEpochs()) st.done = true;
      if (c.patience > 0 && st.badEpochs >= c.patience) {
        progress.log(`early stopping: no validation improvement for ${st.badEpochs} epochs`);
        st.done = true;
      }
      await hooks.saveCheckpoint?.(this.checkpointBytes());
    }
    if (!this.valid || this.valid.length === 0) await hooks.saveBest?.(this.model);
    return { state: st, interrupted: false };
  }

  /** Model, optimizer state and loop state in one safetensors file. */
  checkpointBytes(): Uint8Array {
    return this.model.toBytes(this.optimizer.stateTensors(), {
      optimizer: this.optimizer.stateJson(),
      train_state: JSON.stringify(this.state),
      train_config: JSON.stringify(this.cfg),
    });
  }

  /** Restores a checkpoint written by checkpointBytes() into this trainer (model weights included). */
  restore(bytes: Uint8Array, source: string): void {
    const st = parseSafetensors(bytes, source);
    const { optimizer, train_state } = st.metadata;
    if (st.metadata[QUANT_KEY] !== undefined) throw new S2SError(`${source}: an int8-quantised file cannot be resumed (training needs float32 weights)`);
    if (!optimizer || !train_state) throw new S2SError(`${source}: not a training checkpoint (no optimizer/train_state metadata)`);
    for (const s of this.model.specs) {
      const v = st.f32(s.name);
      if (v.length !== s.size) throw new S2SError(`${source}: tensor ${s.name} does not fit this model`);
      this.model.view(s.name).set(v);
    }
    this.model.refresh();
    this.optimizer.restore(st, optimizer);
    try {
      this.state = JSON.parse(train_state) as TrainState;
    } catch {
      throw new S2SError(`${source}: train_state is not valid JSON`);
    }
    // the budget of this run (--steps/--epochs) decides whether there is more to do
    this.state.done = false;
  }
}
