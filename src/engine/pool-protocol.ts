// The control block of the worker pool and the loop each worker runs. No
// platform imports: both worker entries (Node, browser) and the pool use it.
//
// The control block lives in the engine's shared memory, just above the
// module's static data (below the arena), one 64-byte slot per worker so that
// no two threads write the same cache line:
//
//   slot w (i32 × 16)
//   [0] SEQ    job number, written by the caller; the worker waits on it
//   [1] DONE   the last job number the worker finished; the caller waits on it
//   [2] OP     OP_QUIT | OP_NT | OP_NN | OP_TN
//   [3] ERR    0, or 1 when the kernel trapped
//   [4..14]    the 11 GEMM arguments M, N, K, a, lda, b, ldb, c, ldc, bias, beta
//
// Pointers above 2³¹ are stored as negative i32 and passed back to wasm as
// such: the same 32 bits.

export const SLOT_BYTES = 64;
export const SLOT_INTS = SLOT_BYTES / 4;
export const SEQ = 0;
export const DONE = 1;
export const OP = 2;
export const ERR = 3;
export const ARGS = 4;

export const OP_QUIT = 0;
export const OP_NT = 1;
export const OP_NN = 2;
export const OP_TN = 3;
export const OP_NAMES = ["quit", "gemm_nt", "gemm_nn", "gemm_tn"] as const;

/** What a worker receives once, by message, before it serves. */
export interface WorkerInit {
  module: WebAssembly.Module;
  /** the engine's shared memory */
  memory: WebAssembly.Memory;
  /** byte offset of this worker's slot */
  slot: number;
  /** polls of SEQ before sleeping in Atomics.wait */
  spin: number;
}

export type WorkerReply = { ready: true } | { ready: false; error: string };

type Gemm = (M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number, beta: number) => void;

/**
 * A worker's life: instantiate the kernels on the shared memory (its data
 * segments are rewritten with the bytes already there), say ready, then run
 * jobs until OP_QUIT. Never returns to the event loop before quitting.
 */
export function serve(init: WorkerInit, reply: (r: WorkerReply) => void): void {
  let kernels: Record<string, Gemm>;
  try {
    kernels = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports as unknown as Record<string, Gemm>;
  } catch (e) {
    reply({ ready: false, error: (e as Error).message });
    return;
  }
  // the slot sits in the first pages, so this view stays valid when the memory grows
  const s = new Int32Array(init.memory.buffer, init.slot, SLOT_INTS);
  const gemms = [null, kernels.gemm_nt, kernels.gemm_nn, kernels.gemm_tn];
  let seen = Atomics.load(s, SEQ);
  reply({ ready: true });
  for (;;) {
    let seq = Atomics.load(s, SEQ);
    for (let i = 0; seq === seen && i < init.spin; i++) seq = Atomics.load(s, SEQ);
    if (seq === seen) {
      Atomics.wait(s, SEQ, seen);
      continue;
    }
    seen = seq;
    const op = s[OP];
    if (op === OP_QUIT) return;
    s[ERR] = 0;
    try {
      gemms[op]!(s[ARGS], s[ARGS + 1], s[ARGS + 2], s[ARGS + 3], s[ARGS + 4], s[ARGS + 5], s[ARGS + 6], s[ARGS + 7], s[ARGS + 8], s[ARGS + 9], s[ARGS + 10]);
    } catch {
      s[ERR] = 1; // the caller throws; the instance stays usable
    }
    Atomics.store(s, DONE, seq);
    Atomics.notify(s, DONE);
  }
}
