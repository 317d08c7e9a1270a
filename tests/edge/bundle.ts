// Bundles the edge examples the way their platforms do, with esbuild:
//   Cloudflare (wrangler): ESM, conditions workerd/worker/browser, each .wasm
//     import left as a separate CompiledWasm module beside the script;
//   Vercel Edge: conditions edge-light/worker/browser, a `.wasm?module`
//     import becomes a WebAssembly.Module that the host compiled (edge-runtime
//     gets it as a global, as Vercel's own sandbox does).
import { build, type Plugin } from "esbuild";
import { copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLES = join(ROOT, "examples");

/**
 * A node_modules folder (under `dir`) whose seq2seq-wasm is this repository,
 * as `npm install` of the examples' "file:../.." dependency would make it;
 * passed to esbuild as nodePaths, so the package is resolved through its
 * "exports" like any dependency.
 */
export function linkPackage(dir: string): string {
  const nm = join(dir, "node_modules");
  mkdirSync(nm, { recursive: true });
  symlinkSync(ROOT, join(nm, "seq2seq-wasm"), "dir");
  return nm;
}

/** wrangler's CompiledWasm rule: .wasm imports stay modules of their own, copied beside the bundle. */
function wasmModules(outdir: string, copied: string[]): Plugin {
  return {
    name: "wasm-modules",
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, async (args) => {
        if (args.pluginData === "inner") return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "inner" });
        if (r.errors.length > 0) return { errors: r.errors };
        const name = basename(r.path);
        copyFileSync(r.path, join(outdir, name));
        copied.push(name);
        return { path: `./${name}`, external: true };
      });
    },
  };
}

export interface WorkerBundle {
  dir: string;
  script: string;
  wasm: string[];
  /** input files of the bundle (to see which package files it took) */
  inputs: string[];
}

/** The Cloudflare Worker example as wrangler would upload it: worker.js plus its .wasm modules. */
export async function bundleCloudflare(outdir: string, nodeModules: string, entry = join(EXAMPLES, "cloudflare-worker/src/index.ts")): Promise<WorkerBundle> {
  mkdirSync(outdir, { recursive: true });
  const wasm: string[] = [];
  const r = await build({
    entryPoints: [entry], bundle: true, format: "esm", platform: "neutral", target: "es2022",
    conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"],
    // tsconfigRaw: not examples/tsconfig.json, whose paths point the type checker at src/
    tsconfigRaw: "{}", nodePaths: [nodeModules], outfile: join(outdir, "worker.js"), plugins: [wasmModules(outdir, wasm)], metafile: true, logLevel: "silent",
    minify: true,
  });
  return { dir: outdir, script: join(outdir, "worker.js"), wasm, inputs: Object.keys(r.metafile.inputs) };
}

/**
 * The Vercel Edge example as a script for edge-runtime: the handler module
 * (default export) registered as the fetch listener; `?module` wasm imports
 * read the global named in `wasmGlobals` (file name → global name).
 */
export async function bundleVercel(outfile: string, nodeModules: string): Promise<{ code: string; wasmGlobals: Map<string, string>; inputs: string[] }> {
  const wasmGlobals = new Map<string, string>();
  const plugin: Plugin = {
    name: "vercel-wasm-module",
    setup(b) {
      b.onResolve({ filter: /\.wasm\?module$/ }, async (args) => {
        const r = await b.resolve(args.path.replace(/\?module$/, ""), { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer });
        if (r.errors.length > 0) return { errors: r.errors };
        const global = `__wasm_${wasmGlobals.size}`;
        wasmGlobals.set(r.path, global);
        return { path: r.path, namespace: "wasm-global", pluginData: global };
      });
      b.onLoad({ filter: /.*/, namespace: "wasm-global" }, (args) => ({
        contents: `export default globalThis[${JSON.stringify(args.pluginData)}];`, loader: "js",
      }));
    },
  };
  const r = await build({
    entryPoints: [join(EXAMPLES, "vercel-edge/api/translate.ts")], bundle: true, format: "iife", platform: "neutral",
    target: "es2022", conditions: ["edge-light", "worker", "browser"], mainFields: ["module", "main"],
    globalName: "__edgeFunction", tsconfigRaw: "{}", nodePaths: [nodeModules], outfile, write: false, plugins: [plugin], metafile: true, logLevel: "silent",
    footer: { js: "addEventListener('fetch', (event) => event.respondWith(__edgeFunction.default(event.request)));" },
  });
  return { code: r.outputFiles[0].text, wasmGlobals, inputs: Object.keys(r.metafile.inputs) };
}
