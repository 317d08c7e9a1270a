// examples/cloudflare-worker in workerd (through miniflare), bundled the way
// wrangler bundles it (the kernels as a CompiledWasm module), answering real
// HTTP requests on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiCases } from "./api-cases.js";
import { bundleCloudflare, linkPackage } from "./bundle.js";
import { workerdMissing } from "./workerd.js";

const missing = await workerdMissing();
if (missing) console.log(`# skipping the Cloudflare Worker tests: ${missing}`);

test("Cloudflare Worker example in workerd: translates, and answers bad and oversized requests with JSON errors", { skip: missing ?? false, timeout: 90_000 }, async (t) => {
  const { Miniflare } = await import("miniflare");
  const tmp = mkdtempSync(join(tmpdir(), "s2s-cf-"));
  const b = await bundleCloudflare(join(tmp, "out"), linkPackage(tmp));
  assert.deepEqual(b.wasm, ["kernels.simd.wasm"], "the kernels stay a separate wasm module");
  assert.ok(b.inputs.some((p) => /(^|\/)dist\/index\.worker\.js$/.test(p)), `the worker entry of the package is used: ${b.inputs.filter((p) => p.includes("index")).join(", ")}`);
  assert.ok(!b.inputs.some((p) => /load-(node|browser)\.js$/.test(p)), "no Node or browser loader in the worker bundle");
  const script = readFileSync(b.script, "utf8");
  assert.doesNotMatch(script, /["'`]node:[a-z]|\brequire\(/, "no Node imports");
  t.diagnostic(`worker.js ${(statSync(b.script).size / 1024).toFixed(1)} KiB (model included), kernels.simd.wasm ${(statSync(join(b.dir, "kernels.simd.wasm")).size / 1024).toFixed(1)} KiB`);
  const mf = new Miniflare({
    host: "127.0.0.1", port: 0, compatibilityDate: "2025-07-01", modulesRoot: b.dir,
    modules: [{ type: "ESModule", path: b.script }, { type: "CompiledWasm", path: join(b.dir, "kernels.simd.wasm") }],
  });
  try {
    const url = await mf.ready;
    assert.equal(url.hostname, "127.0.0.1");
    await apiCases(t, url.href);
  } finally {
    await mf.dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
});
