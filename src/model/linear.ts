// The two ways a parameter matrix is applied, for f32 and int8 models alike:
// a Linear product over a column range of W, and an embedding lookup.

import type { Model } from "./model.js";

/**
 * Products of at most this many rows read a matrix's column panels when the
 * model has them (Model.packForDecoding). bench/panels.bench.ts, one decoder
 * step of the reference model: gemm_pn 2.7–3.3× faster than gemm_nt at 1 row,
 * 1.3–1.6× at 4–8 rows, 1.0–1.2× at 12–16, even at 32 (gemm_nt's 2×4 tiles
 * then reuse each weight row enough).
 */
export const PANEL_MAX_ROWS = 8;

/**
 * y[M, N] = β·y + x[M, K]·W[:, c0:c0+K]ᵀ + bias   (W = parameter `name`, [N, ·])
 * f32: gemm_nt (gemm_pn over column panels for few rows, if packed); int8: gemm_nt_i8 with its activation scratch from the arena.
 */
export function linear(
  m: Model, name: string, c0: number, K: number, M: number,
  x: number, ldx: number, y: number, ldy: number, bias: number, beta: number,
): void {
  const { arena, kernels: k } = m.engine;
  const s = m.slot(name);
  const [N, ldw] = s.shape;
  if (s.dtype === "F32") {
    const p = M <= PANEL_MAX_ROWS ? m.panels(name, c0, K) : 0;
    if (p !== 0) {
      k.gemm_pn(M, N, K, x, ldx, p, y, ldy, bias, beta);
      return;
    }
    k.gemm_nt(M, N, K, x, ldx, s.ptr + c0 * 4, ldw, y, ldy, bias, beta);
    return;
  }
  const mark = arena.mark();
  const scratch = arena.alloc(k.gemm_i8_scratch(M, K));
  k.gemm_nt_i8(M, N, K, x, ldx, s.ptr + c0, ldw, s.scale, m.rowSums(name, c0, K), y, ldy, bias, beta, scratch);
  arena.release(mark);
}

/** dst[n, :E] = table[ids[n], :]   (table = parameter `name`, [V, E]; ids: i32[N] ptr) */
export function embed(m: Model, name: string, N: number, ids: number, dst: number, ldd: number): void {
  const k = m.engine.kernels;
  const s = m.slot(name);
  const E = s.shape[1];
  if (s.dtype === "F32") k.gather_rows(N, E, s.ptr, E, ids, dst, ldd);
  else k.gather_rows_i8(N, E, s.ptr, E, s.scale, ids, dst, ldd);
}
