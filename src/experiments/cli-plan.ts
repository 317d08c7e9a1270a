// The plan a command line of `npm run experiments` asks for (cli.ts): the
// corpus' full or --quick plan, with --only, --pairs and the size and budget
// flags applied.

import { UsageError, type Values } from "../cli/args.js";
import { corpusModels, fullPlan, quickPlan, splitPair, wmtPlan, wmtQuickPlan, type ExperimentCorpus, type Plan } from "./plan.js";

function listOpt(v: unknown, allowed: readonly string[] | null, what: string): string[] | null {
  if (v === undefined) return null;
  const items = String(v).split(",").map((x) => x.trim()).filter((x) => x);
  if (items.length === 0) throw new UsageError(`experiments: --${what} needs at least one name`);
  for (const x of items) {
    if (allowed && !allowed.includes(x)) throw new UsageError(`experiments: unknown ${what === "only" ? "model" : "pair"} ${JSON.stringify(x)} (${allowed.join(", ")})`);
  }
  return items;
}

export function corpusOf(v: Values): ExperimentCorpus {
  return (v.corpus as ExperimentCorpus | undefined) ?? "multi30k";
}

export function planFromValues(v: Values): Plan {
  const corpus = corpusOf(v);
  const plan = corpus === "wmt-deen" ? (v.quick ? wmtQuickPlan() : wmtPlan()) : v.quick ? quickPlan() : fullPlan();
  const names = corpusModels(corpus).map((m) => m.name);
  const only = listOpt(v.only, names, "only");
  if (only) plan.models = names.filter((m) => only.includes(m));
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
