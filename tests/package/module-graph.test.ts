// The module graph of src/: no import cycles (type-only imports included),
// and dependencies never point up the layers: a module imports from its
// own layer or lower ones (cli → pipeline → model → engine, with the others
// in between as listed below); within a layer the cycle check keeps order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * Layers, top first. A folder may import folders of its own layer and of
 * lower ones, never of a higher one. The entry points (src/index*.ts) may
 * import anything.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["cli", "experiments"],
  ["serve"],
  ["pipeline"],
  ["decode", "train", "eval", "report", "export", "tasks", "data"],
  ["text"],
  ["model"],
  ["engine", "io"],
  ["errors.ts"],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Relative imports and re-exports of a file (import, import type, export … from, dynamic import of a literal). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|import\("(\.[^"]+)"\)|(?:^|\n)\s*import\s+"(\.[^"]+)"/g)) {
    const spec = m[1] ?? m[2] ?? m[3];
    out.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
  }
  return out;
}

const top = (file: string) => relative(SRC, file).split("/")[0];
const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

test("src/ has no import cycles and every import points down the layers", () => {
  const all = files(SRC);
  const graph = new Map(all.map((f) => [f, importsOf(f).filter((t) => all.includes(t))]));
  // every folder has a layer
  for (const f of all) {
    const t = top(f);
    if (/^index.*\.ts$/.test(t)) continue;
    assert.ok(layerOf(t) >= 0, `src/${t} has no layer in LAYERS`);
  }
  const wrong: string[] = [];
  for (const [f, targets] of graph) {
    const from = top(f);
    if (/^index.*\.ts$/.test(from)) continue;
    for (const t of targets) {
      const to = top(t);
      if (to === from) continue;
      if (layerOf(to) < layerOf(from)) wrong.push(`${relative(SRC, f)} → ${relative(SRC, t)}`);
    }
  }
  assert.deepEqual(wrong, [], "imports from a higher layer");
  // cycles: depth-first search over files
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(SRC, x)).join(" → "));
      else if (!state.get(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of all) if (!state.get(f)) visit(f);
  assert.deepEqual(cycles, [], "import cycles");
});

test("the graph test sees type-only imports and re-exports (it would catch the cycles it guards against)", () => {
  const tmp = importsOf(join(SRC, "model/quant.ts")).map((t) => relative(SRC, t));
  assert.ok(tmp.includes("model/model.ts"), "import type { Model } from ./model.js is an edge");
  assert.ok(tmp.includes("model/quant-format.ts"), "export … from is an edge");
});
