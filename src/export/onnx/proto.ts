// A minimal protobuf writer and the ONNX messages the exporter and the
// benchmarks need (onnx.proto, proto2 wire format). Field numbers are quoted
// from onnx.proto:
//
//   ModelProto      ir_version=1 producer_name=2 producer_version=3 doc_string=6
//                   graph=7 opset_import=8 metadata_props=14
//   StringStringEntryProto key=1 value=2
//   OperatorSetId   domain=1 version=2
//   GraphProto      node=1 name=2 initializer=5 doc_string=10 input=11 output=12
//   NodeProto       input=1 output=2 name=3 op_type=4 attribute=5
//   AttributeProto  name=1 f=2 i=3 s=4 t=5 floats=7 ints=8 strings=9 type=20
//                   (type: FLOAT=1 INT=2 STRING=3 TENSOR=4 FLOATS=6 INTS=7 STRINGS=8)
//   TensorProto     dims=1 data_type=2 name=8 raw_data=9   (FLOAT=1 INT32=6 INT64=7)
//   ValueInfoProto  name=1 type=2 doc_string=3
//   TypeProto       tensor_type=1 → elem_type=1 shape=2 → dim=1 → dim_value=1 | dim_param=2
//
// Repeated scalars are written unpacked (proto2 default), which every reader accepts.

const utf8 = new TextEncoder();

/** One message being written: fields are appended in order. */
export class Msg {
  private readonly parts: Uint8Array[] = [];
  private len = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.len += b.length;
    return this;
  }

  private varint(v: number | bigint): this {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n; // two's complement, 10 bytes
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) byte |= 0x80;
      out.push(byte);
    } while (x > 0n);
    return this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: 0 | 2 | 5): this {
    return this.varint((field << 3) | wire);
  }

  /** int32/int64/enum field (wire type 0). */
  int(field: number, v: number | bigint): this {
    return this.key(field, 0).varint(v);
  }

  /** float field (wire type 5, little-endian). */
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, 5).push(b);
  }

  /** length-delimited bytes; the array is referenced, not copied, until finish() */
  bytes(field: number, b: Uint8Array): this {
    return this.key(field, 2).varint(b.length).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  msg(field: number, m: Msg): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;

/** IR version 8 goes with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;
export const OPSET = 17;

export interface Tensor {
  name: string;
  dims: number[];
  /** Float32Array → FLOAT, Int32Array → INT32, BigInt64Array → INT64 */
  data: Float32Array | Int32Array | BigInt64Array;
}

/** A node attribute: exactly one of the value fields. */
export type Attr =
  | { name: string; i: number }
  | { name: string; f: number }
  | { name: string; s: string }
  | { name: string; t: Tensor }
  | { name: string; ints: number[] }
  | { name: string; floats: number[] }
  | { name: string; strings: string[] };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

export interface ValueInfo {
  name: string;
  /** sizes, or symbolic names such as "B" for dimensions fixed at run time */
  dims: (number | string)[];
  /** element type (default FLOAT) */
  type?: number;
  doc?: string;
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  doc?: string;
}

export interface ModelInfo {
  producer?: string;
  version?: string;
  doc?: string;
  /** metadata_props: key → value strings (readable with InferenceSession metadata in most runtimes) */
  metadata?: Record<string, string>;
}

function dataType(d: Tensor["data"]): number {
  return d instanceof Float32Array ? FLOAT : d instanceof Int32Array ? INT32 : INT64;
}

function tensor(t: Tensor): Msg {
  const m = new Msg();
  for (const d of t.dims) m.int(1, d);
  m.int(2, dataType(t.data));
  m.string(8, t.name);
  // raw_data is little-endian, as typed arrays are on every platform JavaScript runs on in practice
  m.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return m;
}

function valueInfo(v: ValueInfo): Msg {
  const shape = new Msg();
  for (const d of v.dims) shape.msg(1, typeof d === "number" ? new Msg().int(1, d) : new Msg().string(2, d));
  const tt = new Msg().int(1, v.type ?? FLOAT).msg(2, shape);
  const m = new Msg().string(1, v.name).msg(2, new Msg().msg(1, tt));
  if (v.doc) m.string(3, v.doc);
  return m;
}

function attribute(a: Attr): Msg {
  const m = new Msg().string(1, a.name);
  if ("i" in a) m.int(3, a.i).int(20, 2);
  else if ("f" in a) m.float(2, a.f).int(20, 1);
  else if ("s" in a) m.string(4, a.s).int(20, 3);
  else if ("t" in a) m.msg(5, tensor(a.t)).int(20, 4);
  else if ("floats" in a) {
    for (const x of a.floats) m.float(7, x);
    m.int(20, 6);
  } else if ("ints" in a) {
    for (const x of a.ints) m.int(8, x);
    m.int(20, 7);
  } else {
    for (const x of a.strings) m.string(9, x);
    m.int(20, 8);
  }
  return m;
}

function node(n: Node, k: number): Msg {
  const m = new Msg();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, `${n.op}_${k}`).string(4, n.op);
  for (const a of n.attrs ?? []) m.msg(5, attribute(a));
  return m;
}

/** Serializes a single-graph ONNX model (default domain, opset 17). */
export function model(g: Graph, info: ModelInfo = {}): Uint8Array {
  const graph = new Msg();
  g.nodes.forEach((n, k) => graph.msg(1, node(n, k)));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.msg(5, tensor(t));
  if (g.doc) graph.string(10, g.doc);
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  const m = new Msg().int(1, IR_VERSION).string(2, info.producer ?? "seq2seq-wasm-bench");
  if (info.version) m.string(3, info.version);
  if (info.doc) m.string(6, info.doc);
  m.msg(7, graph).msg(8, new Msg().string(1, "").int(2, OPSET));
  for (const [k, v] of Object.entries(info.metadata ?? {})) m.msg(14, new Msg().string(1, k).string(2, v));
  return m.finish();
}
