// Strided row copies and sums between tensors of different layouts, e.g.
// one time step of a batch-major [B, S, H] tensor and a contiguous [B, H] one.

import { at, LANES } from "./vec";

/** y[r, 0..D) = x[r, 0..D)   x rows of stride ldx, y rows of stride ldy; no overlap */
export function copy_rows(R: i32, D: i32, x: usize, ldx: i32, y: usize, ldy: i32): void {
  const bytes = <usize>D << 2;
  for (let r = 0; r < R; r++) memory.copy(y + <usize>r * (<usize>ldy << 2), x + <usize>r * (<usize>ldx << 2), bytes);
}

/** y[r, 0..D) += x[r, 0..D) */
export function add_rows(R: i32, D: i32, x: usize, ldx: i32, y: usize, ldy: i32): void {
  const D4 = D & ~(LANES - 1);
  for (let r = 0; r < R; r++) {
    const xr = x + <usize>r * (<usize>ldx << 2), yr = y + <usize>r * (<usize>ldy << 2);
    let k = 0;
    for (; k < D4; k += LANES) v128.store(at(yr, k), f32x4.add(v128.load(at(yr, k)), v128.load(at(xr, k))));
    for (; k < D; k++) store<f32>(at(yr, k), load<f32>(at(yr, k)) + load<f32>(at(xr, k)));
  }
}
