// The building blocks as stdin → stdout filters: tokenize, detokenize, bpe
// learn/apply/remove/vocab, bleu (the published sacreBLEU example), chrf;
// --help of every text command; bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { runCli, assertCleanFailure } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-filters-"));
const f = (name: string) => join(tmp, name);
function write(name: string, lines: string[], gz = false): string {
  const text = lines.join("\n") + "\n";
  writeFileSync(f(name), gz ? gzipSync(text) : text);
  return f(name);
}

// sacreBLEU's README example (two reference sets)
const SYS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
const REF1 = ["The dog bit the man.", "It was not unexpected.", "The man bit him first."];
const REF2 = ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."];

test("tokenize / detokenize: Moses rules, one line out per line in", async () => {
  const input = ["Ein Mann fährt \u201eschnell\u201c mit 5,5 km/h.", "", "   ", "Don't stop: l'homme & \"co\" [x] |y|", "no final newline"];
  let r = await runCli(["tokenize", "--lang", "de"], input.join("\n"));
  assert.equal(r.code, 0, r.stderr);
  const de = r.stdout.split("\n");
  assert.equal(de.pop(), "");
  assert.equal(de.length, input.length);
  assert.equal(de[0], "Ein Mann fährt &quot; schnell &quot; mit 5,5 km / h.", "(h. is a German non-breaking prefix)");
  assert.equal(de[1], "");
  assert.equal(de[2], "");
  r = await runCli(["tokenize", "--lang", "en", "--lowercase"], "Don't STOP, Mr. Smith.\n");
  assert.equal(r.stdout, "don &apos;t stop , mr. smith .\n");
  r = await runCli(["tokenize", "--lang", "fr", "--no-escape"], "L'homme \"va\" bien.\n");
  assert.equal(r.stdout, "L' homme \" va \" bien .\n");
  r = await runCli(["tokenize", "--lang", "en", "--aggressive-dash"], "a well-known fact\n");
  assert.equal(r.stdout, "a well @-@ known fact\n");
  r = await runCli(["detokenize", "--lang", "en"], "don &apos;t stop , mr. smith .\n\n&quot; hi &quot; ( yes ) .\n");
  assert.equal(r.stdout, "don't stop, mr. smith.\n\n\"hi\" (yes).\n");
  r = await runCli(["detokenize", "--lang", "fr"], "l' homme va bien ?\n");
  assert.equal(r.stdout, "l'homme va bien ?\n");
  // odd bytes and characters: still one line each
  const odd = Buffer.concat([Buffer.from("a\u0000b\r\n"), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("\ud83d\ude00 \u2028 x\n")]);
  r = await runCli(["tokenize", "--lang", "en"], odd.toString("latin1"));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split("\n").length - 1, 3);
});

test("bpe learn | apply | remove | vocab (subword-nmt semantics)", async () => {
  const corpus = write("corpus.txt", ["low lower lowest", "newer newest wider", "low low newest widest"]);
  let r = await runCli(["bpe", "learn", "--merges", "10", corpus]);
  assert.equal(r.code, 0, r.stderr);
  const codes = r.stdout.split("\n");
  assert.equal(codes[0], "#version: 0.2");
  assert.equal(codes.filter((l) => l !== "" && !l.startsWith("#")).length, 10);
  assert.ok(codes.slice(1).filter((l) => l).every((l) => /^\S+ \S+$/.test(l)));
  // stdin gives the same codes; two files give joint BPE on their sum
  const r2 = await runCli(["bpe", "learn", "--merges", "10", "--quiet"], "low lower lowest\nnewer newest wider\nlow low newest widest\n");
  assert.equal(r2.stdout, r.stdout);
  const half1 = write("h1.txt", ["low lower lowest", "newer newest wider"]);
  const half2 = write("h2.txt.gz", ["low low newest widest"], true);
  const r3 = await runCli(["bpe", "learn", "--merges", "10", half1, half2]);
  assert.equal(r3.stdout, r.stdout);
  writeFileSync(f("codes"), r.stdout);
  const text = "lowest newer\n\nunseenword low\n";
  r = await runCli(["bpe", "apply", "--codes", f("codes")], text);
  assert.equal(r.code, 0, r.stderr);
  const pieces = r.stdout.split("\n");
  assert.equal(pieces.length, 4);
  assert.equal(pieces[1], "");
  assert.ok(pieces[0].includes("@@ "), pieces[0]);
  const back = await runCli(["bpe", "remove"], r.stdout);
  assert.equal(back.stdout, text);
  r = await runCli(["bpe", "apply", "--codes", f("codes"), "--merges", "0"], "low\n");
  assert.equal(r.stdout, "l@@ o@@ w\n");
  r = await runCli(["bpe", "vocab"], "a b@@ c\na a\n");
  assert.equal(r.stdout, "a 3\nb@@ 1\nc 1\n");
  writeFileSync(f("vocab"), "l@@ 5\now 5\n");
  r = await runCli(["bpe", "apply", "--codes", f("codes"), "--vocabulary", f("vocab"), "--vocabulary-threshold", "1"], "low\n");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "l@@ o@@ w\n", "low is not in the vocabulary: split back by reversing merges");
});

test("bleu: the published sacreBLEU example (48.53) and --tokenize none, --by-length", async () => {
  const sys = write("sys.txt", SYS), r1 = write("ref1.txt", REF1), r2 = write("ref2.txt", REF2);
  let r = await runCli(["bleu", "--ref", `${r1},${r2}`, sys]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n");
  r = await runCli(["bleu", "--ref", `${r1},${r2}`, "--score-only"], SYS.join("\n") + "\n");
  assert.equal(r.stdout, "48.53\n", "hypotheses on stdin");
  const one = write("one.txt", ["the cat ( sat ) ."]);
  r = await runCli(["bleu", "--ref", one, "--tokenize", "none"], "the cat (sat).\n");
  assert.match(r.stdout, /^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:none\|smooth:exp = 0\.00 /, "no 13a splitting of ( ) .");
  r = await runCli(["bleu", "--ref", one, "--tokenize", "13a"], "the cat (sat).\n");
  assert.match(r.stdout, / = 100\.00 /);
  r = await runCli(["bleu", "--ref", r1, "--lc"], REF1.map((s) => s.toUpperCase()).join("\n") + "\n");
  assert.match(r.stdout, /\|case:lc\|.* = 100\.00 /);
  const src = write("src.txt", ["ein kurzer satz", "noch ein satz", "x ".repeat(15).trim()]);
  r = await runCli(["bleu", "--ref", `${r1},${r2}`, sys, "--by-length", "--src", src, "--src-lang", "de"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /BLEU by source length/);
  assert.match(r.stdout, /^1-10 +2 /m);
  assert.match(r.stdout, /^11-20 +1 /m);
  assert.match(r.stdout, /^all +3 +48\.53 /m);
});

test("chrf: the published sacreBLEU example (59.73)", async () => {
  const sys = write("sys2.txt", SYS), r1 = write("ref1b.txt", REF1), r2 = write("ref2b.txt", REF2);
  let r = await runCli(["chrf", "--ref", `${r1},${r2}`, sys]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no = 59.73\n");
  r = await runCli(["chrf", "--ref", `${r1},${r2}`, "--score-only"], SYS.join("\n"));
  assert.equal(r.stdout, "59.73\n");
  r = await runCli(["chrf", "--ref", `${r1},${r2}`, "--word-order", "2", sys]);
  assert.match(r.stdout, /^chrF2\+\+\|nrefs:2\|case:mixed\|eff:yes\|nc:6\|nw:2\|space:no = [\d.]+\n$/);
});

test("every command has --help, and s2s --help lists them", async () => {
  const main = await runCli(["--help"]);
  assert.equal(main.code, 0);
  for (const cmd of ["prepare", "train", "translate", "eval", "score", "tokenize", "detokenize", "bpe", "bleu", "chrf", "data"]) {
    assert.match(main.stdout, new RegExp(`^  ${cmd} `, "m"), cmd);
    const r = await runCli([cmd, "--help"]);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, /^usage: s2s /, cmd);
    assert.match(r.stdout, /options:\n/, cmd);
  }
});

test("filters: bad input fails with one clear line", async () => {
  const r1 = write("r.txt", ["a", "b"]);
  const cases: [string[], string, RegExp][] = [
    [["tokenize"], "", /--lang is required/],
    [["tokenize", "--lang", "../x"], "", /--lang "\.\.\/x" is not an ISO 639-1 language code/],
    [["tokenize", "--lang", "xx"], "", /--lang "xx" is not an ISO 639-1 language code such as en, de or fr/],
    [["detokenize", "--lang", "en", "extra"], "", /unexpected argument "extra"/],
    [["bpe"], "", /missing ACTION/],
    [["bpe", "frob"], "", /unknown action "frob"/],
    [["bpe", "learn"], "x\n", /--merges N is required/],
    [["bpe", "apply"], "x\n", /--codes FILE is required/],
    [["bpe", "apply", "--codes", f("nope")], "x\n", /cannot read codes file: file not found: .*nope/],
    [["bpe", "apply", "--codes", r1], "x\n", /r\.txt: .*line 1/],
    [["bpe", "remove", "--codes", r1], "x\n", /--codes is only for bpe apply/],
    [["bpe", "learn", "--merges", "5", f("nope")], "", /cannot read text: file not found/],
    [["bleu"], "", /--ref is required/],
    [["bleu", "--ref", r1], "only one line\n", /r\.txt has 2 lines but the hypotheses have 1/],
    [["bleu", "--ref", f("missing.txt")], "a\n", /cannot read reference: file not found: .*missing\.txt/],
    [["bleu", "--ref", r1, "--by-length"], "a\nb\n", /--by-length needs --src/],
    [["bleu", "--ref", r1, "--by-length", "--src", r1], "a\nb\n", /--by-length counts the Moses tokens of the source: give its language with --src-lang/],
    [["bleu", "--ref", r1, "--tokenize", "intl"], "a\nb\n", /--tokenize must be one of 13a, none/],
    [["chrf", "--ref", r1], "a\n", /has 2 lines but the hypotheses have 1/],
    [["data", "imagenet", "--out", f("d")], "", /unknown dataset "imagenet"/],
    [["data", "multi30k"], "", /--out is required/],
    [["data", "multi30k", "--out", f("d"), "--langs", "en,../x"], "", /--langs: "\.\.\/x" is not a valid name/],
    [["data", "multi30k", "--out", f("d"), "--base-url", "ftp://example.org"], "", /--base-url must start with http/],
  ];
  for (const [args, stdin, pattern] of cases) {
    const r = await runCli(args, stdin);
    assert.doesNotThrow(() => assertCleanFailure(r, pattern), `${args.join(" ")}: ${r.stderr}`);
  }
});
