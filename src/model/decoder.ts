// Decoder forward, one step over R rows (docs/model.md "Decoder step t").
// A row is one sentence being scored, or one beam of one sentence; rowsrc[r]
// names the sentence whose memory row r attends to.

import type { Model } from "./model.js";
import type { EncoderOutput } from "./encoder.js";
import { embed, linear } from "./linear.js";
import { cellForward, recurrentTarget } from "./cell.js";

export class DecoderRun {
  /** rows in use */
  R = 0;
  readonly Rmax: number;
  /** per layer [Rmax, Hd] hidden and cell state (+ spares for reordering) */
  private h: number[];
  private c: number[];
  private hSpare: number[];
  private cSpare: number[];
  /** luong input feeding: h̃_{t-1} [Rmax, Hd] */
  private feed: number;
  private feedSpare: number;
  readonly rowsrc: number;
  private readonly prev: number;
  private readonly parents: number;
  private readonly emb: number;
  private readonly gates: number;
  /** gru: h·W_hhᵀ + b_hh [Rmax, 3Hd] */
  private readonly gh: number;
  private readonly ctx: number;
  private htil: number;
  private readonly qp: number;
  /** outputs of the last step: log p [Rmax, Vt] and α [Rmax, S] */
  readonly logp: number;
  readonly alpha: number;

  constructor(readonly model: Model, readonly enc: EncoderOutput, Rmax: number) {
    const a = model.engine.arena;
    const d = model.dims;
    this.Rmax = Rmax;
    const state = () => Array.from({ length: d.Ld }, () => a.allocF32(Rmax * d.Hd));
    this.h = state(); this.c = state(); this.hSpare = state(); this.cSpare = state();
    this.feed = a.allocF32(Rmax * d.Hd);
    this.feedSpare = a.allocF32(Rmax * d.Hd);
    this.rowsrc = a.alloc(Rmax * 4);
    this.prev = a.alloc(Rmax * 4);
    this.parents = a.alloc(Rmax * 4);
    this.emb = a.allocF32(Rmax * d.E);
    this.gates = a.allocF32(Rmax * d.G * d.Hd);
    this.gh = d.cell === "gru" ? a.allocF32(Rmax * d.G * d.Hd) : 0;
    this.ctx = a.allocF32(Rmax * d.Hm);
    this.htil = a.allocF32(Rmax * d.Hd);
    this.qp = a.allocF32(Rmax * Math.max(1, d.A));
    this.logp = a.allocF32(Rmax * d.Vt);
    this.alpha = a.allocF32(Rmax * enc.S);
  }

  /** Starts R rows: row r decodes sentence rowsrc[r] from the bridge state, h̃_0 = 0, c_0 = 0. */
  start(rowsrc: ArrayLike<number>): void {
    const { arena: a, kernels: k } = this.model.engine;
    const d = this.model.dims;
    const R = rowsrc.length;
    if (R > this.Rmax) throw new Error(`internal: ${R} rows > ${this.Rmax}`);
    this.R = R;
    a.i32(this.rowsrc, R).set(rowsrc);
    const LH = d.Ld * d.Hd;
    for (let l = 0; l < d.Ld; l++) {
      k.gather_rows(R, d.Hd, this.enc.h0 + l * d.Hd * 4, LH, this.rowsrc, this.h[l], d.Hd);
      a.f32(this.c[l], R * d.Hd).fill(0);
    }
    a.f32(this.feed, R * d.Hd).fill(0);
  }

  /**
   * Keeps rows `parents` (new row i continues old row parents[i]) for the next
   * step, attending to sentences rowsrc (beam search reorder).
   */
  reorder(parents: ArrayLike<number>, rowsrc: ArrayLike<number>): void {
    const { arena: a, kernels: k } = this.model.engine;
    const d = this.model.dims;
    const R = parents.length;
    a.i32(this.parents, R).set(parents);
    a.i32(this.rowsrc, R).set(rowsrc);
    for (let l = 0; l < d.Ld; l++) {
      k.gather_rows(R, d.Hd, this.h[l], d.Hd, this.parents, this.hSpare[l], d.Hd);
      k.gather_rows(R, d.Hd, this.c[l], d.Hd, this.parents, this.cSpare[l], d.Hd);
    }
    [this.h, this.hSpare] = [this.hSpare, this.h];
    [this.c, this.cSpare] = [this.cSpare, this.c];
    if (this.model.dims.feed) {
      k.gather_rows(R, d.Hd, this.feed, d.Hd, this.parents, this.feedSpare, d.Hd);
      [this.feed, this.feedSpare] = [this.feedSpare, this.feed];
    }
    this.R = R;
  }

  /** α_t, ctx_t = attend(q) for the current rows; q: [R, Hd]. */
  private attend(q: number): void {
    const { kernels: k } = this.model.engine;
    const m = this.model, d = m.dims, e = this.enc, R = this.R;
    switch (m.config.attention) {
      case "none":
        // the RNNenc baseline: ctx = m̄ at every step
        k.gather_rows(R, d.Hm, e.mbar, d.Hm, this.rowsrc, this.ctx, d.Hm);
        break;
      case "dot":
        k.attention_dot_forward(R, e.S, d.Hm, d.Hm, q, d.Hd, e.keys, e.mem, e.lengths, this.rowsrc, this.alpha, this.ctx, d.Hm);
        break;
      case "general":
        k.attention_dot_forward(R, e.S, d.Hd, d.Hm, q, d.Hd, e.keys, e.mem, e.lengths, this.rowsrc, this.alpha, this.ctx, d.Hm);
        break;
      case "additive":
        // qp = q·attn.queryᵀ: [R, A]
        linear(m, "attn.query.weight", 0, d.Hd, R, q, d.Hd, this.qp, d.A, 0, 0);
        k.attention_additive_forward(R, e.S, d.A, d.Hm, this.qp, d.A, e.keys, m.ptr("attn.v.weight"), e.mem, e.lengths, this.rowsrc, this.alpha, this.ctx, d.Hm);
        break;
    }
  }

  /**
   * One decoder step for the current R rows with previous tokens `prevIds`.
   * Leaves log p(· | y_<t, x) in `logp` [R, Vt] and α_t in `alpha` [R, S].
   */
  step(prevIds: ArrayLike<number>): void {
    const { arena: a, kernels: k } = this.model.engine;
    const m = this.model, d = m.dims, R = this.R;
    const G = d.G * d.Hd;
    const bahdanau = m.config.decoder_style === "bahdanau";
    a.i32(this.prev, R).set(prevIds);
    // emb = tgt_embed[y_{t-1}]: [R, E]
    embed(m, "tgt_embed.weight", R, this.prev, this.emb, d.E);
    // bahdanau: α_t, ctx_t = attend(s_{t-1}) before the RNN
    if (bahdanau) this.attend(this.h[d.Ld - 1]);
    for (let l = 0; l < d.Ld; l++) {
      const w = m.recurrent("decoder", l);
      if (l === 0) {
        // gates = [emb ; extra]·W_ihᵀ + b, split over the column blocks of W_ih
        linear(m, w.ih, 0, d.E, R, this.emb, d.E, this.gates, G, w.bias, 0);
        if (bahdanau) linear(m, w.ih, d.E, d.Hm, R, this.ctx, d.Hm, this.gates, G, 0, 1);
        else if (d.feed) linear(m, w.ih, d.E, d.Hd, R, this.feed, d.Hd, this.gates, G, 0, 1);
      } else {
        linear(m, w.ih, 0, d.Hd, R, this.h[l - 1], d.Hd, this.gates, G, w.bias, 0);
      }
      // gates += h_l·W_hhᵀ (gru: gh = h_l·W_hhᵀ + b_hh), then the cell update
      const r = recurrentTarget(w, this.gates, G, this.gh, G);
      linear(m, w.hh, 0, d.Hd, R, this.h[l], d.Hd, r.y, r.ldy, r.bias, r.beta);
      cellForward(k, d.cell, R, d.Hd, this.gates, G, this.gh, G, this.h[l], this.c[l], 0, 0, 0, 0, 0, 0);
    }
    const top = this.h[d.Ld - 1];
    // luong: α_t, ctx_t = attend(h_t)
    if (!bahdanau) this.attend(top);
    // h̃_t = tanh(attn_out · [ctx_t ; h_t])
    linear(m, "attn_out.weight", 0, d.Hm, R, this.ctx, d.Hm, this.htil, d.Hd, 0, 0);
    linear(m, "attn_out.weight", d.Hm, d.Hd, R, top, d.Hd, this.htil, d.Hd, 0, 1);
    k.tanh_forward(R, d.Hd, this.htil, d.Hd);
    // log p = log_softmax(generator · h̃_t + b)
    linear(m, "generator.weight", 0, d.Hd, R, this.htil, d.Hd, this.logp, d.Vt, m.ptr("generator.bias"), 0);
    k.log_softmax_forward(R, d.Vt, this.logp, d.Vt, this.logp, d.Vt);
    // input feeding: h̃_t is the next step's extra input
    if (d.feed) [this.feed, this.htil] = [this.htil, this.feed];
  }

  logpView(): Float32Array {
    return this.model.engine.arena.f32(this.logp, this.R * this.model.dims.Vt);
  }

  alphaView(): Float32Array {
    return this.model.engine.arena.f32(this.alpha, this.R * this.enc.S);
  }

  // Views for decoding traces (decode/trace.ts), valid until the next call:

  /** the top layer's hidden state [R, Hd]: the attention query (bahdanau: s_{t-1}, before step(); luong: h_t, after) */
  topStateView(): Float32Array {
    return this.model.engine.arena.f32(this.h[this.model.dims.Ld - 1], this.R * this.model.dims.Hd);
  }

  /** ctx_t of the last step [R, Hm] */
  contextView(): Float32Array {
    return this.model.engine.arena.f32(this.ctx, this.R * this.model.dims.Hm);
  }

  /** additive attention: attn.query.weight · q of the last step [R, A] */
  queryProjView(): Float32Array {
    return this.model.engine.arena.f32(this.qp, this.R * Math.max(1, this.model.dims.A));
  }
}
