// Peak memory of translating with the reference model, measured in a fresh
// process: its peak resident set size (VmHWM) after translating, minus its
// value once the engine is loaded and before the model is read, set
// against the model file's size (target: ≤ file + 64 MiB).
//
//   node --import tsx bench/translate-memory.ts MODEL VARIANT SENTENCES   (the child; prints JSON)

import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import type { Variant } from "../src/engine/kernels.js";
import { loadModelFromFile } from "../src/model/load-file.js";
import { searchIds } from "../src/decode/search.js";
import { benchSentences } from "./reference.js";

export interface MemoryResult {
  variant: Variant;
  sentences: number;
  fileBytes: number;
  /** maxRSS with the engine loaded, before the model (bytes) */
  baseRss: number;
  /** maxRSS after loading the model, and after translating (bytes) */
  loadedRss: number;
  peakRss: number;
  /** the engine's wasm memory at the end (bytes) */
  wasmBytes: number;
  /** peakRss − baseRss − fileBytes: what translating costs beyond the weights */
  overFile: number;
  /** overFile ≤ 64 MiB */
  met: boolean;
  note: string;
}

const MiB = 2 ** 20;
/**
 * Peak resident set size of this process (bytes): VmHWM of /proc/self/status
 * on Linux, which starts afresh at exec; getrusage's maxRSS would carry the
 * peak of the parent that spawned us (Linux keeps it across fork and exec).
 */
function maxRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function child(path: string, variant: Variant, n: number): Promise<void> {
  const engine = await loadEngine({ variant });
  const set = benchSentences(n, 8000);
  const baseRss = maxRss();
  const model = loadModelFromFile(engine, path);
  model.packForDecoding(); // as `s2s translate` loads it
  const loadedRss = maxRss();
  searchIds(model, set.ids, { beam: 5, batchSentences: 32, attention: false });
  searchIds(model, set.ids, { beam: 1, batchSentences: 1, attention: false });
  const peakRss = maxRss();
  const fileBytes = statSync(path).size;
  const overFile = peakRss - baseRss - fileBytes;
  const r: MemoryResult = {
    variant, sentences: set.ids.length, fileBytes, baseRss, loadedRss, peakRss, wasmBytes: engine.memory.buffer.byteLength, overFile, met: overFile <= 64 * MiB,
    note: `peak RSS ${((peakRss - baseRss) / MiB).toFixed(1)} MiB above the loaded engine (model file ${(fileBytes / MiB).toFixed(1)} MiB, wasm memory ${(engine.memory.buffer.byteLength / MiB).toFixed(1)} MiB): file + ${(overFile / MiB).toFixed(1)} MiB (target ≤ file + 64 MiB)`,
  };
  process.stdout.write(JSON.stringify(r) + "\n");
}

/** Runs the measurement in a fresh Node process (beam 5 batched, then greedy one at a time). */
export function measureMemory(path: string, variant: Variant, sentences: number): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", fileURLToPath(import.meta.url), path, variant, String(sentences)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`memory measurement exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()!));
      } catch (e) {
        reject(new Error(`memory measurement printed no result: ${(e as Error).message}`));
      }
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, variant, n] = process.argv.slice(2);
  if (!path || (variant !== "simd" && variant !== "relaxed")) {
    console.error("usage: translate-memory.ts MODEL simd|relaxed [SENTENCES]");
    process.exit(2);
  }
  await child(path, variant, Number(n ?? 1000));
}
