// The kept results: what the report needs, committed beside it, so that it
// can be regenerated (and the runs added to, one sitting after another)
// without the run's directory, which holds the model files and is never
// committed. A kept tree has the layout of a run directory (files.ts)
// without the models, checkpoints and prepared ids:
//
//   KEPT/run.json                      plan; every command that wrote a kept model, oldest first
//   KEPT/PAIR/prep/{prepared,check,lengths}.json
//   KEPT/PAIR/MODEL/{train,eval}.json
//   KEPT/PAIR/MODEL/hyps/SET.beamK.txt the test-set translations (test and its joined versions), one a line
//
// A model is kept once it is evaluated; a kept model whose evaluation key
// matches the plan's (and whose translations are kept) is not trained again.

import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { S2SError } from "../errors.js";
import { planIdentity } from "./plan.js";
import { paths, readJson, writeJson, type EvalFile, type RunFile } from "./files.js";

/** Translations kept: the test set and its joined versions (the validation set's are not). */
export function keptHypsFile(name: string): boolean {
  return /^test(_join\d+)?\.beam\d+\.txt$/.test(name);
}

/** The kept translation files of a model (sorted), [] when there are none. */
export async function keptHyps(dir: string, pair: string, model: string): Promise<string[]> {
  const d = paths.hyps(dir, pair, model);
  if (!existsSync(d)) return [];
  return (await readdir(d)).filter(keptHypsFile).sort();
}

/** The translation files an evaluation wrote: one per test set and beam of its eval.json. */
export function expectedHyps(e: EvalFile): string[] {
  const beams = Object.keys(e.sets[0]?.decode ?? {});
  return e.sets.filter((s) => s.set !== "val").flatMap((s) => beams.map((b) => `${s.set}.beam${b}.txt`)).sort();
}

/** True when KEPT holds the model evaluated under `key` with all its translations. */
export async function isKept(kept: string, pair: string, model: string, key: string): Promise<boolean> {
  const e = await readJson<EvalFile>(paths.eval(kept, pair, model));
  if (!e || e.key !== key) return false;
  const have = await keptHyps(kept, pair, model);
  return expectedHyps(e).every((f) => have.includes(f));
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  if (!existsSync(b)) return false;
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  return x.equals(y);
}

async function copyIfChanged(from: string, to: string): Promise<boolean> {
  if (await sameBytes(from, to)) return false;
  await writeFileAtomic(to, new Uint8Array(await readFile(from)));
  return true;
}

/** The models (directory names) of a pair in a run directory, in directory order. */
async function modelDirs(dir: string, pair: string): Promise<string[]> {
  const d = join(dir, pair);
  if (!existsSync(d)) return [];
  const names: string[] = [];
  for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && e.name !== "prep" && existsSync(paths.train(dir, pair, e.name))) names.push(e.name);
  }
  return names;
}

/** Commands of both run files, each (command, start) once, by start time. */
export function mergeCommands(a: RunFile["commands"], b: RunFile["commands"]): RunFile["commands"] {
  const seen = new Set<string>();
  const out: RunFile["commands"] = [];
  for (const c of [...a, ...b]) {
    const k = `${c.started} ${c.command}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out.sort((x, y) => x.started.localeCompare(y.started));
}

export interface KeepResult {
  /** "PAIR MODEL" of the models copied (new or changed) */
  kept: string[];
  /** "PAIR MODEL" of the models left out: not evaluated yet, or translations missing */
  skipped: string[];
}

/**
 * Copies every evaluated model of the run directory `out` (its train.json,
 * eval.json and test-set translations) and the pairs' data records into
 * KEPT, and merges run.json's commands. Models still training are left out.
 * Returns what changed.
 */
export async function keepRun(out: string, kept: string): Promise<KeepResult> {
  const run = await readJson<RunFile>(paths.run(out));
  const res: KeepResult = { kept: [], skipped: [] };
  if (!run) return res;
  const old = await readJson<RunFile>(paths.run(kept));
  if (old && planIdentity(old.plan) !== planIdentity(run.plan)) {
    throw new S2SError(`${kept} keeps the results of a run with other settings (sizes, training, data or evaluation) than ${out}'s; keep them elsewhere`);
  }
  const union = <T>(a: T[], b: T[]) => [...a, ...b.filter((x) => !a.includes(x))];
  // the kept plan covers every run kept: all pairs, models and seeds; the largest time budget any of them had
  // (budgets do not change what a model is; one stopped by its budget says so in its train.json)
  const seeds = old ? union(old.plan.seeds ?? [old.plan.train.seed], run.plan.seeds ?? [run.plan.train.seed]).sort((a, b) => a - b) : [];
  const merged: RunFile = old
    ? {
      ...run,
      plan: {
        ...run.plan, pairs: union(old.plan.pairs, run.plan.pairs), models: union(old.plan.models, run.plan.models),
        train: { ...run.plan.train, budgetMinutes: Math.max(old.plan.train.budgetMinutes, run.plan.train.budgetMinutes) },
        ...(seeds.length > 1 ? { seeds } : {}),
      },
      commands: mergeCommands(old.commands, run.commands),
    }
    : run;
  for (const pair of run.plan.pairs) {
    const models = await modelDirs(out, pair);
    if (models.length === 0) continue;
    await mkdir(paths.prep(kept, pair), { recursive: true });
    for (const f of [join(paths.prep(out, pair), "prepared.json"), paths.check(out, pair), paths.lengths(out, pair)]) {
      if (existsSync(f)) await copyIfChanged(f, join(paths.prep(kept, pair), f.slice(f.lastIndexOf("/") + 1)));
    }
    for (const model of models) {
      const e = await readJson<EvalFile>(paths.eval(out, pair, model));
      const have = await keptHyps(out, pair, model);
      if (!e || !expectedHyps(e).every((f) => have.includes(f))) {
        res.skipped.push(`${pair} ${model}`);
        continue;
      }
      await mkdir(paths.hyps(kept, pair, model), { recursive: true });
      let changed = false;
      for (const f of have) changed = (await copyIfChanged(join(paths.hyps(out, pair, model), f), join(paths.hyps(kept, pair, model), f))) || changed;
      // translations of an earlier evaluation that this one did not write go
      for (const f of await keptHyps(kept, pair, model)) {
        if (!have.includes(f)) {
          await rm(join(paths.hyps(kept, pair, model), f));
          changed = true;
        }
      }
      changed = (await copyIfChanged(paths.train(out, pair, model), paths.train(kept, pair, model))) || changed;
      changed = (await copyIfChanged(paths.eval(out, pair, model), paths.eval(kept, pair, model))) || changed;
      if (changed) res.kept.push(`${pair} ${model}`);
    }
  }
  if (res.kept.length > 0 || !old) await writeJson(paths.run(kept), merged);
  return res;
}
