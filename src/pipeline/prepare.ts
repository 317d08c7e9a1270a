// Learning a model's text pipeline from training text: tokenizer settings,
// BPE merges (joint or per side) and vocabularies; encoding pairs to ids;
// the prepared directory that `s2s prepare` writes and `s2s train --data` reads.

import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { S2SError } from "../errors.js";
import type { SentencePair } from "../data/corpus.js";
import type { PairIds } from "../decode/score.js";
import { writeFileAtomic } from "../io/atomic.js";
import { countWords, DEFAULT_SEPARATOR, getBpeVocabulary, learnBpe, type Merge } from "../text/bpe.js";
import { Vocab } from "../text/vocab.js";
import { mergesToStrings, parseTokenizerSpec, serializeTokenizerSpec, TextPipeline, TOKENIZER_FORMAT, type BpeSpec, type TokenizerSpec } from "./tokenizer.js";

export interface PrepareOptions {
  type: "moses" | "whitespace";
  srcLang: string;
  tgtLang: string;
  lowercase: boolean;
  escape?: boolean;
  aggressiveDash?: boolean;
  bpe: "joint" | "separate" | "none";
  /** BPE merge operations (per side when separate) */
  merges: number;
  /** learn_bpe.py --min-frequency: stop when the best pair is rarer than this */
  bpeMinFreq: number;
  /** apply_bpe.py --vocabulary-threshold: pieces seen fewer times in their side's training text are split further (0 = off) */
  bpeVocabThreshold: number;
  vocabMinFreq: number;
  vocabMaxSize?: number;
  separator?: string;
  log?: (msg: string) => void;
}

export const DEFAULT_PREPARE = {
  type: "moses", lowercase: false, bpe: "joint", merges: 8000, bpeMinFreq: 2, bpeVocabThreshold: 0, vocabMinFreq: 1,
} as const;

export interface PrepareResult {
  pipeline: TextPipeline;
  /** the `tokenizer` metadata JSON string */
  tokenizerJson: string;
  stats: Record<string, number>;
}

/** Learns the tokenizer spec, BPE and vocabularies from training pairs. */
export function learnPipeline(train: readonly SentencePair[], o: PrepareOptions): PrepareResult {
  const log = o.log ?? (() => {});
  if (train.length === 0) throw new S2SError("no training pairs");
  if (o.merges < 0 || !Number.isInteger(o.merges)) throw new S2SError(`BPE merges must be a non-negative integer, got ${o.merges}`);
  const side = (lang: string) => ({ lang, lowercase: o.lowercase, escape: o.escape ?? o.type === "moses", aggressive_dash: o.aggressiveDash ?? false });
  const spec: TokenizerSpec = { type: o.type, version: TOKENIZER_FORMAT, src: side(o.srcLang), tgt: side(o.tgtLang), bpe: null };
  const separator = o.separator ?? DEFAULT_SEPARATOR;
  // tokenize
  const t0 = Date.now();
  const bare = new TextPipeline(spec, Vocab.build([]), Vocab.build([]));
  const srcTok = train.map((p) => bare.words(p.src, "src").join(" "));
  const tgtTok = train.map((p) => bare.words(p.tgt, "tgt").join(" "));
  log(`tokenized ${train.length} pairs (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const stats: Record<string, number> = { train_pairs: train.length };
  // BPE
  if (o.bpe !== "none") {
    const learn = (counts: Map<string, number>, what: string): Merge[] => {
      const t1 = Date.now();
      const merges = learnBpe(counts, {
        numMerges: o.merges, minFrequency: o.bpeMinFreq,
        onMerge: (i) => {
          if ((i + 1) % 2000 === 0) log(`BPE ${what}: ${i + 1}/${o.merges} merges`);
        },
      });
      log(`BPE ${what}: ${merges.length} merges from ${counts.size} word types (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
      return merges;
    };
    const bpe: BpeSpec = { separator, joint: o.bpe === "joint" };
    if (o.bpe === "joint") {
      const counts = countWords(tgtTok, countWords(srcTok));
      bpe.merges = mergesToStrings(learn(counts, "joint"));
      stats.bpe_merges = bpe.merges.length;
    } else {
      bpe.src_merges = mergesToStrings(learn(countWords(srcTok), "src"));
      bpe.tgt_merges = mergesToStrings(learn(countWords(tgtTok), "tgt"));
      stats.bpe_src_merges = bpe.src_merges.length;
      stats.bpe_tgt_merges = bpe.tgt_merges.length;
    }
    if (o.bpeVocabThreshold > 0) {
      // subword-nmt's recipe: the pieces each side's training text uses at least THRESHOLD times
      const tmp = new TextPipeline({ ...spec, bpe }, Vocab.build([]), Vocab.build([]));
      const pieceVocab = (tok: string[], s: "src" | "tgt") => {
        const entries = getBpeVocabulary(tok.map((l) => tmp.segment(l === "" ? [] : l.split(" "), s).pieces.join(" ")));
        return entries.filter(([, n]) => n >= o.bpeVocabThreshold).map(([t]) => t);
      };
      bpe.src_vocabulary = pieceVocab(srcTok, "src");
      bpe.tgt_vocabulary = pieceVocab(tgtTok, "tgt");
    }
    spec.bpe = bpe;
  }
  // vocabularies from the segmented training text
  const seg = new TextPipeline(spec, Vocab.build([]), Vocab.build([]));
  const srcPieces = srcTok.map((l) => seg.segment(l === "" ? [] : l.split(" "), "src").pieces.join(" "));
  const tgtPieces = tgtTok.map((l) => seg.segment(l === "" ? [] : l.split(" "), "tgt").pieces.join(" "));
  const vopts = { minFrequency: o.vocabMinFreq, maxSize: o.vocabMaxSize };
  let srcVocab: Vocab, tgtVocab: Vocab;
  try {
    srcVocab = Vocab.fromLines(srcPieces, vopts);
    tgtVocab = Vocab.fromLines(tgtPieces, vopts);
  } catch (e) {
    throw new S2SError((e as Error).message.replace(/^Vocab\.build: /, "vocabulary: "));
  }
  stats.src_vocab = srcVocab.size;
  stats.tgt_vocab = tgtVocab.size;
  log(`vocabularies: source ${srcVocab.size}, target ${tgtVocab.size} entries (4 specials included)`);
  const tokenizerJson = serializeTokenizerSpec(spec);
  return { pipeline: new TextPipeline(parseTokenizerSpec(tokenizerJson), srcVocab, tgtVocab), tokenizerJson, stats };
}

/**
 * Encodes pairs to ids with a pipeline. Pairs with an empty side (after
 * tokenization) are dropped, and, when maxLen > 0, pairs with more than
 * maxLen pieces on a side.
 */
export function encodePairs(pipeline: TextPipeline, pairs: readonly SentencePair[], maxLen = 0): { ids: PairIds[]; dropped: number } {
  const ids: PairIds[] = [];
  let dropped = 0;
  for (const p of pairs) {
    const s = pipeline.encodeSource(p.src).ids;
    const t = pipeline.encodeTarget(p.tgt).ids;
    if (s.length <= 1 || t.length <= 1 || (maxLen > 0 && (s.length - 1 > maxLen || t.length - 1 > maxLen))) {
      dropped++;
      continue;
    }
    ids.push({ src: s, tgt: t });
  }
  return { ids, dropped };
}

/** File names inside a prepared directory. */
export const PREPARED = {
  manifest: "prepared.json",
  tokenizer: "tokenizer.json",
  srcVocab: "src_vocab.json",
  tgtVocab: "tgt_vocab.json",
  train: "train.ids.jsonl",
  valid: "valid.ids.jsonl",
  validSrc: "valid.src.txt",
  validRef: "valid.ref.txt",
  testSrc: "test.src.txt",
  testRef: "test.ref.txt",
} as const;

export const PREPARED_FORMAT = "s2s-prepared";

export interface PreparedData {
  pipeline: TextPipeline;
  tokenizerJson: string;
  train: PairIds[];
  valid: PairIds[] | null;
  /** raw validation text, for BLEU */
  validText: SentencePair[] | null;
  /** raw test text, kept for s2s eval --src/--ref (s2s prepare --test; absent or null: none) */
  testText?: SentencePair[] | null;
  manifest: Record<string, unknown>;
}

function idsLines(pairs: readonly PairIds[]): string {
  let s = "";
  for (const p of pairs) s += `{"src":[${p.src.join(",")}],"tgt":[${p.tgt.join(",")}]}\n`;
  return s;
}

/** Writes a prepared directory (created if needed). */
export async function writePrepared(dir: string, d: PreparedData): Promise<void> {
  await mkdir(dir, { recursive: true });
  const enc = (s: string) => new TextEncoder().encode(s);
  await writeFileAtomic(join(dir, PREPARED.tokenizer), enc(d.tokenizerJson + "\n"));
  await writeFileAtomic(join(dir, PREPARED.srcVocab), enc(JSON.stringify(d.pipeline.srcVocab) + "\n"));
  await writeFileAtomic(join(dir, PREPARED.tgtVocab), enc(JSON.stringify(d.pipeline.tgtVocab) + "\n"));
  await writeFileAtomic(join(dir, PREPARED.train), enc(idsLines(d.train)));
  if (d.valid && d.validText) {
    await writeFileAtomic(join(dir, PREPARED.valid), enc(idsLines(d.valid)));
    await writeFileAtomic(join(dir, PREPARED.validSrc), enc(d.validText.map((p) => oneLineText(p.src) + "\n").join("")));
    await writeFileAtomic(join(dir, PREPARED.validRef), enc(d.validText.map((p) => oneLineText(p.tgt) + "\n").join("")));
  }
  if (d.testText) {
    await writeFileAtomic(join(dir, PREPARED.testSrc), enc(d.testText.map((p) => oneLineText(p.src) + "\n").join("")));
    await writeFileAtomic(join(dir, PREPARED.testRef), enc(d.testText.map((p) => oneLineText(p.tgt) + "\n").join("")));
  }
  await writeFileAtomic(join(dir, PREPARED.manifest), enc(JSON.stringify(d.manifest, null, 2) + "\n"));
}

function oneLineText(s: string): string {
  return s.replace(/[\r\n]/g, " ");
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new S2SError(`prepared directory: cannot read ${what} ${path}: ${code === "ENOENT" ? "no such file" : code ?? (e as Error).message}`);
  }
}

function parseIdsLines(text: string, path: string, Vs: number, Vt: number): PairIds[] {
  const out: PairIds[] = [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => {
    let o: { src?: unknown; tgt?: unknown };
    try {
      o = JSON.parse(line);
    } catch {
      throw new S2SError(`${path}:${i + 1}: not valid JSON`);
    }
    const ok = (a: unknown, V: number): a is number[] => Array.isArray(a) && a.length > 0 && a.every((x) => Number.isInteger(x) && x >= 0 && x < V);
    if (!ok(o.src, Vs) || !ok(o.tgt, Vt)) throw new S2SError(`${path}:${i + 1}: src/tgt ids missing or out of the vocabularies' range`);
    out.push({ src: o.src, tgt: o.tgt });
  });
  return out;
}

/** Reads a prepared directory written by writePrepared. */
export async function readPrepared(dir: string): Promise<PreparedData> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new S2SError(`prepared directory ${dir}: no such directory (make it with s2s prepare --out ${dir})`);
  }
  if (!st.isDirectory()) throw new S2SError(`prepared directory ${dir}: not a directory`);
  const manifestText = await readText(join(dir, PREPARED.manifest), "manifest");
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    throw new S2SError(`${join(dir, PREPARED.manifest)}: not valid JSON`);
  }
  if (manifest.format !== PREPARED_FORMAT) throw new S2SError(`${join(dir, PREPARED.manifest)}: not an s2s prepared directory (format ${JSON.stringify(manifest.format)})`);
  const tokenizerJson = (await readText(join(dir, PREPARED.tokenizer), "tokenizer")).trim();
  const md: Record<string, string> = {
    tokenizer: tokenizerJson,
    src_vocab: (await readText(join(dir, PREPARED.srcVocab), "source vocabulary")).trim(),
    tgt_vocab: (await readText(join(dir, PREPARED.tgtVocab), "target vocabulary")).trim(),
  };
  const pipeline = TextPipeline.fromMetadata(md, dir) as TextPipeline;
  const Vs = pipeline.srcVocab.size, Vt = pipeline.tgtVocab.size;
  const trainPath = join(dir, PREPARED.train);
  const train = parseIdsLines(await readText(trainPath, "training ids"), trainPath, Vs, Vt);
  let valid: PairIds[] | null = null, validText: SentencePair[] | null = null;
  const validPath = join(dir, PREPARED.valid);
  const exists = async (p: string) => stat(p).then(() => true, () => false);
  if (await exists(validPath)) {
    valid = parseIdsLines(await readText(validPath, "validation ids"), validPath, Vs, Vt);
    const split = (t: string) => {
      const l = t.split("\n");
      if (l[l.length - 1] === "") l.pop();
      return l;
    };
    const src = split(await readText(join(dir, PREPARED.validSrc), "validation source"));
    const ref = split(await readText(join(dir, PREPARED.validRef), "validation reference"));
    if (src.length !== ref.length) throw new S2SError(`prepared directory ${dir}: ${PREPARED.validSrc} and ${PREPARED.validRef} differ in line count`);
    validText = src.map((s, i) => ({ src: s, tgt: ref[i] }));
  }
  return { pipeline, tokenizerJson, train, valid, validText, manifest };
}
