#!/usr/bin/env node
// npm run experiments [-- --quick] [--corpus wmt-deen] [--data-dir DIR] [--out DIR] [--only NAME,...] [--pairs de-en,en-fr]
//
// Trains and evaluates the models of the comparison (plan.ts) on Multi30k
// (or, --corpus wmt-deen, Bahdanau et al.'s length experiment), writes JSON under --out, and generates the report (results.md + figures)
// from that JSON: into OUT/report/, and into docs/ with --write-docs.
// Resumable: run the same command again after a stop.

import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { helpText, parseArgs, UsageError, type CommandSpec, type Values } from "../cli/args.js";
import { S2SError } from "../errors.js";
import { formatDuration } from "../train/progress.js";
import { MAX_THREADS } from "../engine/engine.js";
import { EXPERIMENT_CORPORA, MODEL_NAMES, PAIRS, WMT_MODEL_NAMES } from "./plan.js";
import { corpusOf, planFromValues } from "./cli-plan.js";
import { portableCommand, portablePath } from "./portable.js";
import { keepRun } from "./keep.js";
import { reportFromDir } from "./report.js";
import { updateSignificance } from "./significance.js";
import { ensureLengthStatsFor, Interrupted, Runner, testRefSets } from "./runner.js";
import { paths, readJson, type RunFile } from "./files.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const experimentsSpec: CommandSpec = {
  name: "experiments",
  summary: "Train and evaluate the attention / no-attention comparison on Multi30k (or the length experiment on wmt-deen); write JSON and the report.",
  usage: "npm run experiments -- [--quick] [--corpus multi30k|wmt-deen] [--data-dir DIR] [--out DIR] [--only NAME,...] [--pairs de-en,en-fr] [--threads N] [--write-docs]",
  description:
    "For each language pair: prepare the data (Moses tokenization, lowercased, joint BPE), train every model with the\n" +
    "same data, sizes and budget, evaluate it on the validation and test sets (BLEU and chrF, greedy and beam 5,\n" +
    "perplexity, BLEU by source length on the test set and its joined versions, attention on examples) and write JSON\n" +
    "under --out. Then generate results.md and SVG figures from the JSON into OUT/report/. With --write-docs, keep every\n" +
    "evaluated model's JSON and test-set translations in --keep-dir (committed; models kept there are not trained again),\n" +
    "compute the paired bootstrap against the no-attention baseline, and write docs/results.md (wmt-deen: DOCS/results-wmt.md)\n" +
    "and its figures from what is kept.\n" +
    "Finished models are skipped; an interrupted training continues from its checkpoint (run the same command again).\n" +
    `Models: ${MODEL_NAMES.join(", ")}. Pairs: ${PAIRS.join(", ")}.\n` +
    "--corpus wmt-deen (--data-dir: the wmt-deen directory) runs Bahdanau et al. 2014's length experiment instead:\n" +
    `${WMT_MODEL_NAMES.join(", ")} (GRU cells; -30/-50: trained on pairs of at most 30/50 words), cased text and\n` +
    "cased BLEU, dev newstest2013 (validation loss; greedy BLEU on its first 500 sentences), test newstest2014 de→en\n" +
    "and the same with each 2 consecutive pairs joined (made-up long inputs), BLEU and perplexity by source length in\n" +
    "buckets of 10 words up to 61+, heatmaps of test sentences of about 30, 45 and 60+ words.",
  options: [
    { name: "quick", type: "boolean", help: "about a minute: 4,000 training pairs, tiny models, 2 epochs, 2 models (rnnsearch, rnnenc), de-en, 100 test sentences (wmt-deen: a few minutes, 3,000 pairs, rnnsearch-50 and rnnencdec-30, 150 test sentences)" },
    { name: "corpus", type: "string", choices: [...EXPERIMENT_CORPORA], default: "multi30k", help: "multi30k: the attention comparison; wmt-deen: Bahdanau et al.'s length experiment" },
    { name: "data-dir", type: "string", arg: "DIR", help: "the corpus directory (Multi30k: raw/ and tok/; wmt-deen: SPLIT.de.gz/SPLIT.en.gz) [default: $S2S_DATA]" },
    { name: "out", type: "string", arg: "DIR", help: "output directory [default: runs/experiments, runs/experiments-quick with --quick; wmt-deen: runs/experiments-wmt(-quick)]" },
    { name: "only", type: "string", arg: "NAME,...", help: `train and evaluate only these models (${MODEL_NAMES.join(", ")}; wmt-deen: ${WMT_MODEL_NAMES.join(", ")})` },
    { name: "pairs", type: "string", arg: "P,...", help: "language pairs, SRC-TGT [default: de-en,en-fr; de-en with --quick or wmt-deen]" },
    { name: "budget-minutes", type: "number", min: 0.05, help: "wall-clock limit of each model's training in minutes [default: 90; wmt-deen: 180]" },
    { name: "epochs", type: "int", min: 1, help: "epochs per model (changes the plan: use a new --out)" },
    { name: "emb-dim", type: "int", min: 1, help: "embedding size (changes the plan)" },
    { name: "hidden", type: "int", min: 2, help: "decoder hidden size = encoder memory size (changes the plan)" },
    { name: "batch-sentences", type: "int", min: 1, help: "sentences per batch (changes the plan)" },
    { name: "seeds", type: "string", arg: "N,...", help: "train every model with each of these seeds (seed 1 into MODEL/, seed N into MODEL-seedN/) [default: 1]" },
    { name: "write-docs", type: "boolean", help: "keep the evaluated models' JSON and test-set translations in --keep-dir, and write docs/results.md, docs/results.json and docs/figures/ (wmt-deen: DOCS/results-wmt.md, .json, figures/wmt-*) from what is kept there; models kept there already are not trained again" },
    { name: "keep-dir", type: "string", arg: "DIR", help: "where --write-docs keeps the results (relative to the repository) [default: DOCS/results/CORPUS]" },
    { name: "docs-dir", type: "string", arg: "DIR", default: "docs", help: "where --write-docs writes (relative to the repository)" },
    { name: "report-only", type: "boolean", help: "no training: regenerate the report from the JSON in --out (with --write-docs, or when --out holds no run: from the kept results)" },
    { name: "quiet", type: "boolean", help: "no progress output" },
    { name: "wasm", type: "string", choices: ["auto", "simd", "relaxed"], default: "auto", help: "kernel build" },
    { name: "threads", type: "int", min: 1, max: MAX_THREADS, default: 1, help: "threads for large matrix products (results identical to 1 thread; not part of the plan)" },
  ],
};

function dataDir(v: Values): string {
  const d = (v["data-dir"] as string | undefined) ?? process.env.S2S_DATA;
  if (corpusOf(v) === "wmt-deen") {
    if (!d) throw new UsageError("experiments: no data: give --data-dir DIR (the wmt-deen directory with train, newstest2013 and newstest2014 .de.gz/.en.gz) or set S2S_DATA");
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new S2SError(`experiments: wmt-deen directory not found: ${d}`);
    return d;
  }
  if (!d) throw new UsageError("experiments: no data: give --data-dir DIR (the Multi30k directory with raw/) or set S2S_DATA");
  if (!existsSync(d) || !statSync(d).isDirectory()) throw new S2SError(`experiments: Multi30k directory not found: ${d} (get it with: s2s data multi30k --out ${d}; then pass it as --data-dir or in S2S_DATA)`);
  return d;
}

export async function runExperimentsCli(argv: string[]): Promise<number> {
  const { values: v, help } = parseArgs(argv, experimentsSpec);
  if (help) {
    process.stdout.write(helpText(experimentsSpec) + "\n");
    return 0;
  }
  const quiet = Boolean(v.quiet);
  const log = (m: string) => {
    if (!quiet) process.stderr.write(`${m}\n`);
  };
  const wmt = corpusOf(v) === "wmt-deen";
  const out = resolve((v.out as string | undefined) ?? `runs/experiments${wmt ? "-wmt" : ""}${v.quick ? "-quick" : ""}`);
  const where = { root: ROOT, dataEnv: process.env.S2S_DATA };
  const rel = portablePath(out, where);
  const command = portableCommand(["npm run experiments --", ...argv].join(" ").replace(/ --$/, ""), where);
  const flags = `${wmt ? "--corpus wmt-deen " : ""}${v.quick ? "--quick " : ""}`;
  const regenerate = `Regenerate: \`npm run experiments -- ${flags}--out ${rel} --write-docs\` (with the ${wmt ? "wmt-deen" : "Multi30k"} directory in \`--data-dir\` or \`S2S_DATA\`; trains whatever is missing, then writes this report) or \`npm run experiments -- ${flags}--out ${rel} --report-only --write-docs\` (report only).`;
  const docs = resolve(ROOT, v["docs-dir"] as string);
  // the kept results (keep.ts): with --write-docs, the report's input; not for --quick runs
  if (v.quick && v["keep-dir"] !== undefined) throw new UsageError("experiments: --keep-dir is for full runs (a --quick run's report stays in --out)");
  const keepDefault = join(v["docs-dir"] as string, "results", corpusOf(v));
  const kept = v["write-docs"] && !v.quick ? resolve(ROOT, (v["keep-dir"] as string | undefined) ?? keepDefault) : null;
  const t0 = Date.now();
  let interrupted = false;
  let exit = 0;
  if (!v["report-only"]) {
    const plan = planFromValues(v);
    const onSig = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      log("interrupt: stopping after a checkpoint (press Ctrl-C again to quit at once)");
    };
    process.on("SIGINT", onSig);
    process.on("SIGTERM", onSig);
    const runner = new Runner({
      plan, dataDir: dataDir(v), dataName: portablePath(resolve(dataDir(v)), { ...where, isData: true }), out, command, log, sink: process.stderr, quiet,
      wasm: v.wasm === "simd" || v.wasm === "relaxed" ? v.wasm : undefined, threads: v.threads as number,
      kept: kept ?? undefined,
      interrupted: () => interrupted,
    });
    log(`experiments: ${plan.quick ? "quick run, " : ""}pairs ${plan.pairs.join(", ")}; models ${plan.models.join(", ")}; output ${rel}`);
    try {
      await runner.run();
    } catch (e) {
      if (!(e instanceof Interrupted)) throw e;
      log(e.message);
      exit = 130;
    } finally {
      process.off("SIGINT", onSig);
      process.off("SIGTERM", onSig);
    }
  }
  if (v["report-only"]) {
    // length statistics of the training data, for runs made before the runner wrote them
    const d = (v["data-dir"] as string | undefined) ?? process.env.S2S_DATA;
    const run = await readJson<RunFile>(paths.run(out));
    if (d && run) for (const pair of run.plan.pairs) await ensureLengthStatsFor(out, pair, d, run.plan.data.trainLimit, run.plan.eval.lengthEdges, run.plan.corpus);
  }
  const reportDir = join(out, "report");
  const data = (v["data-dir"] as string | undefined) ?? process.env.S2S_DATA;
  const refsFor = async (dir: string) => {
    const run = await readJson<RunFile>(paths.run(dir));
    return data && run && existsSync(data) ? (pair: string) => testRefSets(data, run.plan, pair) : null;
  };
  if (existsSync(paths.run(out))) await updateSignificance(out, await refsFor(out), log);
  let md = await reportFromDir(out, reportDir, regenerate, rel);
  if (kept) {
    if (existsSync(paths.run(out))) {
      const k = await keepRun(out, kept);
      if (k.kept.length) log(`kept in ${relative(process.cwd(), kept)}: ${k.kept.join(", ")}`);
      if (k.skipped.length) log(`not kept (not evaluated yet): ${k.skipped.join(", ")}`);
    }
    if (!existsSync(paths.run(kept))) throw new S2SError(`experiments: nothing to write: ${rel} holds no run and ${relative(process.cwd(), kept)} keeps none`);
    await updateSignificance(kept, await refsFor(kept), log);
    const keptRel = portablePath(kept, where);
    const keptRegenerate = `Regenerate: \`npm run experiments -- --write-docs\` (with the Multi30k directory in \`--data-dir\` or \`S2S_DATA\`; trains and evaluates what \`${keptRel}\` does not keep yet, keeps it there, then writes this report) or \`npm run experiments -- --report-only --write-docs\` (report only, from \`${keptRel}\`).`;
    const d = await reportFromDir(kept, docs, keptRegenerate, keptRel, false);
    log(`report: ${relative(process.cwd(), d!)} (and ${relative(process.cwd(), join(docs, "figures"))}/), from ${relative(process.cwd(), kept)}`);
    md ??= d;
  } else if (v["write-docs"]) {
    if (!md) throw new S2SError(`experiments: ${rel} holds no run (no run.json): nothing to report`);
    const d = await reportFromDir(out, docs, regenerate, rel);
    log(`report: ${relative(process.cwd(), d!)} (and ${relative(process.cwd(), join(docs, "figures"))}/)`);
  }
  if (!md && v["report-only"] && !v.quick) {
    // no run here (a fresh clone): the kept results are the run's JSON
    const fallback = resolve(ROOT, (v["keep-dir"] as string | undefined) ?? keepDefault);
    md = await reportFromDir(fallback, reportDir, regenerate, portablePath(fallback, where), false);
    if (md) log(`experiments: ${rel} holds no run; reporting from ${relative(process.cwd(), fallback)}`);
  }
  if (!md) throw new S2SError(`experiments: ${rel} holds no run (no run.json): nothing to report`);
  log(`report: ${relative(process.cwd(), md)}`);
  log(`experiments: ${exit === 130 ? "stopped" : "done"} in ${formatDuration((Date.now() - t0) / 1000)}`);
  return exit;
}

runExperimentsCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof S2SError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
      return;
    }
    process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);
