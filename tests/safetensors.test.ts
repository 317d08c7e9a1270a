// The safetensors reader/writer and model loading: round trips, and every
// defect of a file ends in one S2SError that names the problem.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseSafetensors, serializeSafetensors } from "../src/io/safetensors.js";
import { S2SError } from "../src/errors.js";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { dims, parseConfig, paramSpecs } from "../src/model/config.js";

const GOLDEN = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));

function header(obj: unknown, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => parseSafetensors(bytes, "f.st"), (e: unknown) => e instanceof S2SError && pattern.test(e.message) && !e.message.includes("\n"));
}

test("serialize → parse round-trips tensors and metadata, header 8-byte aligned", () => {
  const a = Float32Array.from([1, -2.5, 3e-7, 4]), b = Float32Array.from([7]);
  const bytes = serializeSafetensors(
    [{ name: "a", dtype: "F32", shape: [2, 2], data: a }, { name: "b", dtype: "F32", shape: [1], data: b }],
    { config: "{}", note: "é ✓" },
  );
  const n = new DataView(bytes.buffer).getUint32(0, true);
  assert.equal(n % 8, 0);
  const st = parseSafetensors(bytes);
  assert.deepEqual(st.f32("a"), a);
  assert.deepEqual(st.f32("b"), b);
  assert.deepEqual(st.info("a").shape, [2, 2]);
  assert.deepEqual(st.metadata, { config: "{}", note: "é ✓" });
});

test("defective files are refused with a one-line reason", () => {
  const four = new Uint8Array(16);
  rejects(new Uint8Array(5), /shorter than the 8-byte header length/);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setUint32(4, 1, true); // 2^32 bytes of header
  rejects(huge, /header length 4294967296 is larger than the limit/);
  const past = new Uint8Array(16);
  new DataView(past.buffer).setUint32(0, 100, true);
  rejects(past, /truncated: header says 100 bytes/);
  rejects(header("[1,2]"), /header is not a JSON object/);
  const bad = header({});
  bad[8] = 0xff;
  rejects(bad, /not valid UTF-8 JSON/);
  rejects(header({ t: { dtype: "Q7", shape: [1], data_offsets: [0, 4] } }, four), /tensor t: unknown dtype "Q7"/);
  rejects(header({ t: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, four), /shape \[-1\] is not a list/);
  rejects(header({ t: { dtype: "F32", shape: [1], data_offsets: [0, 40] } }, four), /data_offsets \[0, 40\] out of range \(data section has 16 bytes\)/);
  rejects(header({ t: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, four), /needs 8 bytes but data_offsets cover 4/);
  rejects(
    header({ t: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, u: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, four),
    /overlaps/,
  );
  rejects(header({ t: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, four), /bytes 0\.\.4 of the data section belong to no tensor/);
  rejects(header({ t: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, four), /8 bytes after the last tensor/);
  rejects(header({ __metadata__: { config: 3 } }), /__metadata__\.config is not a string/);
  // a shape claiming 2^50 elements is refused by arithmetic, not by allocating
  rejects(header({ t: { dtype: "F32", shape: [2 ** 25, 2 ** 25], data_offsets: [0, 16] } }, four), /needs \d+ bytes but data_offsets cover 16/);
});

test("truncating a real model at every byte offset always gives a clean error", () => {
  const bytes = new Uint8Array(readFileSync(GOLDEN + "luong-general-uni-l1-nofeed.safetensors"));
  let refused = 0;
  for (let n = 0; n < bytes.length; n++) {
    try {
      parseSafetensors(bytes.subarray(0, n), "cut");
      assert.fail(`a file cut at ${n} of ${bytes.length} bytes was accepted`);
    } catch (e) {
      assert.ok(e instanceof S2SError, `cut at ${n}: ${String(e)}`);
      refused++;
    }
  }
  assert.equal(refused, bytes.length);
});

test("Model: load → save → load is bit-exact; shapes and names are checked", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const bytes = new Uint8Array(readFileSync(GOLDEN + "luong-dot-bi-l2.safetensors"));
  const m = Model.fromBytes(eng, bytes);
  const again = Model.fromBytes(eng, m.toBytes());
  for (const s of m.specs) assert.deepEqual(again.view(s.name), m.view(s.name), s.name);
  assert.deepEqual(again.config, m.config);
  const orig = parseSafetensors(bytes);
  for (const s of m.specs) assert.deepEqual(m.view(s.name), orig.f32(s.name));
});

test("config: defaults, derived sizes and clear errors", () => {
  const c = parseConfig({ src_vocab_size: 10, tgt_vocab_size: 12, emb_dim: 4, enc_hidden: 3, bidirectional: true, dec_hidden: 5, attn_dim: 2 });
  assert.equal(c.attention, "additive");
  assert.equal(c.decoder_style, "luong");
  assert.equal(c.input_feed, true);
  const names = paramSpecs(c).map((p) => p.name);
  assert.ok(names.includes("encoder.weight_ih_l0_reverse"), "reverse weights listed");
  assert.deepEqual(paramSpecs(c).find((p) => p.name === "decoder.weight_ih_l0")!.shape, [20, 4 + 5]);
  assert.throws(() => parseConfig("{"), /config is not valid JSON/);
  assert.throws(() => parseConfig({ ...c, attention: "cosine" }), /attention = "cosine" must be one of none, dot, general, additive/);
  assert.throws(() => parseConfig({ ...c, emb_dim: 2.5 }), /emb_dim = 2.5 must be an integer/);
  assert.throws(() => parseConfig({ ...c, emb_dim: 2 ** 30 }), /emb_dim = 1073741824 must be an integer in \[1, 1048576\]/);
  assert.throws(() => parseConfig({ ...c, attention: "dot" }), /dot attention needs dec_hidden \(5\) = encoder memory size \(6/);
  const { src_vocab_size: _, ...rest } = c;
  assert.throws(() => parseConfig(rest), /config lacks src_vocab_size/);
});

test("config: cell absent means lstm and stays absent; gru and rnn have 3 and 1 gate blocks; unknown cells and keys are refused by name", () => {
  const c = { src_vocab_size: 10, tgt_vocab_size: 12, emb_dim: 4, enc_hidden: 3, dec_hidden: 5, attn_dim: 2 };
  const absent = parseConfig(c);
  assert.equal("cell" in absent, false, "no cell key added to an LSTM config");
  assert.equal(dims(absent).cell, "lstm");
  assert.equal(parseConfig({ ...c, cell: "lstm" }).cell, "lstm", "an explicit cell is kept");
  assert.deepEqual(paramSpecs(parseConfig({ ...c, cell: "lstm" })), paramSpecs(absent));
  for (const [cell, G] of [["lstm", 4], ["gru", 3], ["rnn", 1]] as const) {
    const specs = paramSpecs(parseConfig({ ...c, cell }));
    assert.deepEqual(specs.find((p) => p.name === "encoder.weight_hh_l0")!.shape, [G * 3, 3], `${cell} encoder W_hh`);
    assert.deepEqual(specs.find((p) => p.name === "decoder.weight_ih_l0")!.shape, [G * 5, 4 + 5], `${cell} decoder W_ih`);
    assert.deepEqual(specs.find((p) => p.name === "decoder.bias_hh_l0")!.shape, [G * 5], `${cell} decoder b_hh`);
  }
  assert.throws(() => parseConfig({ ...c, cell: "transformer" }, "m.safetensors"), /m\.safetensors: config cell = "transformer" must be one of lstm, gru, rnn/);
  assert.throws(() => parseConfig({ ...c, cells: "gru" }, "m.safetensors"), /m\.safetensors: config has an unknown key "cells" \(known: .*cell\)/);
});
