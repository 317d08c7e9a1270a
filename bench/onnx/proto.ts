// A minimal protobuf writer and the few ONNX messages the benchmarks need
// (onnx.proto, proto2 wire format). Field numbers are quoted from onnx.proto:
//
//   ModelProto      ir_version=1 producer_name=2 graph=7 opset_import=8
//   OperatorSetId   domain=1 version=2
//   GraphProto      node=1 name=2 initializer=5 input=11 output=12
//   NodeProto       input=1 output=2 name=3 op_type=4 attribute=5
//   AttributeProto  name=1 f=2 i=3 ints=8 type=20   (type: FLOAT=1 INT=2 INTS=7)
//   TensorProto     dims=1 data_type=2 name=8 raw_data=9   (FLOAT=1 INT64=7)
//   ValueInfoProto  name=1 type=2
//   TypeProto       tensor_type=1 → elem_type=1 shape=2 → dim=1 → dim_value=1 | dim_param=2

const enc = new TextEncoder();

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

  bytes(field: number, b: Uint8Array): this {
    return this.key(field, 2).varint(b.length).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, enc.encode(s));
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

export const FLOAT = 1;
export const INT64 = 7;

export type Attr = { name: string; i?: number; f?: number; ints?: number[] };

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

export interface Tensor {
  name: string;
  dims: number[];
  /** Float32Array → FLOAT, BigInt64Array → INT64 */
  data: Float32Array | BigInt64Array;
}

export interface ValueInfo {
  name: string;
  dims: number[];
  type?: number;
}

function tensor(t: Tensor): Msg {
  const m = new Msg();
  for (const d of t.dims) m.int(1, d);
  m.int(2, t.data instanceof Float32Array ? FLOAT : INT64);
  m.string(8, t.name);
  m.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return m;
}

function valueInfo(v: ValueInfo): Msg {
  const shape = new Msg();
  for (const d of v.dims) shape.msg(1, new Msg().int(1, d));
  const tt = new Msg().int(1, v.type ?? FLOAT).msg(2, shape);
  return new Msg().string(1, v.name).msg(2, new Msg().msg(1, tt));
}

function attribute(a: Attr): Msg {
  const m = new Msg().string(1, a.name);
  if (a.ints) {
    for (const x of a.ints) m.int(8, x);
    m.int(20, 7);
  } else if (a.f !== undefined) {
    m.float(2, a.f).int(20, 1);
  } else {
    m.int(3, a.i ?? 0).int(20, 2);
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
export function model(g: { name: string; nodes: Node[]; initializers: Tensor[]; inputs: ValueInfo[]; outputs: ValueInfo[] }): Uint8Array {
  const graph = new Msg();
  g.nodes.forEach((n, k) => graph.msg(1, node(n, k)));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.msg(5, tensor(t));
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  return new Msg()
    .int(1, 8)
    .string(2, "seq2seq-wasm-bench")
    .msg(7, graph)
    .msg(8, new Msg().string(1, "").int(2, 17))
    .finish();
}
