// The text CLI end to end on a small synthetic German → English corpus:
// s2s prepare → s2s train --data → translate (batched, line counts, n-best,
// attention file, replace-unk) → eval → score; training on raw files
// directly; and bad input failing with one clear line.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCli, assertCleanFailure } from "../helpers/cli.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import { parseTokenizerSpec } from "../../src/pipeline/tokenizer.js";
import { synthetic } from "./synthetic.js";
import { joinConsecutive } from "../../src/data/join.js";
import { lengthTable } from "../../src/experiments/length-table.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-text-"));
const f = (name: string) => join(tmp, name);
const MODEL = f("m.safetensors");
const PREP = f("prep");

function writeText(name: string, lines: string[], gz = false): string {
  const data = lines.join("\n") + "\n";
  writeFileSync(f(name), gz ? gzipSync(data) : data);
  return f(name);
}

const train = synthetic(2000, 1);
const testSet = synthetic(100, 2);
const SIZE = ["--emb-dim", "32", "--enc-hidden", "32", "--dec-hidden", "64", "--lr", "0.01", "--batch-sentences", "32", "--seed", "3"];

before(() => {
  writeText("train.de", train.map((p) => p.src));
  writeText("train.en.gz", train.map((p) => p.tgt), true);
  writeText("test.de", testSet.map((p) => p.src));
  writeText("test.en", testSet.map((p) => p.tgt));
  writeText("valid.tsv", testSet.map((p) => `${p.src}\t${p.tgt}`));
});

test("prepare → train → translate → eval: a complete translator in one file", async () => {
  let r = await runCli(["prepare", "--train-src", f("train.de"), "--train-tgt", f("train.en.gz"), "--valid-src", f("test.de"), "--valid-tgt", f("test.en"),
    "--bpe", "none", "--vocab-min-freq", "2", "--out", PREP]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /prepare: 2000 training pairs, 100 validation pairs \(de → en\)/, "languages read from the file names");
  const manifest = JSON.parse(readFileSync(join(PREP, "prepared.json"), "utf8"));
  assert.equal(manifest.format, "s2s-prepared");
  assert.equal(manifest.settings.bpe, "none");
  assert.ok(manifest.stats.train_tgt_unk_rate > 0, "rare names are <unk>");
  for (const name of ["tokenizer.json", "src_vocab.json", "tgt_vocab.json", "train.ids.jsonl", "valid.ids.jsonl", "valid.src.txt", "valid.ref.txt"]) {
    assert.ok(existsSync(join(PREP, name)), name);
  }
  assert.equal(readFileSync(join(PREP, "train.ids.jsonl"), "utf8").trimEnd().split("\n").length, 2000);

  r = await runCli(["train", "--data", PREP, "--out", MODEL, ...SIZE, "--epochs", "15"], "", 120000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /epoch 1 step \d+: train loss [\d.]+ valid loss [\d.]+ ppl [\d.]+ BLEU [\d.]+/, "validation BLEU each epoch");
  assert.match(r.stderr, /epoch 15 step/);
  const st = parseSafetensors(new Uint8Array(readFileSync(MODEL)));
  assert.deepEqual(Object.keys(st.metadata).sort(), ["config", "src_vocab", "tgt_vocab", "tokenizer", "train_max_src_pieces"]);
  // the training length limit: the longest source trained on, in pieces without EOS
  const longest = Math.max(...readFileSync(join(PREP, "train.ids.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l).src.length - 1));
  assert.equal(st.metadata.train_max_src_pieces, String(longest));
  const spec = parseTokenizerSpec(st.metadata.tokenizer);
  assert.equal(spec.src.lang, "de");
  assert.equal(spec.tgt.lang, "en");
  assert.equal(st.metadata.tokenizer, readFileSync(join(PREP, "tokenizer.json"), "utf8").trim());
  const config = JSON.parse(st.metadata.config);
  assert.equal(config.src_vocab_size, JSON.parse(st.metadata.src_vocab).length);

  r = await runCli(["eval", "--model", MODEL, "--src", f("test.de"), "--ref", f("test.en"), "--beam", "3", "--hyp-out", f("hyp.en")]);
  assert.equal(r.code, 0, r.stderr);
  const m = /^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp = ([\d.]+) /m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) > 40, `BLEU ${m[1]} on the synthetic test set`);
  assert.match(r.stdout, /^chrF2\|nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:0\|space:no = [\d.]+$/m);
  assert.match(r.stdout, /BLEU by source length \(Moses tokens of the source, de rules\):\nsrc tokens +sents +BLEU +BP +hyp_len\/ref_len\n/);
  assert.match(r.stdout, /^1-10 +100 /m);
  const hyps = readFileSync(f("hyp.en"), "utf8").trimEnd().split("\n");
  assert.equal(hyps.length, 100);
  // the hypotheses scored by s2s bleu give the same BLEU line
  const b = await runCli(["bleu", "--ref", f("test.en"), f("hyp.en")]);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(r.stdout.includes(b.stdout.trim()));
  const j = await runCli(["eval", "--model", MODEL, "--src", f("test.de"), "--ref", f("test.en"), "--beam", "3", "--json", "--join", "2"]);
  assert.equal(j.code, 0, j.stderr);
  const js = JSON.parse(j.stdout);
  assert.equal(js.sentences, 50);
  assert.equal(js.by_length.length, 9, "buckets 1-10 ... 71+ and all");

  // --join 1,2: the test set and its joined version together, bucketed as the experiments report does
  const k = await runCli(["eval", "--model", MODEL, "--src", f("test.de"), "--ref", f("test.en"), "--beam", "3", "--json", "--join", "1,2", "--hyp-out", f("hyp12.en")]);
  assert.equal(k.code, 0, k.stderr);
  const ks = JSON.parse(k.stdout);
  assert.equal(ks.sentences, 150);
  const hyp12 = readFileSync(f("hyp12.en"), "utf8").trimEnd().split("\n");
  const joined = joinConsecutive(testSet, 2);
  const report = lengthTable([
    { name: "test", sources: testSet.map((p) => p.src), hypotheses: hyp12.slice(0, 100), references: testSet.map((p) => p.tgt) },
    { name: "test_join2", sources: joined.map((p) => p.src), hypotheses: hyp12.slice(100), references: joined.map((p) => p.tgt) },
  ], "de", { lowercase: false });
  const cliRows = ks.by_length.slice(0, -1) as { bucket: string; sentences: number; bleu: number | null }[];
  assert.deepEqual(cliRows.map((x) => [x.bucket, x.sentences]), report.rows.map((x) => [x.label, x.sentences]), "s2s eval's buckets are the report's");
  // the same BLEU (the JSON has 7 significant digits, the report 4 decimals)
  cliRows.forEach((x, i) => {
    const r = report.rows[i].bleu;
    assert.ok(x.bleu === null ? r === null : r !== null && Math.abs(x.bleu - r) < 6e-5, `${x.bucket}: ${x.bleu} vs ${r}`);
  });
  assert.ok(report.rows.filter((x) => x.sentences > 0).length >= 2, "the sets fill more than one bucket");
  const bad = await runCli(["eval", "--model", MODEL, "--src", f("test.de"), "--ref", f("test.en"), "--join", "1,x"]);
  assertCleanFailure(bad, /--join wants integers from 1 to 16/);
  assert.equal(bad.code, 2, "a usage error");
});

test("train --cell gru and --cell rnn on the prepared data, then eval: both learn the translation", async () => {
  for (const [cell, style, minBleu] of [["gru", "bahdanau", 40], ["rnn", "bahdanau", 15]] as const) {
    const out = f(`${cell}.safetensors`);
    let r = await runCli(["train", "--data", PREP, "--out", out, ...SIZE, "--cell", cell, "--decoder-style", style, "--epochs", "15", "--no-bleu"], "", 120000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`model: [\\d,]+ parameters \\(${cell} cells,`));
    const st = parseSafetensors(new Uint8Array(readFileSync(out)));
    assert.equal(JSON.parse(st.metadata.config).cell, cell);
    assert.deepEqual(st.tensors.get("decoder.weight_hh_l0")!.shape, [(cell === "gru" ? 3 : 1) * 64, 64]);
    r = await runCli(["eval", "--model", out, "--src", f("test.de"), "--ref", f("test.en"), "--beam", "3"]);
    assert.equal(r.code, 0, r.stderr);
    const m = /^BLEU\|[^=]+= ([\d.]+) /m.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) > minBleu, `${cell}: BLEU ${m[1]} on the synthetic test set`);
  }
  // an LSTM model trained from flags has no cell key: the file format of LSTM models is unchanged
  assert.equal("cell" in JSON.parse(parseSafetensors(new Uint8Array(readFileSync(MODEL))).metadata.config), false);
});

test("translate: one line out per line in, n-best, attention JSON lines, replace-unk", async () => {
  const input = [
    "Der Hund sieht Zorbalu.", "", "   ", "Ein kleine Pferd mag der Fisch.",
    "\u0000\ud800 odd 🐕‍🦺 עברית e\u0301 \u2028 x", "Der Hund sieht der Katze. ".repeat(200), "Der Mann\rruft Kimoto.",
  ];
  const stdin = input.join("\n") + "\n";
  let r = await runCli(["translate", "--model", MODEL, "--beam", "3", "--max-src-pieces", "40", "--batch-sentences", "4"], stdin);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.split("\n");
  assert.equal(out.pop(), "");
  assert.equal(out.length, input.length, "exactly one output line per input line");
  // (exact words depend on the float details of training; the structure does not)
  assert.match(out[0], /^The dog \w+ <unk>\.$/);
  assert.equal(out[1], "");
  assert.equal(out[2], "");
  assert.match(out[3], /^A small \w+ \w+ the \w+\.$/);
  assert.match(r.stderr, /line 6: 1200 pieces, translated in 200 parts/, "split at its 200 sentence ends");
  // a file without a final newline, CRLF line ends
  r = await runCli(["translate", "--model", MODEL, "--beam", "1", "--quiet"], "Der Hund sieht Zorbalu.\r\nEin Fisch ruft der Mann.");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^The dog \w+ <unk>\.\nA fish \w+ the \w+\.\n$/);

  r = await runCli(["translate", "--model", MODEL, "--attention", f("plain.jsonl")], stdin);
  assert.equal(r.code, 0, r.stderr);
  const plain = readFileSync(f("plain.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  r = await runCli(["translate", "--model", MODEL, "--replace-unk", "--attention", f("attn.jsonl")], stdin);
  assert.equal(r.code, 0, r.stderr);
  const rout = r.stdout.trimEnd().split("\n");
  assert.ok(!rout[0].includes("<unk>"), "replace-unk leaves no <unk>");
  const attn = readFileSync(f("attn.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(attn.length, input.length);
  assert.deepEqual(attn[0].src, ["Der", "Hund", "sieht", "Zorbalu", ".", "</s>"], "source pieces as the encoder saw them (before the vocabulary)");
  assert.equal(attn[0].attention.length, attn[0].tgt.length);
  for (const row of attn[0].attention) {
    assert.equal(row.length, attn[0].src.length);
    assert.ok(Math.abs(row.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-4);
  }
  // each <unk> of the plain output became the source word with the highest attention at that step
  const unkSteps = plain[0].tgt.map((t: string, k: number) => (t === "<unk>" ? k : -1)).filter((k: number) => k >= 0);
  assert.ok(unkSteps.length > 0, `no <unk> in ${plain[0].tgt.join(" ")}`);
  for (const k of unkSteps) {
    const row: number[] = attn[0].attention[k].slice(0, -1);
    assert.equal(attn[0].tgt[k], attn[0].src[row.indexOf(Math.max(...row))]);
  }
  assert.deepEqual(attn[1], { line: 2, rank: 1, src: [], tgt: [], attention: [] });

  r = await runCli(["translate", "--model", MODEL, "--beam", "4", "--nbest", "3"], "Der Hund sieht der Katze.\n\nEin Mann ruft der Vogel.\n");
  assert.equal(r.code, 0, r.stderr);
  const nb = r.stdout.trimEnd().split("\n").map((l) => l.split(" ||| "));
  assert.ok(nb.every((x) => x.length === 3 && /^-?[\d.e-]+$/.test(x[2])));
  assert.deepEqual([...new Set(nb.map((x) => x[0]))], ["0", "1", "2"]);
  assert.equal(nb.filter((x) => x[0] === "0").length, 3);
  assert.deepEqual(nb.filter((x) => x[0] === "1"), [["1", "", "0"]]);
  assert.match(nb[0][1], /^The \w+ \w+ (the|a) \w+\.$/);

  r = await runCli(["score", "--model", MODEL], "Der Hund sieht der Katze.\tThe dog sees the cat.\nDer Hund sieht der Katze.\tA horse.\n");
  assert.equal(r.code, 0, r.stderr);
  const sc = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(sc[0].tgt, ["The", "dog", "sees", "the", "cat", ".", "</s>"]);
  assert.ok(sc[0].score > sc[1].score);
});

test("train on raw files directly (prepare on the fly) and --resume", async () => {
  const out = f("raw.safetensors");
  const common = ["train", "--train-src", f("train.de"), "--train-tgt", f("train.en.gz"), "--valid-tsv", f("valid.tsv"), "--src-lang", "de", "--tgt-lang", "en",
    "--limit", "300", "--bpe", "joint", "--bpe-merges", "20", "--lowercase", "--out", out, ...SIZE, "--no-bleu"];
  let r = await runCli([...common, "--epochs", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /300 training pairs, 100 validation pairs \(de → en\)/);
  r = await runCli([...common, "--epochs", "2", "--resume", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const st = parseSafetensors(new Uint8Array(readFileSync(out)));
  const spec = parseTokenizerSpec(st.metadata.tokenizer);
  assert.equal(spec.tgt.lowercase, true);
  assert.equal(spec.bpe?.joint, true);
  assert.equal(spec.bpe?.merges?.length, 20, "the BPE merges travel in the model file");
  r = await runCli(["translate", "--model", out, "--beam", "1"], "EIN HUND.\n");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, r.stdout.toLowerCase(), "a lowercasing model outputs lowercase");
  // eval of a lowercasing model scores case-insensitively by default
  r = await runCli(["eval", "--model", out, "--src", f("test.de"), "--ref", f("test.en"), "--beam", "1", "--limit", "10"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^BLEU\|nrefs:1\|case:lc\|/m);
  assert.match(r.stdout, /test: .*, 10 sentences/);
});

test("text commands: bad input fails with one clear line", async () => {
  const idsModel = join(process.cwd(), "tests/fixtures/golden/luong-dot-uni-l1.safetensors");
  writeText("short.en", ["one line"]);
  writeFileSync(f("notutf8.en"), Buffer.from([0x66, 0xff, 0xfe, 0x0a]));
  const cases: [string[], string, RegExp][] = [
    [["translate", "--model", idsModel], "hello\n", /the model has no vocabularies .*pass --ids/],
    [["score", "--model", idsModel], "a\tb\n", /the model has no vocabularies/],
    [["score", "--model", MODEL], "no tab here\n", /line 1: expected source<TAB>target/],
    [["translate", "--model", MODEL, "--nbest", "4", "--beam", "2"], "x\n", /--nbest 4 is larger than --beam 2/],
    [["translate", "--model", MODEL, "--attention", join(tmp, "no-dir", "a.jsonl")], "x\n", /cannot write attention file .*no-dir.*: no such file/],
    [["translate", "--model", MODEL, "--ids", "--replace-unk"], "", /--replace-unk is for text input/],
    [["prepare", "--out", f("p2")], "", /no training text|--data-dir needs/],
    [["prepare", "--train-src", f("train.de"), "--out", f("p2")], "", /--train-src and --train-tgt go together/],
    [["prepare", "--train-src", f("train.de"), "--train-tgt", f("short.en"), "--out", f("p2")], "", /misaligned: .*train\.de has 2000 lines but .*short\.en has 1 lines/],
    [["prepare", "--train-src", f("missing.de"), "--train-tgt", f("short.en"), "--out", f("p2")], "", /file not found: .*missing\.de/],
    [["prepare", "--train-tsv", f("train.de"), "--out", f("p2"), "--src-lang", "de", "--tgt-lang", "en"], "", /line 1 has 1 tab-separated fields, expected 2/],
    [["prepare", "--train-src", f("train.de"), "--train-tgt", f("train.en.gz"), "--src-lang", "d e", "--out", f("p2")], "", /--src-lang "d e" is not an ISO 639-1 language code/],
    [["prepare", "--data-dir", f("nowhere"), "--src-lang", "de", "--tgt-lang", "en", "--out", f("p2")], "", /Multi30k directory not found: .*nowhere \(get it with: s2s data multi30k --out .*nowhere; then pass it as --data-dir or in S2S_DATA\)/],
    [["train", "--data", f("nowhere"), "--out", f("x.safetensors")], "", /prepared directory .*nowhere: no such directory/],
    [["train", "--out", f("x.safetensors")], "", /no training data: give --train-ids FILE .*or text/],
    [["train", "--data", PREP, "--out", f("x.safetensors"), "--valid-ids", "v.jsonl"], "", /--valid-ids goes with --train-ids/],
    [["train", "--data", PREP, "--init", MODEL, "--emb-dim", "8", "--out", f("x.safetensors")], "", /--emb-dim describes a fresh model/],
    [["train", "--data", PREP, "--out", f("x.safetensors"), "--attention", "dot", "--enc-hidden", "8", "--dec-hidden", "8"], "", /dot attention needs dec_hidden \(8\) = encoder memory size \(16/],
    [["train", "--train-ids", "a.jsonl", "--config", "c.json", "--lowercase", "--out", f("x.safetensors")], "", /--lowercase is for training on text, not with --train-ids/],
    [["eval", "--model", MODEL, "--src", f("test.de")], "", /--src and --ref go together/],
    [["eval", "--model", MODEL, "--src", f("test.de"), "--ref", f("short.en")], "", /short\.en has 1 lines but .*test\.de has 100/],
    [["eval", "--model", MODEL, "--data-dir", f("nowhere")], "", /Multi30k directory not found/],
    [["eval", "--model", MODEL, "--src", f("test.de"), "--ref", f("notutf8.en")], "", /notutf8\.en is not valid UTF-8/],
  ];
  for (const [args, stdin, pattern] of cases) {
    const r = await runCli(args, stdin, 60000, { S2S_DATA: "" });
    assert.doesNotThrow(() => assertCleanFailure(r, pattern), `${args.join(" ")}: ${r.stderr}`);
  }
});
