import { S2SError } from "../errors.js";
import { joinConsecutive } from "../data/join.js";
import { loadMulti30k } from "../data/multi30k.js";
import { loadWmtDeen, WMT_DEEN } from "../data/wmt.js";
import { describeSkipped } from "../data/corpus.js";
import type { SentencePair } from "../data/corpus.js";
import { bleuByLength, LENGTH_UNIT } from "../eval/bylength.js";
import { DEFAULT_SEARCH } from "../decode/search.js";
import { evaluateText } from "../pipeline/evaluate.js";
import { checkLang, oneLine, readTextLines, userErrors, writeOut } from "../pipeline/lines.js";
import { openOutput, TextProgress } from "../pipeline/output.js";
import { readRefs } from "../pipeline/refs.js";
import { DEFAULT_MAX_SRC_PIECES, Translator } from "../pipeline/translator.js";
import { UsageError, type CommandSpec, type Values } from "./args.js";
import { MODEL_OPT, NO_PACK_OPT, THREADS_OPT, WASM_OPT, loadModelFile } from "./common.js";
import { r7 } from "./io.js";
import { CORPUS_OPT } from "./text-data.js";

export const evalSpec: CommandSpec = {
  name: "eval",
  summary: "Translate a test set and report BLEU (sacreBLEU default), chrF and BLEU by source length.",
  usage: "s2s eval --model M.safetensors [--corpus wmt-deen] [--data-dir DIR] [--split NAME] [--beam K] [--hyp-out FILE]\n" +
    "       s2s eval --model M.safetensors --src SRC --ref REF[,REF2] [options]",
  description:
    "Translates the source side with the model's own text pipeline and scores the detokenized output against the\n" +
    "untouched references: BLEU as sacreBLEU's default (13a), chrF2, and a table of BLEU per source-length bucket:\n" +
    "1-10, 11-20, ..., 61-70, 71+ Moses tokens of the source (lowercased, punctuation-normalised, tokenized with the\n" +
    "source language's rules, before BPE: the tokens of Multi30k's tok/ files), the buckets of docs/results.md\n" +
    "(wmt-deen's go to 61+, as its report's do).\n" +
    "Multi30k: --data-dir DIR (or $S2S_DATA) and --split; wmt-deen: --corpus wmt-deen --data-dir DIR, --split\n" +
    "newstest2014 by default (pairs with an empty side are skipped and counted); the languages default to the model's\n" +
    "(its tokenizer metadata). --case auto scores case-insensitively when the model lowercases its target side\n" +
    "(sacreBLEU -lc; the signature then says case:lc), cased (case:mixed) otherwise. --join N evaluates on pairs made of N consecutive test pairs (a long-sentence test\n" +
    "set; say so when reporting it); --join 1,2,3,4 scores the test set and its joined versions together, as the\n" +
    "BLEU-by-length table of docs/results.md does. Each source is translated whole up to --max-src-pieces pieces\n" +
    "(default 250; s2s translate splits at the model's training length instead), so the scores measure the model\n" +
    "on the lengths given.",
  options: [
    MODEL_OPT,
    { name: "data-dir", type: "string", arg: "DIR", help: "corpus directory (--corpus; default: $S2S_DATA)" },
    CORPUS_OPT,
    { name: "split", type: "string", arg: "NAME", help: "split of --data-dir to evaluate [default: test_2016_flickr; wmt-deen: newstest2014]" },
    { name: "src-lang", type: "string", arg: "L", help: "source language (Multi30k; and the rules that count source length) [default: the model's]" },
    { name: "tgt-lang", type: "string", arg: "L", help: "Multi30k target language [default: the model's]" },
    { name: "src", type: "string", arg: "FILE", help: "source file (instead of Multi30k; plain or .gz)" },
    { name: "ref", type: "string", arg: "FILE[,FILE]", help: "reference file(s), comma-separated for several" },
    { name: "limit", type: "int", min: 1, arg: "N", help: "evaluate only the first N pairs" },
    { name: "join", type: "string", arg: "N[,N...]", default: "1", help: "concatenate N consecutive pairs into one (long sentences); several N: those sets together" },
    { name: "beam", type: "int", min: 1, max: 1000, default: DEFAULT_SEARCH.beam, help: "beam size (1 = greedy)" },
    { name: "alpha", type: "number", min: 0, default: DEFAULT_SEARCH.alpha, help: "length normalisation exponent" },
    { name: "max-len-a", type: "number", min: 0, default: DEFAULT_SEARCH.maxLenA, help: "maximum output length ⌊a·S + b⌋" },
    { name: "max-len-b", type: "number", min: 0, default: DEFAULT_SEARCH.maxLenB, help: "see --max-len-a" },
    { name: "batch-sentences", type: "int", min: 1, default: 32, help: "sentences per batch" },
    { name: "replace-unk", type: "boolean", help: "replace <unk> outputs by the most attended source word" },
    { name: "max-src-pieces", type: "int", min: 1, default: DEFAULT_MAX_SRC_PIECES, help: "translate longer sources in parts (sentences, then parts of at most N pieces)" },
    { name: "tokenize", type: "string", choices: ["13a", "none"], default: "13a", help: "BLEU tokenization" },
    { name: "case", type: "string", choices: ["auto", "mixed", "lc"], default: "auto", help: "case-sensitive (mixed) or not (lc); auto = lc if the model lowercases" },
    { name: "hyp-out", type: "string", arg: "FILE", help: "also write the translations to FILE" },
    { name: "json", type: "boolean", help: "print the scores as one JSON object" },
    { name: "quiet", type: "boolean", help: "no progress on stderr" },
    WASM_OPT,
    THREADS_OPT,
    NO_PACK_OPT,
  ],
};

/** --join N[,N...]: distinct integers in [1, 16]. */
function parseJoins(text: string): number[] {
  const joins = text.split(",").map((x) => x.trim());
  const ns = joins.map((x) => (/^[0-9]+$/.test(x) ? Number(x) : NaN));
  if (ns.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new UsageError(`eval: --join wants integers from 1 to 16, comma-separated, got "${text}"`);
  if (new Set(ns).size !== ns.length) throw new UsageError(`eval: --join names a value twice: "${text}"`);
  return ns;
}

export async function runEval(v: Values): Promise<void> {
  const joins = parseJoins(v.join as string);
  const files = v.src !== undefined || v.ref !== undefined;
  if (files && (v.src === undefined || v.ref === undefined)) throw new UsageError("eval: --src and --ref go together");
  if (files && v["data-dir"] !== undefined) throw new UsageError("eval: give --data-dir or --src/--ref, not both");
  if (files && (v.corpus !== undefined || v.split !== undefined)) throw new UsageError(`eval: --${v.corpus !== undefined ? "corpus" : "split"} names what --data-dir holds; with --src/--ref leave it out`);
  const model = await loadModelFile(v.model as string, v, true);
  const tr = new Translator(model, undefined, v.model as string);
  if (v["replace-unk"] && !tr.hasAttention) throw new S2SError("eval: --replace-unk needs a model with attention");
  const spec = tr.pipeline.spec;
  let srcs: string[], refs: string[][], what: string;
  if (files) {
    srcs = readTextLines(v.src as string, "source");
    const r = readRefs(v.ref as string);
    refs = r.streams;
    r.files.forEach((f, i) => {
      if (refs[i].length !== srcs.length) throw new S2SError(`eval: ${f} has ${refs[i].length} lines but ${v.src} has ${srcs.length}`);
    });
    what = v.src as string;
  } else {
    const dir = (v["data-dir"] as string | undefined) ?? (process.env.S2S_DATA || undefined);
    if (dir === undefined) throw new UsageError("eval: no test data: give --data-dir DIR (or set S2S_DATA), or --src FILE --ref FILE");
    const sl = (v["src-lang"] as string | undefined) ?? spec.src.lang;
    const tl = (v["tgt-lang"] as string | undefined) ?? spec.tgt.lang;
    if (!sl || !tl) throw new UsageError("eval: the model's metadata names no languages: give --src-lang and --tgt-lang");
    checkLang(sl, "--src-lang");
    checkLang(tl, "--tgt-lang");
    const wmt = v.corpus === "wmt-deen";
    const split = (v.split as string | undefined) ?? (wmt ? WMT_DEEN.test : "test_2016_flickr");
    let pairs: SentencePair[];
    if (wmt) {
      const a = userErrors(() => loadWmtDeen(dir, split, sl, tl));
      const note = describeSkipped(`eval: ${split}`, a);
      if (note && !v.quiet) process.stderr.write(note + "\n");
      pairs = a.pairs;
    } else pairs = userErrors(() => loadMulti30k(dir, split, sl, tl));
    srcs = pairs.map((p) => p.src);
    refs = [pairs.map((p) => p.tgt)];
    what = `${split} ${sl}→${tl}`;
  }
  if (v.limit !== undefined) {
    srcs = srcs.slice(0, v.limit as number);
    refs = refs.map((r) => r.slice(0, v.limit as number));
  }
  if (joins.length > 1 || joins[0] > 1) {
    const base = srcs, baseRefs = refs;
    srcs = [];
    refs = baseRefs.map(() => []);
    for (const n of joins) {
      const joined = baseRefs.map((r) => joinConsecutive(base.map((s, i) => ({ src: s, tgt: r[i] })), n));
      srcs.push(...joined[0].map((p) => p.src));
      joined.forEach((j, k) => refs[k].push(...j.map((p) => p.tgt)));
    }
    const names = joins.map((n) => (n === 1 ? "the pairs" : `${n} consecutive pairs joined`));
    what += joins.length === 1 ? ` (${names[0]})` : ` (together: ${names.join(", ")})`;
  }
  if (srcs.length === 0) throw new S2SError("eval: the test set is empty");
  const lc = v.case === "lc" || (v.case === "auto" && spec.tgt.lowercase);
  // the language whose Moses rules count source length for the buckets
  const lengthLang = v["src-lang"] !== undefined ? checkLang(v["src-lang"] as string, "--src-lang") : spec.src.lang;
  const hypOut = v["hyp-out"] !== undefined ? await openOutput(v["hyp-out"] as string, "hypothesis file") : null;
  const progress = new TextProgress("eval", Boolean(v.quiet));
  const t0 = Date.now();
  const hyps: string[] = [];
  try {
    for (let i = 0; i < srcs.length; i += 256) {
      const res = tr.translate(srcs.slice(i, i + 256), {
        beam: v.beam as number, alpha: v.alpha as number, maxLenA: v["max-len-a"] as number, maxLenB: v["max-len-b"] as number,
        batchSentences: v["batch-sentences"] as number, attention: false, replaceUnk: Boolean(v["replace-unk"]),
        maxSrcPieces: v["max-src-pieces"] as number,
      });
      const texts = res.map((r) => oneLine(r.hyps[0].text));
      hyps.push(...texts);
      if (hypOut) await hypOut.write(texts.map((t) => t + "\n").join(""));
      progress.add(texts.length);
    }
  } finally {
    await hypOut?.close();
  }
  const secs = (Date.now() - t0) / 1000;
  const bleuOpts = { tokenize: v.tokenize as "13a" | "none", lowercase: lc };
  // wmt-deen has its own buckets (to 61+, as the experiments report them); Multi30k and files go to 71+
  const edges = v.corpus === "wmt-deen" ? WMT_DEEN.lengthEdges : undefined;
  const r = evaluateText(hyps, refs, { lines: srcs, lang: lengthLang, edges }, bleuOpts);
  if (v.json) {
    const bl = userErrors(() => bleuByLength({ sources: srcs, lang: lengthLang, hypotheses: hyps, references: refs, bleu: bleuOpts, edges }));
    await writeOut(JSON.stringify({
      test: what, sentences: srcs.length, beam: v.beam, seconds: r7(secs),
      bleu: r7(r.bleu.score), bleu_line: r.bleuLine, chrf: r7(r.chrf.score), chrf_line: r.chrfLine,
      by_length: [...bl.rows, bl.total].map((row) => ({ bucket: row.label, sentences: row.sentences, bleu: row.bleu ? r7(row.bleu.score) : null })),
    }) + "\n");
    return;
  }
  await writeOut(
    `test: ${what}, ${srcs.length} sentences, beam ${v.beam}, ${secs.toFixed(1)} s\n` +
    `${r.bleuLine}\n${r.chrfLine}\n\nBLEU by source length (${LENGTH_UNIT}, ${lengthLang || "generic"} rules):\n${r.byLength}`,
  );
}
