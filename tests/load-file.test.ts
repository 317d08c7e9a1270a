// Loading a model from disk reads each tensor straight into the engine's
// memory (no copy of the whole file): it must load exactly what fromBytes
// loads, and fail with the same one-line errors on damaged files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { loadModelFromFile } from "../src/model/load-file.js";
import { S2SError } from "../src/errors.js";
import { quantizeModel } from "../src/index.core.js";

const GOLDEN = join(import.meta.dirname, "fixtures", "golden");

test("loadModelFromFile = Model.fromBytes, f32 and int8", async () => {
  const engine = await loadEngine();
  for (const name of ["luong-additive-bi-l2", "bahdanau-dot-uni-l1"]) {
    const path = join(GOLDEN, `${name}.safetensors`);
    const a = Model.fromBytes(engine, new Uint8Array(readFileSync(path)), path);
    const b = loadModelFromFile(engine, path);
    assert.deepEqual(b.config, a.config, `${name}: config`);
    assert.deepEqual(b.toBytes(), a.toBytes(), `${name}: every tensor and the metadata`);
    const dir = mkdtempSync(join(tmpdir(), "s2s-load-"));
    const q = join(dir, "q.safetensors");
    writeFileSync(q, quantizeModel(a));
    assert.deepEqual(loadModelFromFile(engine, q).toBytes(), Model.fromBytes(engine, new Uint8Array(readFileSync(q)), q).toBytes(), `${name}: int8 file`);
  }
});

test("loadModelFromFile: damaged files give the errors fromBytes gives", async () => {
  const engine = await loadEngine();
  const path = join(GOLDEN, "luong-additive-bi-l2.safetensors");
  const bytes = new Uint8Array(readFileSync(path));
  const dir = mkdtempSync(join(tmpdir(), "s2s-load-"));
  const cases: [string, Uint8Array][] = [
    ["truncated in the header", bytes.slice(0, 40)],
    ["truncated in the data", bytes.slice(0, bytes.length - 7)],
    ["shorter than 8 bytes", bytes.slice(0, 5)],
  ];
  // a NaN in the last tensor's data
  const nan = bytes.slice();
  new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
  cases.push(["a NaN weight", nan]);
  for (const [what, b] of cases) {
    const f = join(dir, "m.safetensors");
    writeFileSync(f, b);
    let expected = "";
    try {
      Model.fromBytes(engine, b, f);
    } catch (e) {
      expected = (e as Error).message;
    }
    assert.ok(expected !== "", `${what}: fromBytes refuses it`);
    assert.throws(() => loadModelFromFile(engine, f), (e: unknown) => e instanceof S2SError && (e as Error).message === expected, `${what}: same S2SError as fromBytes (${expected})`);
  }
  assert.throws(() => loadModelFromFile(engine, join(dir, "missing.safetensors")), /cannot read model .*: no such file/, "missing file");
  assert.throws(() => loadModelFromFile(engine, dir), /cannot read model .*: it is a directory/, "a directory");
});
