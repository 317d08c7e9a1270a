// "seq2seq-wasm/threads" in headless Chromium (Debian's /usr/bin/chromium via
// playwright-core), loading the built package files (dist/, build/) as native
// ES modules: on a crossOriginIsolated page (COOP/COEP headers) a 2-thread
// engine runs its GEMMs on a module Worker, bitwise equal to 1 thread (the
// main thread cannot Atomics.wait, so the pool polls); without the headers it
// warns and uses 1 thread; the main browser entry refuses threads > 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.S2S_CHROMIUM ?? "/usr/bin/chromium";
let missing: string | null = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}`;
if (!missing) {
  try {
    await import("playwright-core");
  } catch {
    missing = "playwright-core is not installed";
  }
}
if (missing) console.log(`# skipping the browser threads test: ${missing}`);

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves ROOT's dist/ and build/ (and an empty page at /), with or without cross-origin isolation. */
async function serveRoot(isolated: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const headers: Record<string, string> = isolated ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" } : {};
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html", ...headers }).end("<!doctype html><title>threads</title><link rel=\"icon\" href=\"data:,\">");
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!/^\/(dist|build)\//.test(path) || !file.startsWith(ROOT.replace(/\/$/, "") + sep)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", ...headers }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

interface PageResult { isolated: boolean; threads: number; same: boolean; n: number; mainError: string }

/**
 * In the page (plain JS: tsx would add helpers to a function passed by
 * reference): a 1- and a 2-thread engine run the same GEMMs of all three
 * kinds; C is compared bit for bit.
 */
const IN_PAGE = `(async () => {
  const m = await import("/dist/index.threads.js");
  const one = await m.loadEngine({ variant: "simd" });
  const two = await m.loadEngine({ variant: "simd", threads: 2 });
  let seed = 5;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  let same = true, n = 0;
  for (const [M, N, K] of [[64, 300, 70], [33, 1001, 129], [130, 257, 65]]) {
    const A = Float32Array.from({ length: M * K }, rnd), B = Float32Array.from({ length: N * K }, rnd);
    const bias = Float32Array.from({ length: N }, rnd);
    const outs = [one, two].map((e) => {
      const ar = e.arena, mark = ar.mark();
      const pa = ar.putF32(A), pb = ar.putF32(B), pbias = ar.putF32(bias);
      const pc = ar.allocF32(M * N), pd = ar.allocF32(K * N), pe = ar.allocF32(M * K);
      e.kernels.gemm_nt(M, N, K, pa, K, pb, K, pc, N, pbias, 0); // C[M,N] = A·Bᵀ + bias
      e.kernels.gemm_tn(K, N, M, pa, K, pc, N, pd, N, 0, 0);     // D[K,N] = Aᵀ·C
      e.kernels.gemm_nn(M, K, N, pc, N, pb, K, pe, K, 0, 0);     // E[M,K] = C·B
      const all = new Float32Array(M * N + K * N + M * K);
      all.set(ar.f32(pc, M * N));
      all.set(ar.f32(pd, K * N), M * N);
      all.set(ar.f32(pe, M * K), M * N + K * N);
      ar.release(mark);
      return new Uint32Array(all.buffer);
    });
    n += outs[0].length;
    same = same && outs[0].every((x, i) => x === outs[1][i]);
  }
  const threads = two.threads;
  two.close();
  let mainError = "";
  try {
    await (await import("/dist/index.browser.js")).loadEngine({ threads: 2 });
  } catch (e) {
    mainError = e.message;
  }
  return { isolated: globalThis.crossOriginIsolated === true, threads, same, n, mainError };
})()`;

test("seq2seq-wasm/threads in Chromium: a Worker pool when crossOriginIsolated (bitwise equal), else a warning and 1 thread", { skip: missing ?? false, timeout: 60_000 }, async (t) => {
  const { chromium } = await import("playwright-core");
  const tmp = mkdtempSync(join(tmpdir(), "s2s-web-threads-"));
  const context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    for (const isolated of [true, false]) {
      const server = await serveRoot(isolated);
      try {
        const page = await context.newPage();
        const warnings: string[] = [], errors: string[] = [];
        page.on("console", (m) => (m.type() === "warning" ? warnings : m.type() === "error" ? errors : []).push(m.text()));
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(server.url);
        const r = (await page.evaluate(IN_PAGE)) as PageResult;
        t.diagnostic(`isolated=${isolated}: ${JSON.stringify(r)}`);
        assert.equal(r.isolated, isolated, "crossOriginIsolated as the headers say");
        assert.equal(r.threads, isolated ? 2 : 1, "engine.threads");
        assert.ok(r.same && r.n > 0, `GEMM results equal bit for bit (${r.n} elements)`);
        assert.deepEqual(errors, [], "no console errors");
        const warned = warnings.filter((w) => /threads: 2 ignored, using 1 thread: the page is not crossOriginIsolated/.test(w));
        assert.equal(warned.length, isolated ? 0 : 1, `the fallback warning: ${JSON.stringify(warnings)}`);
        assert.match(r.mainError, /import \{ loadEngine \} from "seq2seq-wasm\/threads"/, "the main browser entry refuses threads > 1");
        await page.close();
      } finally {
        await server.close();
      }
    }
  } finally {
    await context.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
