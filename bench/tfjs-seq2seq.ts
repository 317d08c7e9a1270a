// The model of docs/model.md written with @tensorflow/tfjs ops, for the
// training benchmark (bench/train.bench.ts): the same parameters, the same
// equations, the same loss (mean cross-entropy over the non-pad target
// tokens), trained with tf.train.adam through optimizer.minimize
// (tf.variableGrads).
//
// Implemented the way a careful tfjs user would, so the baseline is fair:
// weight matrices are variables stored [in, out] like tf.layers kernels
// (transposes of docs/model.md's [out, in], see `transposed`), so every linear map
// is a plain tf.matMul(x, W), the only form the wasm backend runs through
// XNNPACK (any transposed or batched matMul takes its scalar fallback loop);
// input projections of all positions are one matMul; the generator and the
// log-softmax run over all T·B decoder rows at once.
//
// Two deviations from the most obvious tf.* code, both forced by the wasm
// backend (it has no UnsortedSegmentSum kernel, the gradient of tf.gather):
// embedding lookups use tf.gatherND with a custom gradient that scatter-adds
// with tf.scatterND, and the gold log-probabilities are picked by a product
// with a one-hot weight matrix.
//
// Option `xnnGrad`: tf.matMul's own gradient computes dA = dY·Bᵀ and
// dB = Aᵀ·dY with transposed matMuls, which the wasm backend runs in its
// scalar fallback; with xnnGrad the linear maps use a custom gradient that
// transposes explicitly (tf.transpose) and calls plain matMuls, so the
// backward pass also runs in XNNPACK. This is the strongest tfjs-wasm
// baseline we know how to write with tf.* ops.
//
// Supported: 1 encoder layer (uni- or bidirectional), 1 decoder layer, luong
// style (with or without input feeding), dot or additive attention, no
// dropout, no label smoothing: the configurations the benchmark measures.

import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "../src/model/config.js";
import { BOS, PAD, dims, paramSpecs, type Dims } from "../src/model/config.js";

export interface TfBatch {
  B: number;
  S: number;
  T: number;
  tokens: number;
  /** int32 [B·S, 1] source ids, PAD-padded (gatherND/scatterND indices) */
  srcIdx: tf.Tensor2D;
  /** float [S] of [B, 1]: 1 while position t < length */
  masks: tf.Tensor2D[];
  /** float [S] of [B, 1]: 1 − masks[t] */
  unmasks: tf.Tensor2D[];
  /** float [B, 1, S]: 0 inside the sentence, −∞ past its length */
  attnBias: tf.Tensor3D;
  /** int32 [T·B, 1] previous target ids (BOS first), time-major */
  prevIdx: tf.Tensor2D;
  /** float [T·B, Vt]: one-hot of the gold token, rows of PAD targets zero */
  gold: tf.Tensor2D;
}

/** Batch tensors for the current backend (time-major decoder rows t·B + b, like ours). */
export function makeTfBatch(config: ModelConfig, srcs: number[][], tgts: number[][]): TfBatch {
  const Vt = config.tgt_vocab_size;
  const B = srcs.length;
  const S = Math.max(1, ...srcs.map((s) => s.length));
  const T = Math.max(...tgts.map((t) => t.length));
  const src = new Int32Array(B * S);
  srcs.forEach((s, b) => s.forEach((w, j) => (src[b * S + j] = w)));
  const masks: tf.Tensor2D[] = [], unmasks: tf.Tensor2D[] = [];
  for (let t = 0; t < S; t++) {
    const m = Float32Array.from(srcs, (s) => (t < s.length ? 1 : 0));
    masks.push(tf.tensor2d(m, [B, 1]));
    unmasks.push(tf.tensor2d(m.map((x) => 1 - x), [B, 1]));
  }
  const bias = new Float32Array(B * S);
  srcs.forEach((s, b) => {
    for (let j = s.length; j < S; j++) bias[b * S + j] = -Infinity;
  });
  const prev = new Int32Array(T * B);
  const gold = new Float32Array(T * B * Vt);
  let tokens = 0;
  tgts.forEach((tgt, b) => {
    for (let t = 0; t < T; t++) {
      prev[t * B + b] = t === 0 ? BOS : t - 1 < tgt.length ? tgt[t - 1] : PAD;
      const y = t < tgt.length ? tgt[t] : PAD;
      if (y !== PAD) {
        gold[(t * B + b) * Vt + y] = 1;
        tokens++;
      }
    }
  });
  return {
    B, S, T, tokens,
    srcIdx: tf.tensor2d(src, [B * S, 1], "int32"),
    masks, unmasks,
    attnBias: tf.tensor3d(bias, [B, 1, S]),
    prevIdx: tf.tensor2d(prev, [T * B, 1], "int32"),
    gold: tf.tensor2d(gold, [T * B, Vt]),
  };
}

export function disposeTfBatch(b: TfBatch): void {
  tf.dispose([b.srcIdx, ...b.masks, ...b.unmasks, b.attnBias, b.prevIdx, b.gold]);
}

/** table[idx] with the gradient scatter-added into the table (tf.scatterND sums duplicate indices). */
function embed(table: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor2D {
  const V = table.shape[0], E = table.shape[1];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.gatherND(args[0] as tf.Tensor, idx) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D) => tf.scatterND(idx, dy, [V, E]),
  }));
  return f(table) as tf.Tensor2D;
}

/** One LSTM cell step from its pre-activations z [B, 4H] (PyTorch gate order i, f, g, o). */
function cell(z: tf.Tensor2D, c: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
  const cn = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg))) as tf.Tensor2D;
  const hn = tf.mul(tf.sigmoid(zo), tf.tanh(cn)) as tf.Tensor2D;
  return [hn, cn];
}

/** x·W with W [in, out]; the gradient through plain (untransposed) matMuls. */
const matMulXnn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const a = args[0] as tf.Tensor2D, w = args[1] as tf.Tensor2D, save = args[2] as tf.GradSaveFunc;
  save([a, w]);
  return {
    value: tf.matMul(a, w) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sw] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sw)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
});

/** docs/model.md weights stored transposed ([in, out]) in the tfjs model. */
export function transposed(name: string): boolean {
  return /^(encoder|decoder)\.weight_|^(bridge|attn\.query|attn\.key|attn\.v|attn_out|generator)\.weight$/.test(name);
}

function transpose2d(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

export interface TfModelOptions {
  /** linear maps with the XNNPACK-friendly custom gradient (see the file comment) */
  xnnGrad?: boolean;
}

export class TfSeq2Seq {
  readonly d: Dims;
  readonly vars = new Map<string, tf.Variable>();

  /** Variables (on the current backend) holding a copy of `params` (docs/model.md names). */
  /** x·W for x [rows, in] and W [in, out] */
  private readonly mm: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor2D;

  constructor(readonly config: ModelConfig, params: (name: string) => Float32Array, readonly options: TfModelOptions = {}) {
    this.d = dims(config);
    const c = config;
    if (c.enc_layers !== 1 || c.dec_layers !== 1) throw new Error("TfSeq2Seq: one encoder and one decoder layer only");
    if (c.decoder_style !== "luong") throw new Error("TfSeq2Seq: luong style only");
    if (c.attention !== "dot" && c.attention !== "additive") throw new Error("TfSeq2Seq: dot or additive attention only");
    for (const s of paramSpecs(config)) {
      const v = transposed(s.name)
        ? tf.tensor(transpose2d(params(s.name), s.shape[0], s.shape[1]), [s.shape[1], s.shape[0]])
        : tf.tensor(params(s.name).slice(), s.shape); // a copy: the cpu backend would keep a reference to the caller's array
      this.vars.set(s.name, tf.variable(v, true));
    }
    this.mm = options.xnnGrad
      ? (x, w) => matMulXnn(x, w) as tf.Tensor2D
      : (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
  }

  private v<R extends tf.Rank = tf.Rank.R2>(name: string): tf.Tensor<R> {
    const x = this.vars.get(name);
    if (!x) throw new Error(`TfSeq2Seq: no ${name}`);
    return x as unknown as tf.Tensor<R>;
  }

  /** A parameter's gradient in docs/model.md's layout, from a variableGrads result. */
  modelLayout(name: string, g: tf.Tensor): Float32Array {
    const x = g.dataSync() as Float32Array;
    return transposed(name) ? transpose2d(x, g.shape[0], g.shape[1]!) : x;
  }

  varList(): tf.Variable[] {
    return [...this.vars.values()];
  }

  dispose(): void {
    tf.dispose(this.varList());
    this.vars.clear();
  }

  /** Mean cross-entropy over the non-pad target tokens (a scalar; call inside tf.tidy or minimize). */
  loss(b: TfBatch): tf.Scalar {
    const { E, He, D, Hm, Hd, A } = this.d;
    const { B, S, T } = b;
    const attention = this.config.attention;

    // ---- encoder ----
    const x = embed(this.v("src_embed.weight"), b.srcIdx); // [B·S, E], row b·S + j
    const mems: tf.Tensor3D[] = [], finals: tf.Tensor2D[] = [];
    for (let dir = 0; dir < D; dir++) {
      const sfx = dir === 1 ? "_l0_reverse" : "_l0";
      const bias = tf.add(this.v<tf.Rank.R1>(`encoder.bias_ih${sfx}`), this.v<tf.Rank.R1>(`encoder.bias_hh${sfx}`));
      const xp = tf.add(this.mm(x, this.v(`encoder.weight_ih${sfx}`)), bias).reshape([B, S, 4 * He]);
      const steps = tf.unstack(xp, 1) as tf.Tensor2D[];
      const whh = this.v(`encoder.weight_hh${sfx}`);
      let h = tf.zeros([B, He]) as tf.Tensor2D, c = tf.zeros([B, He]) as tf.Tensor2D;
      const outs: tf.Tensor2D[] = new Array(S);
      for (let j = 0; j < S; j++) {
        const t = dir === 0 ? j : S - 1 - j;
        const [hn, cn] = cell(tf.add(steps[t], this.mm(h, whh)), c);
        // rows past the sentence's length keep their state (forward: the last one; reverse: zeros)
        const m = b.masks[t], um = b.unmasks[t];
        h = tf.add(tf.mul(m, hn), tf.mul(um, h));
        c = tf.add(tf.mul(m, cn), tf.mul(um, c));
        outs[t] = tf.mul(m, hn); // memory is zero past the length
      }
      mems.push(tf.stack(outs, 1) as tf.Tensor3D); // [B, S, He]
      finals.push(h);
    }
    const mem = D === 2 ? tf.concat(mems, 2) : mems[0]; // [B, S, Hm]
    const mbar = D === 2 ? tf.concat(finals, 1) : finals[0]; // [B, Hm]

    // ---- bridge ----
    let h = tf.tanh(tf.add(this.mm(mbar, this.v("bridge.weight")), this.v<tf.Rank.R1>("bridge.bias"))) as tf.Tensor2D;
    let c = tf.zeros([B, Hd]) as tf.Tensor2D;

    // ---- attention keys (once per sentence) ----
    let keys: tf.Tensor3D | null = null;
    if (attention === "additive") {
      keys = tf.add(this.mm(mem.reshape([B * S, Hm]), this.v("attn.key.weight")), this.v<tf.Rank.R1>("attn.key.bias"))
        .reshape([B, S, A]) as tf.Tensor3D;
    }

    // ---- decoder (teacher forcing) ----
    const wih = this.v("decoder.weight_ih_l0"), whh = this.v("decoder.weight_hh_l0");
    const feed = this.d.feed;
    const bias = tf.add(this.v<tf.Rank.R1>("decoder.bias_ih_l0"), this.v<tf.Rank.R1>("decoder.bias_hh_l0"));
    const emb = embed(this.v("tgt_embed.weight"), b.prevIdx); // [T·B, E]
    // wih is [in0, 4Hd]: rows 0..E-1 see the embedding, rows E.. see h̃_{t-1}
    const wihE = feed ? tf.slice(wih, [0, 0], [E, 4 * Hd]) : wih;
    // the recurrent inputs [h̃_{t-1} ; h_{t-1}] go through one matMul per step
    const wrec = feed ? tf.concat([tf.slice(wih, [E, 0], [Hd, 4 * Hd]), whh], 0) : whh;
    const ep = tf.unstack(tf.add(this.mm(emb, wihE), bias).reshape([T, B, 4 * Hd]), 0) as tf.Tensor2D[];
    const wo = this.v("attn_out.weight");
    const wq = attention === "additive" ? this.v("attn.query.weight") : null;
    const vA = attention === "additive" ? this.v("attn.v.weight") : null;
    let htil = tf.zeros([B, Hd]) as tf.Tensor2D;
    const htils: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const rin = feed ? tf.concat([htil, h], 1) : h;
      [h, c] = cell(tf.add(ep[t], this.mm(rin, wrec)), c);
      let scores: tf.Tensor3D; // [B, 1, S]
      if (attention === "dot") {
        scores = tf.matMul(h.reshape([B, 1, Hd]) as tf.Tensor3D, mem, false, true);
      } else {
        const qp = this.mm(h, wq!).reshape([B, 1, A]);
        const u = tf.tanh(tf.add(keys!, qp)).reshape([B * S, A]);
        scores = this.mm(u, vA!).reshape([B, 1, S]);
      }
      const alpha = tf.softmax(tf.add(scores, b.attnBias)) as tf.Tensor3D;
      const ctx = tf.matMul(alpha, mem).reshape([B, Hm]);
      htil = tf.tanh(this.mm(tf.concat([ctx, h], 1), wo)) as tf.Tensor2D;
      htils.push(htil);
    }
    // ---- generator and loss over all T·B rows ----
    const hs = tf.stack(htils, 0).reshape([T * B, Hd]);
    const logits = tf.add(this.mm(hs, this.v("generator.weight")), this.v<tf.Rank.R1>("generator.bias"));
    const logp = tf.logSoftmax(logits);
    return tf.div(tf.neg(tf.sum(tf.mul(logp, b.gold))), b.tokens) as tf.Scalar;
  }
}
