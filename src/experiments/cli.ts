#!/usr/bin/env node
// npm run experiments [-- --quick] [--data-dir DIR] [--out DIR] [--only NAME,...] [--pairs de-en,en-fr]
//
// Trains and evaluates the models of the comparison (plan.ts) on Multi30k,
// writes JSON under --out, and generates the report (results.md + figures)
// from that JSON: into OUT/report/, and into docs/ with --write-docs.
// Resumable: run the same command again after a stop.

import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { helpText, parseArgs, UsageError, type CommandSpec, type Values } from "../cli/args.js";
import { S2SError } from "../errors.js";
import { formatDuration } from "../train/progress.js";
import { fullPlan, MODEL_NAMES, PAIRS, quickPlan, splitPair, type Plan } from "./plan.js";
import { portableCommand, portablePath } from "./portable.js";
import { keepRun } from "./keep.js";
import { reportFromDir } from "./report.js";
import { updateSignificance } from "./significance.js";
import { ensureLengthStatsFor, Interrupted, Runner, testRefSets } from "./runner.js";
import { paths, readJson, type RunFile } from "./files.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const experimentsSpec: CommandSpec = {
  name: "experiments",
  summary: "Train and evaluate the attention / no-attention comparison on Multi30k; write JSON and the report.",
  usage: "npm run experiments -- [--quick] [--data-dir DIR] [--out DIR] [--only NAME,...] [--pairs de-en,en-fr] [--write-docs]",
  description:
    "For each language pair: prepare the data (Moses tokenization, lowercased, joint BPE), train every model with the\n" +
    "same data, sizes and budget, evaluate it on the validation and test sets (BLEU and chrF, greedy and beam 5,\n" +
    "perplexity, BLEU by source length on the test set and its joined versions, attention on examples) and write JSON\n" +
    "under --out. Then generate results.md and SVG figures from the JSON into OUT/report/. With --write-docs, keep every\n" +
    "evaluated model's JSON and test-set translations in --keep-dir (committed; models kept there are not trained again),\n" +
    "compute the paired bootstrap against RNNenc, and write docs/results.md and its figures from what is kept.\n" +
    "Finished models are skipped; an interrupted training continues from its checkpoint (run the same command again).\n" +
    `Models: ${MODEL_NAMES.join(", ")}. Pairs: ${PAIRS.join(", ")}.`,
  options: [
    { name: "quick", type: "boolean", help: "about a minute: 4,000 training pairs, tiny models, 2 epochs, 2 models (rnnsearch, rnnenc), de-en, 100 test sentences" },
    { name: "data-dir", type: "string", arg: "DIR", help: "the Multi30k directory (raw/ and tok/) [default: $S2S_DATA]" },
    { name: "out", type: "string", arg: "DIR", help: "output directory [default: runs/experiments, runs/experiments-quick with --quick]" },
    { name: "only", type: "string", arg: "NAME,...", help: `train and evaluate only these models (${MODEL_NAMES.join(", ")})` },
    { name: "pairs", type: "string", arg: "P,...", help: "language pairs, SRC-TGT [default: de-en,en-fr; de-en with --quick]" },
    { name: "budget-minutes", type: "number", min: 0.05, help: "wall-clock limit of each model's training in minutes [default: 90]" },
    { name: "epochs", type: "int", min: 1, help: "epochs per model (changes the plan: use a new --out)" },
    { name: "emb-dim", type: "int", min: 1, help: "embedding size (changes the plan)" },
    { name: "hidden", type: "int", min: 2, help: "decoder hidden size = encoder memory size (changes the plan)" },
    { name: "batch-sentences", type: "int", min: 1, help: "sentences per batch (changes the plan)" },
    { name: "seeds", type: "string", arg: "N,...", help: "train every model with each of these seeds (seed 1 into MODEL/, seed N into MODEL-seedN/) [default: 1]" },
    { name: "write-docs", type: "boolean", help: "keep the evaluated models' JSON and test-set translations in --keep-dir, and write docs/results.md, docs/results.json and docs/figures/ from what is kept there; models kept there already are not trained again" },
    { name: "keep-dir", type: "string", arg: "DIR", help: "where --write-docs keeps the results (relative to the repository) [default: DOCS/results/multi30k]" },
    { name: "docs-dir", type: "string", arg: "DIR", default: "docs", help: "where --write-docs writes (relative to the repository)" },
    { name: "report-only", type: "boolean", help: "no training: regenerate the report from the JSON in --out (with --write-docs, or when --out holds no run: from the kept results)" },
    { name: "quiet", type: "boolean", help: "no progress output" },
    { name: "wasm", type: "string", choices: ["auto", "simd", "relaxed"], default: "auto", help: "kernel build" },
  ],
};

function listOpt(v: unknown, allowed: readonly string[] | null, what: string): string[] | null {
  if (v === undefined) return null;
  const items = String(v).split(",").map((x) => x.trim()).filter((x) => x);
  if (items.length === 0) throw new UsageError(`experiments: --${what} needs at least one name`);
  for (const x of items) {
    if (allowed && !allowed.includes(x)) throw new UsageError(`experiments: unknown ${what === "only" ? "model" : "pair"} ${JSON.stringify(x)} (${allowed.join(", ")})`);
  }
  return items;
}

export function planFromValues(v: Values): Plan {
  const plan = v.quick ? quickPlan() : fullPlan();
  const only = listOpt(v.only, MODEL_NAMES, "only");
  if (only) plan.models = MODEL_NAMES.filter((m) => only.includes(m));
  const pairs = listOpt(v.pairs, null, "pairs");
  if (pairs) {
    for (const x of pairs) {
      try {
        splitPair(x);
      } catch (e) {
        throw new UsageError(`experiments: ${(e as Error).message}`);
      }
    }
    plan.pairs = pairs;
  }
  if (v["budget-minutes"] !== undefined) plan.train.budgetMinutes = v["budget-minutes"] as number;
  if (v.epochs !== undefined) plan.train.epochs = v.epochs as number;
  if (v["emb-dim"] !== undefined) plan.sizes.emb = v["emb-dim"] as number;
  if (v.hidden !== undefined) {
    if ((v.hidden as number) % 2 !== 0) throw new UsageError("experiments: --hidden must be even (bidirectional encoders have hidden/2 per direction)");
    plan.sizes.hidden = v.hidden as number;
    plan.sizes.attnDim = v.hidden as number;
  }
  if (v["batch-sentences"] !== undefined) plan.train.batchSentences = v["batch-sentences"] as number;
  if (v.seeds !== undefined) {
    const seeds = String(v.seeds).split(",").map((x) => x.trim()).filter((x) => x);
    if (seeds.length === 0 || seeds.some((x) => !/^\d+$/.test(x))) throw new UsageError(`experiments: --seeds takes non-negative integers, e.g. 1,2,3 (got ${JSON.stringify(v.seeds)})`);
    plan.seeds = [...new Set(seeds.map(Number))];
  }
  return plan;
}

function dataDir(v: Values): string {
  const d = (v["data-dir"] as string | undefined) ?? process.env.S2S_DATA;
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
  const out = resolve((v.out as string | undefined) ?? (v.quick ? "runs/experiments-quick" : "runs/experiments"));
  const where = { root: ROOT, dataEnv: process.env.S2S_DATA };
  const rel = portablePath(out, where);
  const command = portableCommand(["npm run experiments --", ...argv].join(" ").replace(/ --$/, ""), where);
  const regenerate = `Regenerate: \`npm run experiments -- ${v.quick ? "--quick " : ""}--out ${rel} --write-docs\` (with the Multi30k directory in \`--data-dir\` or \`S2S_DATA\`; trains whatever is missing, then writes this report) or \`npm run experiments -- ${v.quick ? "--quick " : ""}--out ${rel} --report-only --write-docs\` (report only).`;
  const docs = resolve(ROOT, v["docs-dir"] as string);
  // the kept results (keep.ts): with --write-docs, the report's input; not for --quick runs
  if (v.quick && v["keep-dir"] !== undefined) throw new UsageError("experiments: --keep-dir is for full runs (a --quick run's report stays in --out)");
  const kept = v["write-docs"] && !v.quick ? resolve(ROOT, (v["keep-dir"] as string | undefined) ?? join(v["docs-dir"] as string, "results", "multi30k")) : null;
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
      wasm: v.wasm === "simd" || v.wasm === "relaxed" ? v.wasm : undefined,
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
    if (d && run) for (const pair of run.plan.pairs) await ensureLengthStatsFor(out, pair, d, run.plan.data.trainLimit, run.plan.eval.lengthEdges);
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
    await reportFromDir(out, docs, regenerate, rel);
    log(`report: ${relative(process.cwd(), join(docs, "results.md"))} (and ${relative(process.cwd(), join(docs, "figures"))}/)`);
  }
  if (!md && v["report-only"] && !v.quick) {
    // no run here (a fresh clone): the kept results are the run's JSON
    const fallback = resolve(ROOT, (v["keep-dir"] as string | undefined) ?? join(v["docs-dir"] as string, "results", "multi30k"));
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
