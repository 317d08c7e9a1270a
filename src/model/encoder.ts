// Encoder forward (docs/model.md "Encoder", "Decoder initial state", the keys of
// "Attention over the memory"), for a batch of sentences, in the engine's
// memory. Layout is batch-major: row b·S + j is position j of sentence b.

import type { Model } from "./model.js";
import { embed, linear } from "./linear.js";
import { cellForward, recurrentTarget } from "./cell.js";

export interface EncoderOutput {
  /** sentences and padded length */
  B: number;
  S: number;
  /** i32[B] sentence lengths (ptr) and a copy */
  lengths: number;
  lengthsHost: Int32Array;
  /** M: [B, S, Hm] top-layer outputs (zero past each length) */
  mem: number;
  /** attention keys [B, S, Dk] (dot: = mem; general: M·attn.weightᵀ; additive: M·keyᵀ + b), 0 for none */
  keys: number;
  /** m̄: [B, Hm] = [→h_S ; ←h_1] of the top layer */
  mbar: number;
  /** decoder initial hidden state of every layer: [B, Ld·Hd] = tanh(bridge(m̄)) */
  h0: number;
  /** ids [B, S] (i32, PAD-padded) */
  ids: number;
  /** what backward needs, when encode() ran in training mode */
  cache: EncoderCache | null;
}

/** Training mode: dropout p and the seeded mask stream (see Dropout). */
export interface Dropout {
  p: number;
  /**
   * Applies dropout to n values at x in place and returns the mask ptr (0 when
   * p = 0): into `mask` when given, else a new allocation.
   */
  apply(x: number, n: number, mask?: number): number;
}

export interface EncoderLayerCache {
  /** layer input [B, S, In] (after dropout), and its size */
  inp: number;
  inSize: number;
  /** dropout mask of the input (0 = none) */
  mask: number;
  /** layer output [B, S, Hm] */
  out: number;
  /** per direction: gate activations [B, S, G·He]; lstm: cell states c_t [B, S, He]; gru: h·W_hhᵀ + b_hh [B, S, 3He] (else 0) */
  gates: number[];
  cells: number[];
  recur: number[];
}

export interface EncoderCache {
  layers: EncoderLayerCache[];
}

/**
 * Runs the encoder over `srcs` (ids already validated). Allocates its outputs
 * in the arena: the caller brackets the call with arena.mark()/release().
 */
export function encode(model: Model, srcs: ArrayLike<number>[], train: Dropout | null = null): EncoderOutput {
  const { arena, kernels: k } = model.engine;
  const d = model.dims;
  const B = srcs.length;
  let S = 1;
  for (const s of srcs) S = Math.max(S, s.length);
  const N = B * S;

  // ids: [B, S] padded with PAD (0); lengths: [B]
  const ids = new Int32Array(N);
  const lengthsHost = new Int32Array(B);
  srcs.forEach((s, b) => {
    lengthsHost[b] = s.length;
    for (let j = 0; j < s.length; j++) ids[b * S + j] = s[j];
  });
  const idsPtr = arena.putI32(ids);
  const lengths = arena.putI32(lengthsHost);

  // x: [B, S, E] = src_embed[w]
  const x = arena.allocF32(N * d.E);
  embed(model, "src_embed.weight", N, idsPtr, x, d.E);

  const G = d.G * d.He;
  const gru = d.cell === "gru";
  // [B, S, G·He]: input projections, then per-step gates (one per layer and direction when training)
  let xproj = train ? 0 : arena.allocF32(N * G);
  // gru: h·W_hhᵀ + b_hh, one [B, 3He] block per step ([B, S, 3He] when training: backward reads it)
  let gh = gru && !train ? arena.allocF32(B * G) : 0;
  const h = arena.allocF32(B * d.He), c = arena.allocF32(B * d.He);
  const mbar = arena.allocF32(B * d.Hm);
  const cache: EncoderCache | null = train ? { layers: [] } : null;
  let inp = x, inSize = d.E;
  let out = 0;
  for (let layer = 0; layer < d.Le; layer++) {
    let mask = 0;
    if (train && train.p > 0) {
      // dropout on the embeddings and between stacked layers, into a copy (backward needs the undropped outputs)
      const dropped = arena.allocF32(N * inSize);
      k.copy_rows(N, inSize, inp, inSize, dropped, inSize);
      mask = train.apply(dropped, N * inSize);
      inp = dropped;
    }
    out = arena.allocF32(N * d.Hm); // [B, S, Hm] = [→h ; ←h]
    const lc: EncoderLayerCache = { inp, inSize, mask, out, gates: [], cells: [], recur: [] };
    cache?.layers.push(lc);
    for (let dir = 0; dir < d.D; dir++) {
      const w = model.recurrent("encoder", layer, dir === 1);
      let cells = 0;
      if (cache) {
        xproj = arena.allocF32(N * G);
        cells = d.cell === "lstm" ? arena.allocF32(N * d.He) : 0;
        if (gru) gh = arena.allocF32(N * G);
        lc.gates.push(xproj);
        lc.cells.push(cells);
        lc.recur.push(gh);
      }
      // xproj = inp·W_ihᵀ + bias for all positions at once (bias: b_ih + b_hh; gru: b_ih)
      linear(model, w.ih, 0, inSize, N, inp, inSize, xproj, G, w.bias, 0);
      arena.f32(h, B * d.He).fill(0);
      arena.f32(c, B * d.He).fill(0);
      for (let j = 0; j < S; j++) {
        const t = dir === 0 ? j : S - 1 - j;
        const gates = xproj + t * G * 4; // rows b at stride S·G·He
        // gru's gh: one block per step when training (rows at stride S·3He), else reused ([B, 3He])
        const ght = cache && gru ? gh + t * G * 4 : gh, ldgh = cache ? S * G : G;
        // gates += h·W_hhᵀ (gru: gh = h·W_hhᵀ + b_hh)
        const r = recurrentTarget(w, gates, S * G, ght, ldgh);
        linear(model, w.hh, 0, d.He, B, h, d.He, r.y, r.ldy, r.bias, r.beta);
        // rows with t ≥ length keep their state: 0 (reverse) or their last one (forward)
        cellForward(k, d.cell, B, d.He, gates, S * G, ght, ldgh, h, c, out + (t * d.Hm + dir * d.He) * 4, S * d.Hm,
          cells ? cells + t * d.He * 4 : 0, S * d.He, lengths, t);
      }
      if (layer === d.Le - 1) {
        // m̄[b, dir·He : (dir+1)·He] = final state (→h at S, ←h at 1)
        k.copy_rows(B, d.He, h, d.He, mbar + dir * d.He * 4, d.Hm);
      }
    }
    inp = out;
    inSize = d.Hm;
  }
  const mem = out;

  // h0 = tanh(m̄·bridgeᵀ + b): [B, Ld·Hd]
  const LH = d.Ld * d.Hd;
  const h0 = arena.allocF32(B * LH);
  linear(model, "bridge.weight", 0, d.Hm, B, mbar, d.Hm, h0, LH, model.ptr("bridge.bias"), 0);
  k.tanh_forward(B, LH, h0, LH);

  let keys = 0;
  switch (model.config.attention) {
    case "dot":
      keys = mem;
      break;
    case "general":
      // keys_j = attn.weight · M_j: [B, S, Hd]
      keys = arena.allocF32(N * d.Hd);
      linear(model, "attn.weight", 0, d.Hm, N, mem, d.Hm, keys, d.Hd, 0, 0);
      break;
    case "additive":
      // keys_j = attn.key · M_j + key.bias: [B, S, A]
      keys = arena.allocF32(N * d.A);
      linear(model, "attn.key.weight", 0, d.Hm, N, mem, d.Hm, keys, d.A, model.ptr("attn.key.bias"), 0);
      break;
    case "none":
      break;
  }
  return { B, S, lengths, lengthsHost, mem, keys, mbar, h0, ids: idsPtr, cache };
}
