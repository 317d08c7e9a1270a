import { chrfSignature, corpusChrf, formatChrf } from "../eval/chrf.js";
import { checkStreams, nrefsOf } from "../pipeline/evaluate.js";
import { userErrors, writeOut } from "../pipeline/lines.js";
import { readHyps, readRefs } from "../pipeline/refs.js";
import type { CommandSpec, Values } from "./args.js";

export const chrfSpec: CommandSpec = {
  name: "chrf",
  summary: "Corpus chrF, identical to sacreBLEU's default (character 6-grams, beta 2).",
  usage: "s2s chrf --ref REF[,REF2...] [HYP] [--word-order 2] [--lc] [--score-only]",
  description:
    "Scores hypotheses (HYP, or stdin) against one or more references, as sacreBLEU's CHRF(): prints\n" +
    "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no = 59.73. --word-order 2 gives chrF++.",
  positionals: [{ name: "HYP", help: "hypotheses, one a line (default: stdin)" }],
  options: [
    { name: "ref", type: "string", arg: "FILE[,FILE]", required: true, help: "reference file(s), comma-separated for several" },
    { name: "char-order", type: "int", min: 1, max: 100, default: 6, help: "character n-gram order" },
    { name: "word-order", type: "int", min: 0, max: 100, default: 0, help: "word n-gram order (2 = chrF++)" },
    { name: "beta", type: "number", min: 0, default: 2, help: "recall weight" },
    { name: "lc", type: "boolean", help: "case-insensitive" },
    { name: "score-only", type: "boolean", help: "print only the score" },
  ],
};

export async function runChrf(v: Values, pos: string[]): Promise<void> {
  const { files, streams } = readRefs(v.ref as string);
  const hyps = await readHyps(pos[0]);
  checkStreams(hyps, streams, files);
  const opts = { charOrder: v["char-order"] as number, wordOrder: v["word-order"] as number, beta: v.beta as number, lowercase: Boolean(v.lc) };
  const score = userErrors(() => corpusChrf(hyps, streams, opts));
  const line = v["score-only"] ? formatChrf(score, { scoreOnly: true }) : formatChrf(score, { signature: chrfSignature(nrefsOf(streams), opts) });
  await writeOut(line + "\n");
}
