// Batched beam search (greedy is beam 1): all live beams of all sentences of
// a batch advance together, one decoder step over all their rows at a time.
//
// The decoder is a Stepper (stepper.ts): the engine's own for searchIds, any
// other runtime's for searchWith (the end-to-end benchmark's baselines run
// exactly this search).
//
// Per sentence, at step t (EOS = 3, lp(n) = ((5 + n) / 6)^α as in GNMT):
//   candidates = every live hypothesis h × every token v, with cum_h + log p_h(v)
//   take the best 2K (ties: earlier hypothesis, then smaller id)
//   in that order: an EOS candidate among the first K finishes a hypothesis
//   (score = cum / lp(t)); other candidates fill the K live slots
//   the sentence stops when it has K finished hypotheses or no live ones; if
//   it reaches the maximum length ⌊a·S + b⌋ (S = source length with EOS)
//   instead, its live hypotheses finish without EOS (score = cum / lp(length))
//   result: finished hypotheses by score, best first, the first n-best.

import { BOS, EOS } from "../model/config.js";
import type { Model } from "../model/model.js";
import { engineStepper, type StepOutput, type Stepper } from "./stepper.js";
import { S2SError } from "../errors.js";
import { checkIds, lengthBatches } from "./ids.js";

export interface SearchOptions {
  /** beam size K (1 = greedy); default 5 */
  beam?: number;
  /** maximum output length ⌊a·S + b⌋; defaults a = 2, b = 10 */
  maxLenA?: number;
  maxLenB?: number;
  /** GNMT length-normalisation exponent; default 0.6 (0 = raw log-probability) */
  alpha?: number;
  /** hypotheses returned per sentence; default 1, at most beam */
  nbest?: number;
  /** sentences per batch (default 32) and source tokens per batch (default 4096) */
  batchSentences?: number;
  batchTokens?: number;
  /** keep attention matrices (default true) */
  attention?: boolean;
}

export interface Hypothesis {
  /** output ids, ending with EOS unless the maximum length stopped the search */
  ids: number[];
  /** cum / lp(|ids|) */
  score: number;
  /** Σ log p of the ids */
  cum: number;
  /** α for each output token over the source positions; null for attention "none" (or when not kept) */
  attention: number[][] | null;
}

/** One output token of a hypothesis; hypotheses share their prefixes through `parent`. */
interface Node {
  token: number;
  parent: Node | null;
  /** α of this step over the sentence's source positions (when attention is kept) */
  attn: Float32Array | null;
}

interface Live {
  node: Node | null;
  len: number;
  cum: number;
}

/** ids and attention rows of a hypothesis, by walking back from its last node. */
function unwind(node: Node | null, len: number): { ids: number[]; attn: Float32Array[] } {
  const ids = new Array<number>(len), attn: Float32Array[] = [];
  for (let i = len - 1, n = node; n !== null; i--, n = n.parent) {
    ids[i] = n.token;
    if (n.attn) attn.push(n.attn);
  }
  return { ids, attn: attn.reverse() };
}

export const DEFAULT_SEARCH = { beam: 5, maxLenA: 2, maxLenB: 10, alpha: 0.6, nbest: 1 } as const;

export function lengthPenalty(n: number, alpha: number): number {
  return alpha === 0 ? 1 : Math.pow((5 + n) / 6, alpha);
}

export function checkOptions(o: SearchOptions): Required<Omit<SearchOptions, "batchSentences" | "batchTokens">> {
  const beam = o.beam ?? DEFAULT_SEARCH.beam;
  const nbest = o.nbest ?? DEFAULT_SEARCH.nbest;
  const maxLenA = o.maxLenA ?? DEFAULT_SEARCH.maxLenA;
  const maxLenB = o.maxLenB ?? DEFAULT_SEARCH.maxLenB;
  const alpha = o.alpha ?? DEFAULT_SEARCH.alpha;
  if (!Number.isInteger(beam) || beam < 1 || beam > 1000) throw new S2SError(`beam must be an integer in [1, 1000], got ${beam}`);
  if (!Number.isInteger(nbest) || nbest < 1 || nbest > beam) throw new S2SError(`nbest must be an integer in [1, beam = ${beam}], got ${nbest}`);
  if (!Number.isFinite(maxLenA) || maxLenA < 0 || !Number.isFinite(maxLenB) || maxLenB < 0) throw new S2SError(`max-len-a and max-len-b must be non-negative numbers`);
  if (!Number.isFinite(alpha) || alpha < 0) throw new S2SError(`alpha must be a non-negative number, got ${alpha}`);
  return { beam, nbest, maxLenA, maxLenB, alpha, attention: o.attention ?? true };
}

/** Longest source accepted (tokens with EOS); the text pipeline splits longer lines. */
export const MAX_SOURCE_TOKENS = 4096;
/** Hard cap of the output length, whatever ⌊a·S + b⌋ says. */
export const MAX_OUTPUT_TOKENS = 1024;

/** Maximum output length for a source of S tokens (with EOS): ⌊a·S + b⌋, at least 1, at most MAX_OUTPUT_TOKENS. */
export function maxLength(S: number, a: number, b: number): number {
  return Math.min(MAX_OUTPUT_TOKENS, Math.max(1, Math.floor(a * S + b)));
}

export type Checked = ReturnType<typeof checkOptions>;

/**
 * Sees every candidate a step keeps, in the order the search takes them
 * (decoding traces, trace.ts); searchIds passes none.
 */
export interface SearchObserver {
  /** sentence b's candidate: live hypothesis hi (= its row among the sentence's rows) + token v, with log p and cum */
  candidate(b: number, hi: number, v: number, logp: number, cum: number): void;
  /** sentence b reached its maximum length: this step's live (non-EOS) candidates finish, in order */
  maxLength(b: number): void;
}

export function checkSources(stepper: Stepper, srcs: number[][]): void {
  srcs.forEach((s, i) => {
    checkIds(s, stepper.Vs, `sentence ${i + 1}: src`);
    if (s.length > MAX_SOURCE_TOKENS) throw new S2SError(`sentence ${i + 1}: src has ${s.length} tokens, more than the limit of ${MAX_SOURCE_TOKENS}`);
  });
}

/** Batches of source indices: sentences of similar length together, fewer sentences per batch for wider beams. */
function searchBatches(srcs: number[][], K: number, options: SearchOptions): number[][] {
  const perBatch = Math.max(1, Math.floor((options.batchSentences ?? 32) / Math.sqrt(K)));
  return lengthBatches(srcs.map((s) => s.length), perBatch, options.batchTokens ?? 4096);
}

/** Translates each source (ids ending with EOS); returns the n-best hypotheses per source, in input order. */
export function searchIds(model: Model, srcs: number[][], options: SearchOptions = {}): Hypothesis[][] {
  const o = checkOptions(options);
  const stepper = engineStepper(model);
  checkSources(stepper, srcs);
  const results: Hypothesis[][] = new Array(srcs.length);
  for (const batch of searchBatches(srcs, o.beam, options)) {
    const bs = batch.map((i) => srcs[i]);
    const session = stepper.begin(bs, bs.length * o.beam);
    try {
      const beams = new BeamSearch(bs, o, stepper.Vt, session.S, stepper.hasAttention);
      session.start(beams.startRows());
      for (;;) {
        const next = beams.advance(session.step(beams.prev));
        if (!next) break;
        session.reorder(next.parents, next.rowsrc);
      }
      batch.forEach((i, b) => (results[i] = beams.results()[b]));
    } finally {
      session.close();
    }
  }
  return results;
}

/**
 * searchIds over any Stepper (its methods may be asynchronous): the same
 * search, so two runtimes computing the same model give the same ids.
 */
export async function searchWith(stepper: Stepper, srcs: number[][], options: SearchOptions = {}): Promise<Hypothesis[][]> {
  const o = checkOptions(options);
  checkSources(stepper, srcs);
  const results: Hypothesis[][] = new Array(srcs.length);
  for (const batch of searchBatches(srcs, o.beam, options)) {
    const bs = batch.map((i) => srcs[i]);
    const session = await stepper.begin(bs, bs.length * o.beam);
    try {
      const beams = new BeamSearch(bs, o, stepper.Vt, session.S, stepper.hasAttention);
      await session.start(beams.startRows());
      for (;;) {
        const next = beams.advance(await session.step(beams.prev));
        if (!next) break;
        await session.reorder(next.parents, next.rowsrc);
      }
      batch.forEach((i, b) => (results[i] = beams.results()[b]));
    } finally {
      session.close();
    }
  }
  return results;
}

/** The search state of one batch: live and finished hypotheses of every sentence. */
export class BeamSearch {
  private t = 0;
  private readonly K: number;
  private readonly keepAttn: boolean;
  private readonly maxLen: number[];
  private readonly live: Live[][];
  private readonly finished: Hypothesis[][];
  private readonly done: boolean[];
  /** the tokens the next step is fed, one per live row */
  prev: number[];
  private readonly topVal: Float64Array;
  private readonly topIdx: Int32Array;

  constructor(private readonly srcs: number[][], private readonly o: Checked, private readonly V: number, private readonly S: number, hasAttention: boolean,
    private readonly observer: SearchObserver | null = null) {
    this.K = o.beam;
    this.keepAttn = o.attention && hasAttention;
    this.maxLen = srcs.map((s) => maxLength(s.length, o.maxLenA, o.maxLenB));
    this.live = srcs.map(() => [{ node: null, len: 0, cum: 0 }]);
    this.finished = srcs.map(() => []);
    this.done = srcs.map(() => false);
    this.prev = srcs.map(() => BOS);
    this.topVal = new Float64Array(2 * this.K);
    this.topIdx = new Int32Array(2 * this.K);
  }

  /** one row per sentence to start from */
  startRows(): number[] {
    return this.srcs.map((_, b) => b);
  }

  private toHyp(h: Live, score: number): Hypothesis {
    const { ids, attn } = unwind(h.node, h.len);
    return { ids, cum: h.cum, score, attention: this.keepAttn ? attn.map((a) => Array.from(a)) : null };
  }

  /** Consumes one step's output; returns the rows to keep, or null when every sentence is done. */
  advance(out: StepOutput): { parents: number[]; rowsrc: number[] } | null {
    const t = ++this.t;
    const { V, K, S, o, srcs, topVal, topIdx } = this;
    const lp = out.logp, al = out.alpha;
    const parents: number[] = [], rowsrc: number[] = [];
    const prev: number[] = [];
    let row0 = 0;
    for (let b = 0; b < srcs.length; b++) {
      if (this.done[b]) continue;
      const hyps = this.live[b];
      const na = hyps.length;
      // best 2K candidates over (hypothesis, token), ties to the earlier (h, v)
      const k2 = Math.min(2 * K, na * V);
      let count = 0;
      for (let hi = 0; hi < na; hi++) {
        const cum = hyps[hi].cum, base = (row0 + hi) * V;
        for (let v = 0; v < V; v++) {
          const val = cum + lp[base + v];
          if (count === k2 && !(val > topVal[count - 1])) continue;
          let pos = count < k2 ? count++ : count - 1;
          while (pos > 0 && topVal[pos - 1] < val) {
            topVal[pos] = topVal[pos - 1];
            topIdx[pos] = topIdx[pos - 1];
            pos--;
          }
          topVal[pos] = val;
          topIdx[pos] = hi * V + v;
        }
      }
      const next: Live[] = [];
      const nextParents: number[] = [];
      for (let rank = 0; rank < count; rank++) {
        const hi = Math.floor(topIdx[rank] / V), v = topIdx[rank] - hi * V;
        const h = hyps[hi];
        const isEos = v === EOS;
        if (isEos ? rank >= K : next.length >= K) continue;
        this.observer?.candidate(b, hi, v, lp[(row0 + hi) * V + v], topVal[rank]);
        const attn = this.keepAttn && al ? al.slice((row0 + hi) * S, (row0 + hi) * S + srcs[b].length) : null;
        const nh: Live = { node: { token: v, parent: h.node, attn }, len: h.len + 1, cum: topVal[rank] };
        if (isEos) {
          this.finished[b].push(this.toHyp(nh, nh.cum / lengthPenalty(t, o.alpha)));
        } else {
          next.push(nh);
          nextParents.push(row0 + hi);
        }
      }
      row0 += na;
      if (this.finished[b].length >= K || next.length === 0) {
        this.done[b] = true;
      } else if (t >= this.maxLen[b]) {
        this.observer?.maxLength(b);
        for (const h of next) this.finished[b].push(this.toHyp(h, h.cum / lengthPenalty(h.len, o.alpha)));
        this.done[b] = true;
      }
      if (this.done[b]) continue;
      this.live[b] = next;
      for (let i = 0; i < next.length; i++) {
        parents.push(nextParents[i]);
        rowsrc.push(b);
        prev.push(next[i].node!.token);
      }
    }
    this.prev = prev;
    return parents.length === 0 ? null : { parents, rowsrc };
  }

  /** the n-best of every sentence, best first (ties: the earlier finished) */
  results(): Hypothesis[][] {
    return this.finished.map((f) => {
      const sorted = f.map((h, i) => [h, i] as const).sort((x, y) => y[0].score - x[0].score || x[1] - y[1]);
      return sorted.slice(0, this.o.nbest).map(([h]) => h);
    });
  }
}
