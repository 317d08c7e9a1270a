// HTTP serving benchmark: `s2s serve` (a child process) with a text model of
// the reference shape (bench/reference.ts: 13.3 M parameters, vocabularies of
// 8,000, random weights uniform ±0.1 seed 1, whitespace tokenizer over the
// vocabulary's own words), translating the reference sentences (each id
// written as its word) one sentence per request, at 1, 8 and 32 concurrent
// clients, with batching (the defaults) and without (--max-batch 1).
// Throughput is sentences answered per second of wall time; latency is each
// request's, from sending to the whole answer. The answers of the two
// settings are compared (they must be equal: the batching does not change
// them).
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/serve.bench.ts [--quick]
//
// Env: BENCH_REQUESTS (requests per run, at least 4 per client; default 256,
// --quick 96), BENCH_BEAM (default 5), BENCH_OUT (default bench/results/serve.json).
// Random weights never choose EOS, so outputs are capped at the source length
// (--max-len-a 1 --max-len-b 0), as bench/translate.bench.ts does.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { Agent, request } from "node:http";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import { Model } from "../src/model/model.js";
import { parseConfig } from "../src/model/config.js";
import { writeFileAtomic } from "../src/io/atomic.js";
import { serializeTokenizerSpec } from "../src/pipeline/tokenizer.js";
import { Vocab } from "../src/text/vocab.js";
import { initialize } from "../src/train/init.js";
import { machineInfo } from "./machine.js";
import { benchSentences, REFERENCE_CONFIG } from "./reference.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const QUICK = process.argv.includes("--quick");
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (QUICK ? 96 : 256));
const BEAM = Number(process.env.BENCH_BEAM ?? 5);
const OUT = process.env.BENCH_OUT ?? join(root, "bench", "results", QUICK ? "serve-quick.json" : "serve.json");
const CLIENTS = [1, 8, 32];
const SETTINGS = [
  { id: "batched", label: "batching (defaults: --max-batch 32 --max-wait-ms 5)", args: [] as string[] },
  { id: "one-at-a-time", label: "one request at a time (--max-batch 1)", args: ["--max-batch", "1"] },
];

/** The reference model as a text model, written once to runs/bench/. */
async function referenceTextModel(): Promise<{ path: string; words: string[] }> {
  const V = REFERENCE_CONFIG.src_vocab_size;
  const vocab = Vocab.build(Array.from({ length: V - 4 }, (_, i) => [`w${i + 4}`, 1] as const));
  const words = vocab.toJSON();
  const path = join(root, "runs", "bench", "serve-reference-text-seed1.safetensors");
  if (!existsSync(path)) {
    const engine = await loadEngine();
    const side = { lang: "", lowercase: false, escape: false, aggressive_dash: false };
    const tokenizer = serializeTokenizerSpec({ type: "whitespace", version: 1, src: side, tgt: side, bpe: null });
    const m = Model.create(engine, parseConfig(REFERENCE_CONFIG), { src_vocab: JSON.stringify(vocab), tgt_vocab: JSON.stringify(vocab), tokenizer });
    initialize(m, { kind: "uniform", range: 0.1 }, 1);
    mkdirSync(dirname(path), { recursive: true });
    await writeFileAtomic(path, m.toBytes());
    engine.close();
  }
  return { path, words };
}

function startServe(model: string, args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--experimental-wasm-relaxed-simd", join(root, "dist", "cli", "main.js"), "serve", "--model", model, "--port", "0",
    "--max-len-a", "1", "--max-len-b", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (code) => reject(new Error(`s2s serve exited (${code})`)));
    child.stdout!.setEncoding("utf8").on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => new Promise((r) => { child.removeAllListeners("exit"); child.on("exit", () => r()); child.kill("SIGTERM"); }) });
    });
  });
}

function translate(url: string, text: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ text, beam: BEAM });
    const req = request(url + "/translate", { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      let data = "";
      res.setEncoding("utf8").on("data", (d) => (data += d)).on("end", () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`${res.statusCode} ${data}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

interface Run {
  setting: string;
  clients: number;
  requests: number;
  seconds: number;
  sentencesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];

async function run(url: string, texts: string[], clients: number, answers: Map<number, string>): Promise<Omit<Run, "setting">> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  for (let i = 0; i < Math.min(8, texts.length); i++) await translate(url, texts[i], agent);
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < texts.length) {
      const k = next++;
      const s = performance.now();
      answers.set(k, await translate(url, texts[k], agent));
      lat.push(performance.now() - s);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { clients, requests: texts.length, seconds, sentencesPerSec: texts.length / seconds, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99) };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const { path, words } = await referenceTextModel();
  const set = benchSentences(REQUESTS, REFERENCE_CONFIG.src_vocab_size);
  const texts = set.ids.map((ids) => ids.slice(0, -1).map((id) => words[id]).join(" "));
  const runs: Run[] = [];
  const answers = new Map<string, Map<number, string>>();
  for (const s of SETTINGS) {
    const server = await startServe(path, s.args);
    for (const c of CLIENTS) {
      const got = new Map<number, string>();
      const r = await run(server.url, texts, c, got);
      answers.set(`${s.id} ${c}`, got);
      runs.push({ setting: s.id, ...r });
      console.log(`${s.id}, ${c} clients: ${r.sentencesPerSec.toFixed(1)} sentences/s, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms`);
    }
    await server.stop();
  }
  const ref = answers.get("one-at-a-time 1")!;
  let same = 0, compared = 0;
  for (const m of answers.values()) for (const [k, a] of m) { compared++; if (a === ref.get(k)) same++; }
  const at = (s: string, c: number) => runs.find((r) => r.setting === s && r.clients === c)!;
  const speedup = at("batched", 32).sentencesPerSec / at("one-at-a-time", 32).sentencesPerSec;
  const p99Ratio = at("batched", 32).p99Ms / at("batched", 1).p50Ms;
  const targets = [
    { what: "32 clients: batching ÷ one at a time, sentences/s", value: speedup, bound: "≥ 1.5", met: speedup >= 1.5 },
    { what: "32 clients with batching: p99 latency ÷ single-client p50 latency", value: p99Ratio, bound: "≤ 2", met: p99Ratio <= 2 },
  ];
  for (const t of targets) console.log(`${t.met ? "met   " : "MISSED"} ${t.what}: ${t.value.toFixed(2)} (${t.bound})`);
  console.log(`answers equal across settings and client counts: ${same}/${compared}`);
  const json = {
    generated: new Date().toISOString(),
    machine: machineInfo(loadStart),
    settings: {
      quick: QUICK, requests: REQUESTS, beam: BEAM, sentenceSource: set.source, words: set.words,
      model: { config: REFERENCE_CONFIG, trained: false, tokenizer: "whitespace", weights: "uniform ±0.1, seed 1" },
      search: `beam ${BEAM}, output length capped at the source length (--max-len-a 1 --max-len-b 0: random weights never choose EOS)`,
      server: "s2s serve in a child process (1 thread, decoder weights unpacked, the default), clients in the bench process over keep-alive connections on 127.0.0.1",
      settings: SETTINGS.map(({ id, label }) => ({ id, label })),
    },
    runs, targets, answersEqual: { same, compared },
    durationS: (performance.now() - t0) / 1000,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  await writeFileAtomic(OUT, new TextEncoder().encode(JSON.stringify(json, null, 2) + "\n"));
  console.log(`wrote ${OUT} (${json.durationS.toFixed(0)} s)`);
}

await main();
