// The documentation a clone has is the documentation it needs: no file
// points to the developers' model contract (MODEL.md, which is not in the
// repository), every `docs/NAME.md` named in code or docs exists, and every
// relative markdown link in README.md, examples/README.md and docs/*.md
// resolves to a file or directory of the repository.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Tracked and new (not ignored) files under the given paths. */
function repoFiles(...paths: string[]): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", ...paths], { cwd: root, encoding: "utf8" });
  return out.split("\n").filter((f) => f !== "" && existsSync(join(root, f)) && /\.(ts|js|mjs|md|json|html|py|toml)$/.test(f));
}

const scanned = () => repoFiles("src", "docs", "README.md", "web", "examples", "tests", "tools", "bench")
  .filter((f) => f !== "tests/docs-links.test.ts");

test("no file refers to MODEL.md (the developers' contract, absent from a clone); docs/model.md is the contract", () => {
  const offenders: string[] = [];
  for (const f of scanned()) {
    readFileSync(join(root, f), "utf8").split("\n").forEach((line, i) => {
      if (line.includes("MODEL.md")) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
  assert.ok(existsSync(join(root, "docs/model.md")));
});

test("every docs/NAME.md named in code, docs, web and examples exists", () => {
  const missing: string[] = [];
  for (const f of scanned()) {
    const text = readFileSync(join(root, f), "utf8");
    for (const m of text.matchAll(/(?<![\w./-])docs\/[\w./-]*?\.md\b/g)) {
      if (!existsSync(join(root, m[0]))) missing.push(`${f}: ${m[0]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("relative markdown links in README.md, examples/README.md and docs/*.md resolve", () => {
  const pages = ["README.md", "examples/README.md", "tools/README.md", ...repoFiles("docs").filter((f) => f.endsWith(".md"))];
  const broken: string[] = [];
  let links = 0;
  for (const page of pages) {
    if (!existsSync(join(root, page))) continue;
    // drop code blocks and inline code: paths there are commands, not links
    const text = readFileSync(join(root, page), "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;   // URLs, same-page anchors
      links++;
      const path = decodeURIComponent(target.split("#")[0]!);
      if (!existsSync(join(root, dirname(page), path))) broken.push(`${page}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(links > 10, `only ${links} relative links found: the link pattern no longer matches`);
});
