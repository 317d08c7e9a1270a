import { preprocess, tokenize } from "../text/tokenize.js";
import { lowercase } from "../text/normalize.js";
import { checkLang, runLineFilter } from "../pipeline/lines.js";
import type { CommandSpec, Values } from "./args.js";

export const tokenizeSpec: CommandSpec = {
  name: "tokenize",
  summary: "Moses-style normalisation and tokenization, lines on stdin to lines on stdout.",
  usage: "s2s tokenize --lang L [--lowercase] [--no-normalize] [--no-escape] [--aggressive-dash] < text > tokens",
  description:
    "Per line: optional lowercasing (Moses lowercase.perl), punctuation normalisation (normalize-punctuation.perl)\n" +
    "and tokenization (tokenizer.perl) with the non-breaking prefixes of L (en, de, fr; other codes get the generic\n" +
    "rules). --lowercase reproduces Multi30k's tok/*.lc.norm.tok.L files from raw/*.L. One output line per input\n" +
    "line; an empty or blank line gives an empty line; control characters are dropped.",
  options: [
    { name: "lang", type: "string", arg: "L", required: true, help: "language code (en, de, fr, ...)" },
    { name: "lowercase", type: "boolean", help: "lowercase first" },
    { name: "no-normalize", type: "boolean", help: "skip punctuation normalisation" },
    { name: "no-escape", type: "boolean", help: "do not XML-escape & < > ' \" | [ ] (Moses -no-escape)" },
    { name: "aggressive-dash", type: "boolean", help: 'split hyphens between letters/digits as "a @-@ b" (Moses -a)' },
  ],
};

export async function runTokenize(v: Values): Promise<void> {
  const lang = checkLang(v.lang as string);
  const opts = { escape: !v["no-escape"], aggressiveDash: Boolean(v["aggressive-dash"]) };
  const fn = v["no-normalize"]
    ? (line: string) => tokenize(v.lowercase ? lowercase(line) : line, lang, opts)
    : (line: string) => preprocess(line, lang, { ...opts, lowercase: Boolean(v.lowercase) });
  await runLineFilter(fn);
}
