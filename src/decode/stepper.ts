// The decoder as search sees it: encode a batch of sources once, then advance
// rows one step at a time. Beam search (search.ts) drives any implementation:
// the engine's own (engineStepper, below) and, for the end-to-end benchmark
// and the ONNX export's checks, other runtimes running the same model.

import { encode } from "../model/encoder.js";
import { DecoderRun } from "../model/decoder.js";
import type { Model } from "../model/model.js";

/** What one step leaves for the search: views valid until the next call on the session. */
export interface StepOutput {
  /** log p(· | y_<t, x): [R, Vt] */
  logp: Float32Array;
  /** α_t over the padded source positions: [R, S]; null when the model has no attention */
  alpha: Float32Array | null;
}

/** One batch of sources being decoded. Rows are hypotheses; rowsrc[r] is the source sentence row r continues. */
export interface StepSession {
  /** padded source length (the row stride of alpha) */
  readonly S: number;
  /** R = rowsrc.length rows starting from each sentence's initial decoder state */
  start(rowsrc: readonly number[]): void | Promise<void>;
  /** one decoder step of the current rows, fed the previous tokens prev [R] */
  step(prev: readonly number[]): StepOutput | Promise<StepOutput>;
  /** keeps rows: new row i continues old row parents[i] and attends to sentence rowsrc[i] */
  reorder(parents: readonly number[], rowsrc: readonly number[]): void | Promise<void>;
  /** frees what begin() allocated */
  close(): void;
}

export interface Stepper {
  /** source and target vocabulary sizes */
  readonly Vs: number;
  readonly Vt: number;
  /** false for attention "none": search keeps no attention */
  readonly hasAttention: boolean;
  /** encodes srcs (ids ending with EOS, already validated); at most maxRows rows will be live at once */
  begin(srcs: readonly (readonly number[])[], maxRows: number): StepSession | Promise<StepSession>;
}

/** The engine's decoder as a Stepper (synchronous: every method returns a value, never a promise). */
/** A Stepper whose calls all return values (the engine's). */
export interface SyncStepper extends Stepper {
  begin(srcs: readonly (readonly number[])[], maxRows: number): EngineSession;
}

export function engineStepper(model: Model): SyncStepper {
  const d = model.dims;
  return {
    Vs: d.Vs,
    Vt: d.Vt,
    hasAttention: model.config.attention !== "none",
    begin(srcs, maxRows) {
      const arena = model.engine.arena;
      const mark = arena.mark();
      try {
        return new EngineSession(model, srcs, maxRows, mark);
      } catch (e) {
        arena.release(mark);
        throw e;
      }
    },
  };
}

export class EngineSession implements StepSession {
  readonly S: number;
  private readonly run: DecoderRun;
  private readonly attn: boolean;

  constructor(private readonly model: Model, srcs: readonly (readonly number[])[], maxRows: number, private readonly mark: number) {
    const enc = encode(model, srcs as number[][]);
    this.S = enc.S;
    this.run = new DecoderRun(model, enc, Math.max(1, maxRows));
    this.attn = model.config.attention !== "none";
  }

  start(rowsrc: readonly number[]): void {
    this.run.start(rowsrc);
  }

  step(prev: readonly number[]): StepOutput {
    this.run.step(prev);
    return { logp: this.run.logpView(), alpha: this.attn ? this.run.alphaView() : null };
  }

  reorder(parents: readonly number[], rowsrc: readonly number[]): void {
    this.run.reorder(parents, rowsrc);
  }

  close(): void {
    this.model.engine.arena.release(this.mark);
  }
}
