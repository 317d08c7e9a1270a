// The package as a consumer gets it: `npm pack`, unpacked into node_modules.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The machine's npm, not the first `npm` on PATH: inside `npm test`,
 * node_modules/.bin comes first and holds an old npm 6 that a dev dependency
 * (as-pect → glob-promise → npm-install-peers) pulls in.
 */
function npmCommand(): [string, string[]] {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const candidate = join(dir, "npm");
    if (existsSync(candidate)) return [candidate, []];
  }
  return ["npm", []];
}

function npm(args: string[], cwd = ROOT): string {
  // --ignore-scripts: `prepare` (the full build) already ran before the tests
  const [cmd, pre] = npmCommand();
  const r = spawnSync(cmd, [...pre, ...args, "--ignore-scripts", "--json"], { cwd, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export interface PackedFile {
  path: string;
  size: number;
}

/** What `npm pack` would put in the tarball. */
export function packList(): { files: PackedFile[]; size: number; unpackedSize: number } {
  const [info] = JSON.parse(npm(["pack", "--dry-run"])) as { files: PackedFile[]; size: number; unpackedSize: number }[];
  return info;
}

/** Packs the package and unpacks it as dir/node_modules/seq2seq-wasm; returns that node_modules. */
export function installPacked(dir: string): string {
  const [info] = JSON.parse(npm(["pack", "--pack-destination", dir])) as { filename: string }[];
  const pkg = join(dir, "node_modules", "seq2seq-wasm");
  mkdirSync(pkg, { recursive: true });
  const r = spawnSync("tar", ["-xzf", join(dir, info.filename), "-C", pkg, "--strip-components=1"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return join(dir, "node_modules");
}
