// The training loss of docs/model.md ("Training objective") and its gradient with
// respect to every parameter, for one batch: encoder and teacher-forced
// decoder forward with caches, then backpropagation through time.
//
// Layouts: the encoder is batch-major ([B, S, ·], see model/encoder.ts); the
// decoder caches are time-major ([T, B, ·]) so step t is a contiguous slice
// and the weight gradients of all steps are one GEMM each. Hidden and cell
// caches have T + 1 slots: slot 0 is the initial state, slot t + 1 the
// output of step t.

import { BOS, PAD } from "../model/config.js";
import { encode, type Dropout } from "../model/encoder.js";
import type { Model } from "../model/model.js";
import { cellForward } from "../model/cell.js";
import type { Grads } from "./grads.js";

export interface BatchIds {
  srcs: number[][];
  /** targets, each ending with EOS (PAD ids inside a target are ignored) */
  tgts: number[][];
}

export interface LossOptions {
  /** ε of label smoothing (default 0) */
  labelSmoothing?: number;
  /** dropout probability (default 0) */
  dropout?: number;
  /** seed of the dropout masks of this batch */
  seed?: number;
}

export interface LossResult {
  /** mean cross-entropy per target token */
  loss: number;
  lossSum: number;
  tokens: number;
}

/** Seeded dropout: masks come from (seed, running offset), so a batch's masks are reproducible. */
export function makeDropout(model: Model, p: number, seed: number): Dropout {
  const { arena, kernels: k } = model.engine;
  let offset = 0;
  return {
    p,
    apply(x: number, n: number, mask?: number): number {
      if (p <= 0) return 0;
      const m = mask ?? arena.allocF32(n);
      k.dropout_forward(n, x, m, p, seed | 0, offset | 0);
      offset = (offset + n) | 0;
      return m;
    },
  };
}

/**
 * Adds ∂(mean token loss)/∂θ of the batch to `grads` and returns the loss.
 * The mean is over all non-PAD target tokens of the batch.
 */
export function lossAndGrads(model: Model, grads: Grads, batch: BatchIds, options: LossOptions = {}): LossResult {
  const { arena, kernels: k } = model.engine;
  const d = model.dims;
  const eps = options.labelSmoothing ?? 0;
  const p = options.dropout ?? 0;
  const B = batch.srcs.length;
  const T = Math.max(0, ...batch.tgts.map((t) => t.length));
  let tokens = 0;
  for (const t of batch.tgts) for (const y of t) if (y !== PAD) tokens++;
  if (B === 0 || tokens === 0) return { loss: 0, lossSum: 0, tokens: 0 };

  const mark = arena.mark();
  try {
    const drop = makeDropout(model, p, options.seed ?? 0);
    const enc = encode(model, batch.srcs, drop);
    const S = enc.S;
    const { E, Hd, Hm, A, Ld, Vt } = d;
    const G = d.G * Hd;
    const cell = d.cell, lstm = cell === "lstm", gru = cell === "gru";
    const bahdanau = model.config.decoder_style === "bahdanau";
    const attention = model.config.attention;
    const in0 = d.in0;
    const F = 4; // bytes per float
    const top = Ld - 1;

    // ---- decoder forward (teacher forcing) ----
    const prevHost = new Int32Array(T * B), tgtHost = new Int32Array(T * B);
    batch.tgts.forEach((tgt, b) => {
      for (let t = 0; t < T; t++) {
        prevHost[t * B + b] = t === 0 ? BOS : t - 1 < tgt.length ? tgt[t - 1] : PAD;
        tgtHost[t * B + b] = t < tgt.length ? tgt[t] : PAD;
      }
    });
    const prev = arena.putI32(prevHost), targets = arena.putI32(tgtHost);
    // emb: [T, B, E] = dropout(tgt_embed[y_{t-1}])
    const emb = arena.allocF32(T * B * E);
    k.gather_rows(T * B, E, model.ptr("tgt_embed.weight"), E, prev, emb, E);
    const embMask = drop.apply(emb, T * B * E);
    // per layer: h and (lstm) c slots, gates; gru: ghC = h·W_hhᵀ + b_hh per step (the backward reads its n block)
    const hC: number[] = [], cC: number[] = [], gC: number[] = [], ghC: number[] = [], inC: number[] = [], inMask: number[] = [];
    for (let l = 0; l < Ld; l++) {
      hC.push(arena.allocF32((T + 1) * B * Hd));
      cC.push(lstm ? arena.zerosF32((T + 1) * B * Hd) : 0);
      gC.push(arena.allocF32(T * B * G));
      ghC.push(gru ? arena.allocF32(T * B * G) : 0);
      // h0 of layer l = columns l·Hd of tanh(bridge(m̄))
      k.copy_rows(B, Hd, enc.h0 + l * Hd * F, Ld * Hd, hC[l], Hd);
      if (l > 0 && p > 0) {
        inC.push(arena.allocF32(T * B * Hd));
        inMask.push(arena.allocF32(T * B * Hd));
      } else {
        // layer input = previous layer's outputs (slots 1..T), no copy
        inC.push(l > 0 ? hC[l - 1] + B * Hd * F : 0);
        inMask.push(0);
      }
    }
    const slot = (buf: number, t: number, width: number) => buf + t * B * width * F;
    const feedC = d.feed ? arena.zerosF32(T * B * Hd) : 0; // slot t: h̃_{t-1} (after dropout), slot 0 = 0
    const ctxC = arena.allocF32(T * B * Hm);
    const alphaC = arena.allocF32(T * B * S);
    const qpC = attention === "additive" ? arena.allocF32(T * B * A) : 0;
    const htilC = arena.allocF32(T * B * Hd); // tanh output
    const htdC = p > 0 ? arena.allocF32(T * B * Hd) : htilC; // after dropout
    const htdMask = p > 0 ? arena.allocF32(T * B * Hd) : 0;
    const dhtilC = arena.allocF32(T * B * Hd); // ∂L/∂h̃ from the generator
    const logp = arena.allocF32(B * Vt);
    const wo = model.ptr("attn_out.weight"), ldo = Hm + Hd;
    const wg = model.ptr("generator.weight");

    const attend = (t: number, q: number): void => {
      const ctx = slot(ctxC, t, Hm), alpha = slot(alphaC, t, S);
      switch (attention) {
        case "none":
          k.copy_rows(B, Hm, enc.mbar, Hm, ctx, Hm);
          break;
        case "dot":
          k.attention_dot_forward(B, S, Hm, Hm, q, Hd, enc.keys, enc.mem, enc.lengths, 0, alpha, ctx, Hm);
          break;
        case "general":
          k.attention_dot_forward(B, S, Hd, Hm, q, Hd, enc.keys, enc.mem, enc.lengths, 0, alpha, ctx, Hm);
          break;
        case "additive": {
          const qp = slot(qpC, t, A);
          k.gemm_nt(B, A, Hd, q, Hd, model.ptr("attn.query.weight"), Hd, qp, A, 0, 0);
          k.attention_additive_forward(B, S, A, Hm, qp, A, enc.keys, model.ptr("attn.v.weight"), enc.mem, enc.lengths, 0, alpha, ctx, Hm);
          break;
        }
      }
    };

    let lossSum = 0;
    const invTokens = 1 / tokens;
    for (let t = 0; t < T; t++) {
      if (bahdanau) attend(t, slot(hC[top], t, Hd)); // query s_{t-1}
      for (let l = 0; l < Ld; l++) {
        const w = model.recurrent("decoder", l);
        const g = slot(gC[l], t, G), gh = gru ? slot(ghC[l], t, G) : 0;
        // state slot t+1 starts as a copy of slot t; the cell updates it in place
        k.copy_rows(B, Hd, slot(hC[l], t, Hd), Hd, slot(hC[l], t + 1, Hd), Hd);
        if (lstm) k.copy_rows(B, Hd, slot(cC[l], t, Hd), Hd, slot(cC[l], t + 1, Hd), Hd);
        if (l === 0) {
          // gates = [emb ; ctx or h̃_{t-1}]·W_ihᵀ + b
          k.gemm_nt(B, G, E, slot(emb, t, E), E, w.wih, in0, g, G, w.bias, 0);
          if (bahdanau) k.gemm_nt(B, G, Hm, slot(ctxC, t, Hm), Hm, w.wih + E * F, in0, g, G, 0, 1);
          else if (d.feed) k.gemm_nt(B, G, Hd, slot(feedC, t, Hd), Hd, w.wih + E * F, in0, g, G, 0, 1);
        } else {
          if (p > 0) {
            k.copy_rows(B, Hd, slot(hC[l - 1], t + 1, Hd), Hd, slot(inC[l], t, Hd), Hd);
            drop.apply(slot(inC[l], t, Hd), B * Hd, slot(inMask[l], t, Hd));
          }
          k.gemm_nt(B, G, Hd, slot(inC[l], t, Hd), Hd, w.wih, Hd, g, G, w.bias, 0);
        }
        // gates += h·W_hhᵀ (gru: gh = h·W_hhᵀ + b_hh), then the cell
        if (gru) k.gemm_nt(B, G, Hd, slot(hC[l], t, Hd), Hd, w.whh, Hd, gh, G, w.bhh, 0);
        else k.gemm_nt(B, G, Hd, slot(hC[l], t, Hd), Hd, w.whh, Hd, g, G, 0, 1);
        cellForward(k, cell, B, Hd, g, G, gh, G, slot(hC[l], t + 1, Hd), lstm ? slot(cC[l], t + 1, Hd) : 0, 0, 0, 0, 0, 0, t);
      }
      const ht = slot(hC[top], t + 1, Hd);
      if (!bahdanau) attend(t, ht);
      // h̃_t = tanh(attn_out·[ctx_t ; h_t])
      const htil = slot(htilC, t, Hd), htd = slot(htdC, t, Hd);
      k.gemm_nt(B, Hd, Hm, slot(ctxC, t, Hm), Hm, wo, ldo, htil, Hd, 0, 0);
      k.gemm_nt(B, Hd, Hd, ht, Hd, wo + Hm * F, ldo, htil, Hd, 0, 1);
      k.tanh_forward(B, Hd, htil, Hd);
      if (p > 0) {
        k.copy_rows(B, Hd, htil, Hd, htd, Hd);
        drop.apply(htd, B * Hd, slot(htdMask, t, Hd));
      }
      if (d.feed && t + 1 < T) k.copy_rows(B, Hd, htd, Hd, slot(feedC, t + 1, Hd), Hd);
      // log p = log_softmax(generator·h̃ + b); loss; ∂L/∂logits = (p − q)/tokens (in place)
      k.gemm_nt(B, Vt, Hd, htd, Hd, wg, Hd, logp, Vt, model.ptr("generator.bias"), 0);
      k.log_softmax_forward(B, Vt, logp, Vt, logp, Vt);
      lossSum += k.log_softmax_xent_backward(B, Vt, logp, Vt, slot(targets, t, 1), eps, invTokens, logp, Vt);
      // generator backward right away: ∂L/∂h̃_t, ∂L/∂generator
      k.gemm_nn(B, Hd, Vt, logp, Vt, wg, Hd, slot(dhtilC, t, Hd), Hd, 0, 0);
      k.gemm_tn(Vt, Hd, B, logp, Vt, htd, Hd, grads.of("generator.weight"), Hd, 0, 1);
      k.sum_rows(B, Vt, logp, Vt, grads.of("generator.bias"), 1);
    }

    // ---- decoder backward ----
    const dh = Array.from({ length: Ld }, () => arena.zerosF32(B * Hd));
    const dc = Array.from({ length: Ld }, () => arena.zerosF32(B * Hd));
    const dfeed = arena.zerosF32(B * Hd);
    const da = arena.allocF32(B * Hd);
    const dctx = arena.allocF32(B * Hm);
    const dtmp = arena.allocF32(B * Hd);
    const dqp = arena.allocF32(B * Math.max(1, A));
    const dMem = arena.zerosF32(B * S * Hm);
    const dKeys = attention === "general" ? arena.zerosF32(B * S * Hd) : attention === "additive" ? arena.zerosF32(B * S * A) : dMem;
    const dmbar = arena.zerosF32(B * Hm);
    const dEmb = arena.allocF32(T * B * E);
    const gWo = grads.of("attn_out.weight");

    // ∂ of attend(q): ctx gradient dctx → ∂q (added to dq), ∂memory, ∂keys, ∂attention weights
    const attendBackward = (t: number, q: number, dq: number): void => {
      const alpha = slot(alphaC, t, S);
      switch (attention) {
        case "none":
          k.add_rows(B, Hm, dctx, Hm, dmbar, Hm);
          break;
        case "dot":
          k.attention_dot_backward(B, S, Hm, Hm, q, Hd, enc.keys, enc.mem, enc.lengths, 0, alpha, dctx, Hm, dq, Hd, dKeys, dMem);
          break;
        case "general":
          k.attention_dot_backward(B, S, Hd, Hm, q, Hd, enc.keys, enc.mem, enc.lengths, 0, alpha, dctx, Hm, dq, Hd, dKeys, dMem);
          break;
        case "additive": {
          arena.f32(dqp, B * A).fill(0);
          k.attention_additive_backward(B, S, A, Hm, slot(qpC, t, A), A, enc.keys, model.ptr("attn.v.weight"), enc.mem,
            enc.lengths, 0, alpha, dctx, Hm, dqp, A, dKeys, grads.of("attn.v.weight"), dMem);
          // qp = q·attn.queryᵀ
          k.gemm_nn(B, Hd, A, dqp, A, model.ptr("attn.query.weight"), Hd, dq, Hd, 0, 1);
          k.gemm_tn(A, Hd, B, dqp, A, q, Hd, grads.of("attn.query.weight"), Hd, 0, 1);
          break;
        }
      }
    };

    for (let t = T - 1; t >= 0; t--) {
      const ht = slot(hC[top], t + 1, Hd), ctx = slot(ctxC, t, Hm);
      // h̃ (after dropout) feeds the generator and, with input feeding, step t+1
      k.copy_rows(B, Hd, slot(dhtilC, t, Hd), Hd, da, Hd);
      if (d.feed) k.add_rows(B, Hd, dfeed, Hd, da, Hd);
      if (p > 0) k.mul_forward(B * Hd, da, slot(htdMask, t, Hd), da);
      // h̃ = tanh(attn_out·[ctx ; h])
      k.tanh_backward(B, Hd, slot(htilC, t, Hd), Hd, da, Hd);
      k.gemm_tn(Hd, Hm, B, da, Hd, ctx, Hm, gWo, ldo, 0, 1);
      k.gemm_tn(Hd, Hd, B, da, Hd, ht, Hd, gWo + Hm * F, ldo, 0, 1);
      k.gemm_nn(B, Hm, Hd, da, Hd, wo, ldo, dctx, Hm, 0, 0);
      k.gemm_nn(B, Hd, Hd, da, Hd, wo + Hm * F, ldo, dh[top], Hd, 0, 1);
      if (!bahdanau) attendBackward(t, ht, dh[top]);
      for (let l = top; l >= 0; l--) {
        const w = model.recurrent("decoder", l);
        const g = slot(gC[l], t, G);
        // the gradient of the recurrent product's output: the gates (lstm, rnn) or gh (gru)
        const gr = gru ? slot(ghC[l], t, G) : g;
        // gates → ∂ of the input projection (in place), gh → ∂gh (gru); dh[l] becomes ∂L/∂h_{t-1}
        // (lstm: dc[l] ∂L/∂c_{t-1}) once the W_hh product below is added
        if (lstm) k.lstm_cell_backward(B, Hd, g, G, slot(cC[l], t, Hd), Hd, slot(cC[l], t + 1, Hd), Hd, dh[l], dc[l], g, G, 0, t);
        else if (gru) k.gru_cell_backward(B, Hd, g, G, gr, G, slot(hC[l], t, Hd), Hd, dh[l], g, G, gr, G, 0, t);
        else k.rnn_cell_backward(B, Hd, g, G, dh[l], g, G, 0, t);
        k.gemm_nn(B, Hd, G, gr, G, w.whh, Hd, dh[l], Hd, 0, 1);
        if (l > 0) {
          if (p > 0) {
            k.gemm_nn(B, Hd, G, g, G, w.wih, Hd, dtmp, Hd, 0, 0);
            k.mul_forward(B * Hd, dtmp, slot(inMask[l], t, Hd), dtmp);
            k.add_rows(B, Hd, dtmp, Hd, dh[l - 1], Hd);
          } else {
            k.gemm_nn(B, Hd, G, g, G, w.wih, Hd, dh[l - 1], Hd, 0, 1);
          }
        } else {
          k.gemm_nn(B, E, G, g, G, w.wih, in0, slot(dEmb, t, E), E, 0, 0);
          if (bahdanau) k.gemm_nn(B, Hm, G, g, G, w.wih + E * F, in0, dctx, Hm, 0, 1);
          else if (d.feed) k.gemm_nn(B, Hd, G, g, G, w.wih + E * F, in0, dfeed, Hd, 0, 0);
        }
      }
      // bahdanau: the query was s_{t-1}; dh[top] now is ∂L/∂s_{t-1}
      if (bahdanau) attendBackward(t, slot(hC[top], t, Hd), dh[top]);
    }

    // decoder weights: one GEMM over all T·B rows per weight
    for (let l = 0; l < Ld; l++) {
      const gwih = grads.of(`decoder.weight_ih_l${l}`);
      const gr = gru ? ghC[l] : gC[l];
      k.gemm_tn(G, Hd, T * B, gr, G, hC[l], Hd, grads.of(`decoder.weight_hh_l${l}`), Hd, 0, 1);
      k.sum_rows(T * B, G, gC[l], G, grads.of(`decoder.bias_ih_l${l}`), 1);
      k.sum_rows(T * B, G, gr, G, grads.of(`decoder.bias_hh_l${l}`), 1);
      if (l === 0) {
        k.gemm_tn(G, E, T * B, gC[0], G, emb, E, gwih, in0, 0, 1);
        if (bahdanau) k.gemm_tn(G, Hm, T * B, gC[0], G, ctxC, Hm, gwih + E * F, in0, 0, 1);
        else if (d.feed) k.gemm_tn(G, Hd, T * B, gC[0], G, feedC, Hd, gwih + E * F, in0, 0, 1);
      } else {
        k.gemm_tn(G, Hd, T * B, gC[l], G, inC[l], Hd, gwih, Hd, 0, 1);
      }
    }
    if (embMask) k.mul_forward(T * B * E, dEmb, embMask, dEmb);
    k.embedding_backward(T * B, E, dEmb, E, prev, grads.of("tgt_embed.weight"));

    // bridge: h0 = tanh(m̄·bridgeᵀ + b)
    const LH = Ld * Hd;
    const dh0 = arena.allocF32(B * LH);
    for (let l = 0; l < Ld; l++) k.copy_rows(B, Hd, dh[l], Hd, dh0 + l * Hd * F, LH);
    k.tanh_backward(B, LH, enc.h0, LH, dh0, LH);
    k.gemm_tn(LH, Hm, B, dh0, LH, enc.mbar, Hm, grads.of("bridge.weight"), Hm, 0, 1);
    k.sum_rows(B, LH, dh0, LH, grads.of("bridge.bias"), 1);
    k.gemm_nn(B, Hm, LH, dh0, LH, model.ptr("bridge.weight"), Hm, dmbar, Hm, 0, 1);

    // keys computed once per sentence from the memory
    const N = B * S;
    if (attention === "general") {
      k.gemm_nn(N, Hm, Hd, dKeys, Hd, model.ptr("attn.weight"), Hm, dMem, Hm, 0, 1);
      k.gemm_tn(Hd, Hm, N, dKeys, Hd, enc.mem, Hm, grads.of("attn.weight"), Hm, 0, 1);
    } else if (attention === "additive") {
      k.gemm_nn(N, Hm, A, dKeys, A, model.ptr("attn.key.weight"), Hm, dMem, Hm, 0, 1);
      k.gemm_tn(A, Hm, N, dKeys, A, enc.mem, Hm, grads.of("attn.key.weight"), Hm, 0, 1);
      k.sum_rows(N, A, dKeys, A, grads.of("attn.key.bias"), 1);
    }

    // ---- encoder backward ----
    const { He } = d;
    const Ge = d.G * He;
    const zeros = arena.zerosF32(B * He);
    const dhe = arena.allocF32(B * He), dce = arena.allocF32(B * He);
    const cache = enc.cache!;
    let dOut = dMem;
    for (let layer = d.Le - 1; layer >= 0; layer--) {
      const lc = cache.layers[layer];
      const In = lc.inSize;
      const dInp = arena.zerosF32(N * In);
      for (let dir = 0; dir < d.D; dir++) {
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const w = model.recurrent("encoder", layer, dir === 1);
        const gates = lc.gates[dir], cells = lc.cells[dir];
        // the gradient of the recurrent product's output: the gates (lstm, rnn) or gh (gru)
        const recur = gru ? lc.recur[dir] : gates;
        const gWhh = grads.of(`encoder.weight_hh${sfx}`);
        arena.f32(dce, B * He).fill(0);
        if (layer === d.Le - 1) k.copy_rows(B, He, dmbar + dir * He * F, Hm, dhe, He);
        else arena.f32(dhe, B * He).fill(0);
        for (let j = 0; j < S; j++) {
          const t = dir === 0 ? S - 1 - j : j; // reverse of the forward order
          const tp = dir === 0 ? t - 1 : t + 1; // the step before t in forward order
          const hasPrev = tp >= 0 && tp < S;
          k.add_rows(B, He, dOut + (t * Hm + dir * He) * F, S * Hm, dhe, He);
          const g = gates + t * Ge * F, gr = recur + t * Ge * F;
          // h_{t−1} in forward order: the previous output (0 past a reverse row's length), 0 before the first
          const hprev = hasPrev ? lc.out + (tp * Hm + dir * He) * F : 0;
          if (lstm) {
            const cprev = hasPrev ? cells + tp * He * F : zeros;
            k.lstm_cell_backward(B, He, g, S * Ge, cprev, hasPrev ? S * He : He, cells + t * He * F, S * He, dhe, dce, g, S * Ge, enc.lengths, t);
          } else if (gru) {
            k.gru_cell_backward(B, He, g, S * Ge, gr, S * Ge, hprev, S * Hm, dhe, g, S * Ge, gr, S * Ge, enc.lengths, t);
          } else {
            k.rnn_cell_backward(B, He, g, S * Ge, dhe, g, S * Ge, enc.lengths, t);
          }
          k.gemm_nn(B, He, Ge, gr, S * Ge, w.whh, He, dhe, He, 0, 1);
          // W_hh saw h of the previous step (0 before the first)
          if (hasPrev) k.gemm_tn(Ge, He, B, gr, S * Ge, hprev, S * Hm, gWhh, He, 0, 1);
        }
        k.gemm_tn(Ge, In, N, gates, Ge, lc.inp, In, grads.of(`encoder.weight_ih${sfx}`), In, 0, 1);
        k.sum_rows(N, Ge, gates, Ge, grads.of(`encoder.bias_ih${sfx}`), 1);
        k.sum_rows(N, Ge, recur, Ge, grads.of(`encoder.bias_hh${sfx}`), 1);
        k.gemm_nn(N, In, Ge, gates, Ge, w.wih, In, dInp, In, 0, 1);
      }
      if (lc.mask) k.mul_forward(N * In, dInp, lc.mask, dInp);
      dOut = dInp;
    }
    k.embedding_backward(N, d.E, dOut, d.E, enc.ids, grads.of("src_embed.weight"));
    return { loss: lossSum / tokens, lossSum, tokens };
  } finally {
    arena.release(mark);
  }
}
