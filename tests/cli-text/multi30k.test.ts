// The text CLI on real data: a Multi30k De→En subset through prepare → train →
// eval, with the data found by --data-dir or S2S_DATA. Skips (with the
// message of tests/helpers/multi30k.ts) when the data is not there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.js";
import { MULTI30K_SKIP, multi30kDir, readRaw, readTok } from "../helpers/multi30k.js";

const DIR = multi30kDir();
const tmp = mkdtempSync(join(tmpdir(), "s2s-m30k-"));

test("Multi30k De→En subset: prepare → train → eval", { skip: DIR === null ? MULTI30K_SKIP : false }, async () => {
  const dir = DIR as string;
  // s2s tokenize --lowercase reproduces the dataset's own tokenized lines
  const raw = readRaw(dir, "val", "de").slice(0, 300), tok = readTok(dir, "val", "de").slice(0, 300);
  let r = await runCli(["tokenize", "--lang", "de", "--lowercase"], raw.join("\n") + "\n");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split("\n"), tok);

  const prep = join(tmp, "prep");
  r = await runCli(["prepare", "--data-dir", dir, "--src-lang", "de", "--tgt-lang", "en", "--lowercase", "--limit", "3000",
    "--valid-limit", "100", "--bpe-merges", "1000", "--out", prep]);
  assert.equal(r.code, 0, r.stderr);
  const manifest = JSON.parse(readFileSync(join(prep, "prepared.json"), "utf8"));
  assert.equal(manifest.stats.train_pairs, 3000);
  assert.equal(manifest.stats.valid_pairs, 100);
  assert.equal(manifest.stats.bpe_merges, 1000);
  assert.ok(manifest.stats.valid_src_unk_rate < 0.05, `valid <unk> rate ${manifest.stats.valid_src_unk_rate}`);

  const model = join(tmp, "m30k.safetensors");
  r = await runCli(["train", "--data", prep, "--out", model, "--emb-dim", "32", "--enc-hidden", "32", "--dec-hidden", "64",
    "--steps", "40", "--batch-sentences", "32", "--lr", "0.003"], "", 120000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /valid loss [\d.]+ ppl [\d.]+ BLEU [\d.]+/);

  // test languages come from the model; S2S_DATA locates the data
  r = await runCli(["eval", "--model", model, "--limit", "40", "--beam", "2"], "", 120000, { S2S_DATA: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^test: test_2016_flickr de→en, 40 sentences, beam 2/);
  assert.match(r.stdout, /^BLEU\|nrefs:1\|case:lc\|eff:no\|tok:13a\|smooth:exp = [\d.]+ /m);
  assert.match(r.stdout, /^chrF2\|nrefs:1\|case:lc\|/m);
  assert.match(r.stdout, /^all +40 /m);
  r = await runCli(["translate", "--model", model, "--beam", "2"], readRaw(dir, "test_2016_flickr", "de").slice(0, 5).join("\n") + "\n");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split("\n").length, 6);
});
