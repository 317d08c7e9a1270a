// safetensors: an 8-byte little-endian header length N, N bytes of JSON
// header, then the tensor data. The header maps each tensor name to
// {dtype, shape, data_offsets: [begin, end]} (offsets relative to the data
// section) and may hold "__metadata__": {string: string}.
// https://github.com/huggingface/safetensors (format section).

import { S2SError } from "../errors.js";

/** Element sizes of the dtypes the format defines. */
const DTYPE_SIZE: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};

/** A header larger than this is refused before it is decoded (real headers are KiBs). */
export const MAX_HEADER_BYTES = 100 * 2 ** 20;

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte offsets into the file (not the data section). */
  begin: number;
  end: number;
}

export interface TensorData {
  name: string;
  dtype: "F32" | "I8" | "I32";
  shape: number[];
  data: Float32Array | Int8Array | Int32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copies bytes [begin, end) of the file into dest (dest.length = end − begin). */
export type ByteReader = (begin: number, end: number, dest: Uint8Array) => void;

export class SafeTensors {
  constructor(
    /** reads file bytes (from memory, or from disk for openSafetensors in Node) */
    readonly read: ByteReader,
    readonly tensors: Map<string, TensorInfo>,
    readonly metadata: Record<string, string>,
    readonly source: string,
  ) {}

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const t = this.tensors.get(name);
    if (!t) throw new S2SError(`${this.source}: missing tensor ${name}`);
    return t;
  }

  /** The values of an F32 tensor (a copy, aligned). */
  f32(name: string): Float32Array {
    const t = this.info(name);
    if (t.dtype !== "F32") throw new S2SError(`${this.source}: tensor ${name} has dtype ${t.dtype}, expected F32`);
    const n = (t.end - t.begin) / 4;
    const out = new Float32Array(n);
    this.read(t.begin, t.end, new Uint8Array(out.buffer));
    if (!LITTLE_ENDIAN) {
      const dv = new DataView(out.buffer);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
    }
    return out;
  }

  /** Raw bytes of a tensor (a copy). */
  raw(name: string): Uint8Array {
    const t = this.info(name);
    const out = new Uint8Array(t.end - t.begin);
    this.read(t.begin, t.end, out);
    return out;
  }

  /**
   * Copies a tensor's bytes (little-endian, as stored) into dest, e.g. straight
   * into an engine's memory: no intermediate copy of large tensors.
   */
  readInto(name: string, dest: Uint8Array): void {
    const t = this.info(name);
    if (dest.length !== t.end - t.begin) throw new Error(`internal: ${name} has ${t.end - t.begin} bytes, destination ${dest.length}`);
    this.read(t.begin, t.end, dest);
  }
}

/**
 * Parses and validates a safetensors file. Every defect (truncation, a header
 * length past the end, bad JSON, unknown dtypes, offsets out of range,
 * overlapping or leaving holes, a shape that disagrees with the byte size)
 * is an S2SError naming the file and the problem. Nothing is allocated in
 * proportion to what the header claims: sizes are checked against the file.
 */
export function parseSafetensors(bytes: Uint8Array, source = "model file"): SafeTensors {
  const n = headerLength(bytes, bytes.length, source);
  const { tensors, metadata } = parseHeader(bytes.subarray(8, 8 + n), bytes.length, source);
  return new SafeTensors((begin, end, dest) => dest.set(bytes.subarray(begin, end)), tensors, metadata, source);
}

/**
 * The header length from the first 8 bytes of a file of fileLength bytes,
 * checked against the limit and the file size.
 */
export function headerLength(first8: Uint8Array, fileLength: number, source: string): number {
  if (fileLength < 8 || first8.length < 8) throw new S2SError(`${source}: not a safetensors file (${fileLength} bytes, shorter than the 8-byte header length)`);
  const dv = new DataView(first8.buffer, first8.byteOffset, 8);
  const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER_BYTES) throw new S2SError(`${source}: header length ${n} is larger than the limit of ${MAX_HEADER_BYTES} bytes (not a safetensors file?)`);
  if (8 + n > fileLength) throw new S2SError(`${source}: truncated: header says ${n} bytes but the file has ${fileLength - 8} after the length`);
  return n;
}

/** Parses and validates the JSON header of a file of fileLength bytes (see parseSafetensors). */
export function parseHeader(headerBytes: Uint8Array, fileLength: number, source: string): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new S2SError(`${source}: header is not valid UTF-8 JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new S2SError(`${source}: header is not a JSON object`);
  const dataStart = 8 + headerBytes.length;
  const dataLen = fileLength - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new S2SError(`${source}: __metadata__ is not an object`);
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") throw new S2SError(`${source}: __metadata__.${k} is not a string`);
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const where = `${source}: tensor ${name}`;
    if (typeof raw !== "object" || raw === null) throw new S2SError(`${where}: entry is not an object`);
    const { dtype, shape, data_offsets } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== "string" || !(dtype in DTYPE_SIZE)) throw new S2SError(`${where}: unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new S2SError(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new S2SError(`${where}: data_offsets ${JSON.stringify(data_offsets)} is not [begin, end]`);
    }
    const [b, e] = data_offsets as [number, number];
    if (b > e || e > dataLen) throw new S2SError(`${where}: data_offsets [${b}, ${e}] out of range (data section has ${dataLen} bytes)`);
    let count = 1;
    for (const d of shape as number[]) count *= d;
    if (count * DTYPE_SIZE[dtype] !== e - b) {
      throw new S2SError(`${where}: shape [${(shape as number[]).join(", ")}] of ${dtype} needs ${count * DTYPE_SIZE[dtype]} bytes but data_offsets cover ${e - b}`);
    }
    tensors.set(name, { dtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
    spans.push([b, e, name]);
  }
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let pos = 0;
  for (const [b, e, name] of spans) {
    if (b < pos) throw new S2SError(`${source}: tensor ${name} overlaps the previous tensor (offset ${b} < ${pos})`);
    if (b > pos) throw new S2SError(`${source}: bytes ${pos}..${b} of the data section belong to no tensor`);
    pos = e;
  }
  if (pos !== dataLen) throw new S2SError(`${source}: ${dataLen - pos} bytes after the last tensor belong to no tensor`);
  return { tensors, metadata };
}

/**
 * Serialises tensors (in the order given; callers pass sorted names) and
 * string metadata. The header is padded with spaces to a multiple of 8 bytes
 * so the data section is aligned.
 */
export function serializeSafetensors(tensors: TensorData[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    let count = 1;
    for (const d of t.shape) count *= d;
    if (count !== t.data.length) throw new Error(`internal: tensor ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
    const size = t.data.byteLength;
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const h = new Uint8Array(padded).fill(0x20);
  h.set(json);
  json = h;
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, json.length % 2 ** 32, true);
  dv.setUint32(4, Math.floor(json.length / 2 ** 32), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const t of tensors) {
    if (LITTLE_ENDIAN || t.data instanceof Int8Array) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    } else {
      const odv = new DataView(out.buffer, p, t.data.byteLength);
      for (let i = 0; i < t.data.length; i++) {
        if (t.data instanceof Float32Array) odv.setFloat32(i * 4, t.data[i], true);
        else odv.setInt32(i * 4, t.data[i], true);
      }
    }
    p += t.data.byteLength;
  }
  return out;
}
