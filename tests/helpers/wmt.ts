// Locating the wmt-deen corpus for tests. It lives beside the project, not in
// it: S2S_DATA when it names a directory holding the corpus' files (train.de.gz
// and train.en.gz); otherwise the shared checkout layout
// <repo>/../shared/data/wmt-deen is tried.

import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The message tests give t.skip() when wmtDir() is null. */
export const WMT_SKIP = "wmt-deen not found: set S2S_DATA to the wmt-deen directory (train, newstest2013, newstest2014 .de.gz/.en.gz)";

const holdsCorpus = (d: string) => existsSync(join(d, "train.de.gz")) && existsSync(join(d, "train.en.gz"));

/** The wmt-deen directory, or null when neither S2S_DATA nor ../shared/data/wmt-deen holds it. */
export function wmtDir(): string | null {
  const env = process.env.S2S_DATA;
  if (env && holdsCorpus(env)) return env;
  const beside = fileURLToPath(new URL("../../../shared/data/wmt-deen", import.meta.url));
  return existsSync(beside) && statSync(beside).isDirectory() && holdsCorpus(beside) ? beside : null;
}
