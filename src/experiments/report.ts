// The report generator: docs/results.md and its SVG figures, made only from
// the JSON of a run (summary.json, files.ts). Every number in the Markdown
// is read from that JSON; the prose that compares models is generated from
// the same numbers.

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { attentionHeatmapSvg, piecesToWords } from "../report/heatmap.js";
import { attentionPath, attentionPathText, EXAMPLE_RULE, exampleBleuText, halvesText, repeatedPhrase, sentencesText, sentenceStarts } from "./example-text.js";
import { formatDuration } from "../train/progress.js";
import { FORMAT_VERSION, paths, readJson, type EvalFile, type LengthRow, type LengthStats, type PairSummary, type PrepCheck, type RunFile, type Summary, type TrainFile } from "./files.js";
import { barChartSvg, linePlotSvg, type Series } from "./plots.js";
import { expectedHyps, keptHyps } from "./keep.js";
import { HIDDEN_STEP, modelDir, MODELS, modelSpec, roles, splitPair, type ModelSpec } from "./plan.js";
import { currentSignificance, MIN_BUCKET_SEGMENTS, SIGNIFICANCE, type SignificanceFile } from "./significance.js";
import { distinctCommands, portableSummary } from "./portable.js";
import { realLengthSection, rowDiffs, type BucketDiff } from "./report-length.js";
import { publishedSection } from "./published.js";
import { f1, f2, fmtRange, int, signed } from "./format.js";

/** The repository's root (this file is src/experiments/report.ts or dist/experiments/report.js). */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The goals of the experiments (beam 5, test_2016_flickr): the BLEU an attention model should reach, shown beside the results. */
export const TARGETS: Record<string, number> = { "de-en": 36, "en-fr": 55 };

const LANG: Record<string, string> = { de: "German", en: "English", fr: "French", cs: "Czech" };

/** Gathers run.json and every pair's and model's JSON of an output directory into one object. */
export async function collectSummary(out: string): Promise<Summary | null> {
  const run = await readJson<RunFile>(paths.run(out));
  if (!run) return null;
  const pairs: PairSummary[] = [];
  for (const pair of run.plan.pairs) {
    const [src, tgt] = splitPair(pair);
    const prepared = await readJson<Record<string, unknown>>(join(paths.prep(out, pair), "prepared.json"));
    const check = await readJson<PrepCheck>(paths.check(out, pair));
    const lengths = await readJson<LengthStats>(paths.lengths(out, pair));
    const models: PairSummary["models"] = [];
    const evaluated: string[] = [];
    for (const name of run.plan.models) {
      const e = await readJson<EvalFile>(paths.eval(out, pair, name));
      const have = e ? await keptHyps(out, pair, name) : [];
      const outputs = e !== null && expectedHyps(e).every((f) => have.includes(f));
      if (outputs) evaluated.push(name);
      models.push({ name, train: await readJson<TrainFile>(paths.train(out, pair, name)), eval: e, outputs });
    }
    const seeds: NonNullable<PairSummary["seeds"]> = [];
    for (const name of run.plan.models) {
      for (const seed of run.plan.seeds ?? []) {
        const dir = modelDir(name, seed, run.plan);
        if (dir === name) continue;
        const train = await readJson<TrainFile>(paths.train(out, pair, dir));
        if (train) seeds.push({ name, seed, train, eval: await readJson<EvalFile>(paths.eval(out, pair, dir)) });
      }
    }
    const base = roles(run.plan).base;
    const ordered = evaluated.includes(base) ? [base, ...evaluated.filter((m) => m !== base)] : [];
    const significance = ordered.length > 1 ? await currentSignificance(out, pair, ordered, run.plan.eval.beams) : null;
    pairs.push({ pair, src, tgt, prepared, check, lengths, models, ...(seeds.length ? { seeds } : {}), significance });
  }
  const summary: Summary = { format: "s2s-experiments-summary", version: FORMAT_VERSION, generated: new Date().toISOString(), outDir: out, run, pairs };
  return portableSummary(summary, { root: ROOT, dataEnv: process.env.S2S_DATA });
}


function mdEsc(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function pairTitle(p: { src: string; tgt: string }): string {
  return `${LANG[p.src] ?? p.src} → ${LANG[p.tgt] ?? p.tgt}`;
}

function specOf(name: string): ModelSpec {
  return MODELS.find((m) => m.name === name) ?? modelSpec(name);
}

function encoderText(t: TrainFile): string {
  const c = t.config;
  return `${(c.cell ?? "lstm").toUpperCase()} ${c.enc_layers}×${c.enc_hidden}${c.bidirectional ? " bi" : " uni"}${c.cell && c.cell !== "lstm" ? `, decoder ${c.dec_hidden}` : ""}`;
}

function testOf(e: EvalFile, set = "test") {
  return e.sets.find((s) => s.set === set) ?? null;
}

function bleuAt(e: EvalFile | null, set: string, beam: number): number | null {
  if (!e) return null;
  return testOf(e, set)?.decode[String(beam)]?.bleu.score ?? null;
}

/** Tokens per second of training (target tokens, EOS included). */
function tokPerSec(t: TrainFile): number | null {
  // updates done × mean target tokens per update (the position is absent in files of older runs: whole epochs then)
  const steps = t.position?.step ?? (t.status === "training" ? null : t.history[t.history.length - 1]?.step ?? null);
  if (steps === null || t.trainSeconds <= 0) return null;
  return (steps * (t.epochTgtTokens / Math.max(1, t.stepsPerEpoch))) / t.trainSeconds;
}

/** "10 (8)": epochs trained (best); a budget stop shows the fraction of the last epoch. */
function epochsText(t: TrainFile): string {
  const frac = t.stoppedAt ? t.stoppedAt.batch / Math.max(1, t.stepsPerEpoch) : 0;
  const n = t.history.length + frac;
  const best = t.bestEpoch === null ? "–" : t.bestEpoch > t.history.length ? `${t.bestEpoch}, partial` : String(t.bestEpoch);
  const state = t.status === "budget" ? ", time budget" : t.status === "training" ? ", training" : "";
  return `${Number.isInteger(n) ? n : n.toFixed(2)} (${best})${state}`;
}

/**
 * Training time per epoch: the time in steps over the epochs done (a partial
 * epoch counted by its share of batches), so an epoch split by a resume
 * counts whole even in files written before epoch records carried over.
 */
function perEpochSeconds(t: TrainFile): number | null {
  const at = t.position ?? t.stoppedAt;
  const n = t.history.length + (at && at.batch > 0 && t.status !== "done" ? at.batch / Math.max(1, t.stepsPerEpoch) : 0);
  return n > 0 && t.trainSeconds > 0 ? t.trainSeconds / n : null;
}

export interface ReportOptions {
  /** name of the JSON file written beside results.md (the report's input), e.g. results.json */
  jsonName: string;
  /** how to regenerate, for the header */
  regenerate: string;
  /** the Markdown file's name (default results.md) and a prefix of the figures' names (default none) */
  mdName?: string;
  figPrefix?: string;
}

/** The report's files for a corpus: Multi30k's results.md, wmt-deen's results-wmt.md in the docs directory (figures prefixed wmt-). */
export function reportNames(corpus: string | undefined): Pick<ReportOptions, "jsonName" | "mdName" | "figPrefix"> {
  return corpus === "wmt-deen" ? { jsonName: "results-wmt.json", mdName: "results-wmt.md", figPrefix: "wmt-" } : { jsonName: "results.json", mdName: "results.md", figPrefix: "" };
}


/** Writes results.md and figures/ into dir from a summary; returns the Markdown. */
export async function writeReport(summary: Summary, dir: string, o: ReportOptions): Promise<string> {
  const figDir = join(dir, "figures");
  await mkdir(figDir, { recursive: true });
  const figures = new Map<string, string>();
  const fig = (name: string, svg: string): string => {
    figures.set(`${o.figPrefix ?? ""}${name}`, svg);
    return `figures/${o.figPrefix ?? ""}${name}`;
  };
  const md = buildReport(summary, o, fig);
  for (const [name, svg] of figures) await writeFile(join(figDir, name), svg);
  await writeFile(join(dir, o.jsonName), JSON.stringify(summary) + "\n");
  await writeFile(join(dir, o.mdName ?? "results.md"), md);
  return md;
}

/** The Markdown of the report; fig(name, svg) stores a figure and returns its relative path. */
export function buildReport(s: Summary, o: ReportOptions, fig: (name: string, svg: string) => string): string {
  const run = s.run, plan = run.plan;
  const L: string[] = [];
  const p = (...lines: string[]) => L.push(...lines);
  const last = run.commands[run.commands.length - 1];
  const m = last?.machine;
  const wmt = plan.corpus === "wmt-deen";
  p(wmt ? "# Results on real long sentences: Bahdanau et al.'s length experiment on WMT news" : "# Results: what attention buys over a plain encoder-decoder", "");
  p(`> Generated by [\`src/experiments/report.ts\`](../src/experiments/report.ts) from [\`${o.jsonName}\`](${o.jsonName}) ` +
    `(the run's JSON, gathered from \`${s.outDir}\`) on ${s.generated.slice(0, 10)}; none of its numbers is typed by hand${plan.quick ? "" : " except those of the last section, cited from other papers"}. ${o.regenerate}`, "");
  if (plan.quick) p(`> **Quick run** (\`--quick\`): tiny models, ${plan.train.epochs} epoch${plan.train.epochs > 1 ? "s" : ""}, ${int(plan.data.trainLimit)} training pairs. It checks that the pipeline works; its numbers say nothing about the models.`, "");

  // status
  const all = s.pairs.flatMap((pp) => pp.models.map((mm) => ({ pair: pp.pair, ...mm })));
  const done = all.filter((x) => x.eval);
  const pending = all.filter((x) => !x.eval);
  p(`**Status:** ${done.length} of ${all.length} models trained and evaluated.` +
    (pending.length ? ` Not finished yet: ${pending.map((x) => `${x.pair} ${x.name}${x.train ? ` (training: ${x.train.history.length}/${plan.train.epochs} epochs, ${formatDuration(x.train.wallSeconds)})` : ""}`).join(", ")}.` : ""), "");

  // setup
  p("## Setup", "");
  p("| | |", "| --- | --- |");
  p(`| command | ${distinctCommands(run.commands).map((c) => `\`${mdEsc(c.command)}\` (${c.started.map((t) => t.slice(0, 16).replace("T", " ")).join(", ")})`).join("<br>")} |`);
  const firstPrep = s.pairs.find((pp) => pp.prepared)?.prepared as { stats?: Record<string, number>; settings?: Record<string, unknown> } | undefined;
  const d = plan.data;
  const dropped = d.maxLen > 0 ? `; training pairs longer than ${d.maxLen} pieces left out` : "";
  if (wmt) p(`| data | WMT German–English news and parliament text (the wmt-deen corpus): the training file${d.trainLimit ? ` (first ${int(d.trainLimit)} pairs)` : ""}, \`${d.validSplit}\`${d.validLimit ? ` (first ${d.validLimit})` : ""} for model selection, \`${d.testSplit}\`${d.testLimit ? ` (first ${d.testLimit})` : ""} for the results; raw cased text, Moses-normalised and tokenized by the project's tokenizer, joint BPE (${int(d.bpeMerges)} merges learned on both training sides); pairs with an empty side left out${dropped}; each model trains on the pairs of at most its word limit (-30, -50) on both sides |`);
  else p(`| data | Multi30k task 1 (Flickr30k captions): training split${d.trainLimit ? ` (first ${int(d.trainLimit)} pairs)` : ""}, \`${d.validSplit}\`${d.validLimit ? ` (first ${d.validLimit})` : ""} for model selection, \`${d.testSplit}\`${d.testLimit ? ` (first ${d.testLimit})` : ""} for the results; raw text, lowercased, Moses-normalised and tokenized by the project's tokenizer, joint BPE (${int(d.bpeMerges)} merges learned on both training sides)${dropped} |`);
  for (const pp of s.pairs) {
    const st = (pp.prepared as { stats?: Record<string, number> } | null)?.stats;
    const chk = pp.check?.splits.map((c) => `${c.split}.${c.lang} ${int(c.identical)}/${int(c.lines)}`).join(", ");
    const ls = pp.lengths;
    const lenText = ls ? `; training sources ${ls.mean.toFixed(1)} words on average, median ${ls.p50}, 99% at most ${ls.p99}, longest ${ls.max}` : "";
    if (st) p(`| ${pp.pair} | ${int(st.train_pairs_kept ?? st.train_pairs)} training pairs, vocabularies ${int(st.src_vocab)} (${pp.src}) / ${int(st.tgt_vocab)} (${pp.tgt}) pieces${lenText}${chk ? `; tokenization identical to the dataset's \`tok/\` files: ${chk} lines` : ""} |`);
  }
  const joins = plan.eval.joins.filter((n) => n > 1);
  if (joins.length) p(`| long sentences | the test set with each ${joins.join(", ").replace(/, (\d+)$/, " and $1")} consecutive pairs joined into one pair (sources joined by a space, references likewise): ${joins.map((n) => `\`test_join${n}\``).join(", ")}. ${wmt ? "newstest2014 has real long sentences, but few above 60 words; the joined pairs go beyond them" : "Multi30k has almost no long sentences"}; these are made up, and stated as such wherever they appear |`);
  const z = plan.sizes, t = plan.train;
  p(`| sizes (every model) | embeddings ${z.emb}, decoder LSTM ${z.layers}×${z.hidden}, encoder memory ${z.hidden} per position (bidirectional: ${z.hidden / 2} per direction; unidirectional: ${z.hidden}), additive attention ${z.attnDim}${plan.models.some((n) => specOf(n).matchParams) ? `; models of GRU or plain RNN cells have fewer weights per hidden unit, so their hidden size (decoder and encoder memory) is the multiple of ${HIDDEN_STEP} whose parameter count is closest to their LSTM counterpart's (the "parameters" column below)` : ""} |`);
  p(`| training (every model) | ${t.epochs} epoch${t.epochs > 1 ? "s" : ""}, Adam lr ${t.lr}${t.schedule === "plateau" ? ` (× ${t.decay} after an epoch without validation improvement)` : ""}, ${t.batchSentences} sentences per batch (bucketed by length), dropout ${t.dropout}, label smoothing ${t.labelSmoothing}, gradient-norm clip ${t.clip}, uniform ±${t.initRange} initialisation; the model kept is the epoch with the lowest validation loss; time budget ${t.budgetMinutes} min per model |`);
  p(`| seed | ${t.seed} (initialisation, batch order, dropout) |`);
  p(`| decoding | greedy (beam 1) and beam ${Math.max(...plan.eval.beams)}, GNMT length normalisation α = ${plan.eval.alpha}, at most 2·S + 10 tokens |`);
  const sig = done[0]?.eval?.bleuSignature;
  p(`| metrics | sacreBLEU-compatible BLEU on detokenized output against the raw references, ${(plan.data.lowercase ?? true) ? "case-insensitive (the models output lowercase)" : "cased"}${sig ? ` \`${sig}\`` : ""}; chrF2${done[0]?.eval ? ` \`${done[0].eval.chrfSignature}\`` : ""}; perplexity = exp(mean cross-entropy per reference piece, EOS included, teacher-forced) |`);
  const shares = trainingShares(s);
  if (m) p(`| machine | ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node} (${m.platform}/${m.arch}); ${m.kernels} WebAssembly kernels; every training on one thread. ${sideBySideText(shares)} The machine was shared with other work too: the load average at the start of each training is in the JSON (\`sessions\`) |`);
  p("");

  // models
  p("## Models", "");
  p("Same data, same sizes, same training budget; they differ only in the columns below.", "");
  p("| model | encoder | attention | decoder | source | parameters | what it is |", "| --- | --- | --- | --- | --- | --- | --- |");
  for (const name of plan.models) {
    const spec = specOf(name);
    const tr = s.pairs.map((pp) => pp.models.find((x) => x.name === name)?.train).find((x) => x);
    p(`| ${spec.label} | ${tr ? encoderText(tr) : spec.bidirectional ? "bi" : "uni"} | ${spec.attention} | ${spec.decoderStyle}${spec.inputFeed ? ", input feeding" : ""} | ${spec.reverseSource ? "reversed" : "as is"} | ${tr ? s.pairs.map((pp) => { const x = pp.models.find((y) => y.name === name)?.train; return x ? `${int(x.params)} (${pp.pair})` : null; }).filter(Boolean).join(", ") : "–"} | ${mdEsc(spec.description)} |`);
  }
  p("");

  for (const pp of s.pairs) pairSection(pp, s, shares, p, fig);
  if (!plan.quick) publishedSection(p, wmt ? "this report's newstest2014 German → English numbers" : "this report's Multi30k numbers");
  return L.join("\n") + "\n";
}

/** One language pair's section; shares: trainingShares(s). */
function pairSection(pp: PairSummary, s: Summary, shares: Map<string, number>, p: (...l: string[]) => void, fig: (name: string, svg: string) => string): void {
  const plan = s.run.plan;
  const beamMax = Math.max(...plan.eval.beams);
  const title = pairTitle(pp);
  const models = pp.models.filter((x) => x.train || x.eval);
  p(`## ${title} (${pp.pair})`, "");
  if (models.length === 0) {
    p("Not run yet.", "");
    return;
  }
  const evald = models.filter((x) => x.eval) as { name: string; train: TrainFile | null; eval: EvalFile }[];
  const testSet = evald[0] ? testOf(evald[0].eval) : null;
  // headline
  p(`### Test set: ${testSet ? `${mdEsc(testSet.description)}, ${int(testSet.sentences)} sentences` : plan.data.testSplit}`, "");
  const hasVal = plan.eval.valid ?? true;
  // Multi30k: also BLEU on Moses tokens, lowercased (the WMT multimodal tasks' convention), from the kept translations
  const mosesLc = plan.corpus ? null : pp.significance?.mosesLc?.[String(beamMax)] ?? null;
  p(`| model | BLEU greedy | BLEU beam ${beamMax} | chrF2 beam ${beamMax} |${mosesLc ? ` tok-lc BLEU beam ${beamMax} |` : ""} test perplexity |${hasVal ? ` val BLEU beam ${beamMax} |` : ""} epochs (best) | training time | per epoch | target tokens/s |`);
  p(`| --- | ---: | ---: | ---: |${mosesLc ? " ---: |" : ""} ---: |${hasVal ? " ---: |" : ""} ---: | ---: | ---: | ---: |`);
  for (const x of models) {
    const spec = specOf(x.name);
    const e = x.eval, tr = x.train;
    const test = e ? testOf(e) : null, val = e ? testOf(e, "val") : null;
    const epochs = tr ? epochsText(tr) : "–";
    p(`| ${spec.label}${e && !x.outputs ? " ‡" : ""} | ${f2(test?.decode["1"]?.bleu.score)} | **${f2(test?.decode[String(beamMax)]?.bleu.score)}** | ${f2(test?.decode[String(beamMax)]?.chrf)} |${mosesLc ? ` ${f2(mosesLc[x.name])} |` : ""} ${f2(test?.ppl)} |${hasVal ? ` ${f2(val?.decode[String(beamMax)]?.bleu.score)} |` : ""} ${epochs} | ${tr ? formatDuration(tr.trainSeconds) : "–"} | ${tr && perEpochSeconds(tr) !== null ? formatDuration(perEpochSeconds(tr)!) : "–"} | ${tr && tokPerSec(tr) !== null ? int(Math.round(tokPerSec(tr)!)) : "–"} |`);
  }
  p("");
  if (mosesLc) {
    p(`tok-lc BLEU: the same beam-${beamMax} translations scored on Moses tokens, lowercased (the target language's rules of \`src/text/tokenize.ts\`, which give Multi30k's \`tok/\` files; \`tok:none\`), the convention under which the WMT multimodal tasks reported BLEU (MultEval).${mosesLcGap(models, mosesLc, beamMax)}${models.some((x) => x.eval && !x.outputs) ? " Models marked ‡ have no kept translations to score (–)." : ""}`, "");
  }
  const earlier = models.filter((x) => x.eval && !x.outputs);
  if (earlier.length) {
    const dates = [...new Set(earlier.map((x) => x.train?.sessions[0]?.started.slice(0, 10)).filter(Boolean))].sort();
    p(`‡ Trained and evaluated in an earlier run (${dates.join(", ")}) whose test-set translations were not kept, so ${earlier.length === 1 ? "it is" : "they are"} not in the paired bootstrap below; the engine has changed since, and retraining ${earlier.length === 1 ? "it" : "them"} with this code may give numbers that differ by float rounding.`, "");
  }
  const att = evald.filter((x) => specOf(x.name).attention !== "none");
  const target = plan.corpus ? undefined : TARGETS[pp.pair];
  if (att.length && target !== undefined && !plan.quick) {
    const best = att.reduce((a, b) => ((bleuAt(a.eval, "test", beamMax) ?? -1) >= (bleuAt(b.eval, "test", beamMax) ?? -1) ? a : b));
    const v = bleuAt(best.eval, "test", beamMax)!;
    p(`Goal for ${pp.pair}: an attention model at ≥ ${target} BLEU (beam ${beamMax}). Best attention model: ${specOf(best.name).label}, ${v.toFixed(2)}: ${v >= target ? "**met**" : "**not met**"}.`, "");
  }
  confidenceSection(pp, beamMax, p, roles(plan).base);
  cellsSection(pp, beamMax, p);
  seedsSection(pp, beamMax, p);
  p(`Training time is the time in training steps on this machine (validation excluded; ${models.filter((x) => x.train).map((x) => `${specOf(x.name).label} ${formatDuration(x.train!.wallSeconds)}`).join(", ")} wall time with the per-epoch validation). "budget" marks a model stopped by the time budget.` +
    sharedTimesText(models.filter((x) => x.train).map((x) => ({ label: specOf(x.name).label, share: shares.get(`${pp.pair} ${specOf(x.name).label}`) ?? 0 }))), "");
  if (evald.length) {
    const cats = evald.map((x) => specOf(x.name).label);
    const series: Series[] = plan.eval.beams.map((b) => ({ name: b === 1 ? "greedy" : `beam ${b}`, values: evald.map((x) => bleuAt(x.eval, "test", b)) }));
    p(`![Test BLEU by model](${fig(`bleu-${pp.pair}.svg`, barChartSvg({ title: `${pp.pair}: BLEU on ${plan.data.testSplit}`, yLabel: "BLEU", categories: cats, series }))})`, "");
  }

  // joined sets
  if (evald.length) {
    const sets = evald[0].eval.sets.filter((x) => x.set !== "val");
    p(`### Long inputs: the test set and its joined versions (beam ${beamMax})`, "");
    const joins = plan.eval.joins.filter((n) => n > 1);
    p(`The joined sets are **made up**: each ${joins.join(", ").replace(/, (\d+)$/, " or $1")} consecutive test pairs joined into one, ${plan.corpus ? "to go beyond the test set's few sentences of more than 60 words" : "since Multi30k has almost no long sentences"}.`, "");
    p(`| model | ${sets.map((x) => `${x.set} (${int(x.sentences)} × ${x.srcWordsMean.toFixed(1)} words)`).join(" | ")} |`);
    p(`| --- | ${sets.map(() => "---:").join(" | ")} |`);
    for (const x of evald) p(`| ${specOf(x.name).label} | ${sets.map((st) => f2(bleuAt(x.eval, st.set, beamMax))).join(" | ")} |`);
    p("");
    p(`Test perplexity on the same sets: ${evald.map((x) => `${specOf(x.name).label} ${x.eval.sets.filter((y) => y.set !== "val").map((y) => f2(y.ppl)).join(" / ")}`).join("; ")} (${sets.map((x) => x.set).join(" / ")}).`, "");
  }

  // BLEU by length
  if (evald.length) {
    const bl = evald[0].eval.byLength[String(beamMax)];
    p(`### BLEU by source length (beam ${beamMax})`, "");
    const joinArg = plan.eval.joins.join(",");
    p(`Corpus BLEU of the segments in each bucket of source length, over ${bl.sets.map((x) => `\`${x}\``).join(", ")} together (the analogue of Figure 2 of Bahdanau et al. 2014; the long buckets hold joined pairs). ` +
      `Source length, here and everywhere in this report ("words"), is the number of Moses tokens of the source: lowercased, punctuation-normalised and tokenized with the source language's rules, before BPE — the tokens of Multi30k's \`tok/\` files, so punctuation counts. ` +
      `It is the one definition and bucket scheme of [\`src/eval/bylength.ts\`](../src/eval/bylength.ts), which \`s2s eval\` and \`s2s bleu --by-length\` use as well: ` +
      `\`s2s eval --model OUT/${pp.pair}/MODEL/model.safetensors --join ${joinArg}${plan.data.testSplit !== "test_2016_flickr" ? ` --split ${plan.data.testSplit}` : ""}${plan.data.testLimit ? ` --limit ${plan.data.testLimit}` : ""} --beam ${beamMax}\` prints one model's column of the table below (\`OUT\` the run's directory; the reversed-source model is not a complete translator).`, "");
    const labels = bl.rows.map((r) => r.label);
    const sub = bl.rows.map((r) => `n=${r.sentences}`);
    const series: Series[] = [];
    for (const b of plan.eval.beams.slice().sort((a, c) => c - a)) {
      for (const x of evald) {
        const rows = x.eval.byLength[String(b)]?.rows ?? [];
        series.push({ name: `${specOf(x.name).label}${plan.eval.beams.length > 1 ? (b === 1 ? " greedy" : ` beam ${b}`) : ""}`, values: rows.map((r) => (r.sentences >= 5 ? r.bleu : null)), dashed: b === 1 });
      }
    }
    const beamSeries = series.filter((x) => !x.dashed);
    p(`![BLEU by source length](${fig(`bleu-by-length-${pp.pair}.svg`, linePlotSvg({ title: `${pp.pair}: BLEU by source length, test + joined test sets (beam ${beamMax})`, xLabel: "source length (Moses tokens)", yLabel: "BLEU", x: labels, xSubLabels: sub, series: beamSeries, yMin: 0 }))})`, "");
    if (plan.eval.beams.includes(1)) {
      p(`[Greedy and beam together](${fig(`bleu-by-length-greedy-${pp.pair}.svg`, linePlotSvg({ title: `${pp.pair}: BLEU by source length, greedy (dashed) and beam ${beamMax}`, xLabel: "source length (Moses tokens)", yLabel: "BLEU", x: labels, xSubLabels: sub, series, yMin: 0 }))}) (dashed: greedy). Buckets with fewer than 5 segments are not drawn.`, "");
    }
    p(`| source length | segments (${bl.sets.join(" / ")}) | ${evald.map((x) => specOf(x.name).label).join(" | ")} |`);
    p(`| --- | --- | ${evald.map(() => "---:").join(" | ")} |`);
    bl.rows.forEach((r, i) => {
      p(`| ${r.label} | ${r.sentences} (${bl.sets.map((x) => r.bySet[x] ?? 0).join(" / ")}) | ${evald.map((x) => { const row = x.eval.byLength[String(beamMax)]?.rows[i]; return row?.bleu === null || row?.bleu === undefined ? "–" : `${row.bleu.toFixed(2)} (${row.bp?.toFixed(2)})`; }).join(" | ")} |`);
    });
    p("", "Each cell: BLEU (brevity penalty: below 1 when the outputs of the bucket are shorter than the references).", "");
    p("**Where attention helps, and where it does not.** " + lengthParagraph(pp, evald, beamMax, roles(plan)), "");
    bucketSignificance(pp, beamMax, p);
  }
  if (plan.eval.perSetLengths) {
    realLengthSection(evald.map((x) => ({ name: x.name, eval: x.eval, trainPairs: x.train?.trainPairs })), beamMax, pp.pair, plan.data.testSplit, p, fig);
  }

  // curves
  const trained = models.filter((x) => x.train && x.train.history.length > 0) as { name: string; train: TrainFile }[];
  if (trained.length) {
    p("### Training curves", "");
    const maxE = Math.max(...trained.map((x) => x.train.history.length));
    const epochs = Array.from({ length: maxE }, (_, i) => i + 1);
    const ser = (get: (h: TrainFile["history"][number]) => number | null | undefined): Series[] =>
      trained.map((x) => ({ name: specOf(x.name).label, values: epochs.map((e) => { const h = x.train.history.find((y) => y.epoch === e); return h ? (get(h) ?? null) : null; }) }));
    const xs = maxE === 1 ? epochs.map(String) : epochs;
    p(`![Validation loss by epoch](${fig(`valid-loss-${pp.pair}.svg`, linePlotSvg({ title: `${pp.pair}: validation loss (cross-entropy per piece) by epoch`, xLabel: "epoch", yLabel: "validation loss", x: xs, series: ser((h) => h.validLoss) }))})`);
    p(`![Validation BLEU by epoch](${fig(`valid-bleu-${pp.pair}.svg`, linePlotSvg({ title: `${pp.pair}: validation BLEU (greedy) by epoch`, xLabel: "epoch", yLabel: "BLEU", x: xs, series: ser((h) => h.metrics.BLEU) }))})`, "");
    p(`| model | ${epochs.map((e) => `epoch ${e}`).join(" | ")} |`, `| --- | ${epochs.map(() => "---").join(" | ")} |`);
    for (const x of trained) {
      p(`| ${specOf(x.name).label} | ${epochs.map((e) => { const h = x.train.history.find((y) => y.epoch === e); return h ? `${f2(h.validLoss)} / ${f1(h.metrics.BLEU)}` : ""; }).join(" | ")} |`);
    }
    p("", "Each cell: validation loss / validation BLEU (greedy) after the epoch.", "");
  }

  // examples
  if (evald.length && evald[0].eval.examples.length) {
    p("### Attention on example sentences", "");
    const head = evald.find((x) => x.name === roles(plan).head) ?? evald.find((x) => specOf(x.name).attention !== "none");
    const base = evald.find((x) => x.name === roles(plan).base);
    p(`${EXAMPLE_RULE} Each heatmap shows one row per output word and one column per source word (BPE pieces joined back into words: a source word's weight is the sum of its pieces' weights, an output word's row the mean of its pieces' rows), darker = more weight, on the scale beside it.${head ? ` The heatmap shown is ${specOf(head.name).label}'s; the other attention models' are linked.` : ""}`, "");
    for (const ex of evald[0].eval.examples) {
      const joined = ex.set.startsWith("test_join");
      p(`#### ${ex.id === "joined-long" ? `A long joined example (\`${ex.set}\` #${ex.index + 1}, ${ex.srcWords} words)` : `\`${ex.set}\` #${ex.index + 1} (${ex.srcWords} words)`}`, "");
      if (joined) p("(Consecutive test pairs joined into one: made-up long input.)", "");
      p(`- source: ${mdEsc(ex.source)}`, `- reference: ${mdEsc(ex.reference)}`, "");
      p(`| model | output (beam ${ex.beam}) | sentence BLEU |`, "| --- | --- | ---: |");
      for (const x of evald) {
        const e = x.eval.examples.find((y) => y.id === ex.id);
        if (e) p(`| ${specOf(x.name).label} | ${mdEsc(e.hypothesis)} | ${f1(e.sentenceBleu)} |`);
      }
      p("");
      const words = (x: typeof evald[number]) => {
        const e = x.eval.examples.find((y) => y.id === ex.id);
        return e && e.attention ? piecesToWords(e.srcPieces, e.steps, e.attention) : null;
      };
      const heat = (x: typeof evald[number]) => {
        const e = x.eval.examples.find((y) => y.id === ex.id), w = words(x);
        if (!e || !w) return null;
        const name = `attention-${pp.pair}-${x.name}-${ex.id}.svg`;
        return fig(name, attentionHeatmapSvg(w.src, w.tgt, w.weights, {
          title: `${pp.pair} ${specOf(x.name).label}: ${ex.id} (beam ${e.beam})`, cell: w.src.length > 40 ? 12 : 18,
          srcTitle: "source words (BPE pieces joined)", tgtTitle: "output words",
        }));
      };
      const notes: string[] = [];
      if (head && base) {
        const a = head.eval.examples.find((y) => y.id === ex.id), b = base.eval.examples.find((y) => y.id === ex.id);
        if (a && b) notes.push(exampleBleuText(specOf(head.name).label, specOf(base.name).label, a.sentenceBleu, b.sentenceBleu));
      }
      for (const x of evald) {
        const e = x.eval.examples.find((y) => y.id === ex.id);
        const r = e ? repeatedPhrase(e.hypothesis) : null;
        if (r) notes.push(`${specOf(x.name).label}'s output repeats “${r.phrase}” ${r.count} times.`);
      }
      if (head) {
        const w = words(head);
        if (w) notes.push(attentionPathText(specOf(head.name).label, attentionPath(w.src, w.tgt, w.weights)));
        const h = heat(head);
        if (h) p(`![${specOf(head.name).label} attention](${h})`, "");
      }
      const others = evald.filter((x) => x !== head && specOf(x.name).attention !== "none").map((x) => [x, heat(x)] as const).filter(([, h]) => h);
      if (others.length) p(`Other attention models: ${others.map(([x, h]) => `[${specOf(x.name).label}](${h})`).join(", ")}.`, "");
      if (notes.length) p(notes.join(" "), "");
      if (head && base) {
        const a = head.eval.examples.find((y) => y.id === ex.id), b = base.eval.examples.find((y) => y.id === ex.id);
        if (!a || !b) continue;
        const A = specOf(head.name).label, B = specOf(base.name).label;
        if (ex.id !== "joined-long") {
          p(halvesText(A, B, a.refLogprobs, b.refLogprobs), "");
          continue;
        }
        const starts = sentenceStarts(a.refPieces);
        p(sentencesText(A, B, a.refLogprobs, b.refLogprobs, starts), "");
        const w = 5;
        const smooth = (v: number[]) => v.map((_, i) => { const s0 = Math.max(0, i - (w >> 1)), s1 = Math.min(v.length, i + (w >> 1) + 1); return v.slice(s0, s1).reduce((q, r) => q + r, 0) / (s1 - s0); });
        const series: Series[] = [head, base].map((x) => ({ name: specOf(x.name).label, values: smooth(x.eval.examples.find((y) => y.id === ex.id)?.refLogprobs ?? []) }));
        p(`![Reference log-probabilities along the long example](${fig(`ref-logprob-${pp.pair}-${ex.id}.svg`, linePlotSvg({
          title: `${pp.pair}: log p of each reference piece, ${A} and ${B} (teacher-forced, moving average of ${w})`,
          xLabel: "reference position (BPE pieces); dotted lines: where each joined sentence starts", yLabel: "log p", x: a.refLogprobs.map((_, i) => i + 1), series, markers: false,
          vLines: starts.map((s0, k) => ({ x: s0 + 1, label: `sentence ${k + 2}` })),
        }))})`, "");
      }
    }
  }
}

/** How far the tokenized lowercased BLEU is from sacreBLEU's score of the same translations, over the models that have both. */
function mosesLcGap(models: { name: string; eval: EvalFile | null }[], mosesLc: Record<string, number>, beam: number): string {
  const d = models.flatMap((x) => {
    const a = mosesLc[x.name], b = x.eval ? bleuAt(x.eval, "test", beam) : null;
    return a === undefined || b === null ? [] : [a - b];
  });
  if (!d.length) return "";
  const lo = Math.min(...d), hi = Math.max(...d);
  const range = `${lo.toFixed(2) === hi.toFixed(2) ? signed(lo) : `${signed(lo)} to ${signed(hi)}`} BLEU from the sacreBLEU column`;
  if (Math.max(Math.abs(lo), Math.abs(hi)) < 0.5) return ` On the same translations it is ${range}: on these short, simply punctuated captions the two tokenizations count nearly the same n-grams (both lowercased here), so the sacreBLEU column can be set beside scores published under this convention; what still differs is everything else (data, vocabulary, model size).`;
  return ` On the same translations it is ${range}: the two conventions differ by that much on identical output, so a score under one is not comparable with a score under the other.`;
}

const pText = (x: number) => (x < 0.001 ? "< 0.001" : x.toFixed(3));
const sd = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
};

/** "38.44 ± 0.85": a bootstrap mean and half its 95% interval. */
function ciText(r: { mean: number; ci: number }): string {
  return `${r.mean.toFixed(2)} ± ${r.ci.toFixed(2)}`;
}

/** The test set's paired bootstrap: every model against the baseline, greedy and the widest beam. */
function confidenceSection(pp: PairSummary, beamMax: number, p: (...l: string[]) => void, base: string): void {
  const sig = pp.significance;
  const withOut = pp.models.filter((x) => x.eval && x.outputs).map((x) => x.name);
  const without = pp.models.filter((x) => x.eval && !x.outputs).map((x) => specOf(x.name).label);
  p(`### Confidence: paired bootstrap against ${specOf(base).label}`, "");
  if (!sig) {
    p(withOut.includes(base) && withOut.length > 1
      ? "The paired bootstrap has not been computed from the current translations (it needs the references: regenerate with the data in `--data-dir` or `S2S_DATA`)."
      : `Not computed: it needs the test-set translations of ${specOf(base).label} and of at least one other model.${without.length ? ` Kept without translations (evaluated in an earlier run whose outputs were not kept): ${without.join(", ")}.` : ""}`, "");
    return;
  }
  const beams = Object.keys(sig.beams).map(Number).sort((a, b) => a - b);
  p(`Paired bootstrap resampling of the test set, as sacreBLEU's \`--paired-bs\` ([\`src/eval/bootstrap.ts\`](../src/eval/bootstrap.ts)): ${int(sig.samples)} resamples of the segments, drawn with numpy's generator for seed ${sig.seed}, the same resamples for every model. ` +
    `Each cell is the model's mean BLEU over the resamples ± half its 95% interval; Δ is its BLEU minus ${specOf(sig.baseline).label}'s on the whole test set, and p the probability of a difference at least that large if the two models were equally good. **Bold**: significant at p < ${SIGNIFICANCE}.` +
    (without.length ? ` Not in it (evaluated in an earlier run whose translations were not kept): ${without.join(", ")}.` : ""), "");
  p(`| model | ${beams.map((b) => `${b === 1 ? "greedy" : `beam ${b}`}: BLEU | Δ | p`).join(" | ")} |`);
  p(`| --- | ${beams.map(() => "---: | ---: | ---:").join(" | ")} |`);
  const names = sig.beams[String(beams[0])].test.map((r) => r.name);
  for (const name of names) {
    const cells = beams.map((b) => {
      const res = sig.beams[String(b)].test, r = res.find((x) => x.name === name)!, base = res[0];
      if (r.p === null) return `${ciText(r)} | | `;
      const d = signed(r.score - base.score), star = r.p < SIGNIFICANCE;
      return `${ciText(r)} | ${star ? `**${d}**` : d} | ${star ? `**${pText(r.p)}**` : pText(r.p)}`;
    });
    p(`| ${specOf(name).label} | ${cells.join(" | ")} |`);
  }
  p("");
  const top = sig.beams[String(beamMax)]?.test.slice(1) ?? [];
  const yes = top.filter((r) => r.p !== null && r.p < SIGNIFICANCE), no = top.filter((r) => r.p !== null && r.p >= SIGNIFICANCE);
  p(`At beam ${beamMax}, ${yes.length ? `${yes.map((r) => `${specOf(r.name).label} (${signed(r.score - sig.beams[String(beamMax)].test[0].score)})`).join(", ")} differ${yes.length === 1 ? "s" : ""} from ${specOf(sig.baseline).label} significantly` : `no model differs from ${specOf(sig.baseline).label} significantly`}` +
    `${no.length ? `; ${no.map((r) => `${specOf(r.name).label} (${signed(r.score - sig.beams[String(beamMax)].test[0].score)}, p ${pText(r.p!)})`).join(", ")} ${no.length === 1 ? "does" : "do"} not` : ""}.`, "");
}

/** The paired bootstrap in every length bucket with enough segments: each model's difference from the baseline. */
function bucketSignificance(pp: PairSummary, beam: number, p: (...l: string[]) => void): void {
  const sig = pp.significance;
  const rows = sig?.beams[String(beam)]?.buckets ?? [];
  if (!sig || rows.length === 0) return;
  const names = rows[0].results.slice(1).map((r) => r.name);
  p(`**Which differences are real (beam ${beam}).** The paired bootstrap of each length bucket with at least ${MIN_BUCKET_SEGMENTS} segments (the same ${int(sig.samples)} resamples for every model, within the bucket): each model's BLEU minus ${specOf(sig.baseline).label}'s, and its p-value; **bold**: significant at p < ${SIGNIFICANCE}.`, "");
  p(`| source length | segments | ${specOf(sig.baseline).label} | ${names.map((n) => specOf(n).label).join(" | ")} |`);
  p(`| --- | ---: | ---: | ${names.map(() => "---:").join(" | ")} |`);
  for (const r of rows) {
    const base = r.results[0];
    p(`| ${r.label} | ${r.segments} | ${ciText(base)} | ${r.results.slice(1).map((x) => { const t = `${signed(x.score - base.score)} (p ${pText(x.p!)})`; return x.p! < SIGNIFICANCE ? `**${t}**` : t; }).join(" | ")} |`);
  }
  p("");
}

const CELLS = [["lstm", "LSTM"], ["gru", "GRU"], ["rnn", "plain RNN"]] as const;

/** "+2.31 (p 0.004)": a difference and its bootstrap p-value, bold when significant. */
function diffP(d: number, pv: number | null | undefined): string {
  if (pv === null || pv === undefined) return signed(d);
  const t = `${signed(d)} (p ${pText(pv)})`;
  return pv < SIGNIFICANCE ? `**${t}**` : t;
}

/** The same two architectures with each cell: what gates do, and what attention buys with each cell. */
function cellsSection(pp: PairSummary, beamMax: number, p: (...l: string[]) => void): void {
  const ev = (name: string) => pp.models.find((x) => x.name === name)?.eval ?? null;
  const nameOf = (arch: "rnnsearch" | "rnnenc", cell: string) => (cell === "lstm" ? arch : `${arch}-${cell}`);
  const cells = CELLS.filter(([c]) => ev(nameOf("rnnsearch", c)) || ev(nameOf("rnnenc", c)));
  if (!cells.some(([c]) => c !== "lstm")) return;
  const sig = pp.significance;
  const gainP = (c: string, beam: number): number | null => {
    if (!sig) return null;
    if (c === "lstm") return sig.beams[String(beam)]?.test.find((r) => r.name === "rnnsearch")?.p ?? null;
    return sig.within?.find((w) => w.model === nameOf("rnnsearch", c))?.beams[String(beam)]?.[1]?.p ?? null;
  };
  const longest = ev("rnnsearch")?.sets.filter((x) => x.set.startsWith("test_join")).pop()?.set ?? null;
  p(`### Cells: LSTM, GRU and plain RNN (beam ${beamMax})`, "");
  p(`RNNsearch and RNNenc with each recurrent cell, everything else the same (the GRU and plain RNN models' hidden sizes matched to the LSTM models' parameter counts). The attention gain is RNNsearch's BLEU minus RNNenc's with the same cell, with the paired bootstrap's p-value (**bold**: p < ${SIGNIFICANCE}).`, "");
  p(`| | ${cells.map(([, l]) => l).join(" | ")} |`, `| --- | ${cells.map(() => "---:").join(" | ")} |`);
  const row = (label: string, f: (c: string) => string) => p(`| ${label} | ${cells.map(([c]) => f(c)).join(" | ")} |`);
  const b = (name: string, set = "test") => bleuAt(ev(name), set, beamMax);
  row("RNNsearch, test BLEU", (c) => f2(b(nameOf("rnnsearch", c))));
  row("RNNenc, test BLEU", (c) => f2(b(nameOf("rnnenc", c))));
  const gain = (c: string) => { const x = b(nameOf("rnnsearch", c)), y = b(nameOf("rnnenc", c)); return x === null || y === null ? null : x - y; };
  row("attention gain", (c) => { const g = gain(c); return g === null ? "–" : diffP(g, gainP(c, beamMax)); });
  if (longest) {
    row(`RNNsearch, \`${longest}\``, (c) => f2(b(nameOf("rnnsearch", c), longest)));
    row(`RNNenc, \`${longest}\``, (c) => f2(b(nameOf("rnnenc", c), longest)));
  }
  row("RNNsearch, test perplexity", (c) => { const e = ev(nameOf("rnnsearch", c)); return f2(e ? testOf(e)?.ppl : null); });
  p("");
  const s: string[] = [];
  const gains = cells.map(([c, l]) => ({ c, l, g: gain(c) })).filter((x) => x.g !== null) as { c: string; l: string; g: number }[];
  if (gains.length) s.push(`Attention's gain on the test set: ${gains.map((x) => `${signed(x.g)} BLEU with ${x.l} cells`).join(", ")}.`);
  const lstm = gains.find((x) => x.c === "lstm"), rnn = gains.find((x) => x.c === "rnn");
  if (lstm && rnn) {
    s.push(Math.abs(rnn.g - lstm.g) < 1 ? "Without gates attention buys about as much as with LSTM cells (within 1 BLEU)." :
      rnn.g > lstm.g ? `Without gates attention buys more than with LSTM cells (${signed(rnn.g - lstm.g)}): the plain RNN's single summary vector holds less of the source, and attention reads the source positions directly.` :
      `Without gates attention buys less than with LSTM cells (${signed(rnn.g - lstm.g)}).`);
  }
  for (const arch of ["rnnsearch", "rnnenc"] as const) {
    const base = b(arch);
    const others = cells.filter(([c]) => c !== "lstm").map(([c, l]) => ({ l, v: b(nameOf(arch, c)) })).filter((x) => x.v !== null) as { l: string; v: number }[];
    if (base !== null && others.length) s.push(`${arch === "rnnsearch" ? "RNNsearch" : "RNNenc"} with ${others.map((x) => `${x.l} cells scores ${x.v.toFixed(2)} (${signed(x.v - base)} against LSTM cells)`).join(" and ")}.`);
  }
  if (s.length) p(s.join(" "), "");
}

/** Models trained with more than one seed: each seed's test BLEU and their mean ± standard deviation. */
function seedsSection(pp: PairSummary, beamMax: number, p: (...l: string[]) => void): void {
  const extra = pp.seeds ?? [];
  const names = [...new Set(extra.filter((x) => x.eval).map((x) => x.name))];
  const groups = names.map((name) => {
    const first = pp.models.find((x) => x.name === name);
    const runs = [...(first?.eval && first.train ? [{ seed: Number(JSON.parse(first.train.key).train.seed), eval: first.eval, train: first.train }] : []),
      ...extra.filter((x) => x.name === name && x.eval && x.train).map((x) => ({ seed: x.seed, eval: x.eval!, train: x.train! }))].sort((a, b) => a.seed - b.seed);
    return { name, runs };
  }).filter((g) => g.runs.length > 1);
  if (!groups.length) return;
  p(`### Seeds`, "");
  p(`The same models trained again with other seeds (initialisation, batch order and dropout; everything else the same). Beside each seed's test BLEU, the mean ± standard deviation over the seeds: the spread that one training's number carries.`, "");
  p(`| model | seeds | BLEU greedy | BLEU beam ${beamMax} | mean ± sd greedy | mean ± sd beam ${beamMax} | validation loss mean ± sd |`);
  p("| --- | --- | --- | --- | ---: | ---: | ---: |");
  for (const g of groups) {
    const gr = g.runs.map((r) => bleuAt(r.eval, "test", 1) ?? NaN), bm = g.runs.map((r) => bleuAt(r.eval, "test", beamMax) ?? NaN);
    const vl = g.runs.map((r) => r.train.bestValidLoss ?? NaN);
    const ms = (v: number[], d = 2) => `${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(d)} ± ${sd(v).toFixed(d)}`;
    p(`| ${specOf(g.name).label} | ${g.runs.map((r) => r.seed).join(", ")} | ${gr.map((x) => x.toFixed(2)).join(" / ")} | ${bm.map((x) => x.toFixed(2)).join(" / ")} | ${ms(gr)} | ${ms(bm)} | ${ms(vl, 4)} |`);
  }
  p("");
}

function bucketDiffs(a: EvalFile, b: EvalFile, beam: number): BucketDiff[] {
  return rowDiffs(a.byLength[String(beam)]?.rows ?? [], b.byLength[String(beam)]?.rows ?? []);
}

/** A training's sessions as [start, end) in ms (a session cut off by a kill ends after its recorded seconds). */
function spans(sessions: { started: string; seconds: number }[]): [number, number][] {
  return sessions.map((x) => { const a = Date.parse(x.started); return [a, a + x.seconds * 1000]; });
}

/**
 * For each training (by id), the share of its session time during which at
 * least one other training of the list was running too. Two trainings at
 * once share the cores' memory bandwidth and L3, so both run slower.
 */
export function overlapShares(trainings: { id: string; sessions: { started: string; seconds: number }[] }[]): Map<string, number> {
  const all = trainings.map((t) => ({ id: t.id, spans: spans(t.sessions) }));
  const out = new Map<string, number>();
  for (const t of all) {
    let total = 0, shared = 0;
    for (const [a, b] of t.spans) {
      total += b - a;
      // the union of the others' spans, clipped to [a, b)
      const cuts = all.filter((o) => o !== t).flatMap((o) => o.spans)
        .map(([c, d]) => [Math.max(a, c), Math.min(b, d)] as const).filter(([c, d]) => d > c).sort((x, y) => x[0] - y[0]);
      let end = a;
      for (const [c, d] of cuts) {
        const from = Math.max(c, end);
        if (d > from) { shared += d - from; end = d; }
      }
    }
    out.set(t.id, total > 0 ? shared / total : 0);
  }
  return out;
}

/** overlapShares of every training of a summary, keyed "pair Label". */
function trainingShares(s: Summary): Map<string, number> {
  return overlapShares(s.pairs.flatMap((pp) => pp.models.filter((x) => x.train).map((x) => ({ id: `${pp.pair} ${specOf(x.name).label}`, sessions: x.train!.sessions }))));
}

/** A training shared the machine "for most of its time" above this share (both sentences below). */
const MOSTLY = 0.5;

/** The machine row's sentence on trainings that ran side by side (shares from overlapShares). */
export function sideBySideText(shares: Map<string, number>): string {
  const n = shares.size, most = [...shares.values()].filter((v) => v > MOSTLY).length;
  if (n === 0) return "";
  if (most === 0) return "One `npm run experiments` trains one model at a time, and no two of these trainings overlapped for more than half of their time.";
  return `One \`npm run experiments\` trains one model at a time, but ${most} of these ${n} trainings ran for more than half of their time alongside another one started as a separate command (one per core); the two slow each other down (shared memory bandwidth and cache), so their training times are measured under that load.`;
}

/** The training-time note's sentence naming the models trained mostly alongside another training. */
export function sharedTimesText(models: { label: string; share: number }[]): string {
  const shared = models.filter((x) => x.share > MOSTLY);
  if (!shared.length) return "";
  return ` Trained alongside another training for most of their time: ${shared.map((x) => `${x.label} (${Math.round(100 * x.share)}%)`).join(", ")}.`;
}

/** Whose outputs are too short (brevity penalty < 0.9) in the longest bucket, A = the attention model, B = RNNenc. */
export function brevitySentence(A: string, B: string, bpA: number, bpB: number, bucket: string): string {
  const bp = `brevity penalty ${bpA.toFixed(2)} (${A}) and ${bpB.toFixed(2)} (${B}) at ${bucket} words`;
  if (bpA < 0.9 && bpB < 0.9) {
    return ` There the outputs are too short for both (${bp}): both models stop early on inputs longer than their training data, with or without attention, and that costs BLEU in these buckets as well as any bottleneck.`;
  }
  if (bpB < 0.9) {
    return ` There only ${B}'s outputs are too short (${bp}): without attention the decoder stops early on inputs longer than its training data, so part of its loss there is missing words, not only wrong ones.`;
  }
  if (bpA < 0.9) {
    return ` There only ${A}'s outputs are too short (${bp}): the attention model stops early on inputs longer than its training data.`;
  }
  return ` Output lengths stay close to the references' there (${bp}).`;
}

/**
 * How the gap between A (attention) and B (RNNenc) changes from the shortest
 * to the longest bucket, in BLEU points (dFirst, dLast) and relative to each
 * model's own shortest-bucket score (dropA, dropB: % lost).
 */
export function gapSentence(A: string, B: string, dFirst: number, dLast: number, dropB: number, dropA: number): string {
  if (dLast > dFirst + 0.5) return "the gap widens with length, as the fixed-length context predicts.";
  if (dLast >= dFirst - 0.5) return "the gap does not grow with length.";
  if (dropB > dropA + 5) {
    return `in BLEU points the gap narrows again on the longest inputs (${signed(dFirst)} → ${signed(dLast)}: both scores fall towards zero), ` +
      `but relative to its own score on short sentences ${B} loses more (${dropB.toFixed(0)}% vs ${dropA.toFixed(0)}%): without attention quality falls faster with length, as the fixed-length context predicts.`;
  }
  return `the gap narrows with length (${signed(dFirst)} → ${signed(dLast)}), in BLEU points and relative to each model's short-sentence score: contrary to the fixed-context argument.`;
}

/** An attention model's lead over RNNenc by length bucket: the buckets where it is not ahead by at least 1 BLEU. */
export interface Lead {
  label: string;
  bidirectional: boolean;
  misses: { bucket: string; d: number; bp: number | null; bpBase: number | null }[];
}

/** ", ahead of RNNenc by at least 1 BLEU in every length bucket" or where it is not, with the brevity penalties. */
export function leadText(l: Lead): string {
  if (!l.misses.length) return ", and leads by at least 1 BLEU in every length bucket";
  return `, but does not lead by 1 BLEU at ${l.misses.map((x) => `${x.bucket} words (${signed(x.d)}${x.bp === null ? "" : `, brevity penalty ${x.bp.toFixed(2)}${x.bpBase === null ? "" : ` vs ${x.bpBase.toFixed(2)}`}`})`).join(", ")}`;
}

/**
 * Whether losing the lead over RNNenc on long inputs goes with the encoder:
 * stated only when every model that loses it is unidirectional and at least
 * one bidirectional model keeps it everywhere (or the reverse).
 */
export function encoderLeadSentence(leads: Lead[], base: string): string {
  const lose = leads.filter((l) => l.misses.length), keep = leads.filter((l) => !l.misses.length);
  if (!lose.length || !keep.length) return "";
  const names = (v: Lead[]) => v.length === 1 ? v[0].label : `${v.slice(0, -1).map((l) => l.label).join(", ")} and ${v[v.length - 1].label}`;
  const misses = lose.flatMap((l) => l.misses);
  const short = misses.every((x) => x.bp !== null && x.bp < 0.9);
  const bases = misses.map((x) => x.bpBase).filter((x): x is number => x !== null);
  const why = short
    ? ` In those buckets ${lose.length === 1 ? "its" : "their"} outputs are far too short (brevity penalty ${fmtRange(misses.map((x) => x.bp!))}${bases.length ? `, ${base} ${fmtRange(bases)}` : ""}): ${lose.length === 1 ? "it stops" : "they stop"} early on inputs longer than the training data.`
    : "";
  const one = (v: Lead[]) => v.length === 1;
  if (lose.every((l) => !l.bidirectional) && keep.every((l) => l.bidirectional)) {
    return `Attention does not help everywhere: the attention model${one(lose) ? "" : "s"} that lose${one(lose) ? "s" : ""} the lead over ${base} in some length buckets ${one(lose) ? "has" : "have"} a unidirectional encoder (${names(lose)}); ${one(keep) ? "the one" : "those"} with a bidirectional encoder (${names(keep)}) keep${one(keep) ? "s" : ""} it in every bucket.${why}`;
  }
  if (lose.every((l) => l.bidirectional) && keep.every((l) => !l.bidirectional)) {
    return `Attention does not help everywhere: the attention model${one(lose) ? "" : "s"} that lose${one(lose) ? "s" : ""} the lead over ${base} in some length buckets ${one(lose) ? "has" : "have"} a bidirectional encoder (${names(lose)}); ${one(keep) ? "the one" : "those"} with a unidirectional encoder (${names(keep)}) keep${one(keep) ? "s" : ""} it in every bucket.${why}`;
  }
  return `Attention does not help everywhere: ${names(lose)} lose${one(lose) ? "s" : ""} the lead over ${base} in some length buckets, while ${names(keep)} keep${one(keep) ? "s" : ""} it in every bucket.${why}`;
}


/** The generated paragraph: the attention model against RNNenc by length, with the numbers. */
export function lengthParagraph(pp: PairSummary, evald: { name: string; eval: EvalFile }[], beam: number, r = roles({})): string {
  const base = evald.find((x) => x.name === r.base);
  const attModels = evald.filter((x) => specOf(x.name).attention !== "none");
  if (!base || attModels.length === 0) return `Needs ${specOf(r.base).label} and an attention model; not both are evaluated yet.`;
  const head = attModels.find((x) => x.name === r.head) ?? attModels[0];
  const A = specOf(head.name).label, B = specOf(base.name).label;
  const diffs = bucketDiffs(head.eval, base.eval, beam);
  const s: string[] = [];
  const ta = bleuAt(head.eval, "test", beam)!, tb = bleuAt(base.eval, "test", beam)!;
  s.push(`On the test set ${A} scores ${ta.toFixed(2)} BLEU and ${B} ${tb.toFixed(2)} (${signed(ta - tb)}).`);
  if (diffs.length) {
    s.push(`By source length (test and joined sets together, buckets of at least 5 segments), ${A} minus ${B}: ${diffs.map((x) => `${x.row.label} words ${signed(x.d)} (${x.a.toFixed(1)} vs ${x.b.toFixed(1)}, n=${x.row.sentences})`).join("; ")}.`);
    const helps = diffs.filter((x) => x.d >= 1), not = diffs.filter((x) => x.d < 1);
    const big = diffs.reduce((a, b) => (b.d > a.d ? b : a));
    if (helps.length) s.push(`Attention helps most at ${big.row.label} words (${signed(big.d)} BLEU).`);
    if (not.length) s.push(`It does not help (less than 1 BLEU, or worse) at ${not.map((x) => `${x.row.label} words (${signed(x.d)})`).join(", ")}.`);
    else s.push(`It helps by at least 1 BLEU in every bucket.`);
    const ls = pp.lengths;
    const beyond = ls ? diffs.filter((x) => x.row.min > ls.p99) : [];
    if (ls && beyond.length) {
      const lastB = beyond[beyond.length - 1];
      const bpA = lastB.row.bp, bpB = base.eval.byLength[String(beam)]?.rows.find((r) => r.label === lastB.row.label)?.bp ?? null;
      s.push(`The training sources have at most ${ls.max} words (99% at most ${ls.p99}), so the buckets from ${beyond[0].row.label} words on hold joined pairs longer than almost every input either model was trained on.` +
        (bpA === null || bpB === null ? "" : brevitySentence(A, B, bpA, bpB, lastB.row.label)));
    }
    const first = diffs[0], lastD = diffs[diffs.length - 1];
    if (diffs.length >= 2) {
      const drop = (hi: number, lo: number) => (hi > 0 ? (100 * (hi - lo)) / hi : 0);
      s.push(`From the shortest bucket (${first.row.label}) to the longest (${lastD.row.label}) ${B} goes from ${first.b.toFixed(1)} to ${lastD.b.toFixed(1)} BLEU (${drop(first.b, lastD.b).toFixed(0)}% lower) and ${A} from ${first.a.toFixed(1)} to ${lastD.a.toFixed(1)} (${drop(first.a, lastD.a).toFixed(0)}% lower): ` +
        gapSentence(A, B, first.d, lastD.d, drop(first.b, lastD.b), drop(first.a, lastD.a)));
    }
  }
  const rev = evald.find((x) => x.name === "rnnenc-rev");
  if (rev) {
    const r = bleuAt(rev.eval, "test", beam)!;
    const dl = bucketDiffs(rev.eval, base.eval, beam);
    s.push(`Reversing the source changes ${B}'s test BLEU by ${signed(r - tb)} (${r.toFixed(2)})${dl.length ? `, on the longest bucket by ${signed(dl[dl.length - 1].d)}` : ""}.`);
  }
  const baseRows = base.eval.byLength[String(beam)]?.rows ?? [];
  const leads: Lead[] = attModels.map((x) => ({
    label: specOf(x.name).label, bidirectional: specOf(x.name).bidirectional,
    misses: (x === head ? diffs : bucketDiffs(x.eval, base.eval, beam)).filter((y) => y.d < 1)
      .map((y) => ({ bucket: y.row.label, d: y.d, bp: y.row.bp, bpBase: baseRows.find((r) => r.label === y.row.label)?.bp ?? null })),
  }));
  attModels.forEach((x, i) => {
    if (x === head) return;
    const v = bleuAt(x.eval, "test", beam)!;
    const what = x.name === "rnnsearch-uni"
      ? `${specOf(x.name).label}, which differs from ${B} only by attention (same unidirectional encoder), scores ${v.toFixed(2)} (${signed(v - tb)})`
      : `${specOf(x.name).label} scores ${v.toFixed(2)} (${signed(v - tb)} over ${B})`;
    s.push(`${what}${leadText(leads[i])}.`);
  });
  const enc = encoderLeadSentence(leads, B);
  if (enc) s.push(enc);
  return s.join(" ");
}

/** Writes the report of an output directory into dir (results.md, results.json, figures/). */
export async function reportFromDir(out: string, dir: string, regenerate: string, outName = out, writeSummary = true): Promise<string | null> {
  const summary = await collectSummary(out);
  if (!summary) return null;
  summary.outDir = outName;
  if (writeSummary) await writeFile(paths.summary(out), JSON.stringify(summary, null, 1) + "\n");
  const names = reportNames(summary.run.plan.corpus);
  await writeReport(summary, dir, { ...names, regenerate });
  return join(dir, names.mdName ?? "results.md");
}
