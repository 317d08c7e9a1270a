// The command line's text-data options: where training, validation and test text comes from: a Multi30k directory
// (--data-dir or S2S_DATA, with --src-lang/--tgt-lang and split names), two
// aligned files, or a TSV file. Shared by s2s prepare, train and eval.

import { basename } from "node:path";
import type { OptSpec, Values } from "./args.js";
import { readParallel, readTsv, type SentencePair } from "../data/corpus.js";
import { loadMulti30k } from "../data/multi30k.js";
import { S2SError, UsageError } from "../errors.js";
import { checkLang } from "../pipeline/lines.js";
import { DEFAULT_PREPARE, encodePairs, learnPipeline, PREPARED_FORMAT, type PreparedData, type PrepareOptions } from "../pipeline/prepare.js";
import type { PairIds } from "../decode/score.js";
import { UNK_ID } from "../text/vocab.js";

export const DATA_OPTS: OptSpec[] = [
  { name: "data-dir", type: "string", arg: "DIR", help: "Multi30k directory with raw/ (default: $S2S_DATA when no --train-src/--train-tsv is given)" },
  { name: "src-lang", type: "string", arg: "L", help: "source language (Multi30k: en, de, fr; with files: inferred from a name like train.de[.gz])" },
  { name: "tgt-lang", type: "string", arg: "L", help: "target language" },
  { name: "train-split", type: "string", arg: "NAME", default: "train", help: "Multi30k training split" },
  { name: "valid-split", type: "string", arg: "NAME", default: "val", help: "Multi30k validation split ('none' for no validation)" },
  { name: "train-src", type: "string", arg: "FILE", help: "training source text, one sentence a line (plain or .gz)" },
  { name: "train-tgt", type: "string", arg: "FILE", help: "training target text, aligned with --train-src" },
  { name: "train-tsv", type: "string", arg: "FILE", help: "training pairs as source<TAB>target lines" },
  { name: "valid-src", type: "string", arg: "FILE", help: "validation source text" },
  { name: "valid-tgt", type: "string", arg: "FILE", help: "validation target text" },
  { name: "valid-tsv", type: "string", arg: "FILE", help: "validation pairs as source<TAB>target lines" },
  { name: "limit", type: "int", min: 1, arg: "N", help: "use only the first N training pairs" },
  { name: "valid-limit", type: "int", min: 1, arg: "N", help: "use only the first N validation pairs" },
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
  srcLang: string;
  tgtLang: string;
  /** where the data came from, for messages and the manifest */
  from: Record<string, string>;
}

/** True when any text-data option is set (or S2S_DATA with languages). */
export function hasTextData(v: Values): boolean {
  return v["data-dir"] !== undefined || v["train-src"] !== undefined || v["train-tgt"] !== undefined || v["train-tsv"] !== undefined;
}

/** Reads training and validation pairs as the DATA_OPTS describe. */
export function loadTextData(v: Values, cmd: string): TextData {
  const files = v["train-src"] !== undefined || v["train-tgt"] !== undefined || v["train-tsv"] !== undefined;
  let dataDir = v["data-dir"] as string | undefined;
  if (!files && dataDir === undefined) dataDir = process.env.S2S_DATA || undefined;
  if (files && dataDir !== undefined && v["data-dir"] !== undefined) throw new UsageError(`${cmd}: give --data-dir or training files, not both`);
  if (!files && dataDir === undefined) throw new UsageError(`${cmd}: no training text: give --data-dir DIR (or set S2S_DATA) with --src-lang/--tgt-lang, or --train-src/--train-tgt, or --train-tsv`);
  let srcLang = v["src-lang"] as string | undefined;
  let tgtLang = v["tgt-lang"] as string | undefined;
  const from: Record<string, string> = {};
  let train: SentencePair[];
  let valid: SentencePair[] | null = null;
  if (files) {
    if (v["train-tsv"] !== undefined) {
      if (v["train-src"] !== undefined || v["train-tgt"] !== undefined) throw new UsageError(`${cmd}: give --train-tsv or --train-src/--train-tgt, not both`);
      train = wrap(() => readTsv(v["train-tsv"] as string));
      from.train = v["train-tsv"] as string;
    } else {
      if (v["train-src"] === undefined || v["train-tgt"] === undefined) throw new UsageError(`${cmd}: --train-src and --train-tgt go together`);
      srcLang ??= langFromName(v["train-src"] as string) ?? undefined;
      tgtLang ??= langFromName(v["train-tgt"] as string) ?? undefined;
      train = wrap(() => readParallel(v["train-src"] as string, v["train-tgt"] as string));
      from.train = `${v["train-src"]} ${v["train-tgt"]}`;
    }
    if (v["valid-tsv"] !== undefined) {
      valid = wrap(() => readTsv(v["valid-tsv"] as string));
      from.valid = v["valid-tsv"] as string;
    } else if (v["valid-src"] !== undefined || v["valid-tgt"] !== undefined) {
      if (v["valid-src"] === undefined || v["valid-tgt"] === undefined) throw new UsageError(`${cmd}: --valid-src and --valid-tgt go together`);
      valid = wrap(() => readParallel(v["valid-src"] as string, v["valid-tgt"] as string));
      from.valid = `${v["valid-src"]} ${v["valid-tgt"]}`;
    }
    if (srcLang === undefined || tgtLang === undefined) throw new UsageError(`${cmd}: give --src-lang and --tgt-lang (they cannot be read from the file names)`);
  } else {
    if (srcLang === undefined || tgtLang === undefined) throw new UsageError(`${cmd}: --data-dir needs --src-lang and --tgt-lang`);
    for (const k of ["valid-src", "valid-tgt", "valid-tsv"]) if (v[k] !== undefined) throw new UsageError(`${cmd}: --${k} is for file input; with --data-dir use --valid-split`);
    const dir = dataDir as string;
    train = wrap(() => loadMulti30k(dir, v["train-split"] as string, srcLang as string, tgtLang as string));
    from.train = `${dir} ${v["train-split"]}`;
    if (v["valid-split"] !== "none") {
      valid = wrap(() => loadMulti30k(dir, v["valid-split"] as string, srcLang as string, tgtLang as string));
      from.valid = `${dir} ${v["valid-split"]}`;
    }
  }
  srcLang = checkLang(srcLang, "--src-lang");
  tgtLang = checkLang(tgtLang, "--tgt-lang");
  if (v.limit !== undefined) train = train.slice(0, v.limit as number);
  if (valid && v["valid-limit"] !== undefined) valid = valid.slice(0, v["valid-limit"] as number);
  if (train.length === 0) throw new S2SError(`${cmd}: the training data is empty`);
  if (valid && valid.length === 0) valid = null;
  return { train, valid, srcLang, tgtLang, from };
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

/** Loads text data and learns the pipeline: what s2s prepare writes and s2s train on raw text uses. */
export function prepareFromValues(v: Values, cmd: string, log: (m: string) => void): PreparedData {
  const data = loadTextData(v, cmd);
  log(`${data.train.length} training pairs${data.valid ? `, ${data.valid.length} validation pairs` : ""} (${data.srcLang} → ${data.tgtLang})`);
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
    },
  };
  return { pipeline: learned.pipeline, tokenizerJson: learned.tokenizerJson, train: train.ids, valid, validText: data.valid, manifest };
}
