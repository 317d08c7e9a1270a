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

// Tile edge (elements) of transpose: 64 rows of 64 floats on each side, 32 KiB.
// @ts-ignore: decorator
@inline const TR_BLOCK: i32 = 64;

/**
 * y[C, R] = x[R, C]ᵀ   x rows of stride ldx, y rows of stride ldy; no overlap.
 * 4×4 blocks through registers (two rounds of lane shuffles), walked in
 * TR_BLOCK × TR_BLOCK tiles so that the rows of both sides stay in cache;
 * the R % 4 and C % 4 edges element by element.
 */
export function transpose(R: i32, C: i32, x: usize, ldx: i32, y: usize, ldy: i32): void {
  const sx = <usize>ldx << 2, sy = <usize>ldy << 2;
  const R4 = R & ~3, C4 = C & ~3;
  for (let r0 = 0; r0 < R4; r0 += TR_BLOCK) {
    const r1 = min(R4, r0 + TR_BLOCK);
    for (let c0 = 0; c0 < C4; c0 += TR_BLOCK) {
      const c1 = min(C4, c0 + TR_BLOCK);
      for (let r = r0; r < r1; r += 4) {
        const xr = x + <usize>r * sx;
        for (let c = c0; c < c1; c += 4) {
          const xp = xr + (<usize>c << 2);
          const v0 = v128.load(xp), v1 = v128.load(xp + sx), v2 = v128.load(xp + 2 * sx), v3 = v128.load(xp + 3 * sx);
          const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
          const yp = y + <usize>c * sy + (<usize>r << 2);
          v128.store(yp, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(yp + sy, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
          v128.store(yp + 2 * sy, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
          v128.store(yp + 3 * sy, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  // edges: columns C4.. of the first R4 rows, then the last R % 4 rows whole
  for (let r = 0; r < R4; r++) {
    for (let c = C4; c < C; c++) store<i32>(y + <usize>c * sy + (<usize>r << 2), load<i32>(x + <usize>r * sx + (<usize>c << 2)));
  }
  for (let r = R4; r < R; r++) {
    for (let c = 0; c < C; c++) store<i32>(y + <usize>c * sy + (<usize>r << 2), load<i32>(x + <usize>r * sx + (<usize>c << 2)));
  }
}
