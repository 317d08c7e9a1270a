// The article page's own JavaScript in a Vite build (web/index.html): the
// scripts the HTML loads and, transitively, every .js asset a script names
// (shared chunks, the race worker), without the wasm kernels. Its budget is
// checked on the build (tests/package/package.test.ts) and on what Chromium
// actually fetches (tests/web/article.test.ts).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const ARTICLE_JS_BUDGET = 128 * 1024;

/** `out`: a Vite build of web/ → the article's .js files (relative to out) and their total bytes. */
export function articleJs(out: string): { files: string[]; bytes: number } {
  const seen = new Set<string>();
  const html = readFileSync(join(out, "index.html"), "utf8");
  const todo = [...html.matchAll(/(?:src|href)="\.\/(assets\/[\w.-]+\.js)"/g)].map((m) => m[1]);
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of readFileSync(join(out, f), "utf8").matchAll(/[\w-]+-[\w-]{8}\.js/g)) {
      const name = `assets/${m[0]}`;
      try {
        statSync(join(out, name));
        todo.push(name);
      } catch {
        // a name that is not an asset of this build
      }
    }
  }
  const files = [...seen].sort();
  return { files, bytes: files.reduce((a, f) => a + statSync(join(out, f)).size, 0) };
}
