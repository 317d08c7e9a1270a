// A model living in an engine's memory: all parameters in one contiguous
// block (MODEL.md's order), loaded from and saved to safetensors.

import { S2SError } from "../errors.js";
import type { Engine } from "../engine/engine.js";
import { parseSafetensors, serializeSafetensors, type TensorData } from "../io/safetensors.js";
import { dims, numel, paramSpecs, parseConfig, type Dims, type ModelConfig, type ParamSpec } from "./config.js";

export interface ParamSlot extends ParamSpec {
  /** byte offset in the engine's memory */
  ptr: number;
  size: number;
}

/** Merged LSTM bias b_ih + b_hh for one LSTM (name prefix e.g. "encoder" + suffix "_l0_reverse"). */
export interface LstmWeights {
  wih: number; whh: number; bias: number;
  inSize: number; hidden: number;
}

export class Model {
  readonly dims: Dims;
  readonly specs: ParamSlot[];
  private readonly byName = new Map<string, ParamSlot>();
  /** Start and size (floats) of the parameter block. */
  readonly paramsPtr: number;
  readonly paramCount: number;
  /** Derived tensors (merged biases), recomputed by refresh(). */
  private readonly merged = new Map<string, number>();

  private constructor(
    readonly engine: Engine,
    readonly config: ModelConfig,
    /** Metadata strings kept with the model (vocabularies, tokenizer). `config` is regenerated on save. */
    readonly metadata: Record<string, string>,
  ) {
    this.dims = dims(config);
    const specs = paramSpecs(config);
    const total = specs.reduce((s, p) => s + numel(p.shape), 0);
    this.paramCount = total;
    this.paramsPtr = engine.arena.zerosF32(total);
    let off = this.paramsPtr;
    this.specs = specs.map((s) => {
      const size = numel(s.shape);
      const slot = { ...s, ptr: off, size };
      off += size * 4;
      this.byName.set(s.name, slot);
      return slot;
    });
    for (const s of this.specs) {
      if (s.name.includes(".bias_ih_")) this.merged.set(s.name.replace(".bias_ih_", ".bias_"), engine.arena.allocF32(s.size));
    }
  }

  /** A model with all parameters zero (callers initialise them). */
  static create(engine: Engine, config: ModelConfig, metadata: Record<string, string> = {}): Model {
    const m = new Model(engine, config, { ...metadata });
    m.refresh();
    return m;
  }

  /**
   * Loads a safetensors model. The file must hold exactly MODEL.md's tensors
   * for its config, as F32, with the right shapes; every mismatch is an
   * S2SError naming the tensor (and both shapes). NaN or Inf weights are refused.
   */
  static fromBytes(engine: Engine, bytes: Uint8Array, source = "model file"): Model {
    const st = parseSafetensors(bytes, source);
    if (st.metadata.config === undefined) throw new S2SError(`${source}: no "config" in __metadata__ (see MODEL.md)`);
    const config = parseConfig(st.metadata.config, source);
    const specs = paramSpecs(config);
    const expected = new Set(specs.map((s) => s.name));
    for (const name of st.tensors.keys()) {
      if (!expected.has(name)) {
        throw new S2SError(`${source}: unexpected tensor ${name} for a ${config.decoder_style}/${config.attention} model with these sizes`);
      }
    }
    for (const s of specs) {
      const t = st.tensors.get(s.name);
      if (!t) throw new S2SError(`${source}: missing tensor ${s.name} [${s.shape.join(", ")}]`);
      if (t.dtype !== "F32") throw new S2SError(`${source}: tensor ${s.name} has dtype ${t.dtype}, expected F32`);
      if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
        throw new S2SError(`${source}: tensor ${s.name} has shape [${t.shape.join(", ")}], expected [${s.shape.join(", ")}]`);
      }
    }
    const { config: _c, ...rest } = st.metadata;
    const m = new Model(engine, config, rest);
    for (const s of m.specs) {
      const v = st.f32(s.name);
      let bad = 0;
      for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) bad++;
      if (bad > 0) throw new S2SError(`${source}: tensor ${s.name} has ${bad} NaN or infinite values`);
      engine.arena.f32(s.ptr, s.size).set(v);
    }
    m.refresh();
    return m;
  }

  /** Recomputes derived tensors after the parameters changed (merged LSTM biases). */
  refresh(): void {
    const k = this.engine.kernels;
    for (const [mergedName, ptr] of this.merged) {
      const ih = this.slot(mergedName.replace(".bias_", ".bias_ih_"));
      const hh = this.slot(mergedName.replace(".bias_", ".bias_hh_"));
      k.add_forward(ih.size, ih.ptr, hh.ptr, ptr);
    }
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

  /** A live view of one parameter (invalidated if the memory grows). */
  view(name: string): Float32Array {
    const s = this.slot(name);
    return this.engine.arena.f32(s.ptr, s.size);
  }

  /** The weights of one LSTM: prefix "encoder" | "decoder", layer, reverse. */
  lstm(prefix: "encoder" | "decoder", layer: number, reverse = false): LstmWeights {
    const sfx = `_l${layer}${reverse ? "_reverse" : ""}`;
    const wih = this.slot(`${prefix}.weight_ih${sfx}`);
    const bias = this.merged.get(`${prefix}.bias${sfx}`);
    if (bias === undefined) throw new Error(`internal: no merged bias for ${prefix}${sfx}`);
    return { wih: wih.ptr, whh: this.ptr(`${prefix}.weight_hh${sfx}`), bias, inSize: wih.shape[1], hidden: wih.shape[0] / 4 };
  }

  /** All parameters as safetensors tensors (copies), sorted by name. */
  tensors(prefix = ""): TensorData[] {
    return [...this.specs]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((s) => ({ name: prefix + s.name, dtype: "F32" as const, shape: s.shape, data: this.view(s.name).slice() }));
  }

  /** The model as a safetensors file: parameters plus config and the other metadata. */
  toBytes(extraTensors: TensorData[] = [], extraMetadata: Record<string, string> = {}): Uint8Array {
    const metadata = { ...this.metadata, ...extraMetadata, config: JSON.stringify(this.config) };
    return serializeSafetensors([...this.tensors(), ...extraTensors], metadata);
  }
}
