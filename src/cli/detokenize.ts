import { detokenize } from "../text/detokenize.js";
import { checkLang, runLineFilter } from "../pipeline/lines.js";
import type { CommandSpec, Values } from "./args.js";

export const detokenizeSpec: CommandSpec = {
  name: "detokenize",
  summary: "Moses-style detokenization, lines on stdin to lines on stdout.",
  usage: "s2s detokenize --lang L < tokens > text",
  description:
    "Per line: Moses detokenizer.perl -l L — XML entities unescaped, punctuation, quotes and (en) contractions,\n" +
    "(fr) elisions reattached. One output line per input line; a blank line gives an empty line.",
  options: [{ name: "lang", type: "string", arg: "L", required: true, help: "language code (en, de, fr, ...)" }],
};

export async function runDetokenize(v: Values): Promise<void> {
  const lang = checkLang(v.lang as string);
  await runLineFilter((line) => detokenize(line, lang));
}
