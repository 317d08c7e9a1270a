// s2s prepare on any user's corpus as aligned files (--train/--dev/--test
// SRC,TGT, plain or .gz) and on the wmt-deen layout (--corpus wmt-deen
// --data-dir DIR): pairs with an empty side skipped and reported in one
// line, case kept, the test text kept beside the prepared data; s2s eval
// --corpus wmt-deen scores cased BLEU; bad input fails with one clear line.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCli, assertCleanFailure } from "../helpers/cli.js";
import { parseTokenizerSpec } from "../../src/pipeline/tokenizer.js";
import { synthetic } from "./synthetic.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-prepfiles-"));
const f = (name: string) => join(tmp, name);
const WMT = f("wmt-deen");

function writeText(path: string, lines: string[], gz = false): string {
  const data = lines.join("\n") + "\n";
  writeFileSync(path, gz ? gzipSync(data) : data);
  return path;
}

const train = synthetic(400, 11);
const dev = synthetic(40, 12);
const test14 = synthetic(30, 13);
// an empty German side at line 7 and an English side of spaces at line 20
const trainDe = train.map((p, i) => (i === 6 ? "" : p.src));
const trainEn = train.map((p, i) => (i === 19 ? "  " : p.tgt));
const lines = (p: string) => readFileSync(p, "utf8").trimEnd().split("\n");

before(() => {
  writeText(f("corpus.de.gz"), trainDe, true);
  writeText(f("corpus.en.gz"), trainEn, true);
  writeText(f("dev.de"), dev.map((p) => p.src));
  writeText(f("dev.en"), dev.map((p) => p.tgt));
  writeText(f("test.de"), test14.map((p) => p.src));
  writeText(f("test.en"), test14.map((p) => p.tgt));
  writeText(f("short.en"), ["one line"]);
  mkdirSync(WMT);
  writeText(join(WMT, "train.de.gz"), trainDe, true);
  writeText(join(WMT, "train.en.gz"), trainEn, true);
  writeText(join(WMT, "newstest2013.de.gz"), dev.map((p) => p.src), true);
  writeText(join(WMT, "newstest2013.en.gz"), dev.map((p) => p.tgt), true);
  writeText(join(WMT, "newstest2014.de.gz"), test14.map((p) => p.src), true);
  writeText(join(WMT, "newstest2014.en.gz"), test14.map((p) => p.tgt), true);
});

test("prepare --train/--dev/--test: empty pairs skipped and named in one line, case kept, test text kept", async () => {
  const out = f("prep");
  const r = await runCli(["prepare", "--train", `${f("corpus.de.gz")},${f("corpus.en.gz")}`, "--dev", `${f("dev.de")},${f("dev.en")}`,
    "--test", `${f("test.de")},${f("test.en")}`, "--bpe-merges", "50", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const skipped = r.stderr.split("\n").filter((l) => /skipped/.test(l));
  assert.deepEqual(skipped, [`prepare: train: skipped 2 of 400 pairs with an empty side (lines 7, 20 of ${f("corpus.de.gz")} / ${f("corpus.en.gz")})`]);
  assert.match(r.stderr, /prepare: 398 training pairs, 40 validation pairs, 30 test pairs \(de → en\)/, "languages from the file names");
  const manifest = JSON.parse(readFileSync(join(out, "prepared.json"), "utf8"));
  assert.deepEqual(manifest.stats.empty_pairs_skipped, { train: 2 });
  assert.equal(manifest.stats.test_pairs, 30);
  assert.equal(manifest.from.test, `${f("test.de")} ${f("test.en")}`);
  assert.equal(manifest.settings.lowercase, false);
  // nothing shifted: the ids are the other 398 pairs, in order, and the kept text is line for line the input's
  assert.equal(lines(join(out, "train.ids.jsonl")).length, 398);
  assert.deepEqual(lines(join(out, "valid.src.txt")), dev.map((p) => p.src));
  assert.deepEqual(lines(join(out, "test.src.txt")), test14.map((p) => p.src));
  assert.deepEqual(lines(join(out, "test.ref.txt")), test14.map((p) => p.tgt));
  const spec = parseTokenizerSpec(readFileSync(join(out, "tokenizer.json"), "utf8"));
  assert.equal(spec.src.lowercase, false, "case kept");
  assert.equal(spec.tgt.lowercase, false);
  const vocab = JSON.parse(readFileSync(join(out, "tgt_vocab.json"), "utf8")) as string[];
  assert.ok(vocab.some((w) => /^[A-Z]/.test(w)), "cased pieces in the vocabulary");
});

test("prepare --corpus wmt-deen --data-dir DIR = the corpus' files; eval --corpus wmt-deen scores cased BLEU", async () => {
  const out = f("prep-wmt");
  let r = await runCli(["prepare", "--corpus", "wmt-deen", "--data-dir", WMT, "--bpe-merges", "50", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /prepare: train: skipped 2 of 400 pairs with an empty side \(lines 7, 20 of .*train\.de\.gz \/ .*train\.en\.gz\)/);
  assert.match(r.stderr, /prepare: 398 training pairs, 40 validation pairs, 30 test pairs \(de → en\)/);
  const manifest = JSON.parse(readFileSync(join(out, "prepared.json"), "utf8"));
  assert.deepEqual(manifest.from, { train: `${WMT} train`, valid: `${WMT} newstest2013`, test: `${WMT} newstest2014` });
  // the same pairs as the files form gives
  const files = f("prep-files");
  r = await runCli(["prepare", "--train", `${join(WMT, "train.de.gz")},${join(WMT, "train.en.gz")}`, "--dev", `${join(WMT, "newstest2013.de.gz")},${join(WMT, "newstest2013.en.gz")}`,
    "--test", `${join(WMT, "newstest2014.de.gz")},${join(WMT, "newstest2014.en.gz")}`, "--bpe-merges", "50", "--out", files, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "", "--quiet");
  for (const name of ["train.ids.jsonl", "valid.ids.jsonl", "tokenizer.json", "test.src.txt", "test.ref.txt"]) {
    assert.equal(readFileSync(join(out, name), "utf8"), readFileSync(join(files, name), "utf8"), name);
  }
  // en → de from the same directory
  r = await runCli(["prepare", "--corpus", "wmt-deen", "--data-dir", WMT, "--src-lang", "en", "--tgt-lang", "de", "--bpe", "none", "--out", f("prep-ende"), "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(join(f("prep-ende"), "test.src.txt")), test14.map((p) => p.tgt));

  // a small cased model: eval reads newstest2014 by default and scores case-sensitively
  const model = f("wmt.safetensors");
  r = await runCli(["train", "--data", out, "--out", model, "--emb-dim", "16", "--enc-hidden", "16", "--dec-hidden", "32", "--epochs", "1", "--batch-sentences", "32", "--no-bleu", "--quiet"], "", 120000);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(["eval", "--model", model, "--corpus", "wmt-deen", "--data-dir", WMT, "--beam", "1", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^test: newstest2014 de→en, 30 sentences, beam 1/m);
  assert.match(r.stdout, /^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp(\|version:[\d.]+)? = [\d.]+ /m);
  assert.match(r.stdout, /^chrF2\|nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:0\|space:no(\|version:[\d.]+)? = [\d.]+$/m);
  // the same scores from the prepared test text
  const e = await runCli(["eval", "--model", model, "--src", join(out, "test.src.txt"), "--ref", join(out, "test.ref.txt"), "--beam", "1", "--quiet"]);
  assert.equal(e.code, 0, e.stderr);
  const scores = (s: string) => s.split("\n").filter((l) => /^(BLEU|chrF2)\|/.test(l));
  assert.deepEqual(scores(e.stdout), scores(r.stdout));
  // wmt-deen's length buckets end at 61+ (its report's); the files form keeps Multi30k's, to 71+
  assert.match(r.stdout, /^51-60 /m);
  assert.match(r.stdout, /^61\+ /m);
  assert.doesNotMatch(r.stdout, /^(61-70|71\+) /m);
  assert.match(e.stdout, /^61-70 /m);
  assert.match(e.stdout, /^71\+ /m);
});

test("prepare with files: bad input fails with one clear line", async () => {
  const cases: [string[], RegExp, number][] = [
    [["prepare", "--train", f("corpus.de.gz"), "--out", f("p2")], /--train takes two files, source and target, comma-separated \(SRC,TGT\)/, 2],
    [["prepare", "--train", `${f("corpus.de.gz")},${f("short.en")}`, "--out", f("p2")], /misaligned: .*corpus\.de\.gz has 400 lines but .*short\.en has 1 lines/, 1],
    [["prepare", "--train", `${f("corpus.de.gz")},${f("corpus.en.gz")}`, "--test", `${f("test.de")},${f("short.en")}`, "--out", f("p2")], /test\.de has 30 lines but .*short\.en has 1 lines/, 1],
    [["prepare", "--train", `${f("corpus.de.gz")},${f("corpus.en.gz")}`, "--train-src", f("dev.de"), "--out", f("p2")], /give one of --train SRC,TGT, --train-src\/--train-tgt and --train-tsv/, 2],
    [["prepare", "--train", `${f("corpus.de.gz")},${f("corpus.en.gz")}`, "--dev", `${f("dev.de")},${f("dev.en")}`, "--valid-src", f("dev.de"), "--out", f("p2")], /give one of --dev SRC,TGT/, 2],
    [["prepare", "--train", `${f("corpus.de.gz")},${f("corpus.en.gz")}`, "--data-dir", WMT, "--out", f("p2")], /give --data-dir or training files, not both/, 2],
    [["prepare", "--train", `${f("corpus.de.gz")},${f("corpus.en.gz")}`, "--corpus", "wmt-deen", "--out", f("p2")], /--corpus names what --data-dir holds/, 2],
    [["prepare", "--corpus", "wmt-deen", "--data-dir", WMT, "--dev", `${f("dev.de")},${f("dev.en")}`, "--out", f("p2")], /--dev is for file input; with --data-dir use --valid-split/, 2],
    [["prepare", "--corpus", "wmt-deen", "--data-dir", f("nowhere"), "--out", f("p2")], /wmt-deen directory not found: .*nowhere/, 1],
    [["prepare", "--corpus", "wmt-deen", "--data-dir", WMT, "--valid-split", "newstest2012", "--out", f("p2")], /wmt-deen file not found: .*newstest2012\.de\.gz \(files in /, 1],
    [["prepare", "--corpus", "wmt-deen", "--data-dir", WMT, "--src-lang", "fr", "--tgt-lang", "en", "--out", f("p2")], /wmt-deen is German–English: the languages are de and en/, 1],
    [["prepare", "--corpus", "europarl", "--data-dir", WMT, "--out", f("p2")], /--corpus/, 2],
    [["eval", "--model", f("wmt.safetensors"), "--src", f("test.de"), "--ref", f("test.en"), "--corpus", "wmt-deen"], /--corpus names what --data-dir holds/, 2],
  ];
  for (const [args, pattern, code] of cases) {
    const r = await runCli(args, "", 60000, { S2S_DATA: "" });
    assert.doesNotThrow(() => assertCleanFailure(r, pattern), `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.code, code, `${args.join(" ")}: exit ${r.code}`);
  }
  assert.equal(existsSync(f("p2")), false, "nothing written");
});
