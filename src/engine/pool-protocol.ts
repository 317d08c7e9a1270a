// The control block of the worker pool and the loop each worker runs. No
// platform imports: both worker entries (Node, browser) and the pool use it.
//
// The control block lives in the engine's shared memory, just above the
// module's static data (below the arena): 256 bytes, four cache lines, so
// that the words every thread writes (CLAIM, DONE) share no line with the job
// description or each other.
//
//   i32 index
//   [0]  SEQ      job number, written last by the caller; workers wait on it
//   [1]  OP       OP_QUIT | OP_NT | OP_NN | OP_TN
//   [2]  ERR      0, or 1 when a chunk trapped
//   [3]  BYROWS   the job's GemmPlan (split.ts): 1 = cut rows, 0 = columns
//   [4]  EXTENT
//   [5]  STEP
//   [6]  CHUNKS
//   [7..17]       the 11 GEMM arguments M, N, K, a, lda, b, ldb, c, ldc, bias, beta
//   [32] CLAIM    (job number mod 2²²) << 10 | next unclaimed chunk
//   [48] DONE     chunks finished in this job; the caller waits on it
//
// Every thread, the caller included, takes chunks with a compare-exchange on
// CLAIM that only succeeds while CLAIM carries its job's number: a worker
// that wakes after its job is over claims nothing, and one holding a chunk
// keeps the job alive (the caller returns only when DONE = CHUNKS), so the job
// description it reads after claiming is its own. The caller closes CLAIM
// before it rewrites the description (publish): a worker still inside claim()
// for the previous job, which compares the old counter with CHUNKS, then
// fails its compare-exchange instead of taking a chunk of the new job. Pointers above 2³¹ are
// stored as negative i32 and passed back to wasm as such: the same 32 bits.

import { chunkArgs, CHUNK_INTS, type GemmKind, type GemmPlan } from "./split.js";

export const CTRL_BYTES = 256;
export const CTRL_INTS = CTRL_BYTES / 4;
export const SEQ = 0;
export const OP = 1;
export const ERR = 2;
export const BYROWS = 3;
export const EXTENT = 4;
export const STEP = 5;
export const CHUNKS = 6;
export const ARGS = 7;
export const CLAIM = 32;
export const DONE = 48;

/** Bits of CLAIM that count chunks; so at most 1023 chunks per job. */
export const INDEX_BITS = 10;
export const MAX_CHUNKS = (1 << INDEX_BITS) - 1;

export const OP_QUIT = 0;
export const OP_NT = 1;
export const OP_NN = 2;
export const OP_TN = 3;
export const OP_NAMES = ["quit", "gemm_nt", "gemm_nn", "gemm_tn"] as const;
export const OP_KINDS: readonly (GemmKind | null)[] = [null, "nt", "nn", "tn"];

/** CLAIM's value when job `seq` starts. */
export function claimTag(seq: number): number {
  return (seq << INDEX_BITS) | 0;
}

/** Takes the next chunk of job `seq`: its index, or −1 when none is left or the job is over. */
export function claim(s: Int32Array, seq: number): number {
  const tag = claimTag(seq);
  for (;;) {
    const v = Atomics.load(s, CLAIM);
    if ((v & ~MAX_CHUNKS) !== tag) return -1;
    const c = v & MAX_CHUNKS;
    if (c >= Atomics.load(s, CHUNKS)) return -1;
    if (Atomics.compareExchange(s, CLAIM, v, v + 1) === v) return c;
  }
}

/**
 * Starts job `seq` (the caller, after the previous job's DONE reached its
 * CHUNKS): CLAIM closed, `describe` writes OP, the plan and the arguments,
 * counters reset, CLAIM opened, SEQ last (its store publishes the rest), and
 * sleeping workers woken.
 */
export function publish(s: Int32Array, seq: number, describe: (s: Int32Array) => void): void {
  Atomics.store(s, CLAIM, claimTag(seq) | MAX_CHUNKS);
  describe(s);
  Atomics.store(s, ERR, 0);
  Atomics.store(s, DONE, 0);
  Atomics.store(s, CLAIM, claimTag(seq));
  Atomics.store(s, SEQ, seq);
  Atomics.notify(s, SEQ);
}

/** What a worker receives once, by message, before it serves. */
export interface WorkerInit {
  module: WebAssembly.Module;
  /** the engine's shared memory */
  memory: WebAssembly.Memory;
  /** byte offset of the control block */
  ctrl: number;
  /** polls of SEQ before sleeping in Atomics.wait */
  spin: number;
}

export type WorkerReply = { ready: true } | { ready: false; error: string };

type Gemm = (M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number, beta: number) => void;

/**
 * A worker's life: instantiate the kernels on the shared memory (its data
 * segments are rewritten with the bytes already there), say ready, then take
 * chunks of each job until OP_QUIT. Never returns to the event loop before quitting.
 */
export function serve(init: WorkerInit, reply: (r: WorkerReply) => void): void {
  let kernels: Record<string, Gemm>;
  try {
    kernels = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports as unknown as Record<string, Gemm>;
  } catch (e) {
    reply({ ready: false, error: (e as Error).message });
    return;
  }
  // the block sits in the first page, so this view stays valid when the memory grows
  const s = new Int32Array(init.memory.buffer, init.ctrl, CTRL_INTS);
  const gemms = [null, kernels.gemm_nt, kernels.gemm_nn, kernels.gemm_tn];
  const part = new Int32Array(CHUNK_INTS);
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
    if (Atomics.load(s, OP) === OP_QUIT) return;
    for (let c = claim(s, seq); c >= 0; c = claim(s, seq)) {
      // the job is ours until DONE counts this chunk: its description is stable
      const op = s[OP], a = ARGS;
      const plan: GemmPlan = { byRows: s[BYROWS] === 1, extent: s[EXTENT], step: s[STEP], chunks: s[CHUNKS] };
      chunkArgs(OP_KINDS[op]!, plan, c, part, s[a], s[a + 1], s[a + 3], s[a + 4], s[a + 5], s[a + 6], s[a + 7], s[a + 8], s[a + 9]);
      try {
        gemms[op]!(part[0], part[1], s[a + 2], part[2], s[a + 4], part[3], s[a + 6], part[4], s[a + 8], part[5], s[a + 10]);
      } catch {
        Atomics.store(s, ERR, 1); // the caller throws; the instance stays usable
      }
      Atomics.add(s, DONE, 1);
      Atomics.notify(s, DONE);
    }
  }
}
