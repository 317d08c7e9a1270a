// Batch-1 GEMV bandwidth by weight layout (see bench/gemv-layout/gemv.ts):
// row-major [N, K] read 6 rows at a time (our nt_gemv's pattern) vs packed
// [N/8][K][8] column panels (one sequential stream, as MLAS packs weights),
// for K = 512 and N = 8000 (the reference generator, 16 MB), 16000, 32000.
// Interleaved, min and median of 8 passes of 10 calls.
//
//   node --import tsx bench/gemv-layout.bench.ts
// Writes bench/results/gemv-layout.json.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./machine.js";

const here = dirname(fileURLToPath(import.meta.url));
const loadStart = os.loadavg();
const dir = mkdtempSync(join(os.tmpdir(), "s2s-gemv-"));
const wasmFile = join(dir, "gemv.wasm");
const asc = join(here, "..", "node_modules", "assemblyscript", "bin", "asc.js");
const r = spawnSync(process.execPath, [asc, join(here, "gemv-layout", "gemv.ts"), "--runtime", "stub", "--importMemory", "--initialMemory", "1",
  "--maximumMemory", "4096", "--enable", "simd", "-O3", "--noAssert", "-o", wasmFile], { stdio: "inherit" });
if (r.status !== 0) throw new Error("gemv-layout: asc failed");
const memory = new WebAssembly.Memory({ initial: 2048, maximum: 4096 });
const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile), { env: { memory, abort() {} } });
const x = instance.exports as Record<string, (N: number, K: number, a: number, b: number, c: number) => void>;
const K = 512;
const rows: { N: number; layout: string; minMs: number; medianMs: number; gbPerSec: number; medianGbPerSec: number }[] = [];
for (const N of [8000, 16000, 32000]) {
  const a = 65536, b = a + K * 4 + 64, c = b + N * K * 4;
  new Float32Array(memory.buffer, b, N * K).fill(0.01);
  new Float32Array(memory.buffer, a, K).fill(1);
  const t: Record<string, number[]> = { rows: [], panels: [] };
  for (let pass = 0; pass < 8; pass++) {
    const order = pass % 2 ? ["panels", "rows"] : ["rows", "panels"];
    for (const layout of order) {
      const f = x[`gemv_${layout}`];
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) f(N, K, a, b, c);
      t[layout].push((performance.now() - t0) / 10);
    }
  }
  for (const [layout, v] of Object.entries(t)) {
    v.sort((p, q) => p - q);
    const bytes = N * K * 4;
    const row = { N, layout, minMs: v[0], medianMs: v[4], gbPerSec: bytes / v[0] / 1e6, medianGbPerSec: bytes / v[4] / 1e6 };
    rows.push(row);
    console.log(`N=${N} K=${K} ${layout.padEnd(6)} min ${row.minMs.toFixed(3)} ms = ${row.gbPerSec.toFixed(1)} GB/s (median ${row.medianGbPerSec.toFixed(1)} GB/s)`);
  }
}
const out = join(here, "results", "gemv-layout.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ generated: new Date().toISOString(), machine: machineInfo(loadStart), K, rows }, null, 2) + "\n");
console.log(`wrote ${out}`);
