// int8 vs f32 matrix product at the shapes of batched beam search: GFLOP-
// equivalent (2·M·N·K / time) of gemm_nt_i8 and of the f32 gemm_nt, in each
// build, the kernels interleaved and the minimum of several runs kept (the
// machine is noisy). BENCH_BASE=dir also times the gemm_nt_i8 of the
// kernels.{simd,relaxed}.wasm in dir (a build before a change), in the same
// process, with its results checked bit for bit against the current build.
//
//   node --experimental-wasm-relaxed-simd --import tsx bench/gemm-i8.bench.ts
//
// The int8 weights start on a 4 KiB boundary (plus BENCH_PAD bytes), so that
// layouts are the same for every shape and both builds.
//
// Env: BENCH_BASE (dir of older builds), BENCH_RUNS (timed runs per kernel, at
//      least 15), BENCH_SHAPES ("M,N,K;M,N,K", default the four shapes below),
//      BENCH_PAD (bytes, 0), BENCH_F32 (0: no f32 runs, whose 4-byte weights
//      otherwise push the int8 ones out of L3 between runs).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadEngine } from "../src/engine/load-node.js";
import { Engine } from "../src/engine/engine.js";
import type { Variant } from "../src/engine/kernels.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BASE = process.env.BENCH_BASE;
const PAD = Number(process.env.BENCH_PAD ?? 0);
/** BENCH_F32=0: no f32 runs in between, so that the int8 weights can stay in L3 */
const F32 = process.env.BENCH_F32 !== "0";
const SHAPES: [number, number, number][] = process.env.BENCH_SHAPES
  ? process.env.BENCH_SHAPES.split(";").map((s) => s.split(",").map(Number) as [number, number, number])
  : [[70, 8000, 512], [70, 2048, 1280], [1, 8000, 512], [5, 8000, 512]];

/** One engine with its operands of (M, N, K) set up; run() times one call (ms). */
function setup(eng: Engine, M: number, N: number, K: number, seed: number) {
  const ar = eng.arena, k = eng.kernels;
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const A = Float32Array.from({ length: M * K }, () => rnd() * 2 - 1);
  const Wf = Float32Array.from({ length: N * K }, () => rnd() * 0.2 - 0.1);
  const pa = ar.putF32(A), pwf = ar.putF32(Wf), pc = ar.allocF32(M * N), pbias = ar.putF32(new Float32Array(N));
  ar.alloc(PAD + ((4096 - (ar.mark() % 4096)) % 4096)); // W page-aligned + PAD
  const pw = ar.alloc(N * K);
  const Wq = new Int8Array(eng.memory.buffer, pw, N * K);
  for (let i = 0; i < N * K; i++) Wq[i] = Math.floor(rnd() * 255) - 127;
  const pws = ar.putF32(new Float32Array(N).fill(1 / 127));
  const pwsum = ar.alloc(N * 4);
  k.i8_row_sums(N, K, pw, K, pwsum);
  const scratch = ar.alloc(k.gemm_i8_scratch(M, K));
  return {
    i8: () => k.gemm_nt_i8(M, N, K, pa, K, pw, K, pws, pwsum, pc, N, pbias, 0, scratch),
    f32: () => k.gemm_nt(M, N, K, pa, K, pwf, K, pc, N, pbias, 0),
    out: () => ar.f32(pc, M * N).slice(),
  };
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function engine(variant: Variant, dir?: string): Promise<Engine> {
  if (!dir) return loadEngine({ variant });
  const mod = await WebAssembly.compile(readFileSync(join(dir, `kernels.${variant}.wasm`)));
  return Engine.fromModule(mod, variant);
}

const rows: string[] = [];
for (const variant of ["simd", "relaxed"] as Variant[]) {
  let cur: Engine, base: Engine | null = null;
  try {
    cur = await engine(variant);
    if (BASE) base = await engine(variant, BASE);
  } catch (e) {
    console.log(`${variant}: ${(e as Error).message}`);
    continue;
  }
  for (const [M, N, K] of SHAPES) {
    const mk = cur.arena.mark(), mb = base?.arena.mark();
    const c = setup(cur, M, N, K, 7);
    const b = base ? setup(base, M, N, K, 7) : null;
    if (b) {
      c.i8(); b.i8();
      const x = c.out(), y = b.out();
      for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) throw new Error(`${variant} ${M}x${N}x${K}: [${i}] ${x[i]} vs base ${y[i]}`);
    }
    const best = { i8: Infinity, f32: Infinity, base: Infinity };
    const budget = Math.max(RUNS, Math.ceil(RUNS * 4e8 / (M * N * K)));
    for (let r = 0; r < budget + 2; r++) {
      const ti = time(c.i8), tf = F32 ? time(c.f32) : Infinity, tb = b ? time(b.i8) : Infinity;
      if (r < 2) continue; // warm-up
      best.i8 = Math.min(best.i8, ti); best.f32 = Math.min(best.f32, tf); best.base = Math.min(best.base, tb);
    }
    const g = (ms: number) => (2 * M * N * K) / (ms * 1e6);
    const line = `${variant.padEnd(7)} ${`${M}x${N}x${K}`.padEnd(13)} f32 ${g(best.f32).toFixed(1).padStart(6)}  i8 ${g(best.i8).toFixed(1).padStart(6)}` +
      (b ? `  i8-base ${g(best.base).toFixed(1).padStart(6)}` : "") + `  GFLOP/s  (i8/f32 ${(best.f32 / best.i8).toFixed(2)}×` + (b ? `, i8/base ${(best.base / best.i8).toFixed(2)}×)` : ")");
    console.log(line);
    rows.push(line);
    cur.arena.release(mk);
    if (base && mb !== undefined) base.arena.release(mb);
  }
}
