// ONNX export of a model (docs/onnx.md): two graphs, the encoder and one
// decoder step, with the model's weights as initializers, and a manifest that
// says how to drive them. They compute exactly what src/model/encoder.ts and
// src/model/decoder.ts compute (docs/model.md), in float32, opset 17.
//
// Encoder: the ONNX LSTM (GRU, RNN) operator, with sequence_lens, reproduces
// our encoder: the forward direction's state stops at each sentence's last
// real token, the reverse direction starts there (ONNX reverses each sequence
// within its length), outputs past the length are zero, and Y_h holds
// [→h_len ; ←h_1] = m̄. ONNX's gate orders are i, o, f, c for the LSTM
// (PyTorch: i, f, g, o) and z, r, h for the GRU (PyTorch: r, z, n; with
// linear_before_reset = 1, PyTorch's r ⊙ (W_hn·h + b_hn)); its bias is
// [W_b ; R_b]: the exporter reorders the blocks.
//
// Decoder step: explicit ops (Gather, Concat, Gemm, Split, Sigmoid/Tanh,
// MatMul, Softmax, LogSoftmax), PyTorch gate order kept, [W_ih | W_hh] in one
// Gemm per layer. Rows gather their sentence's memory, keys and mask by
// `rowsrc`, so the beams of a sentence share one copy of the encoder outputs.

import { S2SError } from "../../errors.js";
import { BOS, EOS, PAD, UNK, type Cell, type ModelConfig } from "../../model/config.js";
import type { Model } from "../../model/model.js";
import { INT64, OPSET, model as onnxModel, type Attr, type Node, type Tensor, type ValueInfo } from "./proto.js";

/** What exportOnnx returns: the two ONNX files and the manifest (JSON-serialisable). */
export interface OnnxExport {
  encoder: Uint8Array;
  decoderStep: Uint8Array;
  manifest: OnnxManifest;
}

export interface OnnxIO {
  name: string;
  dtype: "float32" | "int64";
  /** sizes, or the symbolic names B (sentences), S (padded source length), R (decoder rows) */
  shape: (number | string)[];
  description: string;
}

export interface OnnxManifest {
  format: "seq2seq-wasm-onnx";
  version: 1;
  opset: number;
  config: ModelConfig;
  /** the model file's other metadata strings as stored (src_vocab, tgt_vocab: JSON arrays of tokens; tokenizer) */
  model_metadata: Record<string, string>;
  special_ids: { pad: number; unk: number; bos: number; eos: number };
  encoder: { file: string; inputs: OnnxIO[]; outputs: OnnxIO[] };
  decoder_step: { file: string; inputs: OnnxIO[]; outputs: OnnxIO[] };
  /** decoder_step input name → how to obtain it */
  feeds: Record<string, string>;
  /** the decoding loop in words (docs/onnx.md has the details) */
  semantics: string[];
}

/** weights per graph that still leave room for the rest of a 2 GiB protobuf */
const MAX_GRAPH_BYTES = 2 ** 31 - 2 ** 24;

export const ONNX_FILES = { encoder: "encoder.onnx", decoderStep: "decoder_step.onnx", manifest: "manifest.json" } as const;

/** A graph under construction: nodes, initializers, fresh value names. */
class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inits: Tensor[] = [];
  private n = 0;

  /** Adds a node; returns its (first) output, named `out` or a fresh name. */
  op(op: string, inputs: string[], attrs: Attr[] = [], out?: string): string {
    const name = out ?? `${op.toLowerCase()}_${this.n++}`;
    this.nodes.push({ op, inputs, outputs: [name], attrs });
    return name;
  }

  /** A node with several outputs (named `outs`). */
  multi(op: string, inputs: string[], outs: string[], attrs: Attr[] = []): string[] {
    this.nodes.push({ op, inputs, outputs: outs, attrs });
    return outs;
  }

  init(name: string, dims: number[], data: Float32Array | Int32Array | BigInt64Array): string {
    this.inits.push({ name, dims, data });
    return name;
  }

  /** An int64 constant (dims [] for a scalar). */
  i64(values: number[], scalar = false): string {
    return this.init(`const_i64_${this.n++}`, scalar ? [] : [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  f32scalar(v: number): string {
    return this.init(`const_f32_${this.n++}`, [], Float32Array.of(v));
  }

  unsqueeze(x: string, axis: number, out?: string): string {
    return this.op("Unsqueeze", [x, this.i64([axis])], [], out);
  }

  squeeze(x: string, axis: number, out?: string): string {
    return this.op("Squeeze", [x, this.i64([axis])], [], out);
  }

  /** x·Wᵀ (+ b) for x [N, in], W [out, in] an initializer */
  linear(x: string, w: string, b?: string, out?: string): string {
    return this.op("Gemm", b ? [x, w, b] : [x, w], [{ name: "transB", i: 1 }], out);
  }
}

/**
 * Rows of w [G·H, cols] reordered from PyTorch's gate blocks to the ONNX
 * operator's: lstm (i, f, g, o) → (i, o, f, c); gru (r, z, n) → (z, r, h); rnn: one block.
 */
function toOnnxGates(cell: Cell, w: Float32Array, H: number, cols: number): Float32Array {
  const order = cell === "lstm" ? [0, 3, 1, 2] : cell === "gru" ? [1, 0, 2] : [0];
  const out = new Float32Array(w.length);
  const block = H * cols;
  order.forEach((src, dst) => out.set(w.subarray(src * block, (src + 1) * block), dst * block));
  return out;
}

/** The ONNX operator of each cell. */
const ONNX_OP: Record<Cell, string> = { lstm: "LSTM", gru: "GRU", rnn: "RNN" };

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** wᵀ for w [rows, cols] */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

const f32 = (name: string, shape: (number | string)[], description: string): OnnxIO => ({ name, dtype: "float32", shape, description });
const i64 = (name: string, shape: (number | string)[], description: string): OnnxIO => ({ name, dtype: "int64", shape, description });
const valueInfo = (io: OnnxIO): ValueInfo => ({ name: io.name, dims: io.shape, type: io.dtype === "int64" ? INT64 : undefined, doc: io.description });

/**
 * Exports a loaded float32 model as two ONNX graphs (opset 17) and a manifest.
 * The weights are copied: the model may change or be freed afterwards.
 */
export function exportOnnx(model: Model): OnnxExport {
  model.requireF32("ONNX export");
  const c = model.config, d = model.dims;
  const attn = c.attention !== "none";
  const bahdanau = c.decoder_style === "bahdanau";
  const w = (name: string): Float32Array => model.view(name).slice();
  /** keys dimension: dot → Hm (the keys are the memory), general → Hd, additive → A */
  const Dk = c.attention === "general" ? d.Hd : c.attention === "additive" ? d.A : d.Hm;
  const separateKeys = c.attention === "general" || c.attention === "additive";

  // ---- interface (names, shapes, meaning) shared by the graphs and the manifest
  const encIn = [
    i64("src_ids", ["B", "S"], "source ids, each sentence its tokens then EOS (3), padded with PAD (0) to the longest"),
    i64("src_lengths", ["B"], "tokens of each sentence including EOS (1 ≤ length ≤ S)"),
  ];
  const encOut: OnnxIO[] = [f32("memory", ["B", "S", d.Hm], "top encoder layer outputs [→h ; ←h] (zero past each length)")];
  if (separateKeys) {
    encOut.push(f32("keys", ["B", "S", Dk], c.attention === "general" ? "attention keys memory·attn.weightᵀ" : "attention keys memory·attn.key.weightᵀ + attn.key.bias"));
  }
  if (attn) encOut.push(f32("mask", ["B", "S"], "0 at real source positions, -inf past each length (added to the attention scores)"));
  else encOut.push(f32("mbar", ["B", d.Hm], "m̄ = [→h_len ; ←h_1] of the top layer: the context at every step (attention none)"));
  encOut.push(f32("h0", [d.Ld, "B", d.Hd], "initial decoder hidden state of every layer, tanh(bridge(m̄)); c0 = 0"));

  const decIn = [
    i64("prev_ids", ["R"], "previous token of each row (BOS = 2 at the first step)"),
    i64("rowsrc", ["R"], "the sentence (row of the encoder outputs) each row continues"),
    f32("h", [d.Ld, "R", d.Hd], "hidden state of every decoder layer"),
    f32("c", [d.Ld, "R", d.Hd], "cell state of every decoder layer"),
  ];
  if (d.feed) decIn.push(f32("feed", ["R", d.Hd], "input feeding: h̃ of the previous step (zeros at the first step)"));
  if (attn) {
    decIn.push(f32("memory", ["B", "S", d.Hm], "encoder output memory"));
    if (separateKeys) decIn.push(f32("keys", ["B", "S", Dk], "encoder output keys"));
    decIn.push(f32("mask", ["B", "S"], "encoder output mask"));
  } else {
    decIn.push(f32("mbar", ["B", d.Hm], "encoder output mbar"));
  }
  const decOut = [f32("logp", ["R", d.Vt], "log p(next token | prefix, source): log_softmax of the generator")];
  if (attn) decOut.push(f32("alpha", ["R", "S"], "attention weights of this step over the padded source positions"));
  decOut.push(f32("h_out", [d.Ld, "R", d.Hd], "new hidden state of every layer"),
    f32("c_out", [d.Ld, "R", d.Hd], d.cell === "lstm" ? "new cell state of every layer" : "c unchanged: gru and rnn cells have no cell state (zeros in, zeros out)"));
  if (d.feed) decOut.push(f32("feed_out", ["R", d.Hd], "h̃ of this step, the next step's feed"));

  // ---- encoder graph
  const e = new GraphBuilder();
  {
    const G = d.G * d.He;
    const cell = d.cell;
    const dirs = c.bidirectional ? ["", "_reverse"] : [""];
    // x: [B, S, E] → time-major [S, B, E] (the LSTM operator's default layout)
    const emb = e.init("src_embed.weight", [d.Vs, d.E], w("src_embed.weight"));
    let x = e.op("Transpose", [e.op("Gather", [emb, "src_ids"])], [{ name: "perm", ints: [1, 0, 2] }]);
    const seq = e.op("Cast", ["src_lengths"], [{ name: "to", i: 6 }]); // sequence_lens is int32
    let y = "", yh = "";
    for (let k = 0; k < d.Le; k++) {
      const inSize = k === 0 ? d.E : d.Hm;
      // W [D, G·He, in], R [D, G·He, He], B [D, 2G·He] = [W_b ; R_b], in the operator's gate order
      const W = concat(dirs.map((s) => toOnnxGates(cell, w(`encoder.weight_ih_l${k}${s}`), d.He, inSize)));
      const R = concat(dirs.map((s) => toOnnxGates(cell, w(`encoder.weight_hh_l${k}${s}`), d.He, d.He)));
      const Bias = concat(dirs.flatMap((s) => [toOnnxGates(cell, w(`encoder.bias_ih_l${k}${s}`), d.He, 1), toOnnxGates(cell, w(`encoder.bias_hh_l${k}${s}`), d.He, 1)]));
      const names = [`${cell}_l${k}_Y`, `${cell}_l${k}_Y_h`];
      const attrs: Attr[] = [
        { name: "hidden_size", i: d.He },
        { name: "direction", s: c.bidirectional ? "bidirectional" : "forward" },
      ];
      if (cell === "gru") attrs.push({ name: "linear_before_reset", i: 1 });
      e.multi(ONNX_OP[cell], [x, e.init(`encoder.W_l${k}`, [d.D, G, inSize], W), e.init(`encoder.R_l${k}`, [d.D, G, d.He], R), e.init(`encoder.B_l${k}`, [d.D, 2 * G], Bias), seq], names, attrs);
      [y, yh] = names; // Y: [S, D, B, He], Y_h: [D, B, He]
      // next layer input: [S, B, D·He]
      if (k < d.Le - 1) x = e.op("Reshape", [e.op("Transpose", [y], [{ name: "perm", ints: [0, 2, 1, 3] }]), e.i64([0, 0, -1])]);
    }
    // memory: [S, D, B, He] → [B, S, D, He] → [B, S, Hm]
    const memory = e.op("Reshape", [e.op("Transpose", [y], [{ name: "perm", ints: [2, 0, 1, 3] }]), e.i64([0, 0, -1])], [], "memory");
    // m̄: [D, B, He] → [B, D, He] → [B, Hm]
    const mbar = e.op("Reshape", [e.op("Transpose", [yh], [{ name: "perm", ints: [1, 0, 2] }]), e.i64([0, -1])], [], attn ? undefined : "mbar");
    // h0: tanh(m̄·bridgeᵀ + b) [B, Ld·Hd] → [B, Ld, Hd] → [Ld, B, Hd]
    const bridge = e.op("Tanh", [e.linear(mbar, e.init("bridge.weight", [d.Ld * d.Hd, d.Hm], w("bridge.weight")), e.init("bridge.bias", [d.Ld * d.Hd], w("bridge.bias")))]);
    e.op("Transpose", [e.op("Reshape", [bridge, e.i64([0, d.Ld, d.Hd])])], [{ name: "perm", ints: [1, 0, 2] }], "h0");
    if (c.attention === "general") {
      // keys = M·attn.weightᵀ: [B, S, Hd]
      e.op("MatMul", [memory, e.init("attn.weight_T", [d.Hm, d.Hd], transpose(w("attn.weight"), d.Hd, d.Hm))], [], "keys");
    } else if (c.attention === "additive") {
      // keys = M·attn.keyᵀ + b: [B, S, A]
      const mk = e.op("MatMul", [memory, e.init("attn.key.weight_T", [d.Hm, d.A], transpose(w("attn.key.weight"), d.A, d.Hm))]);
      e.op("Add", [mk, e.init("attn.key.bias", [d.A], w("attn.key.bias"))], [], "keys");
    }
    if (attn) {
      // mask[b, j] = j < length_b ? 0 : -inf: [B, S]
      const S = e.op("Gather", [e.op("Shape", ["src_ids"]), e.i64([1], true)]);
      const pos = e.op("Range", [e.i64([0], true), S, e.i64([1], true)]); // [S]
      const valid = e.op("Less", [pos, e.unsqueeze("src_lengths", 1)]); // [B, S]
      e.op("Where", [valid, e.f32scalar(0), e.f32scalar(-Infinity)], [], "mask");
    }
  }

  // ---- decoder step graph
  const g = new GraphBuilder();
  {
    const G = d.G * d.Hd;
    const cell = d.cell;
    const emb = g.op("Gather", [g.init("tgt_embed.weight", [d.Vt, d.E], w("tgt_embed.weight")), "prev_ids"]); // [R, E]
    const layerState = (s: string, l: number) => g.op("Gather", [s, g.i64([l], true)], [{ name: "axis", i: 0 }]); // [R, Hd]
    // the rows' sentences: memory [R, S, Hm], keys [R, S, Dk], mask [R, S] (or m̄ [R, Hm])
    const mem = attn ? g.op("Gather", ["memory", "rowsrc"]) : "";
    const keys = separateKeys ? g.op("Gather", ["keys", "rowsrc"]) : mem;
    const mask = attn ? g.op("Gather", ["mask", "rowsrc"]) : "";
    const qW = c.attention === "additive" ? g.init("attn.query.weight", [d.A, d.Hd], w("attn.query.weight")) : "";
    const v = c.attention === "additive" ? g.init("attn.v.weight", [d.A], w("attn.v.weight")) : "";
    /** ctx [R, Hm] for query q [R, Hd]; emits `alpha` [R, S] */
    const attend = (q: string): string => {
      if (!attn) return g.op("Gather", ["mbar", "rowsrc"]);
      let score: string; // [R, S]
      if (c.attention === "additive") {
        // v · tanh(keys + q·Wqᵀ)
        const qp = g.unsqueeze(g.linear(q, qW), 1); // [R, 1, A]
        score = g.op("MatMul", [g.op("Tanh", [g.op("Add", [keys, qp])]), v]);
      } else {
        // keys_j · q
        score = g.squeeze(g.op("MatMul", [keys, g.unsqueeze(q, 2)]), 2);
      }
      const alpha = g.op("Softmax", [g.op("Add", [score, mask])], [{ name: "axis", i: -1 }], "alpha");
      return g.squeeze(g.op("MatMul", [g.unsqueeze(alpha, 1), mem]), 1); // [R, 1, S]·[R, S, Hm] → [R, Hm]
    };
    const hs = Array.from({ length: d.Ld }, (_, l) => layerState("h", l));
    const cs = Array.from({ length: d.Ld }, (_, l) => layerState("c", l));
    let ctx = bahdanau ? attend(hs[d.Ld - 1]) : "";
    const hOut: string[] = [], cOut: string[] = [];
    let x = bahdanau ? [emb, ctx] : d.feed ? [emb, "feed"] : [emb];
    for (let l = 0; l < d.Ld; l++) {
      const inSize = l === 0 ? d.in0 : d.Hd;
      const wih = w(`decoder.weight_ih_l${l}`), whh = w(`decoder.weight_hh_l${l}`);
      if (cell === "gru") {
        // gx = x·W_ihᵀ + b_ih, gh = h_l·W_hhᵀ + b_hh: [R, 3Hd], gate blocks r, z, n
        const xin = x.length === 1 ? x[0] : g.op("Concat", x, [{ name: "axis", i: 1 }]);
        const gx = g.linear(xin, g.init(`decoder.weight_ih_l${l}`, [G, inSize], wih), g.init(`decoder.bias_ih_l${l}`, [G], w(`decoder.bias_ih_l${l}`)));
        const gh = g.linear(hs[l], g.init(`decoder.weight_hh_l${l}`, [G, d.Hd], whh), g.init(`decoder.bias_hh_l${l}`, [G], w(`decoder.bias_hh_l${l}`)));
        const split3 = (t: string, tag: string) => g.multi("Split", [t, g.i64([d.Hd, d.Hd, d.Hd])], [`${tag}${l}_r`, `${tag}${l}_z`, `${tag}${l}_n`], [{ name: "axis", i: 1 }]);
        const [xr, xz, xn] = split3(gx, "gx");
        const [hr, hz, hn] = split3(gh, "gh");
        // r = σ(gx_r + gh_r); z = σ(gx_z + gh_z); n = tanh(gx_n + r·gh_n); h' = (1 − z)·n + z·h = n + z·(h − n)
        const r = g.op("Sigmoid", [g.op("Add", [xr, hr])]);
        const z = g.op("Sigmoid", [g.op("Add", [xz, hz])]);
        const n = g.op("Tanh", [g.op("Add", [xn, g.op("Mul", [r, hn])])]);
        const hNew = g.op("Add", [g.op("Mul", [g.op("Sub", [g.f32scalar(1), z]), n]), g.op("Mul", [z, hs[l]])]);
        hOut.push(hNew);
        cOut.push(cs[l]);
        x = [hNew];
        continue;
      }
      // z = [x ; h_l]·[W_ih | W_hh]ᵀ + (b_ih + b_hh): [R, G·Hd], gate blocks i, f, g, o (lstm) or one (rnn)
      const wcat = new Float32Array(G * (inSize + d.Hd));
      for (let r = 0; r < G; r++) {
        wcat.set(wih.subarray(r * inSize, (r + 1) * inSize), r * (inSize + d.Hd));
        wcat.set(whh.subarray(r * d.Hd, (r + 1) * d.Hd), r * (inSize + d.Hd) + inSize);
      }
      const bias = w(`decoder.bias_ih_l${l}`), bhh = w(`decoder.bias_hh_l${l}`);
      for (let i = 0; i < G; i++) bias[i] += bhh[i];
      const z = g.linear(g.op("Concat", [...x, hs[l]], [{ name: "axis", i: 1 }]), g.init(`decoder.W_l${l}`, [G, inSize + d.Hd], wcat), g.init(`decoder.b_l${l}`, [G], bias));
      if (cell === "rnn") {
        // h' = tanh(z); c passes through (zeros)
        const hNew = g.op("Tanh", [z]);
        hOut.push(hNew);
        cOut.push(cs[l]);
        x = [hNew];
        continue;
      }
      const [zi, zf, zg, zo] = g.multi("Split", [z, g.i64([d.Hd, d.Hd, d.Hd, d.Hd])], [`z${l}_i`, `z${l}_f`, `z${l}_g`, `z${l}_o`], [{ name: "axis", i: 1 }]);
      // c' = σ(f)·c + σ(i)·tanh(g);  h' = σ(o)·tanh(c')
      const cNew = g.op("Add", [g.op("Mul", [g.op("Sigmoid", [zf]), cs[l]]), g.op("Mul", [g.op("Sigmoid", [zi]), g.op("Tanh", [zg])])]);
      const hNew = g.op("Mul", [g.op("Sigmoid", [zo]), g.op("Tanh", [cNew])]);
      hOut.push(hNew);
      cOut.push(cNew);
      x = [hNew];
    }
    const top = hOut[d.Ld - 1];
    if (!bahdanau) ctx = attend(top);
    // h̃ = tanh(attn_out·[ctx ; h]): [R, Hd]; logp = log_softmax(generator·h̃ + b): [R, Vt]
    const cat = g.op("Concat", [ctx, top], [{ name: "axis", i: 1 }]);
    const htil = g.op("Tanh", [g.linear(cat, g.init("attn_out.weight", [d.Hd, d.Hm + d.Hd], w("attn_out.weight")))], [], d.feed ? "feed_out" : undefined);
    const logits = g.linear(htil, g.init("generator.weight", [d.Vt, d.Hd], w("generator.weight")), g.init("generator.bias", [d.Vt], w("generator.bias")));
    g.op("LogSoftmax", [logits], [{ name: "axis", i: -1 }], "logp");
    // stacked states: [Ld, R, Hd]
    const stack = (xs: string[], out: string) =>
      xs.length === 1 ? g.unsqueeze(xs[0], 0, out) : g.op("Concat", xs.map((t) => g.unsqueeze(t, 0)), [{ name: "axis", i: 0 }], out);
    stack(hOut, "h_out");
    stack(cOut, "c_out");
  }

  // a protobuf message is limited to 2 GiB; larger graphs would need ONNX external data, which this exporter does not write
  for (const [graph, b] of [["encoder", e], ["decoder step", g]] as const) {
    const bytes = b.inits.reduce((s, t) => s + t.data.byteLength, 0);
    if (bytes > MAX_GRAPH_BYTES) throw new S2SError(`the ${graph} graph would hold ${bytes} bytes of weights, more than a single ONNX file can (2 GiB)`);
  }
  const configJson = JSON.stringify(c);
  const info = (doc: string) => ({ producer: "seq2seq-wasm", doc, metadata: { config: configJson } });
  const encoder = onnxModel({ name: "encoder", nodes: e.nodes, initializers: e.inits, inputs: encIn.map(valueInfo), outputs: encOut.map(valueInfo) },
    info("seq2seq-wasm encoder: source ids → memory, attention keys/mask, initial decoder state (see manifest.json)"));
  const decoderStep = onnxModel({ name: "decoder_step", nodes: g.nodes, initializers: g.inits, inputs: decIn.map(valueInfo), outputs: decOut.map(valueInfo) },
    info("seq2seq-wasm decoder step: one step of R rows (see manifest.json)"));

  const feeds: Record<string, string> = {
    prev_ids: "BOS (2) for every row at the first step, then the token each row chose",
    rowsrc: "for each row, the index b of its sentence in the encoder batch",
    h: "first step: h0 rows gathered by rowsrc along axis 1; then h_out (rows gathered by the parents when the search reorders)",
    c: "first step: zeros; then c_out (rows gathered by the parents)",
  };
  if (d.feed) feeds.feed = "first step: zeros; then feed_out (rows gathered by the parents)";
  for (const o of encOut) if (decIn.some((i) => i.name === o.name)) feeds[o.name] = `the encoder's ${o.name}, unchanged for the whole batch`;
  const manifest: OnnxManifest = {
    format: "seq2seq-wasm-onnx",
    version: 1,
    opset: OPSET,
    config: { ...c },
    model_metadata: { ...model.metadata },
    special_ids: { pad: PAD, unk: UNK, bos: BOS, eos: EOS },
    encoder: { file: ONNX_FILES.encoder, inputs: encIn, outputs: encOut },
    decoder_step: { file: ONNX_FILES.decoderStep, inputs: decIn, outputs: decOut },
    feeds,
    semantics: [
      "Run encoder.onnx once per batch of B source sentences (ids ending with EOS, padded with PAD to S).",
      "A decoder row is one hypothesis of one sentence; rowsrc names its sentence, so the beams of a sentence share the encoder outputs.",
      "Step: feed prev_ids, rowsrc, the state (h, c" + (d.feed ? ", feed" : "") + ") and the encoder outputs named in feeds; logp[r] is log p(next token) for row r.",
      "Reorder (beam search): new row i continuing old row p takes h_out[:, p], c_out[:, p]" + (d.feed ? ", feed_out[p]" : "") + "; rows may be dropped or duplicated.",
      "Stop a row at EOS (3); the reference search (seq2seq-wasm searchIds) uses at most floor(2·length + 10) steps and GNMT length normalisation ((5 + n) / 6)^0.6.",
    ],
  };
  return { encoder, decoderStep, manifest };
}

