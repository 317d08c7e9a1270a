// The tasks the article trains on, as data both the page and its workers can
// build from a seed (no DOM): examples, vocabularies, ids, source-length
// buckets for the accuracy chart, and reading the reader's typed text.
import { makeRng, makeSplits, vocabulary, getTask, type Example, type PairIds, type TaskSpec } from "seq2seq-wasm";

export type ArticleTaskName = "reverse" | "numbers" | "dates";

/** A source-length bucket, in source tokens without </s>, both ends inclusive. */
export interface Bucket {
  lo: number;
  hi: number;
}

export interface TaskData {
  name: ArticleTaskName;
  /** with the four specials first: <pad> <unk> <s> </s> */
  srcVocab: string[];
  tgtVocab: string[];
  train: PairIds[];
  /** held-out examples and their source length (tokens without </s>) */
  test: { pair: PairIds; len: number }[];
  buckets: Bucket[];
}

export const SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"];
export const EOS = 3;

/** `reverse` at the article's lengths: long enough that m̄ cannot hold the longest, short enough to train in a minute. */
export const REVERSE_LENGTHS = { lo: 3, hi: 24 } as const;

const BUCKETS: Record<ArticleTaskName, Bucket[]> = {
  reverse: [{ lo: 3, hi: 7 }, { lo: 8, hi: 12 }, { lo: 13, hi: 18 }, { lo: 19, hi: 24 }],
  numbers: [{ lo: 1, hi: 5 }, { lo: 6, hi: 9 }, { lo: 10, hi: 12 }, { lo: 13, hi: 17 }],
  dates: [{ lo: 8, hi: 10 }, { lo: 11, hi: 13 }, { lo: 14, hi: 17 }, { lo: 18, hi: 29 }],
};

/** A task's source-length buckets (the accuracy chart's rows). */
export function taskBuckets(name: ArticleTaskName): Bucket[] {
  return BUCKETS[name];
}

/** The task spec the article samples from: `reverse` with the article's length range. */
function spec(name: ArticleTaskName): TaskSpec {
  const base = getTask(name);
  if (name !== "reverse") return base;
  return { ...base, sample: (rng, length) => base.sample(rng, length ?? rng.int(REVERSE_LENGTHS.lo, REVERSE_LENGTHS.hi)) };
}

/**
 * Training and test data of a task: `trainSize` distinct examples, and
 * `perBucket` test examples per length bucket whose sources are not in the
 * training set. A pure function of (name, sizes, seed): both workers and the
 * page build the same data.
 */
export function taskData(name: ArticleTaskName, trainSize: number, perBucket: number, seed: number): TaskData {
  const task = spec(name);
  const { train } = makeSplits(task, { train: trainSize, valid: 0, test: 0 }, seed);
  const buckets = taskBuckets(name);
  const seen = new Set(train.map((e) => e.src.join(" ")));
  const rng = makeRng(seed + 7777);
  const test: Example[] = [];
  for (const b of buckets) {
    for (let got = 0, tries = 0; got < perBucket && tries < perBucket * 2000; tries++) {
      const ex = name === "reverse" ? task.sample(rng, rng.int(b.lo, b.hi)) : name === "numbers" ? task.sample(rng, rng.int(1, 9)) : task.sample(rng);
      const key = ex.src.join(" ");
      if (ex.src.length < b.lo || ex.src.length > b.hi || seen.has(key)) continue;
      seen.add(key);
      test.push(ex);
      got++;
    }
  }
  const voc = vocabulary(train.concat(test));
  const srcVocab = [...SPECIALS, ...voc.src], tgtVocab = [...SPECIALS, ...voc.tgt];
  const sid = new Map(srcVocab.map((t, i) => [t, i])), tid = new Map(tgtVocab.map((t, i) => [t, i]));
  const toPair = (e: Example): PairIds => ({
    src: [...e.src.map((t) => sid.get(t) ?? 1), EOS], tgt: [...e.tgt.map((t) => tid.get(t) ?? 1), EOS],
  });
  return { name, srcVocab, tgtVocab, train: train.map(toPair), test: test.map((e) => ({ pair: toPair(e), len: e.src.length })), buckets };
}

/** Exact match of greedy outputs by bucket: [bucket] fraction correct (NaN for an empty bucket). */
export function accuracyByBucket(data: TaskData, outputs: number[][]): number[] {
  return data.buckets.map((b) => {
    let n = 0, ok = 0;
    data.test.forEach((e, i) => {
      if (e.len < b.lo || e.len > b.hi) return;
      n++;
      if (outputs[i].join() === e.pair.tgt.join()) ok++;
    });
    return n ? ok / n : NaN;
  });
}
