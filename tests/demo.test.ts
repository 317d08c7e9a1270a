// s2s demo (what npm start runs), on a tiny budget: it trains both models,
// prints the side-by-side table and writes the heatmap, models and summary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, assertCleanFailure } from "./helpers/cli.js";

test("s2s demo: table by length for both models, heatmap SVG, loadable models", async () => {
  const dir = mkdtempSync(join(tmpdir(), "s2s-demo-"));
  const r = await runCli(["demo", "--steps", "20", "--train-size", "400", "--test-per-bucket", "3", "--out-dir", dir, "--quiet"], "", 120000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /exact-match accuracy by source length/);
  assert.match(r.stdout, /RNNenc \(no attention\)\s+RNNsearch \(additive attention\)/);
  for (const b of ["1-5", "6-9", "10-12", "13-17", "all"]) assert.match(r.stdout, new RegExp(`^${b}\\s+\\d+\\s+\\d+\\.\\d%\\s+\\d+\\.\\d%`, "m"));
  assert.match(r.stdout, new RegExp(`wrote ${join(dir, "attention.svg").replace(/[/.]/g, "\\$&")}`));
  const svg = readFileSync(join(dir, "attention.svg"), "utf8");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok((svg.match(/<rect x=/g) ?? []).length > 10, "heatmap has cells");
  assert.match(svg, /<title>[^<]+: \d\.\d{3}<\/title>/);
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.equal(summary.models.length, 2);
  for (const m of ["none", "additive"]) {
    assert.ok(existsSync(join(dir, `${m}.safetensors`)));
    const info = await runCli(["info", "--model", join(dir, `${m}.safetensors`)]);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(JSON.parse(info.stdout).config.attention, m);
  }
});

test("s2s demo: unknown task is a clean error", async () => {
  assertCleanFailure(await runCli(["demo", "--task", "sorting"]), /--task must be one of dates, reverse, numbers/);
});
