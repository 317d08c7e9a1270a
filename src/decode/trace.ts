// A decoding trace of one sentence: what the search (search.ts) computes at
// every step, kept as plain numbers. The same search runs (BeamSearch with an
// observer), so the trace's best hypothesis is searchIds' best, ids and score.
//
// The attention kernels return α and ctx only; the pre-softmax scores e_tj are
// recomputed here, in float64, from the query and the keys the kernels read
// (docs/model.md "Attention over the memory"):
//   dot, general   e_j = q · key_j                   key_j: M_j, or attn.weight · M_j
//   additive       e_j = v · tanh(qp + key_j)        qp = attn.query.weight · q, key_j = attn.key.weight · M_j + b
// so softmax(e) is the kernels' α to float32 rounding. Normal decoding is
// untouched: only traceDecode reads these buffers.

import { EOS } from "../model/config.js";
import type { Model } from "../model/model.js";
import { encode, type EncoderOutput } from "../model/encoder.js";
import { DecoderRun } from "../model/decoder.js";
import { BeamSearch, checkOptions, checkSources, lengthPenalty, type Hypothesis, type SearchOptions } from "./search.js";
import { engineStepper } from "./stepper.js";

export type TraceOptions = Pick<SearchOptions, "beam" | "alpha" | "maxLenA" | "maxLenB">;

/** The encoder's side of one sentence (S = source length with EOS). */
export interface EncoderTrace {
  /** M_j, the top encoder layer's output per source position: [S][Hm] */
  memory: number[][];
  /** m̄ = [→h_S ; ←h_1]: [Hm] */
  mbar: number[];
  /** the bridge's initial decoder state per decoder layer: [Ld][Hd] */
  h0: number[][];
  /** attention keys per position: [S][Dk] (dot: M_j; general: attn.weight·M_j; additive: attn.key·M_j + b); null for "none" */
  keys: number[][] | null;
}

/** One decoder row of a step: a live hypothesis being extended. */
export interface TraceRow {
  /** the previous step's candidate this row continues (index into its `candidates`); -1 at step 1 (BOS) */
  hyp: number;
  /** the attention query q: [Hd] (bahdanau: s_{t-1}; luong: h_t); null for "none" */
  query: number[] | null;
  /** pre-softmax scores e_tj: [S]; null for attention "none" */
  scores: number[] | null;
  /** α_tj = softmax_j(e_tj): [S]; null for attention "none" */
  alpha: number[] | null;
  /** c_t = Σ_j α_tj M_j (m̄ for "none"): [Hm] */
  context: number[];
}

/** A candidate the search kept at this step (beam search takes at most 2K, in this order). */
export interface TraceCandidate {
  /** the row (of this step's `rows`) it extends */
  row: number;
  token: number;
  /** log p(token | row's prefix, x) */
  logp: number;
  /** Σ log p of the prefix and token */
  cum: number;
  /** cum / lp(t), the normalised score (GNMT, exponent alpha) */
  score: number;
  /** the token is EOS: the hypothesis finishes here */
  eos: boolean;
  /** the hypothesis finishes here (EOS, or the maximum length) */
  finished: boolean;
}

export interface TraceStep {
  /** output position, from 1 */
  t: number;
  rows: TraceRow[];
  candidates: TraceCandidate[];
  /** candidates that live on: row i of the next step continues candidates[kept[i]] (none at the last step) */
  kept: number[];
}

export interface TracedHypothesis extends Hypothesis {
  /** where it ends: steps[step].candidates[candidate] */
  step: number;
  candidate: number;
}

export interface DecodeTrace {
  encoder: EncoderTrace;
  steps: TraceStep[];
  /** every finished hypothesis, best first (searchIds' n-best are the first n) */
  hypotheses: TracedHypothesis[];
}

const rowsOf = (v: Float32Array, n: number, w: number, ld = w): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * ld, i * ld + w)));

function encoderTrace(model: Model, enc: EncoderOutput, L: number): EncoderTrace {
  const a = model.engine.arena, d = model.dims;
  const Dk = model.config.attention === "additive" ? d.A : model.config.attention === "general" ? d.Hd : d.Hm;
  return {
    memory: rowsOf(a.f32(enc.mem, L * d.Hm), L, d.Hm),
    mbar: Array.from(a.f32(enc.mbar, d.Hm)),
    h0: rowsOf(a.f32(enc.h0, d.Ld * d.Hd), d.Ld, d.Hd),
    keys: enc.keys ? rowsOf(a.f32(enc.keys, L * Dk), L, Dk) : null,
  };
}

/**
 * The encoder's side of one source (ids ending with EOS): the memory M_j of
 * every position, m̄ (the context of a model without attention), the
 * decoder's initial state and the attention keys — what traceDecode returns
 * as `encoder`, without decoding.
 */
export function traceEncoder(model: Model, src: number[]): EncoderTrace {
  checkSources(engineStepper(model), [src]);
  const arena = model.engine.arena;
  const mark = arena.mark();
  try {
    return encoderTrace(model, encode(model, [src]), src.length);
  } finally {
    arena.release(mark);
  }
}

/** e_j for one row (float64), from the query (or its additive projection) and the keys. */
function scoresOf(model: Model, q: Float32Array, keys: number[][]): number[] {
  if (model.config.attention === "additive") {
    const v = model.view("attn.v.weight");
    return keys.map((k) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) s += v[i] * Math.tanh(q[i] + k[i]);
      return s;
    });
  }
  return keys.map((k) => {
    let s = 0;
    for (let i = 0; i < k.length; i++) s += q[i] * k[i];
    return s;
  });
}

/**
 * Translates one source (ids ending with EOS) as searchIds does (beam 1 =
 * greedy) and returns every step's attention and beam candidates, and the
 * encoder states. For teaching and inspection: one sentence, all numbers kept.
 */
export function traceDecode(model: Model, src: number[], options: TraceOptions = {}): DecodeTrace {
  const o = checkOptions({ ...options, nbest: 1 });
  const stepper = engineStepper(model);
  checkSources(stepper, [src]);
  const d = model.dims, K = o.beam, L = src.length;
  const kind = model.config.attention;
  const arena = model.engine.arena;
  const mark = arena.mark();
  try {
    const enc = encode(model, [src]);
    const encoder = encoderTrace(model, enc, L);
    const run = new DecoderRun(model, enc, K);
    const steps: TraceStep[] = [];
    const finished: { step: number; candidate: number }[] = [];
    let step: TraceStep | null = null;
    const observer = {
      candidate(_b: number, hi: number, v: number, logp: number, cum: number): void {
        const s = step!, eos = v === EOS;
        const i = s.candidates.push({ row: hi, token: v, logp, cum, score: cum / lengthPenalty(s.t, o.alpha), eos, finished: eos }) - 1;
        if (eos) finished.push({ step: steps.length - 1, candidate: i });
        else s.kept.push(i);
      },
      maxLength(): void {
        const s = step!;
        for (const i of s.kept) {
          s.candidates[i].finished = true;
          finished.push({ step: steps.length - 1, candidate: i });
        }
        s.kept = [];
      },
    };
    const beams = new BeamSearch([src], { ...o, attention: true }, d.Vt, enc.S, kind !== "none", observer);
    run.start([0]);
    let hyps = [-1];
    for (let t = 1; ; t++) {
      // bahdanau attends with s_{t-1}, the state before this step
      const before = model.config.decoder_style === "bahdanau" ? run.topStateView().slice() : null;
      run.step(beams.prev);
      const q = before ?? run.topStateView();
      const alpha = kind === "none" ? null : run.alphaView(), ctx = run.contextView();
      const qp = kind === "additive" ? run.queryProjView() : null;
      const rows: TraceRow[] = hyps.map((hyp, r) => {
        const qr = q.subarray(r * d.Hd, (r + 1) * d.Hd);
        return {
          hyp,
          query: kind === "none" ? null : Array.from(qr),
          scores: encoder.keys ? scoresOf(model, qp ? qp.subarray(r * d.A, (r + 1) * d.A) : qr, encoder.keys) : null,
          alpha: alpha ? Array.from(alpha.subarray(r * enc.S, r * enc.S + L)) : null,
          context: Array.from(ctx.subarray(r * d.Hm, (r + 1) * d.Hm)),
        };
      });
      step = { t, rows, candidates: [], kept: [] };
      steps.push(step);
      const next = beams.advance({ logp: run.logpView(), alpha });
      if (!next) {
        // the search stopped: live candidates (if K hypotheses finished first) go no further
        step.kept = [];
        break;
      }
      run.reorder(next.parents, next.rowsrc);
      hyps = step.kept;
    }
    return { encoder, steps, hypotheses: hypothesesOf(steps, finished) };
  } finally {
    arena.release(mark);
  }
}

/** Finished hypotheses by walking back their chains; sorted as search.ts sorts (score, then finishing order). */
function hypothesesOf(steps: TraceStep[], finished: { step: number; candidate: number }[]): TracedHypothesis[] {
  const hyps = finished.map(({ step, candidate }) => {
    const c = steps[step].candidates[candidate];
    const ids: number[] = [], attn: number[][] = [];
    for (let s = step, i = candidate; i >= 0; s--) {
      const ci = steps[s].candidates[i], row = steps[s].rows[ci.row];
      ids.push(ci.token);
      if (row.alpha) attn.push(row.alpha);
      i = row.hyp;
    }
    const attention = attn.length ? attn.reverse() : null;
    return { ids: ids.reverse(), score: c.score, cum: c.cum, attention, step, candidate };
  });
  return hyps.map((h, i) => [h, i] as const).sort((x, y) => y[0].score - x[0].score || x[1] - y[1]).map(([h]) => h);
}
