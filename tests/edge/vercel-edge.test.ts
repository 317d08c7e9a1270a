// examples/vercel-edge in edge-runtime (Vercel's Edge Runtime for local use),
// with code generation from strings AND wasm bytes disabled as on Vercel: the
// `?module` import arrives as a WebAssembly.Module compiled by the host.
// Real HTTP requests on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiCases } from "./api-cases.js";
import { bundleVercel, linkPackage } from "./bundle.js";

let missing: string | null = null;
try {
  await import("edge-runtime");
} catch (e) {
  missing = `edge-runtime is not installed (${(e as Error).message.split("\n")[0]}); run npm ci`;
  console.log(`# skipping the Vercel Edge tests: ${missing}`);
}

test("Vercel Edge example in edge-runtime: translates, and answers bad and oversized requests with JSON errors", { skip: missing ?? false, timeout: 90_000 }, async (t) => {
  const { EdgeRuntime, runServer } = await import("edge-runtime");
  const tmp = mkdtempSync(join(tmpdir(), "s2s-edge-"));
  try {
    const v = await bundleVercel(join(tmp, "function.js"), linkPackage(tmp));
    assert.ok(v.inputs.some((p) => /(^|\/)dist\/index\.worker\.js$/.test(p)), "the worker entry of the package is used");
    assert.equal(v.wasmGlobals.size, 1, "one wasm module import");
    assert.doesNotMatch(v.code, /WebAssembly\.(compile|compileStreaming)\(|new WebAssembly\.Module\(/, "the bundle never compiles wasm bytes");
    const globals: Record<string, WebAssembly.Module> = {};
    for (const [path, name] of v.wasmGlobals) globals[name] = await WebAssembly.compile(readFileSync(path));
    const runtime = new EdgeRuntime({ codeGeneration: { strings: false, wasm: false }, extend: (ctx) => Object.assign(ctx, globals) });
    // the sandbox really refuses to compile bytes (so the example cannot be relying on it)
    const probe = await runtime.evaluate<Promise<string>>("WebAssembly.compile(new Uint8Array([0,97,115,109,1,0,0,0])).then(() => 'compiled', (e) => 'refused: ' + e.message)");
    assert.match(probe, /^refused/);
    runtime.evaluate(v.code);
    const server = await runServer({ runtime, host: "127.0.0.1", port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+/);
      await apiCases(t, new URL("/api/", server.url).href);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
