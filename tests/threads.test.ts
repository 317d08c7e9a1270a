// The worker pool (docs/threads.md): parallel GEMMs are bitwise those of one
// thread (all three kinds, odd sizes, strides, β, bias, both builds, 2 and 3
// threads, after the memory grows); a training run and batched beam search
// give the same bytes with 2 threads; processes exit with or without close();
// bad thread counts fail with one clear line.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadEngine } from "../src/engine/load-node.js";
import { loadEngineFromModule } from "../src/engine/load-module.js";
import type { Engine } from "../src/engine/engine.js";
import type { Variant } from "../src/engine/kernels.js";
import { threadedEngine } from "../src/engine/threaded.js";
import { spawnNodeWorker } from "../src/engine/pool-node.js";
import { planGemm, chunkArgs, CHUNK_INTS, NT_COL_STEP, XN_COL_STEP } from "../src/engine/split.js";
import { claim, publish, CHUNKS, CTRL_BYTES } from "../src/engine/pool-protocol.js";
import { parseConfig } from "../src/model/config.js";
import { Model } from "../src/model/model.js";
import { initialize } from "../src/train/init.js";
import { Trainer, DEFAULT_TRAIN } from "../src/train/trainer.js";
import { searchIds } from "../src/decode/search.js";
import { mulberry32, rand } from "./helpers/reference.js";
import { runCli, assertCleanFailure, ROOT } from "./helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-threads-"));
const open: Engine[] = [];
after(() => open.forEach((e) => e.close()));

const relaxedOk = WebAssembly.validate(readFileSync(join(ROOT, "build/kernels.relaxed.wasm")));
const VARIANTS: Variant[] = relaxedOk ? ["simd", "relaxed"] : ["simd"];

/** A pooled engine that splits every GEMM (minWork 0), so small tests exercise the parallel path. */
async function pooled(variant: Variant, threads: number): Promise<Engine> {
  const module = await WebAssembly.compile(readFileSync(join(ROOT, `build/kernels.${variant}-mt.wasm`)));
  const e = await threadedEngine(module, variant, threads, spawnNodeWorker, {}, { minWork: 0 });
  open.push(e);
  return e;
}

test("the -mt builds differ from the single-threaded builds only in the shared memory import", () => {
  for (const v of ["simd", "relaxed"]) {
    const st = readFileSync(join(ROOT, `build/kernels.${v}.wat`), "utf8").split("\n");
    const mt = readFileSync(join(ROOT, `build/kernels.${v}-mt.wat`), "utf8").split("\n");
    assert.equal(mt.length, st.length, `${v}: line counts differ`);
    const diff = st.map((l, i) => [l, mt[i]]).filter(([a, b]) => a !== b);
    assert.deepEqual(diff, [[' (import "env" "memory" (memory $0 1 65536))', ' (import "env" "memory" (memory $0 1 65536 shared))']], `${v}: unexpected differences`);
    assert.doesNotMatch(mt.join("\n"), /\(global /, `${v}-mt has a global (state an instance would not share)`);
  }
});

test("a GEMM's chunks tile C exactly, with cuts on the kernels' block boundaries", () => {
  const rng = mulberry32(3);
  for (let trial = 0; trial < 300; trial++) {
    const kind = (["nt", "nn", "tn"] as const)[trial % 3];
    const M = 1 + Math.floor(rng() * 300), N = 1 + Math.floor(rng() * 1100), T = 2 + Math.floor(rng() * 7);
    const lda = 1000, ldb = 2000, ldc = N + 5;
    const plan = planGemm(kind, T, M, N);
    assert.ok(plan.chunks >= 1 && plan.chunks <= 4 * T, `${kind} ${M}x${N} T=${T}: ${plan.chunks} chunks`);
    const covered = new Uint8Array(M * N);
    const part = new Array<number>(CHUNK_INTS);
    for (let ch = 0; ch < plan.chunks; ch++) {
      chunkArgs(kind, plan, ch, part, M, N, 0, lda, 0, ldb, 0, ldc, 4);
      const [pm, pn, a, b, c, bias] = part;
      const i0 = Math.floor(c / 4 / ldc), j0 = (c / 4) % ldc;
      assert.ok(pm > 0 && pn > 0, `${kind} chunk ${ch} is empty`);
      const colStep = kind === "nt" ? NT_COL_STEP : XN_COL_STEP, rowStep = kind === "nt" ? 2 : 4;
      assert.ok(i0 === 0 ? j0 % colStep === 0 : i0 % rowStep === 0 && j0 === 0, `${kind} chunk ${ch} starts at (${i0}, ${j0})`);
      assert.equal(bias, 4 + j0 * 4, `${kind} chunk ${ch}: bias offset`);
      assert.equal(a, kind === "tn" ? i0 * 4 : i0 * lda * 4, `${kind} chunk ${ch}: A offset`);
      assert.equal(b, kind === "nt" ? j0 * ldb * 4 : j0 * 4, `${kind} chunk ${ch}: B offset`);
      for (let i = i0; i < i0 + pm; i++) for (let j = j0; j < j0 + pn; j++) covered[i * N + j]++;
    }
    assert.ok(covered.every((x) => x === 1), `${kind} ${M}x${N} T=${T}: chunks do not cover C exactly once`);
  }
});

const SIZES: [number, number, number][] = [
  [1, 1, 1], [3, 5, 7], [2, 25, 3], [17, 33, 19], [64, 65, 63], [70, 300, 130], [1, 1001, 37], [129, 259, 45], [301, 13, 9], [5, 520, 17],
];

/** Runs one GEMM on an engine, C starting from `c0`; returns the whole C (with its ldc padding). */
function gemmOn(e: Engine, kind: "nt" | "nn" | "tn", M: number, N: number, K: number, A: Float32Array, lda: number,
  B: Float32Array, ldb: number, c0: Float32Array, ldc: number, bias: Float32Array | null, beta: number, pad = 0): Float32Array {
  const ar = e.arena, mark = ar.mark();
  if (pad > 0) ar.alloc(pad); // operands past the memory's first size: the arena grows it
  const pa = ar.putF32(A), pb = ar.putF32(B), pc = ar.putF32(c0), pbias = bias ? ar.putF32(bias) : 0;
  const fn = kind === "nt" ? e.kernels.gemm_nt : kind === "nn" ? e.kernels.gemm_nn : e.kernels.gemm_tn;
  fn(M, N, K, pa, lda, pb, ldb, pc, ldc, pbias, beta);
  const out = ar.f32(pc, M * ldc).slice();
  ar.release(mark);
  return out;
}

test("parallel gemm_nt, gemm_nn, gemm_tn are bitwise those of one thread (odd sizes, strides, β, bias; 2 and 3 threads)", async () => {
  for (const variant of VARIANTS) {
    const one = await loadEngine({ variant });
    const many = [await pooled(variant, 2), await pooled(variant, 3)];
    const rng = mulberry32(7);
    for (const [M, N, K] of SIZES) {
      for (const kind of ["nt", "nn", "tn"] as const) {
        for (const [beta, withBias] of [[0, false], [1, true], [0, true], [1, false]] as const) {
          const lda = (kind === "tn" ? M : K) + 3, ldb = (kind === "nt" ? K : N) + 1, ldc = N + 2;
          const A = rand((kind === "tn" ? K : M) * lda, rng), B = rand((kind === "nt" ? N : K) * ldb, rng), C = rand(M * ldc, rng);
          const bias = withBias ? rand(N, rng) : null;
          const want = new Uint32Array(gemmOn(one, kind, M, N, K, A, lda, B, ldb, C, ldc, bias, beta).buffer);
          for (const e of many) {
            const got = new Uint32Array(gemmOn(e, kind, M, N, K, A, lda, B, ldb, C, ldc, bias, beta).buffer);
            assert.deepEqual(got, want, `${variant} gemm_${kind} ${M}x${N}x${K} β=${beta} bias=${withBias}, ${e.threads} threads`);
          }
        }
      }
    }
  }
});

test("the workers do run chunks (a pool that left all work to the caller would pass the equality tests)", async () => {
  const e = await pooled("simd", 2);
  const p = e.arena.zerosF32(64 * 512 + 2048 * 512 + 64 * 2048);
  const before = e.threadStats()!;
  let calls = 0;
  // the worker needs a core: on a busy machine it may miss some calls, not hundreds
  for (; calls < 500 && e.threadStats()!.workerChunks === before.workerChunks; calls++) {
    e.kernels.gemm_nt(64, 2048, 512, p, 512, p + 4 * 64 * 512, 512, p + 4 * (64 + 2048) * 512, 2048, 0, 0);
  }
  const after = e.threadStats()!;
  assert.ok(after.workerChunks > before.workerChunks, `no chunk ran on a worker in ${calls} calls: ${JSON.stringify(after)}`);
  assert.ok(after.chunks - before.chunks >= 2 * (after.calls - before.calls), `each call was cut into chunks: ${JSON.stringify(after)}`);
  assert.equal((await loadEngine({ variant: "simd" })).threadStats(), null, "no pool, no stats");
});

test("claims: each chunk once; a worker late from the previous job takes nothing, even while the next job is being written", () => {
  const s = new Int32Array(new SharedArrayBuffer(CTRL_BYTES));
  publish(s, 1, (d) => { d[CHUNKS] = 2; });
  assert.deepEqual([claim(s, 1), claim(s, 1), claim(s, 1)], [0, 1, -1], "job 1: chunks 0, 1, then none");
  // job 2 has more chunks than job 1: a worker of job 1 that compares job 1's
  // spent counter with job 2's CHUNKS must still fail
  const late: number[] = [];
  publish(s, 2, (d) => {
    d[CHUNKS] = 12;
    late.push(claim(s, 1));
  });
  late.push(claim(s, 1));
  assert.deepEqual(late, [-1, -1], "a worker of job 1 claimed a chunk of job 2");
  assert.deepEqual([claim(s, 2), claim(s, 2)], [0, 1], "job 2 starts at chunk 0");
});

test("back-to-back calls whose chunk counts differ: no chunk runs twice, no lost count (stress, β = 1)", { timeout: 30_000 }, async () => {
  // a worker still finishing job g must not claim a chunk of job g + 1 from
  // g's exhausted counter (that double-adds with β = 1 and leaves DONE past
  // CHUNKS, a hang); the race is narrow, hence many short calls on 3 threads
  const one = await loadEngine({ variant: "simd" });
  const e = await pooled("simd", 3);
  const [M, K, Nmax] = [4, 8, 12 * 12];
  const rng = mulberry32(12);
  const A = rand(M * K, rng), B = rand(Nmax * K, rng);
  const results = [one, e].map((eng) => {
    const ar = eng.arena, mark = ar.mark();
    const pa = ar.putF32(A), pb = ar.putF32(B), pc = ar.zerosF32(M * Nmax);
    // N = 24 → 2 chunks, N = 144 → 12 chunks (3 threads × 4)
    for (let i = 0; i < 20000; i++) eng.kernels.gemm_nt(M, i % 2 === 0 ? 24 : Nmax, K, pa, K, pb, K, pc, Nmax, 0, 1);
    const out = new Uint32Array(ar.f32(pc, M * Nmax).slice().buffer);
    ar.release(mark);
    return out;
  });
  assert.deepEqual(results[1], results[0], "accumulated C differs: a chunk ran twice or was skipped");
});

test("workers see the memory after the arena grows it", async () => {
  const one = await loadEngine({ variant: "simd" });
  const e = await pooled("simd", 2);
  const before = e.memory.buffer.byteLength;
  const rng = mulberry32(8);
  const [M, N, K] = [40, 200, 50];
  const A = rand(M * K, rng), B = rand(N * K, rng), C = rand(M * N, rng);
  const pad = 64 << 20;
  const want = new Uint32Array(gemmOn(one, "nt", M, N, K, A, K, B, K, C, N, null, 1, pad).buffer);
  const got = new Uint32Array(gemmOn(e, "nt", M, N, K, A, K, B, K, C, N, null, 1, pad).buffer);
  assert.ok(e.memory.buffer.byteLength > before + pad, `the memory grew (${before} → ${e.memory.buffer.byteLength} bytes)`);
  assert.deepEqual(got, want, "GEMM on operands above the first memory size");
});

test("a trap in a chunk throws, and the pool keeps working; close() falls back to one thread", async () => {
  const e = await pooled("simd", 2);
  const top = e.memory.buffer.byteLength;
  // C ends past the memory: the chunks of the upper columns trap (on a worker or the caller)
  assert.throws(() => e.kernels.gemm_nt(4, 96, 8, 64, 8, 64, 8, top - 4 * 40, 96, 0, 0), WebAssembly.RuntimeError, "out-of-bounds GEMM must throw");
  const one = await loadEngine({ variant: "simd" });
  const rng = mulberry32(9);
  const A = rand(30 * 20, rng), B = rand(50 * 20, rng), C = rand(30 * 50, rng);
  const want = new Uint32Array(gemmOn(one, "nt", 30, 50, 20, A, 20, B, 20, C, 50, null, 0).buffer);
  assert.deepEqual(new Uint32Array(gemmOn(e, "nt", 30, 50, 20, A, 20, B, 20, C, 50, null, 0).buffer), want, "after a trap");
  assert.equal(e.threads, 2);
  e.close();
  assert.equal(e.threads, 1, "threads after close()");
  assert.deepEqual(new Uint32Array(gemmOn(e, "nt", 30, 50, 20, A, 20, B, 20, C, 50, null, 0).buffer), want, "after close()");
});

const CONFIG = parseConfig({
  src_vocab_size: 23, tgt_vocab_size: 29, emb_dim: 16, enc_hidden: 24, bidirectional: true, enc_layers: 2, dec_layers: 2,
  dec_hidden: 40, attn_dim: 32, attention: "additive", decoder_style: "luong", input_feed: true,
}, "test config");

function pairs(n: number, seed: number): { src: number[]; tgt: number[] }[] {
  const rng = mulberry32(seed);
  const ids = (V: number) => Array.from({ length: 1 + Math.floor(rng() * 9) }, () => 4 + Math.floor(rng() * (V - 4))).concat(3);
  return Array.from({ length: n }, () => ({ src: ids(23), tgt: ids(29) }));
}

async function trained(engine: Engine, cell?: "gru" | "rnn"): Promise<Model> {
  const model = Model.create(engine, cell ? { ...CONFIG, cell } : CONFIG);
  initialize(model, { kind: "uniform", range: 0.1 }, 4);
  const trainer = new Trainer(model, pairs(96, 5), null, { ...DEFAULT_TRAIN, steps: 6, batchSentences: 16, dropout: 0.2, labelSmoothing: 0.1, seed: 3 });
  await trainer.run();
  return model;
}

test("training with 2 threads gives bitwise the parameters of 1 thread; so does batched beam search (every cell)", async () => {
  const variant: Variant = "simd";
  const one = await loadEngine({ variant }), two = await pooled(variant, 2);
  for (const cell of [undefined, "gru", "rnn"] as const) {
    const a = await trained(one, cell);
    const b = await trained(two, cell);
    assert.deepEqual(b.toBytes(), a.toBytes(), `${cell ?? "lstm"}: trained parameters (safetensors bytes) differ`);
    const srcs = pairs(37, 6).map((p) => p.src);
    const opts = { beam: 4, nbest: 2, batchSentences: 16, attention: true };
    assert.deepEqual(searchIds(b, srcs, opts), searchIds(a, srcs, opts), `${cell ?? "lstm"}: beam search output differs`);
  }
});

test("a process exits after using a pool, with and without close()", () => {
  const load = pathToFileURL(join(ROOT, "src/engine/load-node.ts")).href;
  for (const close of [true, false]) {
    const script = join(tmp, `exit-${close}.mts`);
    writeFileSync(script, `import { loadEngine } from ${JSON.stringify(load)};
const e = await loadEngine({ variant: "simd", threads: 2 });
const p = e.arena.zerosF32(3 * 512 * 512);
e.kernels.gemm_nt(512, 512, 512, p, 512, p + 4 * 512 * 512, 512, p + 8 * 512 * 512, 512, 0, 0);
${close ? "e.close();" : ""}
console.log("done", e.threads);
`);
    const r = spawnSync(process.execPath, [...process.execArgv, script], { cwd: ROOT, encoding: "utf8", timeout: 20000 });
    assert.equal(r.signal, null, `close=${close}: the process hung (killed by the timeout)`);
    assert.equal(r.status, 0, `close=${close}: ${r.stderr}`);
    assert.equal(r.stdout.trim(), `done ${close ? 1 : 2}`, `close=${close}: output`);
  }
});

test("bad thread counts: one-line errors from the library and the CLI", async () => {
  for (const t of [0, 1.5, 65, Number.NaN]) {
    await assert.rejects(loadEngine({ threads: t }), /threads must be an integer from 1 to 64, got/, `threads ${t}`);
  }
  const module = await WebAssembly.compile(readFileSync(join(ROOT, "build/kernels.simd.wasm")));
  await assert.rejects(loadEngineFromModule(module, "simd", { threads: 2 }), /use loadEngine\(\{ threads \}\)/, "edge loader with threads");
  const model = join(ROOT, "tests/fixtures/golden/luong-dot-bi-l1.safetensors");
  for (const [args, pattern] of [
    [["translate", "--model", model, "--ids", "--threads", "0"], /--threads must be ≥ 1, got 0/],
    [["translate", "--model", model, "--ids", "--threads", "2.5"], /--threads needs an integer, got "2\.5"/],
    [["train", "--config", "c.json", "--train-ids", "x", "--out", "o", "--threads", "65"], /--threads must be ≤ 64, got 65/],
    [["train", "--config", "c.json", "--train-ids", "x", "--out", "o", "--threads", "two"], /--threads needs a number, got "two"/],
  ] as [string[], RegExp][]) {
    assertCleanFailure(await runCli(args), pattern);
  }
});

test("s2s train and translate --threads 2 write the same bytes as --threads 1", async () => {
  const config = join(tmp, "config.json");
  writeFileSync(config, JSON.stringify({ ...CONFIG, enc_layers: 1, dec_layers: 1 }));
  const data = join(tmp, "train.jsonl");
  writeFileSync(data, pairs(64, 11).map((p) => JSON.stringify(p)).join("\n") + "\n");
  const outs: Buffer[] = [], translations: string[] = [];
  const input = pairs(20, 12).map((p) => JSON.stringify({ src: p.src })).join("\n") + "\n";
  for (const threads of ["1", "2"]) {
    const out = join(tmp, `cli-${threads}.safetensors`);
    const r = await runCli(["train", "--config", config, "--train-ids", data, "--out", out, "--steps", "4", "--batch-sentences", "16", "--quiet", "--threads", threads]);
    assert.equal(r.code, 0, r.stderr);
    outs.push(readFileSync(out));
    const t = await runCli(["translate", "--model", out, "--ids", "--beam", "3", "--threads", threads], input);
    assert.equal(t.code, 0, t.stderr);
    translations.push(t.stdout);
  }
  assert.deepEqual(outs[1], outs[0], "--threads 2 trained different weights");
  assert.equal(translations[1], translations[0], "--threads 2 translated differently");
});

test("s2s train on text and s2s translate on text: --threads 2 gives the same model and translations", async () => {
  const rng = mulberry32(21);
  const words = ["the", "a", "red", "dog", "cat", "sees", "runs", "blue", "house", "man"];
  const sentence = () => Array.from({ length: 2 + Math.floor(rng() * 6) }, () => words[Math.floor(rng() * words.length)]).join(" ");
  const tsv = join(tmp, "train.tsv");
  writeFileSync(tsv, Array.from({ length: 120 }, () => { const s = sentence(); return `${s}\t${s.split(" ").reverse().join(" ")}`; }).join("\n") + "\n");
  const input = Array.from({ length: 12 }, sentence).join("\n") + "\n";
  const models: Buffer[] = [], outs: string[] = [];
  for (const threads of ["1", "2"]) {
    const out = join(tmp, `text-${threads}.safetensors`);
    const r = await runCli(["train", "--train-tsv", tsv, "--src-lang", "en", "--tgt-lang", "de", "--tokenizer", "whitespace", "--bpe", "none",
      "--emb-dim", "24", "--enc-hidden", "24", "--dec-hidden", "48", "--steps", "3", "--batch-sentences", "40", "--no-bleu", "--quiet",
      "--out", out, "--threads", threads]);
    assert.equal(r.code, 0, r.stderr);
    models.push(readFileSync(out));
    const t = await runCli(["translate", "--model", out, "--beam", "3", "--quiet", "--threads", threads], input);
    assert.equal(t.code, 0, t.stderr);
    outs.push(t.stdout);
  }
  assert.deepEqual(models[1], models[0], "text training with --threads 2 gave different weights");
  assert.equal(outs[1], outs[0], "text translation with --threads 2 differs");
  assert.equal(outs[0].split("\n").length, 13, "one output line per input line");
});
