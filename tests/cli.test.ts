// The ids-level CLI (s2s score / translate / info), against the PyTorch
// fixtures, and its behaviour on bad input: one line on stderr, non-zero exit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, assertCleanFailure, ROOT } from "./helpers/cli.js";
import { parseSafetensors, serializeSafetensors } from "../src/io/safetensors.js";

const GOLDEN = join(ROOT, "tests/fixtures/golden");
const NAME = "bahdanau-additive-bi-l2";
const MODEL = join(GOLDEN, `${NAME}.safetensors`);
const fx = JSON.parse(readFileSync(join(GOLDEN, `${NAME}.json`), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "s2s-cli-"));

test("s2s score --ids writes PyTorch's log-probs and attention, one line per input", async () => {
  const input = fx.pairs.map((p: unknown) => JSON.stringify(p)).join("\n") + "\n";
  const r = await runCli(["score", "--model", MODEL, "--ids"], input);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, fx.pairs.length);
  lines.forEach((l, i) => {
    l.logprobs.forEach((x: number, t: number) => assert.ok(Math.abs(x - fx.score[i].logprobs[t]) < 1e-4, `pair ${i} logprob ${t}: ${x}`));
    assert.equal(l.attention.length, fx.pairs[i].tgt.length);
    l.attention.forEach((row: number[], t: number) => row.forEach((a, j) => assert.ok(Math.abs(a - fx.score[i].attention[t][j]) < 1e-4, `pair ${i} attention ${t},${j}: ${a}`)));
  });
});

test("s2s score --ids gives attention null for attention none", async () => {
  const none = JSON.parse(readFileSync(join(GOLDEN, "luong-none-uni-l1.json"), "utf8"));
  const r = await runCli(["score", "--model", join(GOLDEN, "luong-none-uni-l1.safetensors"), "--ids"], JSON.stringify(none.pairs[2]) + "\n");
  assert.equal(r.code, 0, r.stderr);
  const l = JSON.parse(r.stdout);
  assert.equal(l.attention, null);
  assert.equal(l.logprobs.length, none.pairs[2].tgt.length);
});

test("s2s translate --ids: greedy (--beam 1), beam and --nbest match PyTorch (packed, one sentence per batch, --no-pack)", async () => {
  // packed decoder weights (the default) are read for products of ≤ 8 rows: --batch-sentences 1 makes every product that small
  for (const extra of [[], ["--batch-sentences", "1"], ["--no-pack", "--batch-sentences", "1"]]) {
    const input = fx.pairs.map((p: { src: number[] }) => JSON.stringify({ src: p.src })).join("\n") + "\n";
    const g = fx.greedy;
    const r1 = await runCli(["translate", "--model", MODEL, "--ids", "--beam", "1", "--alpha", String(g.alpha), "--max-len-a", String(g.max_len_a), "--max-len-b", String(g.max_len_b), ...extra], input);
    assert.equal(r1.code, 0, r1.stderr);
    r1.stdout.trimEnd().split("\n").forEach((line, i) => {
      const o = JSON.parse(line);
      assert.deepEqual(Object.keys(o), ["ids", "score", "attention"]);
      assert.deepEqual(o.ids, g.results[i].ids, `${extra.join(" ")} greedy ${i} ids`);
      assert.ok(Math.abs(o.score - g.results[i].score) < 1e-4, `${extra.join(" ")} greedy ${i} score ${o.score}`);
    });
    const b = fx.beam;
    const r2 = await runCli(["translate", "--model", MODEL, "--ids", "--beam", String(b.beam), "--nbest", String(b.nbest), "--alpha", String(b.alpha), "--max-len-a", String(b.max_len_a), "--max-len-b", String(b.max_len_b), ...extra], input);
    assert.equal(r2.code, 0, r2.stderr);
    r2.stdout.trimEnd().split("\n").forEach((line, i) => {
      const o = JSON.parse(line);
      assert.equal(o.hyps.length, b.results[i].hyps.length);
      o.hyps.forEach((h: { ids: number[]; score: number }, j: number) => {
        assert.deepEqual(h.ids, b.results[i].hyps[j].ids, `${extra.join(" ")} beam ${i}.${j} ids`);
        assert.ok(Math.abs(h.score - b.results[i].hyps[j].score) < 1e-4, `${extra.join(" ")} beam ${i}.${j} score ${h.score}`);
      });
    });
  }
});

test("bad input lines: one clear stderr line naming the line, non-zero exit", async () => {
  const cases: [string, string[], string, RegExp][] = [
    ["bad JSON", ["translate"], '{"src":[4,3]}\n{"src":[4,\n', /line 2: not valid JSON/],
    ["empty line", ["translate"], '{"src":[4,3]}\n\n', /line 2: not valid JSON \(empty line\)/],
    ["not an object", ["translate"], "[4,3]\n", /line 1: expected a JSON object/],
    ["id out of range", ["translate"], '{"src":[4,3]}\n{"src":[4,99,3]}\n', /line 2: src\[1\] = 99 is out of range \[0, 11\)/],
    ["negative id", ["score"], '{"src":[-1,3],"tgt":[3]}\n', /line 1: src\[0\] = -1 is out of range/],
    ["non-integer id", ["translate"], '{"src":[4.5,3]}\n', /line 1: src\[0\] = 4.5 is not an integer id/],
    ["missing src", ["translate"], '{"source":[4,3]}\n', /line 1: src is not an array of ids/],
    ["empty src", ["translate"], '{"src":[]}\n', /line 1: src is empty/],
    ["tgt out of range", ["score"], '{"src":[4,3],"tgt":[13,3]}\n', /line 1: tgt\[0\] = 13 is out of range \[0, 13\)/],
  ];
  for (const [what, cmd, input, pattern] of cases) {
    const r = await runCli([...cmd, "--model", MODEL, "--ids"], input);
    assert.doesNotThrow(() => assertCleanFailure(r, pattern), what);
  }
});

test("bad model files and flags: one clear stderr line, non-zero exit", async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const st = parseSafetensors(bytes);
  const tensors = [...st.tensors.keys()].sort().map((name) => ({ name, dtype: "F32" as const, shape: st.info(name).shape, data: st.f32(name) }));
  const write = (name: string, data: Uint8Array) => {
    const p = join(tmp, name);
    writeFileSync(p, data);
    return p;
  };
  const renamed = write("renamed.safetensors", serializeSafetensors(tensors.map((t) => (t.name === "attn.v.weight" ? { ...t, name: "attn.w.weight" } : t)), st.metadata));
  const reshaped = write("reshaped.safetensors", serializeSafetensors(tensors.map((t) => (t.name === "bridge.bias" ? { ...t, shape: [2, 8], data: new Float32Array(16) } : t)), st.metadata));
  const noConfig = write("noconfig.safetensors", serializeSafetensors(tensors, {}));
  const nan = write("nan.safetensors", serializeSafetensors(tensors.map((t) => (t.name === "generator.bias" ? { ...t, data: t.data.map((v, i) => (i === 2 ? NaN : v)) } : t)), st.metadata));
  const truncated = write("truncated.safetensors", bytes.subarray(0, bytes.length - 10));
  const garbage = write("garbage.safetensors", new TextEncoder().encode("this is not a model file at all"));
  const dir = join(tmp, "a-directory");
  mkdirSync(dir, { recursive: true });
  const input = '{"src":[4,3]}\n';
  const cases: [string, string[], RegExp][] = [
    ["missing file", ["--model", join(tmp, "nope.safetensors"), "--ids"], /cannot read model .*nope\.safetensors: no such file/],
    ["directory", ["--model", dir, "--ids"], /a-directory: it is a directory/],
    ["truncated", ["--model", truncated, "--ids"], /truncated\.safetensors: .*(out of range|belong to no tensor)/],
    ["garbage", ["--model", garbage, "--ids"], /garbage\.safetensors: (header length|truncated)/],
    ["wrong name", ["--model", renamed, "--ids"], /unexpected tensor attn\.w\.weight/],
    ["wrong shape", ["--model", reshaped, "--ids"], /tensor bridge\.bias has shape \[2, 8\], expected \[16\]/],
    ["no config", ["--model", noConfig, "--ids"], /no "config" in __metadata__/],
    ["NaN weight", ["--model", nan, "--ids"], /tensor generator\.bias has 1 NaN or infinite values/],
    ["unknown flag", ["--model", MODEL, "--ids", "--bogus"], /unknown option --bogus/],
    ["bad number", ["--model", MODEL, "--ids", "--beam", "x"], /--beam needs a number/],
    ["nbest > beam", ["--model", MODEL, "--ids", "--beam", "2", "--nbest", "3"], /--nbest 3 is larger than --beam 2/],
    ["missing model flag", ["--ids"], /--model is required/],
  ];
  for (const [what, args, pattern] of cases) {
    const r = await runCli(["translate", ...args], input);
    assert.doesNotThrow(() => assertCleanFailure(r, pattern), what);
  }
  assertCleanFailure(await runCli(["frobnicate"]), /unknown command "frobnicate"/);
});

test("--help works for the program and every command; unknown flags are refused everywhere", async () => {
  const top = await runCli(["--help"]);
  assert.equal(top.code, 0);
  const commands = [...top.stdout.matchAll(/^  ([a-z]+) {2,}/gm)].map((m) => m[1]);
  assert.ok(commands.length >= 13, `commands listed: ${commands.join(", ")}`);
  for (const cmd of ["translate", "score", "train", "prepare", "eval", "tokenize", "detokenize", "bpe", "bleu", "chrf", "data", "info", "demo"]) {
    assert.ok(commands.includes(cmd), `s2s --help does not list ${cmd}`);
  }
  for (const cmd of commands) {
    const r = await runCli([cmd, "--help"]);
    assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, /^usage: s2s /, `${cmd} --help`);
    assert.match(r.stdout, /--help/, `${cmd} --help lists --help`);
    assertCleanFailure(await runCli([cmd, "--no-such-flag"]), /unknown option --no-such-flag/);
  }
  for (const cmd of ["translate", "score", "info"]) {
    assert.match((await runCli([cmd, "--help"])).stdout, /--model FILE/);
  }
});

test("s2s info prints the config", async () => {
  const r = await runCli(["info", "--model", MODEL]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.config.decoder_style, "bahdanau");
  assert.equal(o.config.attention, "additive");
  assert.ok(o.parameters > 0, "parameter count");
});
