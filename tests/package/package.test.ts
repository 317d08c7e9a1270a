// The published package: what `npm pack` ships, the size budgets, the
// conditional exports, and consumers bundled with esbuild for Node and for
// browsers, run against the packed tarball (not this source tree).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";
import { ROOT, installPacked, packList } from "./helpers.js";
import { ARTICLE_JS_BUDGET, articleJs } from "../web/article-js.js";

const KiB = 1024;
const WASM_BUDGET = 64 * KiB;
const HOST_BUDGET = 60 * KiB;
/** the opt-in threads entry: the browser entry plus the worker pool */
const THREADS_BUDGET = 64 * KiB;
const CONSUMER = join(ROOT, "tests/package/consumer");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  exports: Record<string, unknown>; files: string[]; bin: Record<string, string>; main: string; types: string;
};

/** Every file path named in the exports map (all conditions), without the leading "./". */
function exportTargets(x: unknown): string[] {
  if (typeof x === "string") return [x.replace(/^\.\//, "")];
  if (x && typeof x === "object") return Object.values(x).flatMap(exportTargets);
  return [];
}

test("npm pack ships dist/, the wasm builds (with their shared-memory twins), README and package.json; no sources, tests, fixtures or .wat", (t) => {
  const { files, size, unpackedSize } = packList();
  const paths = files.map((f) => f.path).sort();
  const allowed = /^(package\.json|README\.md|LICENSE(\.md)?|build\/kernels\.(simd|relaxed)(-mt)?\.wasm|dist\/.+\.(js|d\.ts))$/;
  const unexpected = paths.filter((p) => !allowed.test(p));
  assert.deepEqual(unexpected, [], `files that should not be published: ${unexpected.join(", ")}`);
  for (const bad of [/\.test\./, /(^|\/)(tests?|fixtures|assembly|bench|tools|web|examples|src)\//, /\.wat$/, /\.map$/, /\.ts$(?<!\.d\.ts)/]) {
    const hit = paths.filter((p) => bad.test(p));
    assert.deepEqual(hit, [], `${bad} must not be published: ${hit.join(", ")}`);
  }
  const required = [
    "package.json", "README.md", "build/kernels.simd.wasm", "build/kernels.relaxed.wasm", "build/kernels.simd-mt.wasm", "build/kernels.relaxed-mt.wasm",
    pkg.main.replace(/^\.\//, ""), pkg.types.replace(/^\.\//, ""), ...Object.values(pkg.bin).map((b) => b.replace(/^\.\//, "")),
    ...Object.entries(pkg.exports).filter(([k]) => k !== "./package.json").flatMap(([, v]) => exportTargets(v)),
  ];
  const missing = [...new Set(required)].filter((p) => !paths.includes(p));
  assert.deepEqual(missing, [], `files the package points to but does not ship: ${missing.join(", ")}`);
  // every JS entry has its declarations
  for (const js of paths.filter((p) => /^dist\/index(\.\w+)?\.js$/.test(p))) assert.ok(paths.includes(js.replace(/\.js$/, ".d.ts")), `${js} has types`);
  t.diagnostic(`npm pack: ${paths.length} files, ${(size / KiB).toFixed(0)} KiB packed, ${(unpackedSize / KiB).toFixed(0)} KiB unpacked`);
});

test("conditional exports: node, browser, worker/edge entries, each with types", () => {
  const root = pkg.exports["."] as Record<string, { types: string; default: string }>;
  const want: Record<string, string> = {
    workerd: "./dist/index.worker.js", "edge-light": "./dist/index.worker.js", worker: "./dist/index.worker.js",
    browser: "./dist/index.browser.js", node: "./dist/index.js", default: "./dist/index.browser.js",
  };
  assert.deepEqual(Object.keys(root), Object.keys(want), "condition order: edge runtimes before browser, then node, then default");
  for (const [cond, file] of Object.entries(want)) {
    assert.equal(root[cond].default, file, cond);
    assert.equal(root[cond].types, file.replace(/\.js$/, ".d.ts"), `${cond} types`);
  }
  assert.equal(pkg.exports["./kernels.simd.wasm"], "./build/kernels.simd.wasm");
  assert.equal(pkg.exports["./kernels.relaxed.wasm"], "./build/kernels.relaxed.wasm");
});

interface Sizes {
  /** bytes of each build/kernels.VARIANT.wasm */
  wasm: Record<string, number>;
  /** bytes of each entry bundled and minified for browsers (no model), and gzipped */
  minified: Record<string, number>;
  gzip: Record<string, number>;
}
let measured: Promise<Sizes> | undefined;
/** The sizes the budgets are about, measured once for both tests below. */
function measureSizes(): Promise<Sizes> {
  measured ??= (async () => {
    const sizes: Sizes = { wasm: {}, minified: {}, gzip: {} };
    for (const v of ["simd", "relaxed", "simd-mt", "relaxed-mt"]) sizes.wasm[v] = statSync(join(ROOT, `build/kernels.${v}.wasm`)).size;
    for (const entry of ["index.browser", "index.worker", "index.threads"]) {
      const r = await build({
        entryPoints: [join(ROOT, `dist/${entry}.js`)], bundle: true, minify: true, format: "esm", platform: "browser",
        write: false, logLevel: "silent",
      });
      const code = r.outputFiles[0].contents;
      assert.doesNotMatch(r.outputFiles[0].text, /["'`]node:[a-z]|\brequire\(/, `${entry} has no Node imports`);
      sizes.minified[entry] = code.length;
      sizes.gzip[entry] = gzipSync(code).length;
    }
    return sizes;
  })();
  return measured;
}

test(`budgets: each wasm build ≤ 64 KiB; the host library (browser and edge entries, minified, no model) ≤ 60 KiB, the opt-in browser-threads entry (the same plus the worker pool) ≤ 64 KiB`, async (t) => {
  const sizes = await measureSizes();
  for (const [v, size] of Object.entries(sizes.wasm)) {
    t.diagnostic(`build/kernels.${v}.wasm: ${(size / KiB).toFixed(1)} KiB (budget 64 KiB)`);
    assert.ok(size <= WASM_BUDGET, `build/kernels.${v}.wasm is ${size} bytes, over the ${WASM_BUDGET}-byte budget`);
  }
  for (const [entry, size] of Object.entries(sizes.minified)) {
    const budget = entry === "index.threads" ? THREADS_BUDGET : HOST_BUDGET;
    t.diagnostic(`${entry} minified: ${(size / KiB).toFixed(1)} KiB, gzip ${(sizes.gzip[entry]! / KiB).toFixed(1)} KiB (budget ${budget / KiB} KiB minified)`);
    assert.ok(size <= budget, `${entry} is ${size} bytes minified, over the ${budget}-byte budget`);
  }
});

test(`budget: the article page's own JavaScript (web/index.html's scripts, its shared chunks and the race worker, as Vite builds them, without the kernels) ≤ ${ARTICLE_JS_BUDGET / KiB} KiB`, async (t) => {
  const { build: viteBuild } = await import("vite");
  const out = mkdtempSync(join(tmpdir(), "s2s-article-size-"));
  try {
    await viteBuild({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "silent", build: { outDir: out, emptyOutDir: true } });
    const { files, bytes } = articleJs(out);
    t.diagnostic(`article JavaScript: ${(bytes / KiB).toFixed(1)} KiB minified in ${files.length} files (budget ${ARTICLE_JS_BUDGET / KiB} KiB): ${files.join(" ")}`);
    assert.ok(files.some((f) => /race-worker/.test(f)) && !files.some((f) => /(^|\/)(tool|train-worker)-/.test(f)), "the article's files: its worker, not the tool page's");
    assert.ok(bytes <= ARTICLE_JS_BUDGET, `the article's JavaScript is ${bytes} bytes, over its ${ARTICLE_JS_BUDGET}-byte budget`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** A quoted size (KiB) is within 10% of the measured one (bytes). */
function near(quotedKiB: number, bytes: number, what: string): void {
  const actual = bytes / KiB;
  assert.ok(Math.abs(quotedKiB - actual) <= 0.1 * actual,
    `${what}: the docs say ${quotedKiB} KiB, measured ${actual.toFixed(1)} KiB; update the number`);
}

test("the sizes README.md and docs/threads.md quote are within 10% of the measured ones", async () => {
  const sizes = await measureSizes();
  const readme = readFileSync(join(ROOT, "README.md"), "utf8").replace(/\s+/g, " ");
  const w = /each wasm build ≤ 64 KiB \(measured (\d+(?:\.\d+)?)–(\d+(?:\.\d+)?) KiB\)/.exec(readme);
  assert.ok(w, "README.md quotes the wasm builds' sizes as 'each wasm build ≤ 64 KiB (measured A–B KiB)'");
  const wasm = Object.values(sizes.wasm);
  near(Number(w[1]), Math.min(...wasm), "README: smallest wasm build");
  near(Number(w[2]), Math.max(...wasm), "README: largest wasm build");
  const b = /the browser entry ≤ 60 KiB minified \(measured (\d+(?:\.\d+)?) KiB, (\d+(?:\.\d+)?) KiB gzipped\)/.exec(readme);
  assert.ok(b, "README.md quotes the browser entry as 'the browser entry ≤ 60 KiB minified (measured A KiB, B KiB gzipped)'");
  near(Number(b[1]), sizes.minified["index.browser"]!, "README: browser entry minified");
  near(Number(b[2]), sizes.gzip["index.browser"]!, "README: browser entry gzipped");
  const threads = readFileSync(join(ROOT, "docs/threads.md"), "utf8").replace(/\s+/g, " ");
  const p = /the pool is about (\d+(?:\.\d+)?) KiB minified/.exec(threads);
  assert.ok(p, "docs/threads.md quotes the pool's size as 'the pool is about N KiB minified'");
  near(Number(p[1]), sizes.minified["index.threads"]! - sizes.minified["index.browser"]!, "docs/threads.md: the worker pool (threads entry − browser entry)");
});

let tmp = "";
let nodeModules = "";
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "s2s-package-"));
  nodeModules = installPacked(tmp);
  // the consumer app: its sources and the example model beside them
  mkdirSync(join(tmp, "app"));
  for (const f of readdirSync(CONSUMER)) copyFileSync(join(CONSUMER, f), join(tmp, "app", f));
  copyFileSync(join(ROOT, "examples/models/dates-model.js"), join(tmp, "app/dates-model.js"));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function bundle(entry: string, outdir: string, o: BuildOptions): Promise<string[]> {
  const r = await build({
    entryPoints: [join(tmp, "app", entry)], bundle: true, format: "esm", outdir, metafile: true, logLevel: "silent", ...o,
  });
  return Object.keys(r.metafile?.inputs ?? {});
}

function runNode(args: string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
  // long lines (inlined base64) would bury the message
  const stderr = r.stderr.split("\n").map((l) => (l.length > 300 ? l.slice(0, 300) + "…" : l)).join("\n");
  return { stdout: r.stdout, stderr, status: r.status };
}

test("esbuild, platform node: the bundle runs and translates (kernels found in node_modules/seq2seq-wasm)", async () => {
  const out = join(tmp, "out-node");
  const inputs = await bundle("node.mjs", out, { platform: "node", target: "node20" });
  assert.ok(inputs.some((p) => p.endsWith("node_modules/seq2seq-wasm/dist/index.js")), `node entry used: ${inputs.filter((p) => p.includes("index")).join(", ")}`);
  const r = runNode([join(out, "node.js"), "Monday, May 3, 1999"], tmp);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { variant: "simd", translation: "1999-05-03" });
});

test("esbuild, platform node, one file with the kernels inlined: runs with no node_modules at all", async () => {
  const out = join(tmp, "out-single");
  await bundle("node-single-file.mjs", out, { platform: "node", target: "node20", loader: { ".wasm": "binary" } });
  const alone = mkdtempSync(join(tmpdir(), "s2s-alone-"));
  try {
    copyFileSync(join(out, "node-single-file.js"), join(alone, "app.mjs"));
    const r = runNode([join(alone, "app.mjs"), "12/25/84"], alone);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { variant: "simd", translation: "1984-12-25" });
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
});

test("esbuild, platform browser: no Node code; the .wasm files are assets, fetched and compiled while streaming", async () => {
  const out = join(tmp, "out-browser");
  const inputs = await bundle("browser.mjs", out, { platform: "browser", target: "es2022", loader: { ".wasm": "file" } });
  assert.ok(inputs.some((p) => p.endsWith("node_modules/seq2seq-wasm/dist/index.browser.js")), "browser entry used");
  assert.ok(!inputs.some((p) => /load-node|io\/atomic/.test(p)), `no Node loader: ${inputs.join(", ")}`);
  const code = readFileSync(join(out, "browser.js"), "utf8");
  assert.doesNotMatch(code, /["'`]node:[a-z]|\brequire\(/, "no Node imports in the browser bundle");
  const wasm = readdirSync(out).filter((f) => f.endsWith(".wasm")).sort();
  assert.equal(wasm.length, 2, `both builds copied as assets: ${wasm}`);
  const r = runNode([join(tmp, "app/run-browser-bundle.mjs"), join(out, "browser.js"), "3rd of May 1999"], tmp);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { translation: string; variant: string; fetched: string[]; streamed: number };
  assert.equal(res.translation, "1999-05-03");
  assert.equal(res.fetched.length, 1, "one build fetched");
  assert.match(res.fetched[0], new RegExp(`^kernels\\.${res.variant}-.*\\.wasm$`));
  assert.equal(res.streamed, 1, "compiled with WebAssembly.compileStreaming");
});
