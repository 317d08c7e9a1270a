import { join } from "node:path";
import { PREPARED, writePrepared } from "../pipeline/prepare.js";
import { DATA_OPTS, PREPARE_OPTS, prepareFromValues, TEST_OPTS } from "./text-data.js";
import type { CommandSpec, Values } from "./args.js";

export const prepareSpec: CommandSpec = {
  name: "prepare",
  summary: "Learn the text pipeline (tokenizer settings, BPE, vocabularies) from training text; write a prepared directory.",
  usage: "s2s prepare --train SRC,TGT [--dev SRC,TGT] [--test SRC,TGT] --out PREP [options]\n" +
    "       s2s prepare --corpus wmt-deen --data-dir DIR --out PREP [options]\n" +
    "       s2s prepare --data-dir DIR --src-lang L --tgt-lang L --out PREP [options]   (Multi30k)\n" +
    "       s2s prepare (--train-src F --train-tgt F | --train-tsv F) [--valid-src F --valid-tgt F | --valid-tsv F] --out PREP [options]",
  description:
    "Tokenizes the training text (Moses rules of each language, optional lowercasing), learns BPE merges (joint or\n" +
    "per side, with a frequency threshold), builds the vocabularies (<pad> 0, <unk> 1, <s> 2, </s> 3, then pieces\n" +
    "by frequency) and encodes the training and validation pairs. The text: any corpus as aligned files (--train,\n" +
    "--dev, --test: source and target file, comma-separated, plain or .gz, line n of one is the translation of line n\n" +
    "of the other; the languages come from names like train.de.gz or from --src-lang/--tgt-lang), or a corpus\n" +
    "directory: --corpus wmt-deen --data-dir DIR is the files DIR/train, newstest2013 (dev) and newstest2014 (test)\n" +
    ".de.gz/.en.gz, de→en; --data-dir DIR alone is Multi30k (raw/SPLIT.LANG.gz, --train-split/--valid-split).\n" +
    "Pairs with an empty side are skipped and counted (one line on stderr naming their line numbers); files whose\n" +
    "line counts differ are refused. Case is kept unless --lowercase (keep it for cased references: s2s eval then\n" +
    "scores cased BLEU, case:mixed). PREP is a directory:\n" +
    `  ${PREPARED.manifest}   settings, data sources, counts and <unk> rates\n` +
    `  ${PREPARED.tokenizer}   the model's "tokenizer" metadata (incl. BPE merges; docs/model.md)\n` +
    `  ${PREPARED.srcVocab}, ${PREPARED.tgtVocab}   the vocabularies (JSON arrays, index = id)\n` +
    `  ${PREPARED.train}, ${PREPARED.valid}   pairs as {"src":[ids],"tgt":[ids]} lines (s2s train --train-ids format)\n` +
    `  ${PREPARED.validSrc}, ${PREPARED.validRef}   validation text, for BLEU during training\n` +
    `  ${PREPARED.testSrc}, ${PREPARED.testRef}   test text (--test, or the corpus' test split), for s2s eval --src/--ref\n` +
    "s2s train --data PREP --out M.safetensors trains a model whose file holds config, vocabularies and tokenizer:\n" +
    "a complete translator. Unknown pieces (below --vocab-min-freq) become <unk>.",
  options: [
    ...DATA_OPTS,
    ...TEST_OPTS,
    ...PREPARE_OPTS,
    { name: "out", type: "string", arg: "DIR", required: true, help: "the prepared directory (created if needed)" },
    { name: "quiet", type: "boolean", help: "no progress on stderr" },
  ],
};

export async function runPrepare(v: Values): Promise<void> {
  const log = (m: string) => v.quiet || process.stderr.write(`prepare: ${m}\n`);
  const t0 = Date.now();
  const d = prepareFromValues(v, "prepare", log, true);
  const out = v.out as string;
  await writePrepared(out, d);
  log(`wrote ${out} (${join(out, PREPARED.manifest)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
