import { S2SError, UsageError } from "../errors.js";
import { Bpe, countWords, DEFAULT_SEPARATOR, formatBpeVocabulary, formatMerges, getBpeVocabulary, learnBpe, readBpeVocabulary, removeBpe } from "../text/bpe.js";
import { readAllLines, readTextLines, runLineFilter, userErrors, writeOut } from "../pipeline/lines.js";
import type { CommandSpec, Values } from "./args.js";

export const bpeSpec: CommandSpec = {
  name: "bpe",
  summary: "Subword BPE (subword-nmt semantics): learn merges, apply them, remove them.",
  usage: "s2s bpe learn --merges N [--min-freq F] [FILE [FILE2]] > codes\n" +
    "       s2s bpe apply --codes CODES [--vocabulary VOCAB --vocabulary-threshold T] < tokens > pieces\n" +
    "       s2s bpe remove < pieces > tokens\n" +
    "       s2s bpe vocab < pieces > vocab",
  description:
    "learn: learn_bpe.py on tokenized text (stdin, or FILE; FILE and FILE2 give joint BPE, as\n" +
    "learn_joint_bpe_and_vocab.py); writes a '#version: 0.2' codes file. Files may be gzip-compressed.\n" +
    "apply: apply_bpe.py; non-final pieces of a word end in the separator (\"@@\"); --vocabulary (a file of\n" +
    "'piece count' lines, from `s2s bpe vocab`) with --vocabulary-threshold splits rare pieces further.\n" +
    "remove: sed -E 's/@@( |$)//g'. vocab: get_vocab.py ('piece count' lines, most frequent first).\n" +
    "apply, remove and vocab read stdin; apply and remove write one line per input line.",
  positionals: [
    { name: "ACTION", required: true, help: "learn | apply | remove | vocab" },
    { name: "FILE", help: "learn: training text (default stdin)" },
    { name: "FILE2", help: "learn: second text for joint BPE" },
  ],
  options: [
    { name: "merges", type: "int", min: 0, arg: "N", help: "learn: number of merge operations; apply: use only the first N merges of CODES" },
    { name: "min-freq", type: "int", min: 1, default: 2, help: "learn: stop when the most frequent pair occurs fewer times" },
    { name: "codes", type: "string", arg: "FILE", help: "apply: the codes (merges) file" },
    { name: "vocabulary", type: "string", arg: "FILE", help: "apply: vocabulary filter ('piece count' lines)" },
    { name: "vocabulary-threshold", type: "int", min: 0, help: "apply: keep vocabulary entries seen at least this often" },
    { name: "separator", type: "string", default: DEFAULT_SEPARATOR, help: "continuation marker" },
    { name: "quiet", type: "boolean", help: "learn: no progress on stderr" },
  ],
};

export async function runBpe(v: Values, pos: string[]): Promise<void> {
  const action = pos[0];
  const sep = v.separator as string;
  if (sep === "" || /\s/.test(sep)) throw new UsageError("bpe: --separator must be non-empty and without spaces");
  const only = (allowed: string[]) => {
    for (const k of ["codes", "vocabulary", "vocabulary-threshold"]) {
      if (v[k] !== undefined && !allowed.includes(k)) throw new S2SError(`bpe ${action}: --${k} is only for bpe apply`);
    }
    if (pos.length > 1 && action !== "learn") throw new S2SError(`bpe ${action}: reads stdin; unexpected argument ${JSON.stringify(pos[1])}`);
  };
  switch (action) {
    case "learn": {
      only([]);
      if (v.merges === undefined) throw new UsageError("bpe learn: --merges N is required");
      const counts = new Map<string, number>();
      if (pos.length > 1) for (const f of pos.slice(1)) countWords(readTextLines(f, "text"), counts);
      else countWords(await readAllLines(process.stdin), counts);
      const n = v.merges as number;
      let last = Date.now();
      const t0 = last;
      const merges = userErrors(() => learnBpe(counts, {
        numMerges: n, minFrequency: v["min-freq"] as number,
        onMerge: (i) => {
          if (!v.quiet && Date.now() - last > 2000) {
            last = Date.now();
            process.stderr.write(`bpe learn: ${i + 1}/${n} merges\n`);
          }
        },
      }), "bpe learn: ");
      if (!v.quiet) process.stderr.write(`bpe learn: ${merges.length} merges from ${counts.size} word types (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      await writeOut(formatMerges(merges));
      return;
    }
    case "apply": {
      only(["codes", "vocabulary", "vocabulary-threshold"]);
      if (v.codes === undefined) throw new UsageError("bpe apply: --codes FILE is required");
      if (v.vocabulary === undefined && v["vocabulary-threshold"] !== undefined) {
        throw new UsageError("bpe apply: --vocabulary-threshold needs --vocabulary");
      }
      const codes = readTextLines(v.codes as string, "codes file").join("\n");
      const vocabulary = v.vocabulary !== undefined
        ? userErrors(() => readBpeVocabulary(readTextLines(v.vocabulary as string, "vocabulary").join("\n"), v["vocabulary-threshold"] as number | undefined), `${v.vocabulary}: `)
        : undefined;
      const bpe = userErrors(() => Bpe.fromCodes(codes, { separator: sep, vocabulary, maxMerges: (v.merges as number | undefined) ?? -1 }), `${v.codes}: `);
      await runLineFilter((line) => bpe.apply(line));
      return;
    }
    case "remove":
      only([]);
      await runLineFilter((line) => removeBpe(line, sep));
      return;
    case "vocab": {
      only([]);
      await writeOut(formatBpeVocabulary(getBpeVocabulary(await readAllLines(process.stdin))));
      return;
    }
    default:
      throw new S2SError(`bpe: unknown action ${JSON.stringify(action)} (learn, apply, remove or vocab)`);
  }
}
