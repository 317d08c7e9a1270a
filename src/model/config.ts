// The model configuration of docs/model.md: the `config` metadata key, parsed
// and checked, plus the sizes derived from it.

import { S2SError } from "../errors.js";

export type Attention = "none" | "dot" | "general" | "additive";
export type DecoderStyle = "luong" | "bahdanau";
/** The recurrent cell of encoder and decoder (docs/model.md "Recurrent cells"). */
export type Cell = "lstm" | "gru" | "rnn";

export interface ModelConfig {
  src_vocab_size: number;
  tgt_vocab_size: number;
  emb_dim: number;
  enc_hidden: number;
  bidirectional: boolean;
  enc_layers: number;
  dec_layers: number;
  dec_hidden: number;
  attn_dim: number;
  attention: Attention;
  decoder_style: DecoderStyle;
  input_feed: boolean;
  /**
   * Absent means "lstm": a config is written with `cell` only when it was
   * given, so a file without it stays the same file byte for byte.
   */
  cell?: Cell;
}

/** The recurrent cells the model format defines. */
export const CELLS: readonly Cell[] = ["lstm", "gru", "rnn"];

/** Gate blocks G of a cell: its recurrent weights have G·H rows (4 lstm, 3 gru, 1 rnn). */
export const GATE_BLOCKS: Readonly<Record<Cell, number>> = { lstm: 4, gru: 3, rnn: 1 };

/** The config keys of a cell choice: none for "lstm" (the default), so LSTM configs stay as they were. */
export function cellKeys(cell: Cell): { cell?: Cell } {
  return cell === "lstm" ? {} : { cell };
}

/** Every key a config may hold; any other key is refused. */
export const CONFIG_KEYS: readonly string[] = [
  "src_vocab_size", "tgt_vocab_size", "emb_dim", "enc_hidden", "bidirectional", "enc_layers", "dec_layers",
  "dec_hidden", "attn_dim", "attention", "decoder_style", "input_feed", "cell",
];

export const PAD = 0, UNK = 1, BOS = 2, EOS = 3;
export const NUM_SPECIALS = 4;

/** Dimensions derived from a config (docs/model.md's notation). */
export interface Dims {
  Vs: number; Vt: number; E: number; He: number; D: number; Hm: number;
  Le: number; Ld: number; Hd: number; A: number;
  /** input size of decoder layer 0 */
  in0: number;
  feed: boolean;
  cell: Cell;
  /** gate blocks of the cell (GATE_BLOCKS) */
  G: number;
}

export function dims(c: ModelConfig): Dims {
  const D = c.bidirectional ? 2 : 1;
  const Hm = D * c.enc_hidden;
  const feed = c.decoder_style === "luong" && c.input_feed;
  const in0 = c.decoder_style === "bahdanau" ? c.emb_dim + Hm : feed ? c.emb_dim + c.dec_hidden : c.emb_dim;
  const cell = c.cell ?? "lstm";
  return {
    Vs: c.src_vocab_size, Vt: c.tgt_vocab_size, E: c.emb_dim, He: c.enc_hidden, D, Hm,
    Le: c.enc_layers, Ld: c.dec_layers, Hd: c.dec_hidden, A: c.attn_dim, in0, feed, cell, G: GATE_BLOCKS[cell],
  };
}

/** Largest size accepted for any single dimension (refuses absurd configs before allocating). */
export const MAX_DIM = 1 << 20;

/**
 * Parses a config (the JSON string from the file's metadata, or an object)
 * and checks every key. A key the format does not define is refused (a
 * misspelt key would otherwise silently take its default); `attn_dim` may be
 * omitted unless attention is additive; `input_feed` defaults to true for
 * luong; `cell` defaults to "lstm" and is kept only when given.
 */
export function parseConfig(input: string | unknown, source = "config"): ModelConfig {
  let obj: unknown = input;
  if (typeof input === "string") {
    try {
      obj = JSON.parse(input);
    } catch {
      throw new S2SError(`${source}: config is not valid JSON`);
    }
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new S2SError(`${source}: config is not a JSON object`);
  const o = obj as Record<string, unknown>;
  const int = (k: string, min: number, dflt?: number): number => {
    const v = o[k] ?? dflt;
    if (v === undefined) throw new S2SError(`${source}: config lacks ${k}`);
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > MAX_DIM) {
      throw new S2SError(`${source}: config ${k} = ${JSON.stringify(v)} must be an integer in [${min}, ${MAX_DIM}]`);
    }
    return v;
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const v = o[k] ?? dflt;
    if (typeof v !== "boolean") throw new S2SError(`${source}: config ${k} = ${JSON.stringify(v)} must be true or false`);
    return v;
  };
  const oneOf = <T extends string>(k: string, values: readonly T[], dflt: T): T => {
    const v = o[k] ?? dflt;
    if (typeof v !== "string" || !values.includes(v as T)) throw new S2SError(`${source}: config ${k} = ${JSON.stringify(v)} must be one of ${values.join(", ")}`);
    return v as T;
  };
  for (const key of Object.keys(o)) {
    if (!CONFIG_KEYS.includes(key)) throw new S2SError(`${source}: config has an unknown key ${JSON.stringify(key)} (known: ${CONFIG_KEYS.join(", ")})`);
  }
  const cell = o.cell === undefined ? undefined : oneOf("cell", CELLS, "lstm");
  const attention = oneOf("attention", ["none", "dot", "general", "additive"] as const, "additive");
  const decoder_style = oneOf("decoder_style", ["luong", "bahdanau"] as const, "luong");
  const c: ModelConfig = {
    src_vocab_size: int("src_vocab_size", NUM_SPECIALS),
    tgt_vocab_size: int("tgt_vocab_size", NUM_SPECIALS),
    emb_dim: int("emb_dim", 1),
    enc_hidden: int("enc_hidden", 1),
    bidirectional: bool("bidirectional", false),
    enc_layers: int("enc_layers", 1, 1),
    dec_layers: int("dec_layers", 1, 1),
    dec_hidden: int("dec_hidden", 1),
    attn_dim: int("attn_dim", attention === "additive" ? 1 : 0, attention === "additive" ? undefined : 0),
    attention,
    decoder_style,
    input_feed: bool("input_feed", decoder_style === "luong"),
  };
  if (cell !== undefined) c.cell = cell;
  const d = dims(c);
  if (attention === "dot" && d.Hd !== d.Hm) {
    throw new S2SError(`${source}: dot attention needs dec_hidden (${d.Hd}) = encoder memory size (${d.Hm} = ${d.D}·enc_hidden)`);
  }
  if (c.enc_layers > 64 || c.dec_layers > 64) throw new S2SError(`${source}: at most 64 layers`);
  return c;
}

export interface ParamSpec {
  name: string;
  shape: number[];
}

/** Every parameter of docs/model.md's table for this config, in the table's order. */
export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const d = dims(c);
  const p: ParamSpec[] = [];
  p.push({ name: "src_embed.weight", shape: [d.Vs, d.E] });
  p.push({ name: "tgt_embed.weight", shape: [d.Vt, d.E] });
  for (let k = 0; k < d.Le; k++) {
    for (const suffix of c.bidirectional ? ["", "_reverse"] : [""]) {
      const inp = k === 0 ? d.E : d.Hm;
      p.push({ name: `encoder.weight_ih_l${k}${suffix}`, shape: [d.G * d.He, inp] });
      p.push({ name: `encoder.weight_hh_l${k}${suffix}`, shape: [d.G * d.He, d.He] });
      p.push({ name: `encoder.bias_ih_l${k}${suffix}`, shape: [d.G * d.He] });
      p.push({ name: `encoder.bias_hh_l${k}${suffix}`, shape: [d.G * d.He] });
    }
  }
  p.push({ name: "bridge.weight", shape: [d.Ld * d.Hd, d.Hm] });
  p.push({ name: "bridge.bias", shape: [d.Ld * d.Hd] });
  for (let k = 0; k < d.Ld; k++) {
    p.push({ name: `decoder.weight_ih_l${k}`, shape: [d.G * d.Hd, k === 0 ? d.in0 : d.Hd] });
    p.push({ name: `decoder.weight_hh_l${k}`, shape: [d.G * d.Hd, d.Hd] });
    p.push({ name: `decoder.bias_ih_l${k}`, shape: [d.G * d.Hd] });
    p.push({ name: `decoder.bias_hh_l${k}`, shape: [d.G * d.Hd] });
  }
  if (c.attention === "general") p.push({ name: "attn.weight", shape: [d.Hd, d.Hm] });
  if (c.attention === "additive") {
    p.push({ name: "attn.query.weight", shape: [d.A, d.Hd] });
    p.push({ name: "attn.key.weight", shape: [d.A, d.Hm] });
    p.push({ name: "attn.key.bias", shape: [d.A] });
    p.push({ name: "attn.v.weight", shape: [1, d.A] });
  }
  p.push({ name: "attn_out.weight", shape: [d.Hd, d.Hm + d.Hd] });
  p.push({ name: "generator.weight", shape: [d.Vt, d.Hd] });
  p.push({ name: "generator.bias", shape: [d.Vt] });
  return p;
}

export function numel(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
