// The translation model of docs/model.md written
// with @tensorflow/tfjs ops, as a Stepper (src/decode/stepper.ts): the
// end-to-end benchmark's TensorFlow.js baseline runs the very beam search of
// searchWith over it, on the same safetensors file as our engine.
//
// It computes what src/model/encoder.ts and src/model/decoder.ts compute:
//   - encoder: uni- or bidirectional, stacked; packed-sequence semantics (a
//     row past its sentence's length keeps its state: the forward direction
//     its last one, the reverse direction zeros, so ←h starts at each
//     sentence's own last token); the memory is zero past each length;
//     m̄ = [→h at the last real token ; ←h at the first] of the top layer
//   - bridge: h0 = tanh(bridge(m̄)) split over the decoder layers, c0 = 0
//   - decoder step, luong (attend with h_t; input feeding optional) or
//     bahdanau (attend with s_{t-1} before the LSTM, ctx into its input);
//     attention none (ctx = m̄), dot, general, additive; α is softmax over the
//     sentence's positions and exactly 0 on the padding (score −∞)
//   - h̃ = tanh(attn_out [ctx ; h]), log p = log_softmax(generator h̃ + b)
//
// Written the way a careful, performance-minded tfjs user would (the
// conventions of bench/tfjs-seq2seq.ts):
//   - every weight matrix is stored transposed, [in, out], so each linear map
//     is a plain tf.matMul(x, W): the only form the wasm backend runs through
//     XNNPACK (transposed matMuls take its scalar fallback loop);
//   - an LSTM's W_ih and W_hh are one [in + H, 4H] matrix fed [x ; h] in the
//     decoder (one matMul per layer and step), and the biases b_ih + b_hh are
//     merged once at load time; linear maps with a bias are one
//     tf.fused.matMul (the wasm backend fuses no tanh, so that stays apart);
//   - the encoder's input projections of all positions are one matMul per
//     layer and direction; masking runs only on the steps where some
//     sentence has already ended;
//   - attention keys (and the transposes dot/general scores need) are
//     computed once per batch; the rows' copies of a sentence's memory and
//     keys are gathered again only when the rows' sentences change;
//   - beams are reordered with tf.gather; every step runs in tf.tidy and the
//     previous state is disposed; only log p (and α, unless disabled) are
//     read back, with dataSync.
//
// Works with the cpu and wasm backends (both synchronous, so every method
// returns a value). Weights live on the backend that is current when
// tfjsStepper() is called; use that backend while decoding (begin() checks).
//
//   const tf = await import("@tensorflow/tfjs");
//   await useTfjsBackend(tf, "wasm");            // or "cpu"
//   const stepper = tfjsStepper(tf, readFileSync("model.safetensors"));
//   const hyps = await searchWith(stepper, srcs, { beam: 5 });
//   stepper.dispose();

import type * as TF from "@tensorflow/tfjs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseSafetensors, type SafeTensors } from "../../src/io/safetensors.js";
import { dims, paramSpecs, parseConfig, type Dims, type ModelConfig } from "../../src/model/config.js";
import type { StepOutput, StepSession, Stepper } from "../../src/decode/stepper.js";
import { S2SError } from "../../src/errors.js";

/** The @tensorflow/tfjs module (passed in, so the caller decides which instance and backend). */
export type Tf = typeof TF;
type T1 = TF.Tensor1D;
type T2 = TF.Tensor2D;
type T3 = TF.Tensor3D;

export interface TfjsStepperOptions {
  /** read α back after every step (default true); false: step() returns alpha = null, as when search keeps no attention */
  attention?: boolean;
  /** name used in error messages */
  source?: string;
}

/** A Stepper whose calls all return values (cpu and wasm backends are synchronous). */
export interface TfjsStepper extends Stepper {
  readonly config: ModelConfig;
  readonly dims: Dims;
  /** the tfjs backend holding the weights */
  readonly backend: string;
  begin(srcs: readonly (readonly number[])[], maxRows: number): TfjsSession;
  /** frees the weights */
  dispose(): void;
}

/**
 * Switches tfjs to the "wasm" (SIMD, one thread, as in bench/kernels.bench.ts)
 * or "cpu" backend and waits until it is ready. The first wasm call locates
 * the backend's .wasm files in node_modules.
 */
export async function useTfjsBackend(tf: Tf, name: "wasm" | "cpu"): Promise<void> {
  if (name === "wasm" && !tf.findBackend("wasm")) {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
    wasm.setThreadsCount(1);
  }
  tf.enableProdMode(); // no per-op debug checks; silences the hint about tfjs-node
  if (tf.getBackend() !== name) {
    // the emscripten glue of tfjs-backend-wasm installs process handlers that rethrow
    // (printing its own minified source); leave errors to Node's default handlers
    const before = { u: process.listeners("uncaughtException"), r: process.listeners("unhandledRejection") };
    const ok = await tf.setBackend(name);
    for (const l of process.listeners("uncaughtException")) if (!before.u.includes(l)) process.off("uncaughtException", l);
    for (const l of process.listeners("unhandledRejection")) if (!before.r.includes(l)) process.off("unhandledRejection", l);
    if (!ok) throw new Error(`tfjs backend ${name} failed to initialise`);
  }
  await tf.ready();
}

/** x [rows, cols] row-major → xᵀ [cols, rows] */
function transpose2d(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

/** The parameters of docs/model.md's table, checked against the config (as Model.fromBytes does). */
function readParams(st: SafeTensors, source: string): { config: ModelConfig; get: (name: string) => Float32Array } {
  const raw = st.metadata.config;
  if (raw === undefined) throw new S2SError(`${source}: no "config" in __metadata__ (see docs/model.md)`);
  const config = parseConfig(raw, source);
  for (const s of paramSpecs(config)) {
    const t = st.tensors.get(s.name);
    if (!t) throw new S2SError(`${source}: missing tensor ${s.name} [${s.shape.join(", ")}]`);
    if (t.dtype !== "F32") throw new S2SError(`${source}: tensor ${s.name} has dtype ${t.dtype}, expected F32`);
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      throw new S2SError(`${source}: tensor ${s.name} has shape [${t.shape.join(", ")}], expected [${s.shape.join(", ")}]`);
    }
  }
  return { config, get: (name) => st.f32(name) };
}

/** One LSTM's weights, [in, 4H] layout, gate order i, f, g, o. */
interface EncLstm {
  /** W_ihᵀ: [in, 4H] */
  wih: T2;
  /** W_hhᵀ: [H, 4H] */
  whh: T2;
  /** b_ih + b_hh: [4H] */
  bias: T1;
}

interface DecLstm {
  /** [W_ihᵀ ; W_hhᵀ]: [in + Hd, 4Hd], fed [x ; h] */
  w: T2;
  /** b_ih + b_hh: [4Hd] */
  bias: T1;
}

/** All weights on the backend, [in, out] layout. */
interface Weights {
  srcEmbed: T2; // [Vs, E]
  tgtEmbed: T2; // [Vt, E]
  enc: EncLstm[][]; // [layer][direction]
  bridgeW: T2; // [Hm, Ld·Hd]
  bridgeB: T1; // [Ld·Hd]
  dec: DecLstm[]; // [layer]
  attnW: T2 | null; // general: attn.weightᵀ [Hm, Hd]
  queryW: T2 | null; // additive: attn.queryᵀ [Hd, A]
  keyW: T2 | null; // additive: attn.keyᵀ [Hm, A]
  keyB: T1 | null; // additive: [A]
  vW: T2 | null; // additive: attn.vᵀ [A, 1]
  outW: T2; // attn_outᵀ [Hm + Hd, Hd], fed [ctx ; h]
  genW: T2; // generatorᵀ [Hd, Vt]
  genB: T1; // [Vt]
}

function loadWeights(tf: Tf, config: ModelConfig, d: Dims, get: (name: string) => Float32Array): Weights {
  // a copy: the cpu backend would keep a reference to the caller's array
  const plain = (name: string, shape: number[]) => tf.tensor(get(name).slice(), shape);
  const t2 = (name: string, rows: number, cols: number): T2 => tf.tensor2d(transpose2d(get(name), rows, cols), [cols, rows]);
  const sum = (a: string, b: string): T1 => {
    const x = get(a), y = get(b);
    return tf.tensor1d(x.map((v, i) => v + y[i]));
  };
  const enc: EncLstm[][] = [];
  for (let k = 0; k < d.Le; k++) {
    const inp = k === 0 ? d.E : d.Hm;
    enc.push(Array.from({ length: d.D }, (_, dir) => {
      const sfx = `_l${k}${dir === 1 ? "_reverse" : ""}`;
      return {
        wih: t2(`encoder.weight_ih${sfx}`, 4 * d.He, inp),
        whh: t2(`encoder.weight_hh${sfx}`, 4 * d.He, d.He),
        bias: sum(`encoder.bias_ih${sfx}`, `encoder.bias_hh${sfx}`),
      };
    }));
  }
  const dec: DecLstm[] = [];
  for (let k = 0; k < d.Ld; k++) {
    const inp = k === 0 ? d.in0 : d.Hd, G = 4 * d.Hd;
    const w = new Float32Array((inp + d.Hd) * G);
    w.set(transpose2d(get(`decoder.weight_ih_l${k}`), G, inp), 0);
    w.set(transpose2d(get(`decoder.weight_hh_l${k}`), G, d.Hd), inp * G);
    dec.push({ w: tf.tensor2d(w, [inp + d.Hd, G]), bias: sum(`decoder.bias_ih_l${k}`, `decoder.bias_hh_l${k}`) });
  }
  const general = config.attention === "general", additive = config.attention === "additive";
  return {
    srcEmbed: plain("src_embed.weight", [d.Vs, d.E]) as T2,
    tgtEmbed: plain("tgt_embed.weight", [d.Vt, d.E]) as T2,
    enc,
    bridgeW: t2("bridge.weight", d.Ld * d.Hd, d.Hm),
    bridgeB: plain("bridge.bias", [d.Ld * d.Hd]) as T1,
    dec,
    attnW: general ? t2("attn.weight", d.Hd, d.Hm) : null,
    queryW: additive ? t2("attn.query.weight", d.A, d.Hd) : null,
    keyW: additive ? t2("attn.key.weight", d.A, d.Hm) : null,
    keyB: additive ? (plain("attn.key.bias", [d.A]) as T1) : null,
    vW: additive ? t2("attn.v.weight", 1, d.A) : null,
    outW: t2("attn_out.weight", d.Hd, d.Hm + d.Hd),
    genW: t2("generator.weight", d.Vt, d.Hd),
    genB: plain("generator.bias", [d.Vt]) as T1,
  };
}

function weightList(w: Weights): TF.Tensor[] {
  const list: (TF.Tensor | null)[] = [w.srcEmbed, w.tgtEmbed, w.bridgeW, w.bridgeB, w.attnW, w.queryW, w.keyW, w.keyB, w.vW, w.outW, w.genW, w.genB];
  for (const layer of w.enc) for (const l of layer) list.push(l.wih, l.whh, l.bias);
  for (const l of w.dec) list.push(l.w, l.bias);
  return list.filter((t): t is TF.Tensor => t !== null);
}

/**
 * tf.tidy for a function returning an object of tensors, arrays of tensors
 * and nulls (tfjs keeps every tensor inside it; its TensorContainer type
 * just has no null).
 */
function tidy<T>(tf: Tf, fn: () => T): T {
  return tf.tidy(fn as unknown as () => TF.TensorContainer) as unknown as T;
}

/** x·W + b for x [rows, in], W [in, out], b [out]: one fused kernel (XNNPACK adds the bias on wasm) */
function linear(tf: Tf, x: T2, w: T2, b: T1): T2 {
  return tf.fused.matMul({ a: x, b: w, bias: b }) as T2;
}

/** One LSTM cell step from its pre-activations z [B, 4H] (PyTorch gate order i, f, g, o); returns [h', c']. */
function cell(tf: Tf, z: T2, c: T2): [T2, T2] {
  const [zi, zf, zg, zo] = tf.split(z, 4, 1) as T2[];
  const cn = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg))) as T2;
  const hn = tf.mul(tf.sigmoid(zo), tf.tanh(cn)) as T2;
  return [hn, cn];
}

/**
 * The model of a safetensors file (bytes, or already parsed) as a Stepper on
 * tfjs's current backend.
 */
export function tfjsStepper(tf: Tf, model: Uint8Array | SafeTensors, options: TfjsStepperOptions = {}): TfjsStepper {
  const source = options.source ?? "model file";
  const st = model instanceof Uint8Array ? parseSafetensors(model, source) : model;
  const { config, get } = readParams(st, source);
  const d = dims(config);
  const backend = tf.getBackend();
  const w = loadWeights(tf, config, d, get);
  const keepAlpha = options.attention ?? true;
  let disposed = false;
  return {
    Vs: d.Vs,
    Vt: d.Vt,
    hasAttention: config.attention !== "none",
    config,
    dims: d,
    backend,
    begin(srcs) {
      if (disposed) throw new Error("tfjsStepper: disposed");
      if (tf.getBackend() !== backend) throw new Error(`tfjsStepper: weights are on the ${backend} backend but tfjs is now on ${tf.getBackend()}`);
      return new TfjsSession(tf, config, d, w, srcs, keepAlpha);
    },
    dispose() {
      if (!disposed) tf.dispose(weightList(w));
      disposed = true;
    },
  };
}

/** What encode() leaves for the decoder, per sentence b of the batch. */
interface Encoded {
  /** M: [B, S, Hm], zero past each length */
  mem: T3;
  /** additive: keys [B, S, A]; dot/general: keysᵀ [B, Dk, S]; none: null */
  keys: T3 | null;
  /** 0 inside the sentence, −∞ past its length: [B, S]; null when no sentence is padded */
  bias: T2 | null;
  /** m̄: [B, Hm] */
  mbar: T2;
  /** h0 of each decoder layer: Ld × [B, Hd] */
  h0: T2[];
}

/** Per-row copies of the sentence tensors the attention reads (rows r attend to sentence rowsrc[r]). */
interface RowMemory {
  rowsrc: number[];
  mem: T3; // [R, S, Hm]
  keys: T3 | null; // as Encoded.keys, per row
  bias: T2 | null; // [R, S]
  mbar: T2; // [R, Hm]
}

export class TfjsSession implements StepSession {
  readonly S: number;
  private readonly B: number;
  private readonly enc: Encoded;
  /** the rows' copies (the encoder's own tensors while rowsrc is 0..B-1) */
  private rows: RowMemory;
  /** per decoder layer: h, c [R, Hd] */
  private h: T2[] = [];
  private c: T2[] = [];
  /** luong input feeding: h̃_{t-1} [R, Hd] */
  private feed: T2 | null = null;
  private closed = false;

  constructor(
    private readonly tf: Tf,
    private readonly config: ModelConfig,
    private readonly d: Dims,
    private readonly w: Weights,
    srcs: readonly (readonly number[])[],
    private readonly keepAlpha: boolean,
  ) {
    this.B = srcs.length;
    this.S = Math.max(1, ...srcs.map((s) => s.length));
    this.enc = tidy(tf, () => this.encode(srcs));
    this.rows = this.identityRows();
  }

  /** Encoder, bridge and attention keys for the batch (inside tidy: returns what it keeps). */
  private encode(srcs: readonly (readonly number[])[]): Encoded {
    const { tf, d, w } = this;
    const B = this.B, S = this.S, N = S * B;
    const lengths = srcs.map((s) => s.length);
    const minLen = Math.min(...lengths);
    // ids time-major, PAD-padded: position t of sentence b at row t·B + b
    const ids = new Int32Array(N);
    srcs.forEach((s, b) => s.forEach((tok, t) => (ids[t * B + b] = tok)));
    // masks[t] (t ≥ minLen): [B, 1], 1 while t < length; unmasks[t] = 1 − masks[t]
    const masks: T2[] = [], unmasks: T2[] = [];
    for (let t = minLen; t < S; t++) {
      const m = Float32Array.from(lengths, (L) => (t < L ? 1 : 0));
      masks[t] = tf.tensor2d(m, [B, 1]);
      unmasks[t] = tf.tensor2d(m.map((x) => 1 - x), [B, 1]);
    }

    let inp = tf.gather(w.srcEmbed, tf.tensor1d(ids, "int32")) as T2; // [S·B, E]
    let finals: T2[] = [];
    for (let layer = 0; layer < d.Le; layer++) {
      const dirOuts: T3[] = [];
      finals = [];
      for (let dir = 0; dir < d.D; dir++) {
        const l = w.enc[layer][dir];
        // input projections of all positions at once: [S, B, 4He] → S × [B, 4He]
        const xp = tf.unstack(linear(tf, inp, l.wih, l.bias).reshape([S, B, 4 * d.He])) as T2[];
        let h = tf.zeros([B, d.He]) as T2, c = tf.zeros([B, d.He]) as T2;
        const outs: T2[] = new Array(S);
        for (let j = 0; j < S; j++) {
          const t = dir === 0 ? j : S - 1 - j;
          const [hn, cn] = cell(tf, tf.add(xp[t], tf.matMul(h, l.whh)) as T2, c);
          if (t < minLen) {
            h = hn; c = cn; outs[t] = hn;
          } else {
            // rows with t ≥ length keep h and c (forward: their last state; reverse: zeros); output 0
            const m = masks[t], um = unmasks[t];
            h = tf.add(tf.mul(m, hn), tf.mul(um, h)) as T2;
            c = tf.add(tf.mul(m, cn), tf.mul(um, c)) as T2;
            outs[t] = tf.mul(m, hn) as T2;
          }
        }
        dirOuts.push(tf.stack(outs) as T3); // [S, B, He]
        finals.push(h); // →h at the last real token; ←h at the first
      }
      const out = d.D === 2 ? (tf.concat(dirOuts, 2) as T3) : dirOuts[0]; // [S, B, Hm]
      inp = out.reshape([N, d.Hm]);
    }
    const mem = tf.transpose(inp.reshape([S, B, d.Hm]), [1, 0, 2]) as T3; // [B, S, Hm]
    const mbar = d.D === 2 ? (tf.concat(finals, 1) as T2) : finals[0]; // [B, Hm]

    // bridge: h0 = tanh(m̄·bridgeᵀ + b): [B, Ld·Hd], one [B, Hd] per layer
    const h0all = tf.tanh(linear(tf, mbar, w.bridgeW, w.bridgeB)) as T2;
    const h0 = d.Ld === 1 ? [h0all] : (tf.split(h0all, d.Ld, 1) as T2[]);

    // attention keys, once per batch
    let keys: T3 | null = null;
    const mem2d = mem.reshape([B * S, d.Hm]) as T2;
    switch (this.config.attention) {
      case "dot": // keysᵀ = Mᵀ: [B, Hm, S]
        keys = tf.transpose(mem, [0, 2, 1]) as T3;
        break;
      case "general": // keys_j = attn.weight·M_j: [B, S, Hd] → keysᵀ [B, Hd, S]
        keys = tf.transpose(tf.matMul(mem2d, w.attnW!).reshape([B, S, d.Hd]), [0, 2, 1]) as T3;
        break;
      case "additive": // keys_j = attn.key·M_j + key.bias: [B, S, A]
        keys = linear(tf, mem2d, w.keyW!, w.keyB!).reshape([B, S, d.A]) as T3;
        break;
      case "none":
        break;
    }
    let bias: T2 | null = null;
    if (minLen < S) {
      const bv = new Float32Array(B * S);
      lengths.forEach((L, b) => bv.fill(-Infinity, b * S + L, (b + 1) * S));
      bias = tf.tensor2d(bv, [B, S]);
    }
    return { mem, keys, bias, mbar, h0 };
  }

  private identityRows(): RowMemory {
    const e = this.enc;
    return { rowsrc: Array.from({ length: this.B }, (_, b) => b), mem: e.mem, keys: e.keys, bias: e.bias, mbar: e.mbar };
  }

  /** Points the attention at sentences rowsrc (gathers copies only when they change). */
  private setRows(rowsrc: readonly number[]): void {
    const cur = this.rows.rowsrc;
    if (cur.length === rowsrc.length && cur.every((s, i) => s === rowsrc[i])) return;
    this.freeRows();
    if (rowsrc.length === this.B && rowsrc.every((s, i) => s === i)) {
      this.rows = this.identityRows();
      return;
    }
    const { tf } = this, e = this.enc;
    this.rows = tidy(tf, () => {
      const idx = tf.tensor1d(Int32Array.from(rowsrc), "int32");
      return {
        rowsrc: [...rowsrc],
        mem: tf.gather(e.mem, idx) as T3,
        keys: e.keys && (tf.gather(e.keys, idx) as T3),
        bias: e.bias && (tf.gather(e.bias, idx) as T2),
        mbar: tf.gather(e.mbar, idx) as T2,
      };
    });
  }

  private freeRows(): void {
    const r = this.rows, e = this.enc;
    for (const [mine, theirs] of [[r.mem, e.mem], [r.keys, e.keys], [r.bias, e.bias], [r.mbar, e.mbar]] as const) {
      if (mine && mine !== theirs) mine.dispose();
    }
  }

  private freeState(): void {
    this.tf.dispose([...this.h, ...this.c, ...(this.feed ? [this.feed] : [])]);
    this.h = []; this.c = []; this.feed = null;
  }

  start(rowsrc: readonly number[]): void {
    const { tf, d } = this;
    const R = rowsrc.length;
    this.freeState();
    this.setRows(rowsrc);
    const idx = tf.tensor1d(Int32Array.from(rowsrc), "int32");
    this.h = this.enc.h0.map((h0) => tf.gather(h0, idx) as T2); // Ld × [R, Hd]
    this.c = this.enc.h0.map(() => tf.zeros([R, d.Hd]) as T2);
    if (d.feed) this.feed = tf.zeros([R, d.Hd]) as T2; // h̃_0 = 0
    idx.dispose();
  }

  reorder(parents: readonly number[], rowsrc: readonly number[]): void {
    const { tf } = this;
    const idx = tf.tensor1d(Int32Array.from(parents), "int32");
    const h = this.h.map((x) => tf.gather(x, idx) as T2);
    const c = this.c.map((x) => tf.gather(x, idx) as T2);
    const feed = this.feed && (tf.gather(this.feed, idx) as T2);
    idx.dispose();
    this.freeState();
    this.h = h; this.c = c; this.feed = feed;
    this.setRows(rowsrc);
  }

  /** α_t [R, S] and ctx_t [R, Hm] for queries q [R, Hd] (inside tidy). */
  private attend(q: T2): { alpha: T2 | null; ctx: T2 } {
    const { tf, d, w } = this, rows = this.rows;
    const R = q.shape[0], S = this.S;
    let scores: T2; // [R, S]
    switch (this.config.attention) {
      case "none":
        return { alpha: null, ctx: rows.mbar };
      case "dot":
      case "general":
        // score_j = q · keys_j: [R, 1, Dk] × [R, Dk, S]
        scores = tf.matMul(q.reshape([R, 1, q.shape[1]]) as T3, rows.keys!).reshape([R, S]);
        break;
      case "additive": {
        // score_j = v · tanh(q·queryᵀ + keys_j)
        const qp = tf.matMul(q, w.queryW!).reshape([R, 1, d.A]); // [R, 1, A]
        const u = tf.tanh(tf.add(rows.keys!, qp)).reshape([R * S, d.A]) as T2; // [R·S, A]
        scores = tf.matMul(u, w.vW!).reshape([R, S]);
        break;
      }
    }
    if (rows.bias) scores = tf.add(scores, rows.bias) as T2;
    const alpha = tf.softmax(scores) as T2; // [R, S], 0 past each length
    const ctx = tf.matMul(alpha.reshape([R, 1, S]) as T3, rows.mem).reshape([R, d.Hm]) as T2; // Σ_j α_j M_j
    return { alpha, ctx };
  }

  step(prev: readonly number[]): StepOutput {
    if (this.closed) throw new Error("TfjsSession: closed");
    const { tf, d, w } = this;
    const bahdanau = this.config.decoder_style === "bahdanau";
    const top = d.Ld - 1;
    const out = tidy(tf, () => {
      const emb = tf.gather(w.tgtEmbed, tf.tensor1d(Int32Array.from(prev), "int32")) as T2; // [R, E]
      // bahdanau: α_t, ctx_t = attend(s_{t-1}) before the LSTM, ctx_t into its input
      let att = bahdanau ? this.attend(this.h[top]) : null;
      const h: T2[] = [], c: T2[] = [];
      for (let l = 0; l < d.Ld; l++) {
        // layer 0: [emb ; ctx_t (bahdanau) or h̃_{t-1} (input feeding) ; h], layer l: [h_{l-1} ; h]: [R, in + Hd]
        const parts = l > 0 ? [h[l - 1]] : bahdanau ? [emb, att!.ctx] : d.feed ? [emb, this.feed!] : [emb];
        const x = tf.concat([...parts, this.h[l]], 1) as T2;
        const [hn, cn] = cell(tf, linear(tf, x, w.dec[l].w, w.dec[l].bias), this.c[l]);
        h.push(hn); c.push(cn);
      }
      // luong: α_t, ctx_t = attend(h_t)
      if (!bahdanau) att = this.attend(h[top]);
      // h̃_t = tanh(attn_out·[ctx_t ; h_t]): [R, Hd]
      const htil = tf.tanh(tf.matMul(tf.concat([att!.ctx, h[top]], 1) as T2, w.outW)) as T2;
      // log p = log_softmax(generator·h̃_t + b): [R, Vt]
      const logp = tf.logSoftmax(linear(tf, htil, w.genW, w.genB)) as T2;
      return { h, c, feed: d.feed ? htil : null, logp, alpha: this.keepAlpha ? att!.alpha : null };
    });
    this.freeState();
    this.h = out.h; this.c = out.c; this.feed = out.feed;
    const logp = out.logp.dataSync() as Float32Array;
    const alpha = out.alpha ? (out.alpha.dataSync() as Float32Array) : null;
    tf.dispose(out.alpha ? [out.logp, out.alpha] : [out.logp]);
    return { logp, alpha };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.freeState();
    this.freeRows();
    const e = this.enc;
    this.tf.dispose([e.mem, e.mbar, ...e.h0, ...(e.keys ? [e.keys] : []), ...(e.bias ? [e.bias] : [])]);
  }
}
