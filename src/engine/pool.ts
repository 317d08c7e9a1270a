// The worker pool: N − 1 workers plus the calling thread run the chunks of a
// large GEMM (src/engine/split.ts) on the engine's shared memory, each with
// its own instance of the shared-memory kernel build. One call = describe the
// job in the control block, bump SEQ (Atomics.notify), then every thread,
// the caller too, takes chunks until none is left (pool-protocol.ts); the
// caller returns when all chunks are done. A worker that wakes late (or has
// no core) simply takes fewer chunks. Workers poll SEQ briefly after each
// job, then sleep in Atomics.wait; the caller polls DONE, then sleeps too (or
// only polls where Atomics.wait is not allowed, as on a browser's main
// thread). No postMessage per call. Platform-neutral: workers come from a
// SpawnWorker (pool-node.ts, pool-browser.ts).

import { S2SError } from "../errors.js";
import type { Kernels } from "./kernels.js";
import {
  ARGS, BYROWS, CHUNKS, CTRL_BYTES, CTRL_INTS, DONE, ERR, EXTENT, OP, OP_NAMES, OP_NN, OP_NT, OP_QUIT, OP_TN, STEP,
  claim, publish, type WorkerInit, type WorkerReply,
} from "./pool-protocol.js";
import { CHUNK_INTS, chunkArgs, planGemm, type GemmKind } from "./split.js";

/** A started worker, as the platform gives it. */
export interface PoolWorker {
  post(init: WorkerInit): void;
  /** the worker's reply to its init message */
  onReply(cb: (r: WorkerReply) => void): void;
  /** the worker failed to start or died */
  onError(cb: (e: Error) => void): void;
  terminate(): void;
}

export type SpawnWorker = () => PoolWorker;

export interface PoolOptions {
  /** threads in all, the caller included (2..64) */
  threads: number;
  /**
   * M·N·K below which a GEMM runs on the calling thread alone: waking a worker
   * and the cache traffic of splitting cost more than half of such a product.
   */
  minWork?: number;
  /** polls of SEQ by an idle worker before it sleeps */
  spin?: number;
}

/**
 * Default of PoolOptions.minWork: 2¹⁹ multiply-adds, some 25 µs of
 * single-threaded GEMM, several times a worker's wake-up. Not yet tuned on an
 * idle machine: bench/threads.bench.ts's GEMM sweep is the data to tune it from.
 */
export const DEFAULT_MIN_WORK = 1 << 19;
/**
 * Default of PoolOptions.spin: some 15–30 µs of polling (a poll is 4–8 ns)
 * after a job. Short, because a worker that wakes late costs little (the
 * caller has started on the chunks) while one that polls long takes CPU from
 * everything else on a busy machine.
 */
export const DEFAULT_SPIN = 1 << 12;
/**
 * Polls of DONE by the caller before it sleeps: some 60–120 µs, about one
 * chunk of a training-sized GEMM, the usual wait for the last chunk.
 */
export const CALLER_SPIN = 1 << 14;

type Gemm = Kernels["gemm_nt"];

/** Counters of a pool since it started. */
export interface PoolStats {
  /** GEMM calls that were split */
  calls: number;
  /** their chunks */
  chunks: number;
  /** chunks the workers ran (the rest ran on the calling thread) */
  workerChunks: number;
}

export class ThreadPool {
  /** threads in all, the caller included */
  readonly threads: number;
  /** bytes of control block the pool uses at the `ctrl` offset it was given */
  readonly ctrlBytes = CTRL_BYTES;
  private readonly s: Int32Array;
  private readonly part = new Array<number>(CHUNK_INTS);
  private readonly minWork: number;
  private gen = 0;
  private closed = false;
  private readonly counts: PoolStats = { calls: 0, chunks: 0, workerChunks: 0 };
  private canWait = true;

  private constructor(private readonly workers: PoolWorker[], memory: WebAssembly.Memory, ctrl: number, options: PoolOptions) {
    this.threads = workers.length + 1;
    this.s = new Int32Array(memory.buffer, ctrl, CTRL_INTS);
    this.minWork = options.minWork ?? DEFAULT_MIN_WORK;
  }

  /**
   * Starts threads − 1 workers on `memory` (shared), each with an instance of
   * `module` (a -mt build). The control block at byte offset `ctrl`
   * (64-aligned, CTRL_BYTES, inside the first page of memory) must be zeros.
   */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number, spawn: SpawnWorker, options: PoolOptions): Promise<ThreadPool> {
    const n = options.threads - 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`internal: a pool needs 2 or more threads, got ${options.threads}`);
    if (ctrl % 64 !== 0 || ctrl + CTRL_BYTES > 65536) throw new Error(`internal: control block at ${ctrl} must be 64-aligned in the first page`);
    const workers: PoolWorker[] = [];
    try {
      await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
        const worker = spawn();
        workers.push(worker);
        worker.onError((e) => reject(new S2SError(`worker threads: a worker failed to start: ${e.message}`)));
        worker.onReply((r) => (r.ready ? resolve() : reject(new S2SError(`worker threads: a worker could not instantiate the kernels: ${r.error}`))));
        worker.post({ module, memory, ctrl, spin: options.spin ?? DEFAULT_SPIN });
      })));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new ThreadPool(workers, memory, ctrl, options);
  }

  /** `kernels` with gemm_nt, gemm_nn and gemm_tn run on the pool (above minWork); every other kernel as is. */
  wrap(kernels: Kernels): Kernels {
    const on = (op: number, kind: GemmKind, local: Gemm): Gemm =>
      (M, N, K, a, lda, b, ldb, c, ldc, bias, beta) => this.gemm(op, kind, local, M, N, K, a, lda, b, ldb, c, ldc, bias, beta);
    return {
      ...kernels,
      gemm_nt: on(OP_NT, "nt", kernels.gemm_nt),
      gemm_nn: on(OP_NN, "nn", kernels.gemm_nn),
      gemm_tn: on(OP_TN, "tn", kernels.gemm_tn),
    };
  }

  /** How much work went to the workers (a worker without a core takes none). */
  stats(): PoolStats {
    return { ...this.counts };
  }

  /** Whether close() has run (GEMMs then run on the calling thread alone). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops the workers. Later GEMMs run on the calling thread. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    publish(this.s, this.next(), (d) => {
      d[OP] = OP_QUIT;
      d[CHUNKS] = 0;
    });
    for (const w of this.workers) w.terminate();
  }

  private next(): number {
    this.gen = (this.gen + 1) | 0;
    return this.gen;
  }

  private gemm(
    op: number, kind: GemmKind, local: Gemm,
    M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number, beta: number,
  ): void {
    if (this.closed || M * N * K < this.minWork) return local(M, N, K, a, lda, b, ldb, c, ldc, bias, beta);
    const plan = planGemm(kind, this.threads, M, N);
    if (plan.chunks <= 1) return local(M, N, K, a, lda, b, ldb, c, ldc, bias, beta);
    const s = this.s, seq = this.next();
    publish(s, seq, (d) => {
      d[OP] = op; d[BYROWS] = plan.byRows ? 1 : 0; d[EXTENT] = plan.extent; d[STEP] = plan.step; d[CHUNKS] = plan.chunks;
      d[ARGS] = M; d[ARGS + 1] = N; d[ARGS + 2] = K; d[ARGS + 3] = a; d[ARGS + 4] = lda; d[ARGS + 5] = b;
      d[ARGS + 6] = ldb; d[ARGS + 7] = c; d[ARGS + 8] = ldc; d[ARGS + 9] = bias; d[ARGS + 10] = beta;
    });
    let error: unknown = null, own = 0;
    const p = this.part;
    for (let ch = claim(s, seq); ch >= 0; ch = claim(s, seq), own++) {
      chunkArgs(kind, plan, ch, p, M, N, a, lda, b, ldb, c, ldc, bias);
      try {
        local(p[0], p[1], K, p[2], lda, p[3], ldb, p[4], ldc, p[5], beta);
      } catch (e) {
        error ??= e;
      }
      Atomics.add(s, DONE, 1);
    }
    // always wait: a worker must not write C after this call returns
    this.waitDone(plan.chunks);
    this.counts.calls++;
    this.counts.chunks += plan.chunks;
    this.counts.workerChunks += plan.chunks - own;
    if (error !== null) throw error;
    if (s[ERR] !== 0) throw new WebAssembly.RuntimeError(`${OP_NAMES[op]}: a worker's chunk trapped (memory access out of bounds)`);
  }

  private waitDone(chunks: number): void {
    const s = this.s;
    for (let i = 0; i < CALLER_SPIN; i++) if (Atomics.load(s, DONE) === chunks) return;
    for (;;) {
      const d = Atomics.load(s, DONE);
      if (d === chunks) return;
      if (!this.canWait) continue;
      try {
        Atomics.wait(s, DONE, d);
      } catch {
        this.canWait = false; // a browser's main thread: poll only
      }
    }
  }
}
