// Row gathers and element-wise layers.

import { at, tanh4, tanh1, LANES } from "./vec";

/**
 * dst[n, 0..D) = src[idx[n], 0..D)
 *   src: rows of stride lds; idx: i32[N]; dst: rows of stride ldd
 * Used for the embedding lookup (src = the embedding table) and for the beam
 * reorder of decoder state (src = the state before the step). src and dst
 * must not overlap.
 */
export function gather_rows(N: i32, D: i32, src: usize, lds: i32, idx: usize, dst: usize, ldd: i32): void {
  const bytes = <usize>D << 2;
  for (let n = 0; n < N; n++) {
    const i = load<i32>(idx + (<usize>n << 2));
    memory.copy(dst + <usize>n * (<usize>ldd << 2), src + <usize>i * (<usize>lds << 2), bytes);
  }
}

/** x[r, 0..D) = tanh(x[r, 0..D))   rows of stride ldx (bridge and attn_out layers) */
export function tanh_forward(R: i32, D: i32, x: usize, ldx: i32): void {
  const D4 = D & ~(LANES - 1);
  for (let r = 0; r < R; r++) {
    const xr = x + <usize>r * (<usize>ldx << 2);
    let k = 0;
    for (; k < D4; k += LANES) v128.store(at(xr, k), tanh4(v128.load(at(xr, k))));
    for (; k < D; k++) store<f32>(at(xr, k), tanh1(load<f32>(at(xr, k))));
  }
}

/** y[0..n) = a[0..n) + b[0..n)   (merging b_ih and b_hh into one bias) */
export function add_forward(n: i32, a: usize, b: usize, y: usize): void {
  const n4 = n & ~(LANES - 1);
  let k = 0;
  for (; k < n4; k += LANES) v128.store(at(y, k), f32x4.add(v128.load(at(a, k)), v128.load(at(b, k))));
  for (; k < n; k++) store<f32>(at(y, k), load<f32>(at(a, k)) + load<f32>(at(b, k)));
}
