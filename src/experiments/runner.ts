// The experiment runner: for each language pair, prepare the data (the
// pipeline of `s2s prepare`: Moses tokenization, for Multi30k lowercased as
// the dataset's tok/ files, for wmt-deen cased; joint BPE), train every model
// of the plan with the same data, sizes and budget, evaluate it, and write
// JSON (files.ts). Resumable: a finished model is skipped, an unfinished one
// continues from its checkpoint.

import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeSkipped, type SentencePair } from "../data/corpus.js";
import { joinConsecutive } from "../data/join.js";
import { loadMulti30k } from "../data/multi30k.js";
import { loadWmtDeen } from "../data/wmt.js";
import type { PairIds } from "../decode/score.js";
import { loadEngine } from "../engine/load-node.js";
import type { Engine } from "../engine/engine.js";
import { S2SError } from "../errors.js";
import { bleuSignature, corpusBleu, sentenceBleu, type BleuScore } from "../eval/bleu.js";
import { sourceLength } from "../eval/bylength.js";
import { chrfSignature, corpusChrf } from "../eval/chrf.js";
import { writeFileAtomic } from "../io/atomic.js";
import { Model } from "../model/model.js";
import { encodePairs, learnPipeline, PREPARED, PREPARED_FORMAT, readPrepared, writePrepared, type PreparedData } from "../pipeline/prepare.js";
import { longestSource, recordTrainLength } from "../pipeline/train-length.js";
import { initialize } from "../train/init.js";
import { formatDuration, Progress, type ProgressSink } from "../train/progress.js";
import { DEFAULT_TRAIN, Trainer, validationLoss, type TrainConfig } from "../train/trainer.js";
import { isKept } from "./keep.js";
import type { RefSet } from "./significance.js";
import { lengthTable, perplexityByLength } from "./length-table.js";
import { encodeSources, modelPairs, pairIds, perplexity, referenceLogprobs, translateSources, type SourceText } from "./decode.js";
import {
  FORMAT_VERSION, load1, machineInfo, paths, readJson, RUN_FORMAT, writeJson,
  type EvalFile, type ExampleResult, type LengthRow, type LengthStats, type PrepCheck, type RunFile, type ScoreJson, type SetResult, type TrainFile,
} from "./files.js";
import { evalKey, modelConfig, modelDir, modelSpec, planIdentity, splitPair, trainKey, type ModelSpec, type Plan } from "./plan.js";

/** Thrown when Ctrl-C stopped the run (after a checkpoint). */
export class Interrupted extends Error {}

export interface RunnerOptions {
  plan: Plan;
  dataDir: string;
  /** the data directory as the run's JSON records it (portable.ts; default: dataDir) */
  dataName?: string;
  out: string;
  /** the command line, recorded in run.json */
  command: string;
  /** progress lines */
  log: (msg: string) => void;
  /** where the trainer's progress goes (stderr) */
  sink: ProgressSink;
  quiet: boolean;
  wasm?: "simd" | "relaxed";
  /** kept results (keep.ts): a model kept there under the same settings is not trained again */
  kept?: string;
  /** threads for the large matrix products (results are identical for any number) */
  threads?: number;
  /** polled between steps and stages: true = checkpoint and stop */
  interrupted: () => boolean;
}

/** One training of the plan: a model with one seed, in its own directory. */
interface ModelRun {
  /** directory name (modelDir) */
  dir: string;
  /** the plan with this run's seed */
  plan: Plan;
}

interface EvalSet {
  name: string;
  description: string;
  pairs: SentencePair[];
  sources: SourceText[];
  ids: PairIds[];
}

interface PairData {
  pair: string;
  src: string;
  tgt: string;
  prep: PreparedData;
  /** the training text (after --limit): models with maxWords train on its pairs of at most that many words */
  trainText: SentencePair[];
  /** words (Moses tokens) of the longer side of each training pair, computed when a model needs it */
  trainWords?: number[];
  sets: EvalSet[];
  examples: { id: string; set: string; index: number }[];
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function scoreJson(b: BleuScore): ScoreJson {
  return { score: round(b.score), bp: round(b.bp), ratio: round(b.ratio), sys_len: b.sys_len, ref_len: b.ref_len, precisions: b.precisions.map((p) => round(p)) };
}

/** Lowercased text and case-insensitive BLEU (Multi30k), or cased (wmt-deen). */
export function lowercased(plan: Plan): boolean {
  return plan.data.lowercase ?? true;
}

export class Runner {
  private engineVariant = "simd";
  private current: Engine | null = null;

  constructor(private readonly o: RunnerOptions) {}

  private async engine(): Promise<Engine> {
    // a fresh engine (memory) per model: models and optimizer state are never freed inside one
    this.current?.close();
    const e = await loadEngine({ variant: this.o.wasm, threads: this.o.threads ?? 1 });
    this.current = e;
    this.engineVariant = e.variant;
    return e;
  }

  private check(): void {
    if (this.o.interrupted()) throw new Interrupted("interrupted");
  }

  /** Runs the plan: prepare, train, evaluate every pair × model; returns the names done. */
  async run(): Promise<void> {
    const { plan, out, log } = this.o;
    await mkdir(out, { recursive: true });
    await this.engine();
    const runPath = paths.run(out);
    const existing = await readJson<RunFile>(runPath);
    const entry = { command: this.o.command, started: new Date().toISOString(), machine: machineInfo(this.engineVariant) };
    let run: RunFile;
    if (existing) {
      if (existing.format !== RUN_FORMAT) throw new S2SError(`${runPath}: not an experiments run file`);
      if (planIdentity(existing.plan) !== planIdentity(plan)) {
        throw new S2SError(`${out} holds a run with other settings (sizes, training, data or evaluation differ from this command's); use another --out, or delete ${runPath} and the models`);
      }
      const union = <T>(a: T[], b: T[]) => [...a, ...b.filter((x) => !a.includes(x))];
      const seeds = union(existing.plan.seeds ?? [existing.plan.train.seed], plan.seeds ?? [plan.train.seed]).sort((a, b) => a - b);
      run = {
        ...existing,
        plan: { ...plan, train: existing.plan.train, pairs: union(existing.plan.pairs, plan.pairs), models: union(existing.plan.models, plan.models), ...(seeds.length > 1 ? { seeds } : {}) },
        commands: [...existing.commands, entry],
      };
    } else {
      run = { format: RUN_FORMAT, version: FORMAT_VERSION, plan, commands: [entry] };
    }
    await writeJson(runPath, run);
    for (const pair of plan.pairs) {
      this.check();
      const pd = await this.preparePair(pair);
      for (const name of plan.models) {
        for (const seed of plan.seeds ?? [plan.train.seed]) {
          this.check();
          const spec = modelSpec(name);
          const run: ModelRun = { dir: modelDir(name, seed, plan), plan: seed === plan.train.seed ? plan : { ...plan, train: { ...plan.train, seed } } };
          const tag = `[${pair} ${run.dir}]`;
          const key = evalKey(run.plan, pair, spec);
          const ev = await readJson<EvalFile>(paths.eval(out, pair, run.dir));
          if (ev && ev.key === key) {
            log(`${tag} done already (${paths.eval(out, pair, run.dir)}); skipped`);
            continue;
          }
          if (this.o.kept && (await isKept(this.o.kept, pair, run.dir, key))) {
            log(`${tag} evaluated and kept already (${paths.eval(this.o.kept, pair, run.dir)}); skipped`);
            continue;
          }
          await this.trainModel(pd, spec, run);
          this.check();
          await this.evalModel(pd, spec, run);
        }
      }
    }
    this.current?.close();
    this.current = null;
  }

  // ---------------------------------------------------------------- data

  private async preparePair(pair: string): Promise<PairData> {
    const { plan, out, dataDir, log } = this.o;
    const d = plan.data;
    const [src, tgt] = splitPair(pair);
    const tag = `[${pair}]`;
    const load = (split: string, limit: number): SentencePair[] => {
      let p: SentencePair[];
      try {
        if (plan.corpus === "wmt-deen") {
          // pairs with an empty side are left out (counted, one line), the others keep their order
          const a = loadWmtDeen(dataDir, split, src, tgt);
          const note = describeSkipped(`${tag} ${split}`, a);
          if (note) log(note);
          p = a.pairs;
        } else p = loadMulti30k(dataDir, split, src, tgt);
      } catch (e) {
        throw new S2SError((e as Error).message);
      }
      return limit > 0 ? p.slice(0, limit) : p;
    };
    const train = load("train", d.trainLimit);
    const valid = load(d.validSplit, d.validLimit);
    const test = load(d.testSplit, d.testLimit);
    const dir = paths.prep(out, pair);
    const lowercase = lowercased(plan);
    const settings = {
      tokenizer: "moses", lowercase, bpe: "joint", bpe_merges: d.bpeMerges, bpe_min_freq: 2, bpe_vocab_threshold: 0,
      vocab_min_freq: 1, vocab_max_size: null, max_len: d.maxLen, limit: d.trainLimit || null,
    };
    let prep: PreparedData;
    const manifestPath = join(dir, PREPARED.manifest);
    const old = await readJson<{ settings?: unknown }>(manifestPath);
    if (old) {
      if (JSON.stringify(old.settings) !== JSON.stringify(settings)) throw new S2SError(`${manifestPath}: prepared with other settings than this run's`);
      prep = await readPrepared(dir);
      log(`${tag} prepared data: ${dir}`);
    } else {
      const t0 = Date.now();
      log(`${tag} preparing: ${train.length} training pairs, joint BPE ${d.bpeMerges} merges`);
      const learned = learnPipeline(train, {
        type: "moses", srcLang: src, tgtLang: tgt, lowercase, bpe: "joint", merges: d.bpeMerges, bpeMinFreq: 2,
        bpeVocabThreshold: 0, vocabMinFreq: 1, log: (m) => log(`${tag} ${m}`),
      });
      const tr = encodePairs(learned.pipeline, train, d.maxLen);
      const va = encodePairs(learned.pipeline, valid, 0);
      const manifest = {
        format: PREPARED_FORMAT, version: 1, src_lang: src, tgt_lang: tgt,
        from: { train: `${this.o.dataName ?? dataDir} train`, valid: `${this.o.dataName ?? dataDir} ${d.validSplit}` },
        settings,
        stats: { ...learned.stats, train_pairs_kept: tr.ids.length, train_pairs_dropped: tr.dropped, valid_pairs: va.ids.length },
      };
      prep = { pipeline: learned.pipeline, tokenizerJson: learned.tokenizerJson, train: tr.ids, valid: va.ids, validText: valid, manifest };
      await writePrepared(dir, prep);
      log(`${tag} prepared in ${formatDuration((Date.now() - t0) / 1000)}: vocabularies ${learned.stats.src_vocab}/${learned.stats.tgt_vocab}, ${tr.ids.length} training pairs (${tr.dropped} ${d.maxLen > 0 ? `longer than ${d.maxLen} pieces ` : "empty after tokenization "}left out)`);
    }
    const pipeline = prep.pipeline;
    // the tokenization must be the dataset's own (tok/SPLIT.lc.norm.tok.LANG)
    const checkPath = paths.check(out, pair);
    if (plan.corpus === undefined && !existsSync(checkPath)) {
      const check: PrepCheck = { splits: [] };
      for (const [split, limit] of [["train", d.trainLimit], [d.validSplit, d.validLimit], [d.testSplit, d.testLimit]] as const) {
        let raw: SentencePair[], tok: SentencePair[];
        try {
          raw = loadMulti30k(this.o.dataDir, split, src, tgt);
          tok = loadMulti30k(this.o.dataDir, split, src, tgt, { tokenized: true });
        } catch {
          continue; // no tok/ files: nothing to compare with
        }
        const n = limit > 0 ? Math.min(limit, raw.length) : raw.length;
        for (const side of ["src", "tgt"] as const) {
          let same = 0;
          for (let i = 0; i < n; i++) if (pipeline.words(raw[i][side], side).join(" ") === tok[i][side].trim().split(/ +/).filter((w) => w).join(" ")) same++;
          check.splits.push({ split, lang: side === "src" ? src : tgt, lines: n, identical: same });
        }
      }
      await writeJson(checkPath, check);
      log(`${tag} tokenization vs the dataset's tok/ files: ${check.splits.map((s) => `${s.split}.${s.lang} ${s.identical}/${s.lines}`).join(", ")}`);
    }
    await ensureLengthStats(out, pair, train, src, plan.eval.lengthEdges);
    // evaluation sets: val, test and the test set with n consecutive pairs joined
    const sets: EvalSet[] = [];
    const mk = (name: string, description: string, pairs: SentencePair[]) => {
      sets.push({ name, description, pairs, sources: encodeSources(pipeline, pairs.map((p) => p.src)), ids: pairIds(pipeline, pairs) });
    };
    if (plan.eval.valid ?? true) mk("val", `${d.validSplit}${d.validLimit ? ` (first ${valid.length})` : ""}`, valid);
    for (const n of plan.eval.joins) {
      if (n === 1) mk("test", `${d.testSplit}${d.testLimit ? ` (first ${test.length})` : ""}`, test);
      else mk(`test_join${n}`, `${d.testSplit}${d.testLimit ? ` (first ${test.length})` : ""} with each ${n} consecutive pairs joined into one${plan.corpus ? " (made-up long inputs)" : ""}`, joinConsecutive(test, n));
    }
    const examples = plan.eval.exampleWords ? pickRealExamples(sets, plan.eval.exampleWords) : pickExamples(sets);
    return { pair, src, tgt, prep, trainText: train, sets, examples };
  }

  // ---------------------------------------------------------------- training

  private async trainModel(pd: PairData, spec: ModelSpec, run: ModelRun): Promise<void> {
    const { out, log } = this.o;
    const plan = run.plan;
    const pair = pd.pair;
    const tag = `[${pair} ${run.dir}]`;
    const dir = paths.modelDir(out, pair, run.dir);
    await mkdir(dir, { recursive: true });
    const trainPath = paths.train(out, pair, run.dir);
    const key = trainKey(plan, pair, spec);
    let tf = await readJson<TrainFile>(trainPath);
    if (tf && tf.key !== key) throw new S2SError(`${trainPath}: trained with other settings than this run's; use another --out`);
    const budgetSec = plan.train.budgetMinutes * 60;
    if (tf && (tf.status === "done" || (tf.status === "budget" && tf.wallSeconds >= budgetSec - 1))) {
      log(`${tag} trained already (${tf.status === "done" ? `${tf.history.length} epochs` : "stopped by the time budget"}, ${formatDuration(tf.wallSeconds)})`);
      return;
    }
    const engine = await this.engine();
    const pipeline = pd.prep.pipeline;
    const config = modelConfig(spec, plan.sizes, pipeline.srcVocab.size, pipeline.tgtVocab.size);
    const model = Model.create(engine, config, {
      src_vocab: JSON.stringify(pipeline.srcVocab),
      tgt_vocab: JSON.stringify(pipeline.tgtVocab),
      tokenizer: pd.prep.tokenizerJson,
      experiment: JSON.stringify({ pair, model: spec.name, reverse_source: spec.reverseSource }),
    });
    const trainIds = this.trainIds(pd, spec);
    recordTrainLength(model.metadata, longestSource(trainIds));
    initialize(model, { kind: "uniform", range: plan.train.initRange }, plan.train.seed);
    const t = plan.train;
    const cfg: TrainConfig = {
      ...DEFAULT_TRAIN, optimizer: "adam", lr: t.lr, epochs: t.epochs, batchSentences: t.batchSentences, shuffle: true,
      dropout: t.dropout, labelSmoothing: t.labelSmoothing, clip: t.clip, seed: t.seed, schedule: t.schedule, decay: t.decay,
      patience: 0, checkpointEvery: t.checkpointEvery,
    };
    const train = modelPairs(trainIds, spec.reverseSource);
    const valid = modelPairs(pd.prep.valid ?? [], spec.reverseSource);
    const trainer = new Trainer(model, train, valid.length > 0 ? valid : null, cfg);
    const ckpt = paths.ckpt(out, pair, run.dir);
    const epochTgtTokens = train.reduce((s, p) => s + p.tgt.length, 0);
    if (tf && tf.status !== "done" && existsSync(ckpt)) {
      trainer.restore(new Uint8Array(await readFile(ckpt)), ckpt);
      log(`${tag} resuming from ${ckpt} at epoch ${trainer.state.epoch}, step ${trainer.state.step} (${formatDuration(tf.wallSeconds)} spent of the ${formatDuration(budgetSec)} budget)`);
    } else {
      tf = null;
      log(`${tag} training: ${model.paramCount.toLocaleString("en")} parameters; ${spec.description}`);
    }
    const stepsPerEpoch = Math.ceil(train.length / t.batchSentences);
    const file: TrainFile = tf ?? {
      format: "s2s-experiment-train", version: FORMAT_VERSION, pair, model: spec, key, config, params: model.paramCount,
      status: "training", wallSeconds: 0, trainSeconds: 0, epochTgtTokens, stepsPerEpoch, history: [], bestEpoch: null, bestValidLoss: null,
      stoppedAt: null, skippedSteps: 0, sessions: [],
      ...(spec.maxWords !== undefined ? { trainPairs: train.length } : {}),
    };
    file.status = "training";
    file.stoppedAt = null;
    const spentBefore = file.wallSeconds;
    const session = { started: new Date().toISOString(), ended: null as string | null, seconds: 0, loadStart: load1(), loadEnd: null as number | null, machine: machineInfo(engine.variant) };
    file.sessions.push(session);
    const t0 = Date.now();
    const deadline = t0 + Math.max(0, budgetSec - spentBefore) * 1000;
    let budgetHit = false;
    // training time = time in steps: each finished epoch's own time, plus the steps between the last checkpoint and an interrupt
    // (an epoch's own time also covers the step checkpoints inside it: what they added is taken back)
    // (a resumed epoch's record includes what earlier sessions spent in it, which trainSeconds counts already)
    let lastMark = t0, seenEpochs = trainer.state.history.length, epochAccum = tf ? trainer.state.epochSeconds ?? 0 : 0;
    const sync = async () => {
      const st = trainer.state;
      const now = Date.now();
      if (st.history.length > seenEpochs) {
        for (const h of st.history.slice(seenEpochs)) file.trainSeconds += h.seconds;
        file.trainSeconds -= epochAccum;
        epochAccum = 0;
        seenEpochs = st.history.length;
      } else {
        file.trainSeconds += (now - lastMark) / 1000;
        epochAccum += (now - lastMark) / 1000;
      }
      file.trainSeconds = round(file.trainSeconds, 1);
      lastMark = now;
      session.seconds = round((now - t0) / 1000, 1);
      file.wallSeconds = round(spentBefore + session.seconds, 1);
      file.history = st.history;
      file.position = { epoch: st.epoch, batch: st.batch, step: st.step };
      file.skippedSteps = st.skippedSteps;
      file.bestValidLoss = st.bestValid;
      const best = st.history.filter((h) => h.validLoss !== null && h.validLoss === st.bestValid).pop();
      file.bestEpoch = best ? best.epoch : null;
      await writeJson(trainPath, file);
    };
    const prefix = this.prefixed(tag);
    const progress = new Progress(prefix, 30000, this.o.quiet);
    const validText = (pd.prep.validText ?? []).slice(0, t.validBleuLimit > 0 ? t.validBleuLimit : undefined);
    const validSources = encodeSources(pipeline, validText.map((p) => p.src));
    const r = await trainer.run({
      progress,
      interrupted: () => {
        if (this.o.interrupted()) return true;
        if (Date.now() >= deadline) budgetHit = true;
        return budgetHit;
      },
      validate: validText.length > 0 ? (m) => {
        const hyps = translateSources(m, pipeline, validSources, { beam: 1, alpha: plan.eval.alpha, reverse: spec.reverseSource });
        return { BLEU: round(corpusBleu(hyps.map((h) => h.text), [validText.map((p) => p.tgt)], { lowercase: lowercased(plan) }).score) };
      } : undefined,
      saveBest: (m) => writeFileAtomic(paths.best(out, pair, run.dir), m.toBytes()),
      saveCheckpoint: async (bytes) => {
        await writeFileAtomic(ckpt, bytes);
        await sync();
      },
    });
    session.loadEnd = load1();
    session.ended = new Date().toISOString();
    if (r.interrupted && !budgetHit) {
      await writeJson(trainPath, file);
      throw new Interrupted(`${tag} interrupted at step ${r.state.step}: checkpoint ${ckpt}; run the same command again to continue`);
    }
    if (r.interrupted) {
      // the budget stopped training inside an epoch: keep these weights if they are better
      const st = trainer.state;
      const vl = valid.length > 0 ? validationLoss(model, valid) : null;
      if (vl !== null && (st.bestValid === null || vl < st.bestValid)) {
        await writeFileAtomic(paths.best(out, pair, run.dir), model.toBytes());
        log(`${tag} the partial epoch's model is the best (validation loss ${vl.toFixed(4)}); kept`);
        file.bestEpoch = st.epoch; // > history.length: the partial epoch
        file.bestValidLoss = round(vl, 6);
      }
      file.status = "budget";
      file.stoppedAt = { epoch: st.epoch, batch: st.batch, step: st.step };
      file.position = { ...file.stoppedAt };
      await writeJson(trainPath, file);
      log(`${tag} time budget of ${formatDuration(budgetSec)} reached at epoch ${st.epoch}, step ${st.step}; training stopped`);
      return;
    }
    file.status = "done";
    await writeJson(trainPath, file);
    const last = file.history[file.history.length - 1];
    log(`${tag} trained: ${file.history.length} epochs in ${formatDuration(file.wallSeconds)}; best epoch ${file.bestEpoch} (validation loss ${file.bestValidLoss?.toFixed(4)}${last?.metrics.BLEU !== undefined ? `, last BLEU ${last.metrics.BLEU.toFixed(2)}` : ""})`);
  }

  /** The training pairs of one model: all of the prepared ones, or (maxWords) those of at most that many words on both sides. */
  private trainIds(pd: PairData, spec: ModelSpec): PairIds[] {
    if (spec.maxWords === undefined) return pd.prep.train;
    pd.trainWords ??= pd.trainText.map((p) => Math.max(sourceLength(p.src, pd.src), sourceLength(p.tgt, pd.tgt)));
    const words = pd.trainWords;
    const kept = pd.trainText.filter((_, i) => words[i] <= spec.maxWords!);
    const enc = encodePairs(pd.prep.pipeline, kept, this.o.plan.data.maxLen);
    this.o.log(`[${pd.pair} ${spec.name}] ${enc.ids.length} of ${pd.trainText.length} training pairs have at most ${spec.maxWords} words on both sides`);
    return enc.ids;
  }

  /** Stderr sink that prefixes every line with the model's tag. */
  private prefixed(tag: string): ProgressSink {
    const sink = this.o.sink;
    return {
      isTTY: sink.isTTY,
      write: (text: string) => sink.write(text.replace(/(^|\r|\n)(?=[^\r\n\x1b])/g, `$1${tag} `)),
    };
  }

  // ---------------------------------------------------------------- evaluation

  private async evalModel(pd: PairData, spec: ModelSpec, run: ModelRun): Promise<void> {
    const { out, log } = this.o;
    const plan = run.plan;
    const pair = pd.pair, tag = `[${pair} ${run.dir}]`;
    const t0 = Date.now();
    const engine = await this.engine();
    const bestPath = paths.best(out, pair, run.dir);
    if (!existsSync(bestPath)) throw new S2SError(`${bestPath}: no trained model to evaluate`);
    const model = Model.fromBytes(engine, new Uint8Array(await readFile(bestPath)), bestPath);
    const pipeline = pd.prep.pipeline;
    const rev = spec.reverseSource;
    const hypDir = paths.hyps(out, pair, run.dir);
    await mkdir(hypDir, { recursive: true });
    const bopts = { lowercase: lowercased(plan) };
    const results: SetResult[] = [];
    const hypsBy = new Map<string, Map<number, string[]>>();
    const logprobsBy = new Map<string, number[][]>();
    for (const set of pd.sets) {
      this.check();
      const lp = referenceLogprobs(model, set.ids, rev);
      logprobsBy.set(set.name, lp);
      const pp = perplexity(lp);
      const refs = [set.pairs.map((p) => p.tgt)];
      const words = set.sources.map((s) => s.words);
      const res: SetResult = {
        set: set.name, description: set.description, sentences: set.pairs.length,
        srcWordsMean: round(words.reduce((a, b) => a + b, 0) / Math.max(1, words.length), 2), srcWordsMax: Math.max(0, ...words),
        ppl: round(pp.ppl), nll: round(pp.nll), refTokens: pp.tokens, decode: {},
      };
      const m = new Map<number, string[]>();
      for (const beam of plan.eval.beams) {
        const t1 = Date.now();
        const tr = translateSources(model, pipeline, set.sources, {
          beam, alpha: plan.eval.alpha, reverse: rev,
          onProgress: (n) => { if (!this.o.quiet && set.sources.length > 200) this.o.sink.write(`${tag} ${set.name} beam ${beam}: ${n}/${set.sources.length}\n`); },
        });
        const hyps = tr.map((x) => x.text);
        m.set(beam, hyps);
        await writeFile(join(hypDir, `${set.name}.beam${beam}.txt`), hyps.map((h) => h + "\n").join(""));
        const bleu = corpusBleu(hyps, refs, bopts);
        const chrf = corpusChrf(hyps, refs, bopts);
        const seconds = round((Date.now() - t1) / 1000, 1);
        res.decode[String(beam)] = {
          bleu: scoreJson(bleu), chrf: round(chrf.score),
          bleuLine: `BLEU = ${bleu.score.toFixed(2)} ${bleu.precisions.map((p) => p.toFixed(1)).join("/")} (BP = ${bleu.bp.toFixed(3)} ratio = ${bleu.ratio.toFixed(3)} hyp_len = ${bleu.sys_len} ref_len = ${bleu.ref_len})`,
          chrfLine: `chrF2 = ${chrf.score.toFixed(2)}`, seconds,
        };
        log(`${tag} ${set.name} (${set.pairs.length} sentences) beam ${beam}: BLEU ${bleu.score.toFixed(2)} chrF ${chrf.score.toFixed(2)} (${formatDuration(seconds)})`);
      }
      log(`${tag} ${set.name}: perplexity ${pp.ppl.toFixed(2)}`);
      hypsBy.set(set.name, m);
      results.push(res);
    }
    // BLEU by source length over the test set and its joined versions together
    const lenSets = pd.sets.filter((s) => s.name === "test" || s.name.startsWith("test_join"));
    const byLength: EvalFile["byLength"] = {};
    const edges = plan.eval.lengthEdges;
    const lengthSet = (s: EvalSet, beam: number) => ({
      name: s.name, sources: s.pairs.map((p) => p.src), hypotheses: hypsBy.get(s.name)!.get(beam)!, references: s.pairs.map((p) => p.tgt),
    });
    for (const beam of plan.eval.beams) byLength[String(beam)] = lengthTable(lenSets.map((s) => lengthSet(s, beam)), pd.src, bopts, edges);
    // each test set alone (real sentences apart from made-up joined ones), and perplexity by length
    let perSet: Pick<EvalFile, "byLengthPerSet" | "pplByLength"> = {};
    if (plan.eval.perSetLengths) {
      const byLengthPerSet: NonNullable<EvalFile["byLengthPerSet"]> = {};
      const pplByLength: NonNullable<EvalFile["pplByLength"]> = {};
      for (const s of lenSets) {
        byLengthPerSet[s.name] = {};
        for (const beam of plan.eval.beams) byLengthPerSet[s.name][String(beam)] = lengthTable([lengthSet(s, beam)], pd.src, bopts, edges);
        pplByLength[s.name] = perplexityByLength(s.pairs.map((p) => p.src), logprobsBy.get(s.name)!, pd.src, edges);
      }
      perSet = { byLengthPerSet, pplByLength };
    }
    // examples: the best beam's output with its attention, and the references' log-probabilities
    const beam = Math.max(...plan.eval.beams);
    const examples: ExampleResult[] = [];
    for (const ex of pd.examples) {
      const set = pd.sets.find((s) => s.name === ex.set)!;
      const src = set.sources[ex.index], pairText = set.pairs[ex.index];
      const [tr] = translateSources(model, pipeline, [src], { beam, alpha: plan.eval.alpha, reverse: rev, attention: true });
      const [lp] = referenceLogprobs(model, [set.ids[ex.index]], rev);
      const refPieces = [...pipeline.encodeTarget(pairText.tgt).pieces, "</s>"];
      examples.push({
        id: ex.id, set: ex.set, index: ex.index, source: pairText.src, reference: pairText.tgt, srcWords: src.words, beam,
        hypothesis: tr.text, sentenceBleu: round(sentenceBleu(tr.text, [pairText.tgt], bopts).score, 2),
        srcPieces: src.pieces, steps: tr.steps, attention: tr.attention, refPieces, refLogprobs: lp.map((x) => round(x)),
      });
    }
    const file: EvalFile = {
      format: "s2s-experiment-eval", version: FORMAT_VERSION, pair, model: run.dir, key: evalKey(plan, pair, spec),
      bleuSignature: bleuSignature(1, bopts), chrfSignature: chrfSignature(1, bopts),
      sets: results, byLength, ...perSet, examples, seconds: round((Date.now() - t0) / 1000, 1), machine: machineInfo(engine.variant),
    };
    await writeJson(paths.eval(out, pair, run.dir), file);
    log(`${tag} evaluated in ${formatDuration(file.seconds)}: ${paths.eval(out, pair, run.dir)}`);
  }
}

/** Writes prep/lengths.json (source lengths of the training pairs, counted as the length buckets count them) if it is missing. */
export async function ensureLengthStats(out: string, pair: string, train: readonly SentencePair[], lang: string, edges: readonly number[]): Promise<void> {
  const path = paths.lengths(out, pair);
  if (existsSync(path)) return;
  const w = train.map((p) => sourceLength(p.src, lang)).sort((a, b) => a - b);
  const q = (f: number) => w[Math.min(w.length - 1, Math.floor(f * w.length))] ?? 0;
  const over: Record<string, number> = {};
  for (const e of edges) over[String(e)] = round(w.filter((x) => x > e).length / Math.max(1, w.length), 6);
  const stats: LengthStats = {
    split: "train", lang, sentences: w.length, mean: round(w.reduce((a, b) => a + b, 0) / Math.max(1, w.length), 2),
    p50: q(0.5), p90: q(0.9), p99: q(0.99), max: w[w.length - 1] ?? 0, over,
  };
  await writeJson(path, stats);
}

/**
 * The test set and its joined versions of a pair, as the runner evaluates
 * them (sources and references, raw text): what the bootstrap of the kept
 * translations scores them against.
 */
export function testRefSets(dataDir: string, plan: Plan, pair: string): RefSet[] {
  const [src, tgt] = splitPair(pair);
  let test: SentencePair[];
  try {
    test = plan.corpus === "wmt-deen" ? loadWmtDeen(dataDir, plan.data.testSplit, src, tgt).pairs : loadMulti30k(dataDir, plan.data.testSplit, src, tgt);
  } catch (e) {
    throw new S2SError((e as Error).message);
  }
  if (plan.data.testLimit > 0) test = test.slice(0, plan.data.testLimit);
  return plan.eval.joins.map((n) => {
    const pairs = n === 1 ? test : joinConsecutive(test, n);
    return { name: n === 1 ? "test" : `test_join${n}`, sources: pairs.map((p) => p.src), references: pairs.map((p) => p.tgt) };
  });
}

/** For --report-only: the length statistics of runs made before they existed (needs the data). */
export async function ensureLengthStatsFor(out: string, pair: string, dataDir: string, trainLimit: number, edges: readonly number[], corpus?: Plan["corpus"]): Promise<void> {
  if (existsSync(paths.lengths(out, pair)) || !existsSync(join(paths.prep(out, pair), PREPARED.manifest))) return;
  const [src, tgt] = splitPair(pair);
  let train = corpus === "wmt-deen" ? loadWmtDeen(dataDir, "train", src, tgt).pairs : loadMulti30k(dataDir, "train", src, tgt);
  if (trainLimit > 0) train = train.slice(0, trainLimit);
  await ensureLengthStats(out, pair, train, src, edges);
}

/**
 * Example sentences for heatmaps, the same for every model: a test sentence
 * of median source length, the longest test sentence of at most 30 words,
 * and a joined example (the most joined set) of about 50 words.
 */
export function pickExamples(sets: readonly { name: string; sources: SourceText[] }[]): { id: string; set: string; index: number }[] {
  const out: { id: string; set: string; index: number }[] = [];
  const closest = (s: { sources: SourceText[] }, target: number, max = Infinity): number => {
    let best = -1, bd = Infinity;
    s.sources.forEach((x, i) => {
      if (x.words > max) return;
      const dd = Math.abs(x.words - target);
      if (dd < bd) { bd = dd; best = i; }
    });
    return best;
  };
  const test = sets.find((s) => s.name === "test");
  if (test && test.sources.length > 0) {
    const sorted = test.sources.map((s) => s.words).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const a = closest(test, median);
    out.push({ id: "single-median", set: "test", index: a });
    const longest = Math.max(...test.sources.filter((s) => s.words <= 30).map((s) => s.words));
    const b = test.sources.findIndex((s) => s.words === longest);
    if (b >= 0 && b !== a) out.push({ id: "single-long", set: "test", index: b });
  }
  const joined = sets.filter((s) => s.name.startsWith("test_join") && s.sources.length > 0).pop();
  if (joined) {
    const c = closest(joined, 50);
    if (c >= 0) out.push({ id: "joined-long", set: joined.name, index: c });
  }
  return out;
}

/**
 * Example sentences for heatmaps of real long sentences, the same for every
 * model: for each N of `words`, the test sentence whose source length is the
 * closest to N (the first of equals), and for the last N the closest among
 * those of at least N words when there is one (its id says "plus"). Each
 * sentence is used once.
 */
export function pickRealExamples(sets: readonly { name: string; sources: SourceText[] }[], words: readonly number[]): { id: string; set: string; index: number }[] {
  const test = sets.find((s) => s.name === "test");
  if (!test || test.sources.length === 0) return [];
  const out: { id: string; set: string; index: number }[] = [];
  const used = new Set<number>();
  words.forEach((n, k) => {
    const last = k === words.length - 1;
    const atLeast = last && test.sources.some((x, i) => x.words >= n && !used.has(i));
    let best = -1, bd = Infinity;
    test.sources.forEach((x, i) => {
      if (used.has(i) || (atLeast && x.words < n)) return;
      const dd = Math.abs(x.words - n);
      if (dd < bd) { bd = dd; best = i; }
    });
    if (best < 0) return;
    used.add(best);
    out.push({ id: `real-${n}${atLeast ? "plus" : ""}`, set: "test", index: best });
  });
  return out;
}
