// GFLOP/s of the GEMM shapes of a training step of bench/train.bench.ts's case (b)
// (B=64, T=S=18, Hd=512, G=2048, V=8000), one thread, median of a few calls each.
//   node --experimental-wasm-relaxed-simd --import tsx bench/gemm-shapes.ts [simd|relaxed]
import { loadEngine } from "../src/engine/load-node.js";
import { mulberry32 } from "../src/train/init.js";

const variant = (process.argv[2] ?? "relaxed") as "simd" | "relaxed";
const e = await loadEngine({ variant });
const k = e.kernels, a = e.arena;
const rand = mulberry32(5);
const fill = (n: number) => Float32Array.from({ length: n }, () => rand() - 0.5);
type Kind = "nt" | "nn" | "tn";
const shapes: [string, Kind, number, number, number, number][] = [
  ["generator forward", "nt", 64, 8000, 512, 0],
  ["generator dx", "nn", 64, 512, 8000, 0],
  ["generator dW (per step)", "tn", 8000, 512, 64, 1],
  ["generator dW as nn (Aᵀ given)", "nn", 8000, 512, 64, 1],
  ["decoder dW_hh (all steps)", "tn", 2048, 512, 1152, 1],
  ["decoder dx (per step)", "nn", 64, 512, 2048, 1],
  ["attn_out dW (per step)", "tn", 512, 512, 64, 1],
  ["encoder dW_ih", "tn", 1024, 256, 1152, 1],
  ["encoder dx", "nn", 1152, 256, 1024, 1],
  ["square 512", "tn", 512, 512, 512, 0],
  ["square 512", "nn", 512, 512, 512, 0],
  ["square 512", "nt", 512, 512, 512, 0],
];
for (const [what, kind, M, N, K, beta] of shapes) {
  const mark = a.mark();
  const A = a.putF32(fill(M * K)), B = a.putF32(fill(K * N)), C = a.putF32(fill(M * N));
  const call = kind === "nt" ? () => k.gemm_nt(M, N, K, A, K, B, K, C, N, 0, beta)
    : kind === "nn" ? () => k.gemm_nn(M, N, K, A, K, B, N, C, N, 0, beta)
    : () => k.gemm_tn(M, N, K, A, M, B, N, C, N, 0, beta);
  const ts: number[] = [];
  const reps = Math.max(3, Math.round(2e9 / (2 * M * N * K)));
  for (let r = 0; r < reps + 2; r++) { const t0 = performance.now(); call(); ts.push(performance.now() - t0); }
  ts.sort((x, y) => x - y);
  const med = ts[Math.floor(ts.length / 2)];
  console.log(`${kind} ${what.padEnd(28)} ${M}×${N}×${K} β=${beta}: ${med.toFixed(2)} ms, ${((2 * M * N * K) / (med * 1e6)).toFixed(1)} GFLOP/s`);
  a.release(mark);
}
