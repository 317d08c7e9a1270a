import { S2SError, UsageError } from "../errors.js";
import { bleuCorpusStats, bleuFromStats, bleuSignature, corpusBleu, formatBleu } from "../eval/bleu.js";
import { BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED, pairedBootstrap } from "../eval/bootstrap.js";
import { bleuByLength, formatBleuByLength, LENGTH_UNIT } from "../eval/bylength.js";
import { checkStreams, nrefsOf } from "../pipeline/evaluate.js";
import { checkLang, readTextLines, userErrors, writeOut } from "../pipeline/lines.js";
import { readHyps, readRefs } from "../pipeline/refs.js";
import type { CommandSpec, Values } from "./args.js";

export const bleuSpec: CommandSpec = {
  name: "bleu",
  summary: "Corpus BLEU, identical to sacreBLEU's default (13a tokenization, 4-grams, brevity penalty).",
  usage: "s2s bleu --ref REF[,REF2...] [HYP] [--tokenize 13a|none] [--lc] [--by-length --src SRC --src-lang L] [--paired-bs SYS[,SYS2...]] [--score-only]",
  description:
    "Scores detokenized hypotheses (HYP, or stdin) against one or more references (line n of each file is a\n" +
    "reference for line n of HYP; an empty reference line is skipped for that segment). Prints sacreBLEU's line:\n" +
    "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...).\n" +
    "--tokenize none scores pre-tokenized text as it is. --by-length adds a table of BLEU per bucket of source\n" +
    "length: 1-10, 11-20, ..., 61-70, 71+ Moses tokens of each SRC line (lowercased, punctuation-normalised,\n" +
    "tokenized with the rules of --src-lang, before BPE), the buckets of s2s eval and docs/results.md.\n" +
    "--paired-bs SYS,... compares each SYS file with HYP (the baseline) by paired bootstrap resampling, as\n" +
    "sacreBLEU's --paired-bs: the same 1,000 resamples of the segments for every system (numpy's for --seed,\n" +
    "default 12345, so the numbers equal sacreBLEU's), each system's mean and 95% interval, and the p-value\n" +
    "of its difference from the baseline (* below 0.05).\n" +
    "Files may be gzip-compressed.",
  positionals: [{ name: "HYP", help: "hypotheses, one a line (default: stdin)" }],
  options: [
    { name: "ref", type: "string", arg: "FILE[,FILE]", required: true, help: "reference file(s), comma-separated for several" },
    { name: "tokenize", type: "string", choices: ["13a", "none"], default: "13a", help: "BLEU tokenization" },
    { name: "lc", type: "boolean", help: "case-insensitive (lowercase hypotheses and references)" },
    { name: "by-length", type: "boolean", help: "also print BLEU per source-length bucket (needs --src)" },
    { name: "src", type: "string", arg: "FILE", help: "source sentences, for --by-length" },
    { name: "src-lang", type: "string", arg: "L", help: "language of --src (en, de, fr, ...; other codes: generic Moses rules)" },
    { name: "paired-bs", type: "string", arg: "SYS[,SYS]", help: "systems to compare with HYP by paired bootstrap resampling" },
    { name: "paired-bs-n", type: "int", min: 1, max: 100000, default: BOOTSTRAP_SAMPLES, help: "bootstrap resamples" },
    { name: "seed", type: "int", min: 0, default: BOOTSTRAP_SEED, help: "seed of the resamples (sacreBLEU's SACREBLEU_SEED)" },
    { name: "score-only", type: "boolean", help: "print only the score" },
  ],
};

export async function runBleu(v: Values, pos: string[]): Promise<void> {
  if (v["by-length"] && v.src === undefined) throw new UsageError("bleu: --by-length needs --src SOURCE_FILE");
  if (v.src !== undefined && !v["by-length"]) throw new UsageError("bleu: --src is only used with --by-length");
  if (v["by-length"] && v["src-lang"] === undefined) throw new UsageError("bleu: --by-length counts the Moses tokens of the source: give its language with --src-lang L (e.g. de)");
  if (v["src-lang"] !== undefined && !v["by-length"]) throw new UsageError("bleu: --src-lang is only used with --by-length");
  const { files, streams } = readRefs(v.ref as string);
  const hyps = await readHyps(pos[0]);
  checkStreams(hyps, streams, files);
  const opts = { tokenize: v.tokenize as "13a" | "none", lowercase: Boolean(v.lc) };
  let src: string[] | null = null;
  if (v.src !== undefined) {
    src = readTextLines(v.src as string, "source");
    if (src.length !== hyps.length) throw new S2SError(`${v.src} has ${src.length} lines but the hypotheses have ${hyps.length}`);
  }
  if (v["paired-bs"] !== undefined) {
    if (src) throw new UsageError("bleu: --paired-bs and --by-length are separate runs");
    if (v["score-only"]) throw new UsageError("bleu: --paired-bs prints a table; leave out --score-only");
    const files = (v["paired-bs"] as string).split(",").filter((f) => f !== "");
    if (files.length === 0) throw new UsageError("bleu: --paired-bs needs at least one system file");
    const systems = [{ name: pos[0] ?? "stdin", stats: userErrors(() => bleuCorpusStats(hyps, streams, opts)) }];
    for (const f of files) {
      const h = await readHyps(f);
      if (h.length !== hyps.length) throw new S2SError(`${f} has ${h.length} lines but the baseline has ${hyps.length}`);
      systems.push({ name: f, stats: userErrors(() => bleuCorpusStats(h, streams, opts)) });
    }
    const res = pairedBootstrap(systems, (s) => bleuFromStats(s, opts).score, { samples: v["paired-bs-n"] as number, seed: v.seed as number });
    const w = Math.max(...res.map((r) => r.name.length), 8);
    let out = `BLEU|${bleuSignature(nrefsOf(streams), opts)}, paired bootstrap: ${v["paired-bs-n"]} resamples, seed ${v.seed}\n`;
    out += `${"system".padEnd(w)}   BLEU   mean ± 95% CI   p (vs baseline)\n`;
    for (const r of res) {
      const p = r.p === null ? "baseline" : `${r.p.toFixed(4)}${r.p < 0.05 ? " *" : ""}`;
      out += `${r.name.padEnd(w)}  ${r.score.toFixed(2).padStart(5)}  ${r.mean.toFixed(2).padStart(6)} ± ${r.ci.toFixed(2).padEnd(5)}  ${p}\n`;
    }
    await writeOut(out);
    return;
  }
  const bleu = userErrors(() => corpusBleu(hyps, streams, opts));
  let out = formatBleu(bleu, v["score-only"] ? { scoreOnly: true } : { signature: bleuSignature(nrefsOf(streams), opts) }) + "\n";
  if (src) {
    const table = userErrors(() => formatBleuByLength(bleuByLength({ sources: src, lang: checkLang(v["src-lang"] as string, "--src-lang"), hypotheses: hyps, references: streams, bleu: opts })));
    out += `\nBLEU by source length (${LENGTH_UNIT}, ${v["src-lang"]} rules; ` + bleuSignature(nrefsOf(streams), opts) + "):\n" + table;
  }
  await writeOut(out);
}
