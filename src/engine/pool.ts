// The worker pool: N − 1 workers plus the calling thread run the parts of a
// large GEMM (src/engine/split.ts) on the engine's shared memory, each with
// its own instance of the shared-memory kernel build. One call = write each
// worker's slot of the control block, bump its SEQ (Atomics.notify), run part
// 0 here, wait for every DONE. Workers poll SEQ briefly after each job, then
// sleep in Atomics.wait; the caller polls DONE, then sleeps too (or only
// polls where Atomics.wait is not allowed, as on a browser's main thread).
// No postMessage per call. Platform-neutral: workers come from a SpawnWorker
// (pool-node.ts, pool-browser.ts).

import { S2SError } from "../errors.js";
import type { Kernels } from "./kernels.js";
import {
  ARGS, DONE, ERR, OP, OP_NAMES, OP_NN, OP_NT, OP_QUIT, OP_TN, SEQ, SLOT_BYTES, SLOT_INTS,
  type WorkerInit, type WorkerReply,
} from "./pool-protocol.js";
import { PART_INTS, splitGemm, type GemmKind } from "./split.js";

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
  /** polls of SEQ/DONE before sleeping (workers and caller) */
  spin?: number;
}

/** Default of PoolOptions.minWork: about 15 µs of single-threaded GEMM (bench/threads.bench.ts). */
export const DEFAULT_MIN_WORK = 1 << 19;
/** Default of PoolOptions.spin: some 50–100 µs of polling after a job, the gap between GEMMs of a training step. */
export const DEFAULT_SPIN = 1 << 14;

type Gemm = Kernels["gemm_nt"];

export class ThreadPool {
  /** threads in all, the caller included */
  readonly threads: number;
  /** bytes of control block the pool uses at the `ctrl` offset it was given */
  readonly ctrlBytes: number;
  private readonly slots: Int32Array[];
  private readonly minWork: number;
  private readonly spin: number;
  private gen = 0;
  private closed = false;
  private canWait = true;

  private constructor(private readonly workers: PoolWorker[], memory: WebAssembly.Memory, ctrl: number, options: PoolOptions) {
    this.threads = workers.length + 1;
    this.ctrlBytes = workers.length * SLOT_BYTES;
    this.slots = workers.map((_, w) => new Int32Array(memory.buffer, ctrl + w * SLOT_BYTES, SLOT_INTS));
    this.minWork = options.minWork ?? DEFAULT_MIN_WORK;
    this.spin = options.spin ?? DEFAULT_SPIN;
  }

  /**
   * Starts threads − 1 workers on `memory` (shared), each with an instance of
   * `module` (a -mt build). The slots at byte offset `ctrl` (64-aligned,
   * 64·(threads − 1) bytes, inside the first page of memory) must be zeros.
   */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number, spawn: SpawnWorker, options: PoolOptions): Promise<ThreadPool> {
    const n = options.threads - 1;
    if (!Number.isInteger(n) || n < 1) throw new Error(`internal: a pool needs 2 or more threads, got ${options.threads}`);
    if (ctrl % SLOT_BYTES !== 0 || ctrl + n * SLOT_BYTES > 65536) throw new Error(`internal: control block at ${ctrl} must be 64-aligned in the first page`);
    const workers: PoolWorker[] = [];
    try {
      await Promise.all(Array.from({ length: n }, (_, w) => new Promise<void>((resolve, reject) => {
        const worker = spawn();
        workers.push(worker);
        worker.onError((e) => reject(new S2SError(`worker threads: a worker failed to start: ${e.message}`)));
        worker.onReply((r) => (r.ready ? resolve() : reject(new S2SError(`worker threads: a worker could not instantiate the kernels: ${r.error}`))));
        worker.post({ module, memory, slot: ctrl + w * SLOT_BYTES, spin: options.spin ?? DEFAULT_SPIN });
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

  /** Whether close() has run (GEMMs then run on the calling thread alone). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops the workers. Later GEMMs run on the calling thread. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const gen = this.next();
    for (const s of this.slots) {
      s[OP] = OP_QUIT;
      Atomics.store(s, SEQ, gen);
      Atomics.notify(s, SEQ);
    }
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
    const parts = splitGemm(kind, this.threads, M, N, a, lda, b, ldb, c, ldc, bias);
    const n = parts.length / PART_INTS;
    if (n <= 1) return local(M, N, K, a, lda, b, ldb, c, ldc, bias, beta);
    const gen = this.next();
    for (let p = 1; p < n; p++) {
      const s = this.slots[p - 1], o = p * PART_INTS;
      s[OP] = op;
      s[ARGS] = parts[o]; s[ARGS + 1] = parts[o + 1]; s[ARGS + 2] = K;
      s[ARGS + 3] = parts[o + 2]; s[ARGS + 4] = lda;
      s[ARGS + 5] = parts[o + 3]; s[ARGS + 6] = ldb;
      s[ARGS + 7] = parts[o + 4]; s[ARGS + 8] = ldc;
      s[ARGS + 9] = parts[o + 5]; s[ARGS + 10] = beta;
      Atomics.store(s, SEQ, gen); // publishes the plain writes above
      Atomics.notify(s, SEQ);
    }
    let error: unknown = null;
    try {
      local(parts[0], parts[1], K, parts[2], lda, parts[3], ldb, parts[4], ldc, parts[5], beta);
    } catch (e) {
      error = e;
    }
    // always wait: a worker must not write C after this call returns
    let trapped = false;
    for (let p = 1; p < n; p++) {
      this.waitDone(this.slots[p - 1], gen);
      if (this.slots[p - 1][ERR] !== 0) trapped = true;
    }
    if (error !== null) throw error;
    if (trapped) throw new WebAssembly.RuntimeError(`${OP_NAMES[op]}: a worker's part trapped (memory access out of bounds)`);
  }

  private waitDone(s: Int32Array, gen: number): void {
    for (let i = 0; i < this.spin; i++) if (Atomics.load(s, DONE) === gen) return;
    for (;;) {
      const d = Atomics.load(s, DONE);
      if (d === gen) return;
      if (!this.canWait) continue;
      try {
        Atomics.wait(s, DONE, d);
      } catch {
        this.canWait = false; // a browser's main thread: poll only
      }
    }
  }
}
