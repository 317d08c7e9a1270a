// Whether workerd (from the miniflare/workerd packages) runs on this machine.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

/** null when workerd runs, else why not. */
export async function workerdMissing(): Promise<string | null> {
  try {
    await import("miniflare");
  } catch (e) {
    return `miniflare is not installed (${(e as Error).message.split("\n")[0]}); run npm ci`;
  }
  let bin: string;
  try {
    // the workerd package (a miniflare dependency) exports the binary's path
    const req = createRequire(createRequire(import.meta.url).resolve("miniflare"));
    bin = (req("workerd") as { default: string }).default;
  } catch (e) {
    return `the workerd binary is not installed (${(e as Error).message.split("\n")[0]})`;
  }
  const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000 });
  if (r.status !== 0) return `workerd does not run here (${r.error?.message ?? r.stderr.trim().split("\n")[0] ?? `exit ${r.status}`})`;
  return null;
}
