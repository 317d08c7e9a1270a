// Property tests (fast-check) over what reads untrusted input: the model
// loader, the tokenizer/detokenizer, and the ids-level decoding API. Every
// case must end in a result or one S2SError — never another exception, a
// hang or a huge allocation. Each property prints how many cases it tried.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { S2SError } from "../src/errors.js";
import { searchIds } from "../src/decode/search.js";
import { scoreIds } from "../src/decode/score.js";
import { tokenize } from "../src/text/tokenize.js";
import { detokenize } from "../src/text/detokenize.js";
import { normalize } from "../src/text/normalize.js";
import { ROOT } from "./helpers/cli.js";

const GOLDEN = join(ROOT, "tests/fixtures/golden");
const valid = new Uint8Array(readFileSync(join(GOLDEN, "bahdanau-general-bi-l2.safetensors")));
const headerLen = new DataView(valid.buffer, valid.byteOffset).getUint32(0, true);

/** Runs fn; passes when it returns or throws an S2SError with a one-line message. */
function cleanly(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof S2SError && !e.message.includes("\n") && e.message.length > 0) return true;
    throw e;
  }
}

test("model loader: byte flips, truncations, bogus header lengths and random headers", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const load = (bytes: Uint8Array) => cleanly(() => {
    const mark = eng.arena.mark();
    try {
      Model.fromBytes(eng, bytes, "mutant");
    } finally {
      eng.arena.release(mark);
    }
  });
  let cases = 0;
  // flips anywhere in the header (where structure lives) and in the data
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(8 + headerLen + 200), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
    cases++;
    const b = valid.slice();
    for (const [pos, x] of flips) if (pos < b.length) b[pos] ^= x;
    return load(b);
  }), { numRuns: 1500, seed: 1 });
  fc.assert(fc.property(fc.nat(valid.length), (n) => {
    cases++;
    return load(valid.subarray(0, n));
  }), { numRuns: 300, seed: 2 });
  fc.assert(fc.property(fc.oneof(fc.nat(), fc.constant(2 ** 32 - 1), fc.integer({ min: headerLen - 8, max: headerLen + 8 })), (n) => {
    cases++;
    const b = valid.slice();
    new DataView(b.buffer).setUint32(0, n >>> 0, true);
    return load(b);
  }), { numRuns: 300, seed: 3 });
  // random JSON headers: shapes, dtypes and offsets of any kind, huge dimensions included
  const dim = fc.oneof(fc.nat(20), fc.constant(2 ** 31), fc.constant(2 ** 52), fc.constant(-1), fc.constant(1.5));
  const entry = fc.record({
    dtype: fc.constantFrom("F32", "F16", "I8", "Q4", "", "BOOL"),
    shape: fc.array(dim, { maxLength: 4 }),
    data_offsets: fc.tuple(fc.oneof(fc.nat(64), fc.constant(2 ** 53)), fc.oneof(fc.nat(64), fc.constant(-3))),
  });
  const names = fc.constantFrom("src_embed.weight", "bridge.bias", "x", "__metadata__", "generator.weight");
  fc.assert(fc.property(fc.dictionary(names, fc.oneof(entry, fc.anything())), fc.uint8Array({ maxLength: 64 }), (hdr, data) => {
    cases++;
    const json = new TextEncoder().encode(JSON.stringify(hdr));
    const b = new Uint8Array(8 + json.length + data.length);
    new DataView(b.buffer).setUint32(0, json.length, true);
    b.set(json, 8);
    b.set(data, 8 + json.length);
    return load(b);
  }), { numRuns: 1000, seed: 4 });
  // configs with absurd sizes are refused before anything is allocated
  fc.assert(fc.property(fc.record({ src_vocab_size: dim, emb_dim: dim, enc_hidden: dim, dec_hidden: dim, attention: fc.constantFrom("dot", "additive", "x") }), (cfg) => {
    cases++;
    const json = new TextEncoder().encode(JSON.stringify({ __metadata__: { config: JSON.stringify({ tgt_vocab_size: 10, ...cfg }) } }));
    const b = new Uint8Array(8 + json.length);
    new DataView(b.buffer).setUint32(0, json.length, true);
    b.set(json, 8);
    const before = eng.memory.buffer.byteLength;
    const ok = load(b);
    assert.ok(eng.memory.buffer.byteLength - before < 2 ** 24, "a bogus config made the engine allocate");
    return ok;
  }), { numRuns: 300, seed: 5 });
  console.log(`model loader: ${cases} mutated files, every one loaded or refused with one clear line`);
});

/** Code units of any kind: every plane, lone surrogates, controls, NUL, marks, RTL, emoji. */
const unit = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("\u0000", "\u0007", "\u202e", "\u0301", "🙂", "👩‍👩‍👧", "\t", "\r", "\u00a0", ".", "'", "&", "\"", "n't", "l'", "-", "@@", "<unk>", "...", ","),
  fc.string({ unit: "grapheme-ascii", maxLength: 6 }),
);
const text = fc.string({ unit, maxLength: 120 });

test("tokenizer and detokenizer: any Unicode text gives one line, never an exception", () => {
  let cases = 0;
  for (const lang of ["en", "de", "fr"]) {
    fc.assert(fc.property(text, fc.boolean(), (s, lower) => {
      cases++;
      const norm = normalize(s, lang);
      const tok = tokenize(s, lang, { lowercase: lower });
      const back = detokenize(tok, lang);
      return typeof norm === "string" && !tok.includes("\n") && !back.includes("\n");
    }), { numRuns: 700, seed: 6 });
  }
  console.log(`tokenizer: ${cases} random texts in en, de, fr`);
});

test("ids API: arbitrary id lists are translated or refused cleanly", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const model = Model.fromBytes(eng, valid);
  const id = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer(), fc.double(), fc.constant(NaN), fc.constant(null), fc.string({ maxLength: 2 }));
  const validIds = fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 30 }).map((a) => [...a, 3]);
  const ids = fc.oneof(
    { arbitrary: validIds, weight: 6 },
    { arbitrary: fc.array(id, { maxLength: 20 }), weight: 2 },
    { arbitrary: fc.anything(), weight: 1 },
  );
  let cases = 0, translated = 0;
  fc.assert(fc.property(fc.array(ids, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4 }), (srcs, beam) => {
    cases++;
    return cleanly(() => {
      const out = searchIds(model, srcs as number[][], { beam });
      assert.equal(out.length, srcs.length);
      translated++;
    });
  }), { numRuns: 500, seed: 7 });
  fc.assert(fc.property(ids, ids, (src, tgt) => {
    cases++;
    return cleanly(() => scoreIds(model, [{ src: src as number[], tgt: tgt as number[] }]));
  }), { numRuns: 500, seed: 8 });
  console.log(`ids API: ${cases} random inputs, ${translated} translated, the rest refused with one clear line`);
});
