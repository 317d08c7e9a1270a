// Locating and reading the Multi30k data for tests. The data lives beside the
// project, not in it: S2S_DATA names the multi30k directory; without it, the
// shared checkout layout <repo>/../shared/data/multi30k is tried.

import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** The message tests give t.skip() when multi30kDir() is null. */
export const MULTI30K_SKIP = "Multi30k not found: set S2S_DATA to the multi30k directory";

/**
 * The Multi30k directory (the one holding raw/ and tok/): process.env.S2S_DATA
 * if set, else <repo>/../shared/data/multi30k (resolved from this file, not
 * from the working directory) if it is a directory, else null.
 */
export function multi30kDir(): string | null {
  const env = process.env.S2S_DATA;
  if (env) return env;
  const beside = fileURLToPath(new URL("../../../shared/data/multi30k", import.meta.url));
  return existsSync(beside) && statSync(beside).isDirectory() ? beside : null;
}

/** Lines of a text file (".gz" is gunzipped), without the final empty line a trailing "\n" makes. */
export function readLines(path: string): string[] {
  const bytes = readFileSync(path);
  const text = (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** raw/SPLIT.LANG.gz: the original sentences. */
export function readRaw(dir: string, split: string, lang: string): string[] {
  return readLines(join(dir, "raw", `${split}.${lang}.gz`));
}

/** tok/SPLIT.lc.norm.tok.LANG: the Moses lowercase + normalize + tokenize output. */
export function readTok(dir: string, split: string, lang: string): string[] {
  return readLines(join(dir, "tok", `${split}.lc.norm.tok.${lang}`));
}
