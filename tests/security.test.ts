// Model files and requests are data, never code: no eval or Function
// constructor anywhere in what the package ships (the browser test also runs
// the page under a Content-Security-Policy without 'unsafe-eval').
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/cli.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|js|mjs)$/.test(f) ? [p] : [];
  });
}

test("no eval, new Function or string timers in src/, web/ or examples/", () => {
  const roots = ["src", "web/src", "examples"].map((d) => join(ROOT, d)).filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
  const offenders: string[] = [];
  let scanned = 0;
  for (const f of roots.flatMap(files)) {
    if (f.includes("node_modules")) continue;
    scanned++;
    const text = readFileSync(f, "utf8");
    if (/(?<![.\w$])eval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]|set(Timeout|Interval)\s*\(\s*["'`]/.test(text)) offenders.push(f);
  }
  assert.ok(scanned > 50, `only ${scanned} files scanned`);
  assert.deepEqual(offenders, [], `code evaluation found in ${offenders.join(", ")}`);
});
