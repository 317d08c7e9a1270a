// s2s demo (what npm start runs), on a tiny budget: it trains both models,
// prints the side-by-side table and writes the heatmap, models and summary.
// The models carry their task's tokenizer, so s2s translate reads the task's
// text ("seventy-one", "3rd of May 1999") as the model was trained, and says
// once, at the end, when input words are not in the vocabulary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, assertCleanFailure } from "./helpers/cli.js";
import { parseSafetensors } from "../src/io/safetensors.js";
import { serializeTokenizerSpec, taskTokenizerSpec } from "../src/pipeline/tokenizer.js";

/** The `__metadata__` of a model file. */
function metadataOf(path: string): Record<string, string> {
  return parseSafetensors(readFileSync(path), path).metadata;
}

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
    const meta = metadataOf(join(dir, `${m}.safetensors`));
    assert.equal(meta.task, "numbers");
    assert.equal(meta.tokenizer, serializeTokenizerSpec(taskTokenizerSpec("numbers")), "the numbers task's tokenizer (hyphens split)");
  }

  // s2s translate reads hyphenated number words; unknown words get one note at the end
  const model = join(dir, "additive.safetensors");
  const known = await runCli(["translate", "--model", model], "seventy-one\nforty-two thousand\n");
  assert.equal(known.code, 0, known.stderr);
  assert.equal(known.stdout.split("\n").length, 3, "one line per input line");
  assert.equal(known.stderr, "", "every word is in the vocabulary: no note");
  const unknown = await runCli(["translate", "--model", model], "seventy-one\nzorglub blah-blah\n\nbonjour\n");
  assert.equal(unknown.code, 0, unknown.stderr);
  assert.equal(unknown.stdout.split("\n").length, 5);
  assert.equal(unknown.stderr,
    "translate: 2 of 4 lines had words not in the model's vocabulary (4 words read as <unk>; such translations are unreliable)\n",
    "one note for the whole run, with counts");
  const quiet = await runCli(["translate", "--model", model, "--quiet"], "zorglub\n");
  assert.equal(quiet.stderr, "", "--quiet: no note");
  const ids = await runCli(["translate", "--model", model, "--ids"], '{"src":[1,1,3]}\n');
  assert.equal(ids.code, 0, ids.stderr);
  assert.equal(ids.stderr, "", "--ids input has no words: no note");
});

test("s2s demo --task dates: the models read characters, and s2s translate joins the output characters", async () => {
  const dir = mkdtempSync(join(tmpdir(), "s2s-demo-dates-"));
  const r = await runCli(["demo", "--task", "dates", "--steps", "5", "--train-size", "300", "--test-per-bucket", "2", "--emb-dim", "8", "--hidden", "8", "--out-dir", dir, "--quiet"], "", 120000);
  assert.equal(r.code, 0, r.stderr);
  const model = join(dir, "additive.safetensors");
  assert.equal(metadataOf(model).tokenizer, serializeTokenizerSpec(taskTokenizerSpec("dates")));
  const t = await runCli(["translate", "--model", model, "--attention", join(dir, "attn.jsonl")], "3rd of May 1999\n");
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^[0-9-]*\n$/, `an untrained model's output is digits and dashes, joined: ${JSON.stringify(t.stdout)}`);
  const a = JSON.parse(readFileSync(join(dir, "attn.jsonl"), "utf8"));
  assert.deepEqual(a.src, [..."3rd▁of▁May▁1999", "</s>"], "the source is read character by character");
  assert.equal(t.stderr, "");
});

test("s2s demo: unknown task is a clean error", async () => {
  assertCleanFailure(await runCli(["demo", "--task", "sorting"]), /--task must be one of dates, reverse, numbers/);
});
