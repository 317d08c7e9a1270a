// s2s quantize, and the int8 file through the other commands (info,
// translate --ids, train --init refusing it). Runs the built CLI (dist/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli, assertCleanFailure } from "./helpers/cli.js";

const GOLDEN = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const F32 = join(GOLDEN, "luong-additive-bi-l2.safetensors");
let tmp = "";
before(() => (tmp = mkdtempSync(join(tmpdir(), "s2s-quantize-"))));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("s2s quantize writes an int8 model that info, translate and score accept", async () => {
  const out = join(tmp, "q.safetensors");
  const r = await runCli(["quantize", F32, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\(f32, [\d.]+ KiB\) → .*q\.safetensors \(int8, [\d.]+ KiB\): [\d.]+× smaller/, "size line");
  assert.ok(statSync(out).size < statSync(F32).size, "smaller file");
  const info = await runCli(["info", "--model", out]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(JSON.parse(info.stdout).weights, /^int8-rowwise/, "info shows int8");
  const f32info = await runCli(["info", "--model", F32]);
  assert.equal(JSON.parse(f32info.stdout).weights, "f32", "info shows f32");
  assert.equal(JSON.parse(info.stdout).parameters, JSON.parse(f32info.stdout).parameters, "same parameter count");
  const tr = await runCli(["translate", "--model", out, "--ids", "--beam", "2"], "{\"src\":[4, 5, 6, 3]}\n{\"src\":[7, 8, 3]}\n");
  assert.equal(tr.code, 0, tr.stderr);
  assert.equal(tr.stdout.trimEnd().split("\n").length, 2, "one line per input line");
});

test("s2s quantize: bad inputs give one line and a non-zero exit", async () => {
  const q = join(tmp, "q2.safetensors");
  assert.equal((await runCli(["quantize", F32, q])).code, 0, "made an int8 model");
  const junk = join(tmp, "junk.safetensors");
  writeFileSync(junk, "not a model at all");
  const cases: [string[], RegExp][] = [
    [["quantize", join(tmp, "missing.safetensors"), join(tmp, "o.safetensors")], /missing\.safetensors.*(no such file|not found)/i],
    [["quantize", junk, join(tmp, "o.safetensors")], /junk\.safetensors: .*safetensors|header/],
    [["quantize", q, join(tmp, "o.safetensors")], /q2\.safetensors: already int8-quantised/],
    [["quantize", F32, F32], /OUT is IN/],
    [["quantize", F32], /missing OUT/],
    [["quantize", F32, join(tmp, "no-such-dir", "o.safetensors")], /cannot write .*no such directory/],
    [["train", "--init", q, "--train-ids", join(tmp, "x.jsonl"), "--out", join(tmp, "t.safetensors")], /train --init .*q2\.safetensors needs a float32 model; this one is int8-quantised/],
  ];
  for (const [args, re] of cases) assertCleanFailure(await runCli(args), re);
  assert.ok(!existsSync(join(tmp, "o.safetensors")), "no output written on failure");
  assert.deepEqual(readFileSync(F32), readFileSync(F32), "input untouched");
});

test("s2s quantize --help describes the command", async () => {
  const r = await runCli(["quantize", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /s2s quantize IN\.safetensors OUT\.safetensors/, "usage line");
});
