import { S2SError } from "../errors.js";

/** Every tensor starts on a 16-byte boundary (one v128). */
const ALIGN = 16;
const PAGE = 65536;

/**
 * The allocator of the one host-owned wasm memory: a bump pointer with marks.
 *
 *   0 ......... base  static data of the module (pointer 0 means "none" to the kernels)
 *   base ...... top   long-lived blocks (model weights) and scratch for the
 *                    current call; `mark()` / `release(m)` frees everything
 *                    allocated after the mark, in stack order.
 *
 * Growth uses memory.grow, which detaches old ArrayBuffer views: always take
 * views through f32()/i32() right before use.
 */
export class Arena {
  private top: number;
  private peak: number;
  private readonly base: number;

  /**
   * base: the module's heap_base(); the memory below it holds static data.
   * maxPages: the memory's maximum (64 KiB pages).
   */
  constructor(readonly memory: WebAssembly.Memory, base = 0, readonly maxPages = 65536) {
    this.base = Math.max(ALIGN, Math.ceil(base / ALIGN) * ALIGN);
    this.top = this.base;
    this.peak = this.base;
  }

  /** Allocates `bytes` (rounded up to 16) and returns the byte offset. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new S2SError(`internal: bad allocation size ${bytes}`);
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    this.ensure(end);
    this.top = end;
    if (end > this.peak) this.peak = end;
    return ptr;
  }

  allocF32(n: number): number {
    return this.alloc(n * 4);
  }

  /** Allocates and zero-fills. */
  zerosF32(n: number): number {
    const p = this.alloc(n * 4);
    new Uint8Array(this.memory.buffer, p, n * 4).fill(0);
    return p;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark > this.top || mark < this.base) throw new Error(`internal: release(${mark}) above top ${this.top}`);
    this.top = mark;
  }

  /** Bytes in use now and the most ever used. */
  stats(): { used: number; peak: number; capacity: number } {
    return { used: this.top, peak: this.peak, capacity: this.memory.buffer.byteLength };
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const need = Math.ceil((end - have) / PAGE);
    const cur = have / PAGE;
    // grow geometrically to avoid many small grows, but never past the limit
    const want = Math.min(this.maxPages - cur, Math.max(need, Math.ceil(cur / 4)));
    if (want < need) {
      throw new S2SError(`out of memory: ${(end / 2 ** 20).toFixed(1)} MiB needed, the engine's memory is limited to ${(this.maxPages / 16).toFixed(0)} MiB`);
    }
    try {
      this.memory.grow(want);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new S2SError(`out of memory: could not grow the wasm memory to ${(end / 2 ** 20).toFixed(1)} MiB`);
      }
    }
  }

  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** Copies values into a new allocation and returns its offset. */
  putF32(values: ArrayLike<number>): number {
    const p = this.allocF32(values.length);
    this.f32(p, values.length).set(values);
    return p;
  }

  putI32(values: ArrayLike<number>): number {
    const p = this.alloc(values.length * 4);
    this.i32(p, values.length).set(values);
    return p;
  }
}
