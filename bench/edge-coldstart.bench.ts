// Cold start in workerd (Cloudflare Workers' runtime, through miniflare):
// instantiate the kernels (an imported WebAssembly.Module, as on Workers)
// and load a 1 MiB model (safetensors parsed, checked, copied into wasm
// memory), measured from outside with real HTTP requests on 127.0.0.1.
//
//   npm run bench:edge                 (needs npm run build first; ≈ 20 s; prints the figures)
//   npm run bench:edge -- --write      (also writes bench/results/edge-coldstart.json)
//
// workerd's clocks stand still while JavaScript runs (a Spectre mitigation:
// Date.now() and performance.now() advance only on I/O), so times come from
// the client: the median latency of a request that does the work, minus that
// of a request that does nothing (many of each, interleaved; edge-stats.ts).
//   warm isolate: a fresh engine + model load per request, in a running isolate;
//   fresh worker: workerd restarted, then its first request (isolate start,
//                 script evaluation, instantiate, model load), minus the same
//                 workers' later no-op requests.
// Budget: instantiate + 1 MB model ≤ 50 ms.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { writeFileAtomic } from "../src/io/atomic.js";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine, Model, parseConfig, initialize } from "../src/index.js";
import { latencyRow, workTime } from "./edge-stats.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BUDGET_MS = 50;
const ROUNDS = Number(process.env.S2S_BENCH_ROUNDS ?? 40);
const RESTARTS = Number(process.env.S2S_BENCH_RESTARTS ?? 5);
const WRITE = process.argv.includes("--write");

let Miniflare: typeof import("miniflare").Miniflare;
try {
  ({ Miniflare } = await import("miniflare"));
} catch (e) {
  console.log(`edge-coldstart: skipped, miniflare is not installed (${(e as Error).message.split("\n")[0]}); run npm ci`);
  process.exit(0);
}

// ---- a 1 MB model: sizes chosen so the parameters take ≈ 1 MiB of f32 ----
async function makeModel(): Promise<{ bytes: Uint8Array; params: number }> {
  const engine = await loadEngine({ variant: "simd" });
  const config = parseConfig({
    src_vocab_size: 600, tgt_vocab_size: 600, emb_dim: 64, enc_hidden: 40, bidirectional: true,
    dec_hidden: 80, attn_dim: 80, attention: "additive", decoder_style: "bahdanau",
  });
  const model = Model.create(engine, config, { src_vocab: JSON.stringify(["<pad>", "<unk>", "<s>", "</s>", ...Array.from({ length: 596 }, (_, i) => `w${i}`)]) });
  initialize(model, { kind: "uniform", range: 0.1 }, 1);
  return { bytes: model.toBytes(), params: model.paramCount };
}

const WORKER = `
import kernels from "./kernels.simd.wasm";
import modelData from "./model.safetensors";
import { loadEngineFromModule, Model } from "seq2seq-wasm";
let cached = null;
async function load() {
  const engine = await loadEngineFromModule(kernels, "simd");
  const model = Model.fromBytes(engine, new Uint8Array(modelData), "bench model");
  return model.paramCount;
}
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/noop") return new Response("0");
    if (path === "/instantiate") { await loadEngineFromModule(kernels, "simd"); return new Response("1"); }
    if (path === "/load") return new Response(String(await load()));
    if (path === "/first") { cached ??= await load(); return new Response(String(cached)); }
    return new Response("not found", { status: 404 });
  },
};
`;

async function bundle(dir: string, modelBytes: Uint8Array): Promise<string> {
  const nm = join(dir, "node_modules");
  mkdirSync(nm, { recursive: true });
  symlinkSync(ROOT, join(nm, "seq2seq-wasm"), "dir");
  const out = join(dir, "out");
  mkdirSync(out);
  copyFileSync(join(ROOT, "build/kernels.simd.wasm"), join(out, "kernels.simd.wasm"));
  writeFileSync(join(out, "model.safetensors"), modelBytes);
  await build({
    stdin: { contents: WORKER, resolveDir: dir, loader: "js", sourcefile: "worker.js" },
    bundle: true, format: "esm", platform: "neutral", target: "es2022", minify: true,
    conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"], nodePaths: [nm],
    external: ["./kernels.simd.wasm", "./model.safetensors"], outfile: join(out, "worker.js"), logLevel: "silent",
  });
  return out;
}

function start(out: string) {
  return new Miniflare({
    host: "127.0.0.1", port: 0, compatibilityDate: "2025-07-01", modulesRoot: out,
    modules: [
      { type: "ESModule", path: join(out, "worker.js") },
      { type: "CompiledWasm", path: join(out, "kernels.simd.wasm") },
      { type: "Data", path: join(out, "model.safetensors") },
    ],
  });
}

async function timed(url: URL): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(url);
  await r.text();
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return performance.now() - t0;
}

const fmt = (x: number) => x.toFixed(2).padStart(8);

const dir = mkdtempSync(join(os.tmpdir(), "s2s-coldstart-"));
try {
  const model = await makeModel();
  const out = await bundle(dir, model.bytes);
  console.log(`edge-coldstart: model ${(model.bytes.length / 2 ** 20).toFixed(2)} MiB (${model.params.toLocaleString("en")} parameters), workerd via miniflare, ${ROUNDS} rounds, ${RESTARTS} restarts`);

  // warm isolate: interleave no-op / instantiate / instantiate+load
  const mf = start(out);
  const base = await mf.ready;
  const noop: number[] = [], inst: number[] = [], load: number[] = [];
  for (let i = 0; i < 5; i++) {
    await timed(new URL("/noop", base));
    await timed(new URL("/load", base));
  }
  for (let i = 0; i < ROUNDS; i++) {
    noop.push(await timed(new URL("/noop", base)));
    inst.push(await timed(new URL("/instantiate", base)));
    load.push(await timed(new URL("/load", base)));
  }
  await mf.dispose();

  // fresh worker: restart workerd, time its first request, then its no-op requests
  const first: number[] = [], freshNoop: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const fresh = start(out);
    const url = await fresh.ready;
    first.push(await timed(new URL("/first", url)));
    for (let j = 0; j < 10; j++) freshNoop.push(await timed(new URL("/noop", url)));
    await fresh.dispose();
  }

  // request latencies (ms), then the figures as differences of medians
  const rows = [
    latencyRow("request: no-op", noop),
    latencyRow("request: instantiate kernels", inst),
    latencyRow("request: instantiate + load 1 MiB model", load),
    latencyRow("fresh worker: no-op", freshNoop),
    latencyRow("fresh worker: first request", first),
  ];
  const figures = {
    instantiate: workTime(rows[1], rows[0]),
    instantiateAndLoad: workTime(rows[2], rows[0]),
    freshWorkerFirstRequest: workTime(rows[4], rows[3]),
  };
  console.log(`request latencies${"".padEnd(25)}${"median".padStart(8)}${"p25".padStart(8)}${"p75".padStart(8)}  ms`);
  for (const r of rows) console.log(`${r.name.padEnd(42)}${fmt(r.median)}${fmt(r.p25)}${fmt(r.p75)}`);
  const show = (f: { ms: number; belowNoise: boolean }) => (f.belowNoise ? "below the no-op's noise" : `${f.ms.toFixed(1)} ms`);
  const cold = figures.instantiateAndLoad.ms;
  const verdict = cold <= BUDGET_MS ? "within" : "OVER";
  console.log(`instantiate kernels: ${show(figures.instantiate)}; instantiate + load a 1 MiB model: ${show(figures.instantiateAndLoad)} (median difference), ${verdict} the ${BUDGET_MS} ms budget; first request of a fresh worker ${show(figures.freshWorkerFirstRequest)}`);
  const result = {
    generated: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? "?", cores: os.cpus().length, platform: `${os.platform()} ${os.arch()}`, node: process.version },
    runtime: { workerd: "miniflare 3 (workerd)", kernels: "simd" },
    model: { bytes: model.bytes.length, params: model.params },
    budgetMs: BUDGET_MS,
    withinBudget: cold <= BUDGET_MS,
    figures,
    rows,
  };
  if (WRITE) {
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    await writeFileAtomic(join(ROOT, "bench/results/edge-coldstart.json"), new TextEncoder().encode(JSON.stringify(result, null, 2) + "\n"));
    console.log("wrote bench/results/edge-coldstart.json");
  } else {
    console.log("(not written: npm run bench:edge -- --write saves bench/results/edge-coldstart.json)");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
