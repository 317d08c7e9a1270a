// A model living in an engine's memory: all parameters in one contiguous
// block (docs/model.md's order), loaded from and saved to safetensors. An int8
// model (docs/model.md) keeps its quantised matrices as int8 + row scales
// outside that block; the block then holds only the F32 tensors.

import { S2SError } from "../errors.js";
import type { Engine } from "../engine/engine.js";
import { parseSafetensors, serializeSafetensors, type SafeTensors, type TensorData } from "../io/safetensors.js";
import { dims, numel, paramSpecs, parseConfig, type Cell, type Dims, type ModelConfig, type ParamSpec } from "./config.js";
import { isQuantized, parseQuantization, scaleName } from "./quant-format.js";

export interface ParamSlot extends ParamSpec {
  /** byte offset in the engine's memory */
  ptr: number;
  size: number;
  /** "I8": int8 values at ptr, one f32 scale per row at `scale` */
  dtype: "F32" | "I8";
  scale: number;
}

/** The weights of one recurrent layer (one direction) of any cell. */
export interface RecurrentWeights {
  cell: Cell;
  /** gate blocks: W_ih and W_hh have G·hidden rows */
  G: number;
  wih: number; whh: number;
  /**
   * The bias added to the input projection x·W_ihᵀ: b_ih + b_hh merged for
   * lstm and rnn (the recurrent product then adds none); b_ih alone for gru,
   * whose r gate multiplies W_hn·h + b_hn, so b_hh stays with h·W_hhᵀ.
   */
  bias: number;
  /** gru: b_hh (added to h·W_hhᵀ); 0 for lstm and rnn */
  bhh: number;
  inSize: number; hidden: number;
  /** parameter names of W_ih and W_hh */
  ih: string; hh: string;
}

/** Derived blocks computed from column ranges W[:, c0:c0+K] of matrix parameters, by parameter name. */
class RangeBlocks {
  private readonly byName = new Map<string, { name: string; c0: number; K: number; ptr: number }[]>();
  size = 0;

  add(name: string, c0: number, K: number, ptr: number): void {
    const list = this.byName.get(name) ?? [];
    list.push({ name, c0, K, ptr });
    this.byName.set(name, list);
    this.size++;
  }

  /** The block of W[:, c0:c0+K], or 0 (no string building: linear() asks once per product). */
  get(name: string, c0: number, K: number): number {
    const list = this.byName.get(name);
    if (list) for (const b of list) if (b.c0 === c0 && b.K === K) return b.ptr;
    return 0;
  }

  all(): { name: string; c0: number; K: number; ptr: number }[] {
    return [...this.byName.values()].flat();
  }
}

export class Model {
  readonly dims: Dims;
  readonly specs: ParamSlot[];
  private readonly byName = new Map<string, ParamSlot>();
  /** Start and size (floats) of the parameter block. */
  readonly paramsPtr: number;
  readonly paramCount: number;
  /** Derived tensors (merged biases of lstm and rnn layers), recomputed by refresh(). */
  private readonly merged = new Map<string, number>();
  /** int8 models: i32 row sums Σ_k W[j, c0:c0+K] of the column ranges gemm_nt_i8 reads. */
  private readonly rowSumBlocks = new RangeBlocks();
  /** Column-panel copies (assembly/panels.ts) of f32 matrix column ranges, made by packForDecoding(). */
  private readonly panelBlocks = new RangeBlocks();

  private constructor(
    readonly engine: Engine,
    readonly config: ModelConfig,
    /** Metadata strings kept with the model (vocabularies, tokenizer). `config` is regenerated on save. */
    readonly metadata: Record<string, string>,
    /** int8-rowwise weights (docs/model.md); then metadata holds `quantization` */
    readonly quantized = false,
  ) {
    this.dims = dims(config);
    const specs = paramSpecs(config);
    const q = (s: ParamSpec) => quantized && isQuantized(s.name);
    const total = specs.reduce((n, p) => n + (q(p) ? 0 : numel(p.shape)), 0);
    this.paramCount = total;
    const arena = engine.arena;
    this.paramsPtr = arena.zerosF32(total);
    let off = this.paramsPtr;
    this.specs = specs.map((s) => {
      const size = numel(s.shape);
      let slot: ParamSlot;
      if (q(s)) {
        slot = { ...s, ptr: arena.alloc(size), size, dtype: "I8", scale: arena.zerosF32(s.shape[0]) };
      } else {
        slot = { ...s, ptr: off, size, dtype: "F32", scale: 0 };
        off += size * 4;
      }
      this.byName.set(s.name, slot);
      return slot;
    });
    for (const s of this.specs) {
      if (s.name.includes(".bias_ih_") && this.dims.cell !== "gru") this.merged.set(s.name.replace(".bias_ih_", ".bias_"), arena.allocF32(s.size));
    }
    if (quantized) {
      for (const [name, c0, K] of this.columnRanges((s) => s.dtype === "I8" && !s.name.endsWith("_embed.weight"))) {
        this.rowSumBlocks.add(name, c0, K, arena.alloc(this.slot(name).shape[0] * 4));
      }
    }
  }

  /**
   * The column ranges [name, c0, K] that linear() multiplies the matrices
   * chosen by `pick` by: whole matrices, except the decoder's first-layer
   * W_ih ([emb; ctx or h̃] as two products) and attn_out's W_c ([ctx; h]).
   */
  private columnRanges(pick: (s: ParamSlot) => boolean): [string, number, number][] {
    const d = this.dims;
    const split = new Map<string, number>([["attn_out.weight", d.Hm]]);
    if (d.in0 > d.E) split.set("decoder.weight_ih_l0", d.E);
    const out: [string, number, number][] = [];
    for (const s of this.specs) {
      if (s.shape.length !== 2 || !pick(s)) continue;
      const at = split.get(s.name);
      if (at === undefined) out.push([s.name, 0, s.shape[1]]);
      else out.push([s.name, 0, at], [s.name, at, s.shape[1] - at]);
    }
    return out;
  }

  /**
   * Speeds up decoding one sentence at a time (greedy or a small beam):
   * copies the matrices a decoder step multiplies by, and the encoder's
   * W_hh, into column panels (assembly/panels.ts), which linear() then reads
   * for products of up to PANEL_MAX_ROWS rows. Weights that do not fit in
   * the CPU cache stream ~2.5× faster that way (docs/kernels.md). Costs
   * memory: the size of those matrices again (31 MiB for the reference
   * model of docs/benchmarks.md). Allocates long-lived memory, so call it
   * right after loading, outside any arena mark. int8 matrices are skipped
   * (their kernel reads int8 rows). Idempotent; returns the bytes added.
   */
  packForDecoding(): number {
    if (this.panelBlocks.size > 0) return 0;
    const k = this.engine.kernels;
    const decoderSide = (s: ParamSlot) =>
      s.dtype === "F32" && !s.name.endsWith("_embed.weight") &&
      (/^(decoder\.|attn\.query\.|attn_out\.|generator\.)/.test(s.name) || /^encoder\.weight_hh_/.test(s.name));
    let bytes = 0;
    for (const [name, c0, K] of this.columnRanges(decoderSide)) {
      const n = k.panels_size(this.slot(name).shape[0], K) * 4;
      this.panelBlocks.add(name, c0, K, this.engine.arena.alloc(n));
      bytes += n;
    }
    this.refresh();
    return bytes;
  }

  /** The column ranges W[:, c0:c0+K] that packForDecoding() packed ([] before it). */
  packedRanges(): { name: string; c0: number; K: number }[] {
    return this.panelBlocks.all().map(({ name, c0, K }) => ({ name, c0, K }));
  }

  /** The column panels of W[:, c0:c0+K] if packForDecoding() made them, else 0. */
  panels(name: string, c0: number, K: number): number {
    return this.panelBlocks.get(name, c0, K);
  }

  /** A model with all parameters zero (callers initialise them). */
  static create(engine: Engine, config: ModelConfig, metadata: Record<string, string> = {}): Model {
    const m = new Model(engine, config, { ...metadata });
    m.refresh();
    return m;
  }

  /**
   * Loads a safetensors model. The file must hold exactly docs/model.md's tensors
   * for its config, as F32, with the right shapes; every mismatch is an
   * S2SError naming the tensor (and both shapes). NaN or Inf weights are refused.
   */
  static fromBytes(engine: Engine, bytes: Uint8Array, source = "model file"): Model {
    return Model.fromSafetensors(engine, parseSafetensors(bytes, source));
  }

  /**
   * Loads a parsed safetensors file (from bytes, or from disk with
   * openSafetensors in Node): checks every tensor as fromBytes says, then
   * copies each straight into the engine's memory, so loading holds no second
   * copy of the weights.
   */
  static fromSafetensors(engine: Engine, st: SafeTensors): Model {
    const source = st.source;
    if (st.metadata.config === undefined) throw new S2SError(`${source}: no "config" in __metadata__ (see docs/model.md)`);
    const config = parseConfig(st.metadata.config, source);
    const quantized = parseQuantization(st.metadata, source);
    const specs = paramSpecs(config);
    const expected = new Set(specs.map((s) => s.name));
    if (quantized) for (const s of specs) if (isQuantized(s.name)) expected.add(scaleName(s.name));
    for (const name of st.tensors.keys()) {
      if (!expected.has(name)) {
        throw new S2SError(`${source}: unexpected tensor ${name} for a ${config.decoder_style}/${config.attention} model with these sizes`);
      }
    }
    const checkTensor = (name: string, dtype: string, shape: number[]) => {
      const t = st.tensors.get(name);
      if (!t) throw new S2SError(`${source}: missing tensor ${name} [${shape.join(", ")}]${dtype === "F32" ? "" : ` (${dtype})`}`);
      if (t.dtype !== dtype) throw new S2SError(`${source}: tensor ${name} has dtype ${t.dtype}, expected ${dtype}`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new S2SError(`${source}: tensor ${name} has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
      }
    };
    for (const s of specs) {
      if (quantized && isQuantized(s.name)) {
        checkTensor(s.name, "I8", s.shape);
        checkTensor(scaleName(s.name), "F32", [s.shape[0]]);
      } else {
        checkTensor(s.name, "F32", s.shape);
      }
    }
    const { config: _c, ...rest } = st.metadata;
    const m = new Model(engine, config, rest, quantized);
    const k = engine.kernels;
    const bytesAt = (ptr: number, n: number) => new Uint8Array(engine.memory.buffer, ptr, n);
    for (const s of m.specs) {
      if (s.dtype === "I8") {
        const sc = st.f32(scaleName(s.name));
        let bad = 0;
        for (let i = 0; i < sc.length; i++) if (!Number.isFinite(sc[i]) || sc[i] < 0) bad++;
        if (bad > 0) throw new S2SError(`${source}: tensor ${scaleName(s.name)} has ${bad} NaN or infinite or negative values`);
        engine.arena.f32(s.scale, sc.length).set(sc);
        st.readInto(s.name, bytesAt(s.ptr, s.size));
        continue;
      }
      // f32, little-endian in the file and in wasm memory: copied as bytes, then checked in place
      st.readInto(s.name, bytesAt(s.ptr, s.size * 4));
      const bad = k.nonfinite_count(s.size, s.ptr);
      if (bad > 0) throw new S2SError(`${source}: tensor ${s.name} has ${bad} NaN or infinite values`);
    }
    m.refresh();
    return m;
  }

  /** Recomputes derived tensors after the parameters changed (merged biases, int8 row sums, column panels). */
  refresh(): void {
    const k = this.engine.kernels;
    for (const [mergedName, ptr] of this.merged) {
      const ih = this.slot(mergedName.replace(".bias_", ".bias_ih_"));
      const hh = this.slot(mergedName.replace(".bias_", ".bias_hh_"));
      k.add_forward(ih.size, ih.ptr, hh.ptr, ptr);
    }
    for (const b of this.rowSumBlocks.all()) {
      const s = this.slot(b.name);
      k.i8_row_sums(s.shape[0], b.K, s.ptr + b.c0, s.shape[1], b.ptr);
    }
    for (const b of this.panelBlocks.all()) {
      const s = this.slot(b.name);
      k.pack_panels(s.shape[0], b.K, s.ptr + b.c0 * 4, s.shape[1], b.ptr);
    }
  }

  /** int8 models: Σ_k W[j, c0:c0+K] per row of a quantised matrix (gemm_nt_i8's wsum). */
  rowSums(name: string, c0: number, K: number): number {
    const p = this.rowSumBlocks.get(name, c0, K);
    if (p === 0) throw new Error(`internal: no row sums for ${name} columns ${c0}+${K}`);
    return p;
  }

  /** Refuses an int8 model for `what` (training and anything else that needs f32 weights). */
  requireF32(what: string): void {
    if (this.quantized) throw new S2SError(`${what} needs a float32 model; this one is int8-quantised (s2s quantize): use the f32 model it was made from`);
  }

  slot(name: string): ParamSlot {
    const s = this.byName.get(name);
    if (!s) throw new Error(`internal: no parameter ${name}`);
    return s;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  ptr(name: string): number {
    return this.slot(name).ptr;
  }

  /** A live view of one f32 parameter (invalidated if the memory grows). */
  view(name: string): Float32Array {
    const s = this.slot(name);
    if (s.dtype !== "F32") this.requireF32(`reading ${name} as float32`);
    return this.engine.arena.f32(s.ptr, s.size);
  }

  /** RecurrentWeights by prefix, layer and direction, made on first use (their pointers never change). */
  private readonly recurrentCache = new Map<string, RecurrentWeights[]>();

  /** The weights of one recurrent layer: prefix "encoder" | "decoder", layer, reverse. Called every decoder step: cached. */
  recurrent(prefix: "encoder" | "decoder", layer: number, reverse = false): RecurrentWeights {
    let list = this.recurrentCache.get(prefix);
    if (!list) this.recurrentCache.set(prefix, (list = []));
    const i = 2 * layer + (reverse ? 1 : 0);
    return (list[i] ??= this.findRecurrent(prefix, layer, reverse));
  }

  private findRecurrent(prefix: "encoder" | "decoder", layer: number, reverse: boolean): RecurrentWeights {
    const sfx = `_l${layer}${reverse ? "_reverse" : ""}`;
    const { cell, G } = this.dims;
    const wih = this.slot(`${prefix}.weight_ih${sfx}`);
    const bias = cell === "gru" ? this.ptr(`${prefix}.bias_ih${sfx}`) : this.merged.get(`${prefix}.bias${sfx}`);
    if (bias === undefined) throw new Error(`internal: no merged bias for ${prefix}${sfx}`);
    const bhh = cell === "gru" ? this.ptr(`${prefix}.bias_hh${sfx}`) : 0;
    const hh = `${prefix}.weight_hh${sfx}`;
    return { cell, G, wih: wih.ptr, whh: this.ptr(hh), bias, bhh, inSize: wih.shape[1], hidden: wih.shape[0] / G, ih: wih.name, hh };
  }

  /** All parameters as safetensors tensors (copies), sorted by name; int8 ones with their `.scale`. */
  tensors(prefix = ""): TensorData[] {
    const out: TensorData[] = [];
    for (const s of this.specs) {
      if (s.dtype === "F32") {
        out.push({ name: prefix + s.name, dtype: "F32", shape: s.shape, data: this.view(s.name).slice() });
        continue;
      }
      out.push({ name: prefix + s.name, dtype: "I8", shape: s.shape, data: new Int8Array(this.engine.memory.buffer, s.ptr, s.size).slice() });
      out.push({ name: prefix + scaleName(s.name), dtype: "F32", shape: [s.shape[0]], data: this.engine.arena.f32(s.scale, s.shape[0]).slice() });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The model as a safetensors file: parameters plus config and the other metadata. */
  toBytes(extraTensors: TensorData[] = [], extraMetadata: Record<string, string> = {}): Uint8Array {
    const metadata = { ...this.metadata, ...extraMetadata, config: JSON.stringify(this.config) };
    return serializeSafetensors([...this.tensors(), ...extraTensors], metadata);
  }
}
