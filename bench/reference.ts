// The reference model of the end-to-end benchmarks and the sentences they
// translate.
//
// Reference model: E = 256, He = 256 bidirectional, Hd = 512, A = 512,
// additive attention, luong style with input feeding, one encoder and one
// decoder layer, vocabularies of 8,000 on both sides (13.3 M parameters,
// 53 MB as f32). Random weights (uniform ±0.1, seed 1) unless a trained
// model of this shape is given: speed does not depend on the values, and
// every runtime loads the same file.
//
// Sentences: with S2S_DATA (the Multi30k directory), the German side of
// test_2016_flickr (1,000 sentences), Moses-tokenized and lowercased as the
// text pipeline does, each word mapped to an id by a hash (the lengths are the
// real ones; the ids are arbitrary); without it, a built-in generator whose
// lengths follow that test set's distribution.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { Engine } from "../src/engine/engine.js";
import { EOS, type ModelConfig } from "../src/model/config.js";
import { Model } from "../src/model/model.js";
import { initialize, mulberry32 } from "../src/train/init.js";
import { tokenizeToArray } from "../src/text/tokenize.js";

export const REFERENCE_CONFIG: ModelConfig = {
  src_vocab_size: 8000, tgt_vocab_size: 8000, emb_dim: 256, enc_hidden: 256, bidirectional: true, enc_layers: 1,
  dec_layers: 1, dec_hidden: 512, attn_dim: 512, attention: "additive", decoder_style: "luong", input_feed: true,
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The reference model's file: `path` when given (a trained model of the
 * reference shape), else random weights written once to runs/bench/.
 */
export function referenceModelFile(engine: Engine, path?: string): { path: string; trained: boolean } {
  if (path) {
    const m = Model.fromBytes(engine, new Uint8Array(readFileSync(path)), path);
    const differs = (Object.keys(REFERENCE_CONFIG) as (keyof ModelConfig)[]).filter((k) => m.config[k] !== REFERENCE_CONFIG[k]);
    if (differs.length) throw new Error(`${path}: not the reference model's shape (${differs.map((k) => `${k} = ${m.config[k]}, expected ${REFERENCE_CONFIG[k]}`).join("; ")})`);
    return { path, trained: true };
  }
  const out = join(root, "runs", "bench", "reference-random-seed1.safetensors");
  if (!existsSync(out)) {
    const mark = engine.arena.mark();
    const m = Model.create(engine, REFERENCE_CONFIG);
    initialize(m, { kind: "uniform", range: 0.1 }, 1);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out + ".tmp", m.toBytes());
    renameSync(out + ".tmp", out);
    engine.arena.release(mark);
  }
  return { path: out, trained: false };
}

export interface SentenceSet {
  /** where the lengths come from */
  source: string;
  /** source ids with EOS */
  ids: number[][];
  /** source words (without EOS) */
  words: number;
}

/**
 * Length histogram of Multi30k test_2016_flickr.de (Moses tokens): [length,
 * sentences], 1,000 sentences; computed from the data by
 * `S2S_DATA=DIR node --import tsx bench/reference.ts`.
 */
const TEST_LENGTHS: [number, number][] = [
  [5, 7], [6, 17], [7, 59], [8, 90], [9, 106], [10, 118], [11, 115], [12, 94], [13, 98], [14, 66], [15, 58], [16, 48],
  [17, 35], [18, 21], [19, 20], [20, 7], [21, 9], [22, 4], [23, 6], [24, 8], [25, 5], [26, 3], [27, 5], [31, 1],
];

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** n sentences for a source vocabulary of V ids (ids 4..V−1, then EOS). */
export function benchSentences(n: number, V: number, dataDir = process.env.S2S_DATA): SentenceSet {
  const file = dataDir ? join(dataDir, "raw", "test_2016_flickr.de.gz") : "";
  let words: string[][];
  let source: string;
  if (file && existsSync(file)) {
    const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n").filter((l) => l.trim() !== "");
    words = lines.slice(0, n).map((l) => tokenizeToArray(l, "de").map((w) => w.toLowerCase()));
    source = `Multi30k test_2016_flickr.de (${words.length} sentences, Moses tokens, ids by hash)`;
  } else {
    // lengths drawn from the test set's histogram, words random
    const rnd = mulberry32(7);
    const total = TEST_LENGTHS.reduce((s, [, c]) => s + c, 0);
    words = Array.from({ length: n }, () => {
      let r = rnd() * total, len = TEST_LENGTHS[TEST_LENGTHS.length - 1][0];
      for (const [l, c] of TEST_LENGTHS) if ((r -= c) < 0) { len = l; break; }
      return Array.from({ length: len }, () => `w${Math.floor(rnd() * 100000)}`);
    });
    source = `generated (${n} sentences, lengths drawn from the histogram of Multi30k test_2016_flickr.de; set S2S_DATA for the real sentences)`;
  }
  const ids = words.map((ws) => [...ws.map((w) => 4 + (fnv1a(w) % (V - 4))), EOS]);
  return { source, ids, words: words.reduce((s, w) => s + w.length, 0) };
}

// `node --import tsx bench/reference.ts` with S2S_DATA set prints TEST_LENGTHS from the data
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.env.S2S_DATA;
  if (!dir) {
    console.error("reference: set S2S_DATA to the Multi30k directory");
    process.exit(2);
  }
  const lines = gunzipSync(readFileSync(join(dir, "raw", "test_2016_flickr.de.gz"))).toString("utf8").split("\n").filter((l) => l.trim() !== "");
  const h = new Map<number, number>();
  for (const l of lines) {
    const n = tokenizeToArray(l, "de").length;
    h.set(n, (h.get(n) ?? 0) + 1);
  }
  console.log(`${lines.length} sentences: ${JSON.stringify([...h].sort((a, b) => a[0] - b[0]))}`);
}
