// Confidence for the report: paired bootstrap resampling (eval/bootstrap.ts,
// sacreBLEU's --paired-bs) of every evaluated model of a language pair
// against the no-attention baseline, on the test set and in every source-
// length bucket with enough segments, from the kept translations. The
// result is written beside them (PAIR/significance.json) with a digest of
// the translations it was computed from, so a report without the data
// reuses it as long as the translations are the same.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bleuCorpusStats, bleuFromStats, corpusBleu, type BleuOptions } from "../eval/bleu.js";
import { BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED, pairedBootstrap, type BootstrapResult } from "../eval/bootstrap.js";
import { bucketOf, lengthBuckets, sourceLength } from "../eval/bylength.js";
import { preprocess } from "../text/tokenize.js";
import type { MosesLang } from "../text/tokenize.js";
import { paths, readJson, writeJson, type BucketBootstrap, type EvalFile, type RunFile, type SignificanceFile } from "./files.js";

export type { SignificanceFile } from "./files.js";
import { expectedHyps, keptHyps } from "./keep.js";
import { MODELS, roles } from "./plan.js";

/** Buckets with fewer segments than this get no bootstrap (too few to resample). */
export const MIN_BUCKET_SEGMENTS = 30;
/** Differences with a p-value below this are marked significant. */
export const SIGNIFICANCE = 0.05;

/** One evaluation set: its sources and references, segment by segment. */
export interface RefSet {
  name: string;
  sources: readonly string[];
  references: readonly string[];
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Corpus BLEU of text that is already tokenized (tok:none, case as given). */
function corpusScore(hyps: readonly string[], refs: readonly string[]): number {
  return corpusBleu(hyps, [refs], { tokenize: "none" }).score;
}

function rounded(r: BootstrapResult[]): BootstrapResult[] {
  return r.map((x) => ({ name: x.name, score: round(x.score), mean: round(x.mean), ci: round(x.ci), p: x.p === null ? null : round(x.p, 6) }));
}

/** The digest of a model's kept translations of `sets` at `beams`. */
export async function hypsDigest(dir: string, pair: string, model: string, sets: readonly string[], beams: readonly number[]): Promise<string> {
  const h = createHash("sha256");
  for (const s of sets) for (const b of beams) h.update(await readFile(join(paths.hyps(dir, pair, model), `${s}.beam${b}.txt`)));
  return h.digest("hex");
}

async function readHyps(dir: string, pair: string, model: string, set: string, beam: number, n: number): Promise<string[]> {
  const path = join(paths.hyps(dir, pair, model), `${set}.beam${beam}.txt`);
  const lines = (await readFile(path, "utf8")).split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length !== n) throw new Error(`${path}: ${lines.length} lines, the set has ${n}`);
  return lines;
}

export interface SignificanceInput {
  /** the kept tree (or a run directory) */
  dir: string;
  pair: string;
  srcLang: string;
  /** the target language (Moses rules of the tokenized lowercased BLEU) */
  tgtLang: string;
  /** models with kept translations; the baseline first */
  models: readonly string[];
  sets: readonly RefSet[];
  beams: readonly number[];
  edges: readonly number[];
  bleu: BleuOptions;
  samples?: number;
  seed?: number;
  /** [model, its baseline] pairs also compared on their own (both among models) */
  within?: readonly (readonly [string, string])[];
}

/** The paired bootstrap of every model against models[0], overall (test) and per length bucket (all sets pooled). */
export async function computeSignificance(o: SignificanceInput): Promise<SignificanceFile> {
  const samples = o.samples ?? BOOTSTRAP_SAMPLES, seed = o.seed ?? BOOTSTRAP_SEED;
  const test = o.sets.find((s) => s.name === "test");
  if (!test) throw new Error("significance: no test set");
  const setNames = o.sets.map((s) => s.name);
  const lengths = o.sets.flatMap((s) => s.sources.map((x) => sourceLength(x, o.srcLang)));
  const bounds = lengthBuckets(o.edges);
  const members: number[][] = bounds.map(() => []);
  lengths.forEach((len, i) => members[bucketOf(bounds, len)].push(i));
  const score = (s: number[]) => bleuFromStats(s, o.bleu).score;
  const beams: SignificanceFile["beams"] = {};
  const mosesLc: NonNullable<SignificanceFile["mosesLc"]> = {};
  const moses = (s: string) => preprocess(s, o.tgtLang as MosesLang, { lowercase: true, escape: false });
  const testRefsMoses = test.references.map(moses);
  const testStatsByBeam = new Map<number, Map<string, number[][]>>();
  for (const beam of o.beams) {
    // statistics of every segment of every set, sets in order, per model
    const all = new Map<string, number[][]>();
    const testStats = new Map<string, number[][]>();
    for (const m of o.models) {
      const rows: number[][] = [];
      for (const s of o.sets) {
        const hyps = await readHyps(o.dir, o.pair, m, s.name, beam, s.sources.length);
        const st = bleuCorpusStats(hyps, [s.references], o.bleu);
        if (s === test) {
          testStats.set(m, st);
          (mosesLc[String(beam)] ??= {})[m] = round(corpusScore(hyps.map(moses), testRefsMoses), 2);
        }
        rows.push(...st);
      }
      all.set(m, rows);
    }
    testStatsByBeam.set(beam, testStats);
    const testRes = pairedBootstrap(o.models.map((m) => ({ name: m, stats: testStats.get(m)! })), score, { samples, seed });
    const buckets: BucketBootstrap[] = [];
    members.forEach((idx, b) => {
      if (idx.length < MIN_BUCKET_SEGMENTS) return;
      const res = pairedBootstrap(o.models.map((m) => ({ name: m, stats: idx.map((i) => all.get(m)![i]) })), score, { samples, seed });
      buckets.push({ label: bounds[b].label, segments: idx.length, results: rounded(res) });
    });
    beams[String(beam)] = { test: rounded(testRes), buckets };
  }
  const within: NonNullable<SignificanceFile["within"]> = [];
  for (const [model, baseline] of o.within ?? []) {
    const res: Record<string, BootstrapResult[]> = {};
    for (const beam of o.beams) {
      const st = testStatsByBeam.get(beam)!;
      res[String(beam)] = rounded(pairedBootstrap([baseline, model].map((m) => ({ name: m, stats: st.get(m)! })), score, { samples, seed }));
    }
    within.push({ model, baseline, beams: res });
  }
  const inputs: Record<string, string> = {};
  for (const m of o.models) inputs[m] = await hypsDigest(o.dir, o.pair, m, setNames, o.beams);
  return { format: "s2s-experiment-significance", version: 1, pair: o.pair, samples, seed, baseline: o.models[0], sets: setNames, beams, ...(within.length ? { within } : {}), mosesLc, inputs };
}

export const significancePath = (dir: string, pair: string) => join(dir, pair, "significance.json");

/**
 * The pair's significance.json if it was computed from exactly these models'
 * current translations (same models, same digests), else null.
 */
export async function currentSignificance(dir: string, pair: string, models: readonly string[], beams: readonly number[]): Promise<SignificanceFile | null> {
  const f = await readJson<SignificanceFile>(significancePath(dir, pair));
  if (!f || f.format !== "s2s-experiment-significance") return null;
  if (Object.keys(f.inputs).join(",") !== models.join(",")) return null;
  // files written before the tokenized lowercased BLEU was added
  if (!f.mosesLc) return null;
  for (const m of models) {
    let d: string;
    try {
      d = await hypsDigest(dir, pair, m, f.sets, beams);
    } catch {
      return null;
    }
    if (d !== f.inputs[m]) return null;
  }
  return f;
}

export async function writeSignificance(dir: string, f: SignificanceFile): Promise<void> {
  await writeJson(significancePath(dir, f.pair), f);
}

/**
 * Attention against no attention with the same cell, other than the LSTM
 * (whose pair is the main comparison): [RNNsearch X, RNNenc X] for every
 * cell X both of which are among `models`.
 */
export function cellPairs(models: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const m of models) {
    const a = MODELS.find((x) => x.name === m);
    if (!a?.cell || a.cell === "lstm" || a.attention === "none") continue;
    const b = MODELS.find((x) => models.includes(x.name) && x.cell === a.cell && x.attention === "none" && x.decoderStyle === a.decoderStyle && !x.reverseSource);
    if (b) out.push([m, b.name]);
  }
  return out;
}


/**
 * Brings every pair's significance.json of a run directory (or kept tree) up
 * to date: the models evaluated there with all their test-set translations
 * (one seed each: the plan's), the baseline (roles) first. `refs` gives a pair's
 * sets from the data, or null when the data is not at hand: a stale file is
 * then left as it is and the report leaves the bootstrap out (`log` says so).
 */
export async function updateSignificance(dir: string, refs: ((pair: string) => RefSet[]) | null, log: (m: string) => void): Promise<void> {
  const run = await readJson<RunFile>(paths.run(dir));
  if (!run) return;
  const beams = run.plan.eval.beams;
  for (const pair of run.plan.pairs) {
    const models: string[] = [];
    for (const name of run.plan.models) {
      const e = await readJson<EvalFile>(paths.eval(dir, pair, name));
      if (!e) continue;
      const have = await keptHyps(dir, pair, name);
      if (expectedHyps(e).every((f) => have.includes(f))) models.push(name);
    }
    const base = roles(run.plan).base;
    if (!models.includes(base) || models.length < 2) continue;
    const ordered = [base, ...models.filter((m) => m !== base)];
    if (await currentSignificance(dir, pair, ordered, beams)) continue;
    if (!refs) {
      log(`[${pair}] paired bootstrap not brought up to date: it needs the references (give --data-dir or set S2S_DATA)`);
      continue;
    }
    const t0 = Date.now();
    const f = await computeSignificance({
      dir, pair, srcLang: pair.split("-")[0], tgtLang: pair.split("-")[1], models: ordered, sets: refs(pair), beams, edges: run.plan.eval.lengthEdges, bleu: { lowercase: run.plan.data.lowercase ?? true },
      within: run.plan.corpus === "wmt-deen" ? [["rnnsearch-30", "rnnencdec-30"] as [string, string]].filter(([a, b]) => ordered.includes(a) && ordered.includes(b)) : cellPairs(ordered),
    });
    await writeSignificance(dir, f);
    log(`[${pair}] paired bootstrap of ${ordered.length} models (${f.samples} resamples) in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${significancePath(dir, pair)}`);
  }
}
