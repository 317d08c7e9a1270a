// The command line's text-data options: where training, validation and test text comes from: a corpus directory
// (--data-dir or S2S_DATA: Multi30k, or --corpus wmt-deen), aligned files (--train SRC,TGT or --train-src/--train-tgt),
// or a TSV file. Shared by s2s prepare, train and eval.

import { basename } from "node:path";
import type { OptSpec, Values } from "./args.js";
import { describeSkipped, dropEmptyPairs, readAligned, readTsv, type AlignedPairs, type SentencePair } from "../data/corpus.js";
import { loadMulti30k } from "../data/multi30k.js";
import { loadWmtDeen, WMT_DEEN } from "../data/wmt.js";
import { S2SError, UsageError } from "../errors.js";
import { checkLang } from "../pipeline/lines.js";
import { DEFAULT_PREPARE, encodePairs, learnPipeline, PREPARED_FORMAT, type PreparedData, type PrepareOptions } from "../pipeline/prepare.js";
import type { PairIds } from "../decode/score.js";
import { UNK_ID } from "../text/vocab.js";

/** Corpora that --corpus names: the layout of their --data-dir and their splits. */
export const CORPORA = {
  multi30k: { train: "train", valid: "val", test: null, srcLang: null, tgtLang: null },
  "wmt-deen": { train: WMT_DEEN.train, valid: WMT_DEEN.dev, test: WMT_DEEN.test, srcLang: "de", tgtLang: "en" },
} as const;
export type CorpusName = keyof typeof CORPORA;
export const CORPUS_NAMES = Object.keys(CORPORA) as CorpusName[];

export const CORPUS_OPT: OptSpec = {
  name: "corpus", type: "string", choices: CORPUS_NAMES, arg: "NAME",
  help: "what --data-dir holds: multi30k (raw/SPLIT.LANG.gz; the default) or wmt-deen (SPLIT.de.gz/SPLIT.en.gz; de→en unless --src-lang en --tgt-lang de)",
};

export const DATA_OPTS: OptSpec[] = [
  { name: "data-dir", type: "string", arg: "DIR", help: "corpus directory (--corpus; default: $S2S_DATA when no training files are given)" },
  CORPUS_OPT,
  { name: "src-lang", type: "string", arg: "L", help: "source language (Multi30k: en, de, fr; with files: inferred from a name like train.de[.gz])" },
  { name: "tgt-lang", type: "string", arg: "L", help: "target language" },
  { name: "train-split", type: "string", arg: "NAME", help: "training split of --data-dir [default: train]" },
  { name: "valid-split", type: "string", arg: "NAME", help: "validation split of --data-dir ('none' for no validation) [default: val; wmt-deen: newstest2013]" },
  { name: "train", type: "string", arg: "SRC,TGT", help: "training text: two aligned files (plain or .gz), comma-separated; pairs with an empty side are skipped and counted" },
  { name: "dev", type: "string", arg: "SRC,TGT", help: "validation (development) text: two aligned files, comma-separated" },
  { name: "train-src", type: "string", arg: "FILE", help: "training source text, one sentence a line (plain or .gz)" },
  { name: "train-tgt", type: "string", arg: "FILE", help: "training target text, aligned with --train-src" },
  { name: "train-tsv", type: "string", arg: "FILE", help: "training pairs as source<TAB>target lines" },
  { name: "valid-src", type: "string", arg: "FILE", help: "validation source text (or --dev SRC,TGT)" },
  { name: "valid-tgt", type: "string", arg: "FILE", help: "validation target text" },
  { name: "valid-tsv", type: "string", arg: "FILE", help: "validation pairs as source<TAB>target lines" },
  { name: "limit", type: "int", min: 1, arg: "N", help: "use only the first N training pairs" },
  { name: "valid-limit", type: "int", min: 1, arg: "N", help: "use only the first N validation pairs" },
];

/** s2s prepare only: the test text it keeps beside the prepared data (for s2s eval --src/--ref). */
export const TEST_OPTS: OptSpec[] = [
  { name: "test", type: "string", arg: "SRC,TGT", help: "test text: two aligned files, comma-separated; written as test.src.txt/test.ref.txt" },
  { name: "test-split", type: "string", arg: "NAME", help: "test split of --data-dir ('none' for no test text) [default: wmt-deen: newstest2014; Multi30k: none]" },
];

export const PREPARE_OPTS: OptSpec[] = [
  { name: "tokenizer", type: "string", choices: ["moses", "whitespace"], default: DEFAULT_PREPARE.type, help: "moses: normalise + tokenize (+ detokenize output); whitespace: text is pre-tokenized" },
  { name: "lowercase", type: "boolean", help: "lowercase both sides (the model then outputs lowercase; eval scores case-insensitively)" },
  { name: "bpe", type: "string", choices: ["joint", "separate", "none"], default: DEFAULT_PREPARE.bpe, help: "BPE merges learned on both sides together, per side, or no BPE" },
  { name: "bpe-merges", type: "int", min: 0, arg: "N", default: DEFAULT_PREPARE.merges, help: "BPE merge operations (per side with --bpe separate)" },
  { name: "bpe-min-freq", type: "int", min: 1, arg: "N", default: DEFAULT_PREPARE.bpeMinFreq, help: "stop learning when the most frequent pair occurs fewer times" },
  { name: "bpe-vocab-threshold", type: "int", min: 0, arg: "N", default: DEFAULT_PREPARE.bpeVocabThreshold, help: "split pieces seen fewer than N times in their side's training text further (subword-nmt --vocabulary-threshold; 0 = off)" },
  { name: "vocab-min-freq", type: "int", min: 1, arg: "N", default: DEFAULT_PREPARE.vocabMinFreq, help: "vocabulary: keep pieces seen at least N times (others become <unk>)" },
  { name: "vocab-max-size", type: "int", min: 5, arg: "N", help: "vocabulary: at most N entries per side, specials included" },
  { name: "max-len", type: "int", min: 0, arg: "N", default: 100, help: "drop training pairs with more than N pieces on a side (0 = keep all)" },
];

/** The language code at the end of a file name: train.de, train.de.gz, x.lc.norm.tok.de → de. */
export function langFromName(path: string): string | null {
  const m = /\.([A-Za-z]{2,3})(\.gz)?$/.exec(basename(path));
  return m ? m[1].toLowerCase() : null;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof S2SError) throw e;
    throw new S2SError((e as Error).message);
  }
}

export interface TextData {
  train: SentencePair[];
  valid: SentencePair[] | null;
  /** s2s prepare's test text (null when none was asked for) */
  test: SentencePair[] | null;
  srcLang: string;
  tgtLang: string;
  /** where the data came from, for messages and the manifest */
  from: Record<string, string>;
  /** pairs left out for an empty side, per part (train, valid, test) */
  skipped: Record<string, number>;
}

const FILE_FLAGS = ["train", "train-src", "train-tgt", "train-tsv"] as const;

/** True when any text-data option is set (or S2S_DATA with languages). */
export function hasTextData(v: Values): boolean {
  return v["data-dir"] !== undefined || v.corpus !== undefined || FILE_FLAGS.some((k) => v[k] !== undefined);
}

/** --train/--dev/--test SRC,TGT: the two file names. */
function filePair(v: Values, flag: string, cmd: string): [string, string] {
  const parts = String(v[flag]).split(",");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") throw new UsageError(`${cmd}: --${flag} takes two files, source and target, comma-separated (SRC,TGT), got ${JSON.stringify(v[flag])}`);
  return [parts[0], parts[1]];
}

/**
 * Reads training, validation (and, with `withTest`, test) pairs as the
 * DATA_OPTS and TEST_OPTS describe. Pairs with an empty side are left out;
 * `note` gets one line per part that had some.
 */
export function loadTextData(v: Values, cmd: string, note: (m: string) => void = () => {}, withTest = false): TextData {
  const files = FILE_FLAGS.some((k) => v[k] !== undefined);
  let dataDir = v["data-dir"] as string | undefined;
  if (!files && dataDir === undefined) dataDir = process.env.S2S_DATA || undefined;
  if (files && v["data-dir"] !== undefined) throw new UsageError(`${cmd}: give --data-dir or training files, not both`);
  if (files && v.corpus !== undefined) throw new UsageError(`${cmd}: --corpus names what --data-dir holds; with training files leave it out`);
  if (!files && dataDir === undefined) throw new UsageError(`${cmd}: no training text: give --data-dir DIR (or set S2S_DATA) with --src-lang/--tgt-lang, or --train SRC,TGT (or --train-src/--train-tgt), or --train-tsv`);
  const corpus = (v.corpus as CorpusName | undefined) ?? "multi30k";
  const info = CORPORA[corpus];
  let srcLang = (v["src-lang"] as string | undefined) ?? info.srcLang ?? undefined;
  let tgtLang = (v["tgt-lang"] as string | undefined) ?? info.tgtLang ?? undefined;
  const from: Record<string, string> = {};
  const skipped: Record<string, number> = {};
  const notes: string[] = []; // given to `note` once every part has been read (an error stays one line)
  const keep = (part: string, a: AlignedPairs): SentencePair[] => {
    const line = describeSkipped(part, a);
    if (line) notes.push(line);
    if (a.emptyLines.length > 0) skipped[part] = a.emptyLines.length;
    return a.pairs;
  };
  let train: SentencePair[];
  let valid: SentencePair[] | null = null;
  let test: SentencePair[] | null = null;
  if (files) {
    for (const k of ["train-split", "valid-split", "test-split"]) if (v[k] !== undefined) throw new UsageError(`${cmd}: --${k} names a split of --data-dir; with files use --train, --dev${withTest ? ", --test" : ""}`);
    const given = FILE_FLAGS.filter((k) => v[k] !== undefined);
    if (given.length > 1 && !(given.length === 2 && v["train-src"] !== undefined && v["train-tgt"] !== undefined)) {
      throw new UsageError(`${cmd}: give one of --train SRC,TGT, --train-src/--train-tgt and --train-tsv`);
    }
    if (v["train-tsv"] !== undefined) {
      train = keep("train", wrap(() => dropEmptyPairs(readTsv(v["train-tsv"] as string), v["train-tsv"] as string)));
      from.train = v["train-tsv"] as string;
    } else {
      let s: string, t: string;
      if (v.train !== undefined) [s, t] = filePair(v, "train", cmd);
      else {
        if (v["train-src"] === undefined || v["train-tgt"] === undefined) throw new UsageError(`${cmd}: --train-src and --train-tgt go together`);
        [s, t] = [v["train-src"] as string, v["train-tgt"] as string];
      }
      srcLang ??= langFromName(s) ?? undefined;
      tgtLang ??= langFromName(t) ?? undefined;
      train = keep("train", wrap(() => readAligned(s, t)));
      from.train = `${s} ${t}`;
    }
    const devFlags = ["dev", "valid-src", "valid-tgt", "valid-tsv"].filter((k) => v[k] !== undefined);
    if (devFlags.length > 1 && !(devFlags.length === 2 && v["valid-src"] !== undefined && v["valid-tgt"] !== undefined)) {
      throw new UsageError(`${cmd}: give one of --dev SRC,TGT, --valid-src/--valid-tgt and --valid-tsv`);
    }
    if (v["valid-tsv"] !== undefined) {
      valid = keep("valid", wrap(() => dropEmptyPairs(readTsv(v["valid-tsv"] as string), v["valid-tsv"] as string)));
      from.valid = v["valid-tsv"] as string;
    } else if (devFlags.length > 0) {
      let s: string, t: string;
      if (v.dev !== undefined) [s, t] = filePair(v, "dev", cmd);
      else {
        if (v["valid-src"] === undefined || v["valid-tgt"] === undefined) throw new UsageError(`${cmd}: --valid-src and --valid-tgt go together`);
        [s, t] = [v["valid-src"] as string, v["valid-tgt"] as string];
      }
      valid = keep("valid", wrap(() => readAligned(s, t)));
      from.valid = `${s} ${t}`;
    }
    if (withTest && v.test !== undefined) {
      const [s, t] = filePair(v, "test", cmd);
      test = keep("test", wrap(() => readAligned(s, t)));
      from.test = `${s} ${t}`;
    }
    if (srcLang === undefined || tgtLang === undefined) throw new UsageError(`${cmd}: give --src-lang and --tgt-lang (they cannot be read from the file names)`);
  } else {
    if (srcLang === undefined || tgtLang === undefined) throw new UsageError(`${cmd}: --data-dir needs --src-lang and --tgt-lang`);
    for (const k of ["dev", "valid-src", "valid-tgt", "valid-tsv", "test"]) {
      if (v[k] !== undefined) throw new UsageError(`${cmd}: --${k} is for file input; with --data-dir use --${k === "test" ? "test" : "valid"}-split`);
    }
    const dir = dataDir as string;
    const sl = srcLang, tl = tgtLang;
    const load = (split: string): AlignedPairs =>
      wrap(() => (corpus === "wmt-deen" ? loadWmtDeen(dir, split, sl, tl) : dropEmptyPairs(loadMulti30k(dir, split, sl, tl), `${dir} ${split}`)));
    const trainSplit = (v["train-split"] as string | undefined) ?? info.train;
    train = keep("train", load(trainSplit));
    from.train = `${dir} ${trainSplit}`;
    const validSplit = (v["valid-split"] as string | undefined) ?? info.valid;
    if (validSplit !== "none") {
      valid = keep("valid", load(validSplit));
      from.valid = `${dir} ${validSplit}`;
    }
    const testSplit = (v["test-split"] as string | undefined) ?? info.test ?? "none";
    if (withTest && testSplit !== "none") {
      test = keep("test", load(testSplit));
      from.test = `${dir} ${testSplit}`;
    }
  }
  srcLang = checkLang(srcLang, "--src-lang");
  tgtLang = checkLang(tgtLang, "--tgt-lang");
  if (v.limit !== undefined) train = train.slice(0, v.limit as number);
  if (valid && v["valid-limit"] !== undefined) valid = valid.slice(0, v["valid-limit"] as number);
  if (train.length === 0) throw new S2SError(`${cmd}: the training data is empty`);
  if (valid && valid.length === 0) valid = null;
  if (test && test.length === 0) test = null;
  for (const line of notes) note(line);
  return { train, valid, test, srcLang, tgtLang, from, skipped };
}

export function prepareOptions(v: Values, data: TextData, log?: (m: string) => void): PrepareOptions {
  return {
    type: v.tokenizer as "moses" | "whitespace",
    srcLang: data.srcLang,
    tgtLang: data.tgtLang,
    lowercase: Boolean(v.lowercase),
    bpe: v.bpe as "joint" | "separate" | "none",
    merges: v["bpe-merges"] as number,
    bpeMinFreq: v["bpe-min-freq"] as number,
    bpeVocabThreshold: v["bpe-vocab-threshold"] as number,
    vocabMinFreq: v["vocab-min-freq"] as number,
    vocabMaxSize: v["vocab-max-size"] as number | undefined,
    log,
  };
}

/**
 * Loads text data and learns the pipeline: what s2s prepare writes and s2s
 * train on raw text uses (`withTest`: s2s prepare, which keeps the test text).
 */
export function prepareFromValues(v: Values, cmd: string, log: (m: string) => void, withTest = false): PreparedData {
  const data = loadTextData(v, cmd, log, withTest);
  log(`${data.train.length} training pairs${data.valid ? `, ${data.valid.length} validation pairs` : ""}${data.test ? `, ${data.test.length} test pairs` : ""} (${data.srcLang} → ${data.tgtLang})`);
  const o = prepareOptions(v, data, log);
  const learned = learnPipeline(data.train, o);
  const maxLen = v["max-len"] as number;
  const train = encodePairs(learned.pipeline, data.train, maxLen);
  if (train.ids.length === 0) throw new S2SError(`${cmd}: no training pairs left (all empty or longer than --max-len ${maxLen})`);
  if (train.dropped > 0) log(`dropped ${train.dropped} training pairs (an empty side, or more than ${maxLen} pieces)`);
  const valid = data.valid ? encodePairs(learned.pipeline, data.valid, 0).ids : null;
  const unk = (pairs: PairIds[], side: "src" | "tgt") => {
    let n = 0, all = 0;
    for (const p of pairs) for (const id of p[side]) { all++; if (id === UNK_ID) n++; }
    return all === 0 ? 0 : n / all;
  };
  const manifest: Record<string, unknown> = {
    format: PREPARED_FORMAT,
    version: 1,
    src_lang: data.srcLang,
    tgt_lang: data.tgtLang,
    from: data.from,
    settings: {
      tokenizer: o.type, lowercase: o.lowercase, bpe: o.bpe, bpe_merges: o.merges, bpe_min_freq: o.bpeMinFreq,
      bpe_vocab_threshold: o.bpeVocabThreshold, vocab_min_freq: o.vocabMinFreq, vocab_max_size: o.vocabMaxSize ?? null, max_len: maxLen,
      limit: v.limit ?? null,
    },
    stats: {
      ...learned.stats, train_pairs_kept: train.ids.length, train_pairs_dropped: train.dropped, valid_pairs: valid?.length ?? 0,
      train_src_unk_rate: unk(train.ids, "src"), train_tgt_unk_rate: unk(train.ids, "tgt"),
      valid_src_unk_rate: valid ? unk(valid, "src") : null, valid_tgt_unk_rate: valid ? unk(valid, "tgt") : null,
      ...(data.test ? { test_pairs: data.test.length } : {}),
      ...(Object.keys(data.skipped).length > 0 ? { empty_pairs_skipped: data.skipped } : {}),
    },
  };
  return { pipeline: learned.pipeline, tokenizerJson: learned.tokenizerJson, train: train.ids, valid, validText: data.valid, testText: data.test, manifest };
}
