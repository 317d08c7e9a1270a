import { UsageError } from "../errors.js";
import { downloadMulti30k, MULTI30K_BASE_URL, MULTI30K_DEFAULT_LANGS, MULTI30K_DEFAULT_SPLITS } from "../pipeline/download.js";
import type { CommandSpec, Values } from "./args.js";

export const dataSpec: CommandSpec = {
  name: "data",
  summary: "Download a dataset: s2s data multi30k --out DIR (the official Multi30k task 1 files).",
  usage: "s2s data multi30k --out DIR [--langs en,de,fr] [--splits train,val,test_2016_flickr] [--no-tok] [--base-url URL]",
  description:
    "Fetches BASE/raw/SPLIT.LANG.gz and BASE/tok/SPLIT.lc.norm.tok.LANG for every split and language into\n" +
    "DIR/raw and DIR/tok, the layout that --data-dir (or S2S_DATA) expects. BASE defaults to the dataset's\n" +
    `GitHub repository:\n  ${MULTI30K_BASE_URL}\n` +
    "Files already in DIR are kept unless --force. Each download is checked (gzip, UTF-8, the languages of a\n" +
    "split have the same number of lines) before it is written; an HTTP or network error stops with one line.",
  positionals: [{ name: "DATASET", required: true, help: "multi30k" }],
  options: [
    { name: "out", type: "string", arg: "DIR", required: true, help: "directory to write (created if needed)" },
    { name: "base-url", type: "string", arg: "URL", default: MULTI30K_BASE_URL, help: "where the raw/ and tok/ folders are" },
    { name: "langs", type: "string", arg: "L,L", default: MULTI30K_DEFAULT_LANGS.join(","), help: "languages (en, de, fr, cs)" },
    { name: "splits", type: "string", arg: "S,S", default: MULTI30K_DEFAULT_SPLITS.join(","), help: "splits (also test_2017_flickr, test_2017_mscoco, test_2018_flickr)" },
    { name: "no-tok", type: "boolean", help: "skip the tokenized tok/ files" },
    { name: "force", type: "boolean", help: "download files that already exist again" },
    { name: "timeout", type: "number", min: 1, default: 120, help: "seconds to wait for each file" },
    { name: "quiet", type: "boolean", help: "no progress on stderr" },
  ],
};

function list(value: string, flag: string): string[] {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new UsageError(`data: --${flag} is empty`);
  for (const it of items) if (!/^[A-Za-z0-9_]+$/.test(it)) throw new UsageError(`data: --${flag}: ${JSON.stringify(it)} is not a valid name`);
  return items;
}

export async function runData(v: Values, pos: string[]): Promise<void> {
  if (pos[0] !== "multi30k") throw new UsageError(`data: unknown dataset ${JSON.stringify(pos[0])} (available: multi30k)`);
  const quiet = Boolean(v.quiet);
  const r = await downloadMulti30k({
    out: v.out as string,
    baseUrl: v["base-url"] as string,
    langs: list(v.langs as string, "langs"),
    splits: list(v.splits as string, "splits"),
    tok: !v["no-tok"],
    force: Boolean(v.force),
    timeoutMs: (v.timeout as number) * 1000,
    log: (m) => quiet || process.stderr.write(`data: ${m}\n`),
  });
  if (!quiet) process.stderr.write(`data: ${r.fetched.length} files downloaded, ${r.skipped.length} kept, in ${v.out}\n`);
}
