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

/**
 * Backward of the embedding lookup (gather_rows from a table): scatter-add.
 *   dx: [N, E] rows of stride ldx; ids: i32[N] (may repeat); dtable: [V, E] contiguous
 *   dtable[ids[n], :] += dx[n, :]
 * Differentiates (gather_rows): dst[n, 0..D) = src[idx[n], 0..D)
 */
export function embedding_backward(N: i32, E: i32, dx: usize, ldx: i32, ids: usize, dtable: usize): void {
  const E4 = E & ~(LANES - 1);
  for (let n = 0; n < N; n++) {
    const xr = dx + <usize>n * (<usize>ldx << 2);
    const tr = dtable + <usize>load<i32>(ids + (<usize>n << 2)) * (<usize>E << 2);
    let k = 0;
    for (; k < E4; k += LANES) v128.store(at(tr, k), f32x4.add(v128.load(at(tr, k)), v128.load(at(xr, k))));
    for (; k < E; k++) store<f32>(at(tr, k), load<f32>(at(tr, k)) + load<f32>(at(xr, k)));
  }
}

/**
 * dy[r, :] ← dy[r, :] ⊙ (1 − y[r, :]²)   y: tanh_forward's output, rows of stride ldy; dy rows of stride lddy
 * Differentiates (tanh_forward): x[r, 0..D) = tanh(x[r, 0..D))
 */
export function tanh_backward(R: i32, D: i32, y: usize, ldy: i32, dy: usize, lddy: i32): void {
  const D4 = D & ~(LANES - 1);
  const one = f32x4.splat(1.0);
  for (let r = 0; r < R; r++) {
    const yr = y + <usize>r * (<usize>ldy << 2);
    const dr = dy + <usize>r * (<usize>lddy << 2);
    let k = 0;
    for (; k < D4; k += LANES) {
      const yv = v128.load(at(yr, k));
      v128.store(at(dr, k), f32x4.mul(v128.load(at(dr, k)), f32x4.sub(one, f32x4.mul(yv, yv))));
    }
    for (; k < D; k++) {
      const yv = load<f32>(at(yr, k));
      store<f32>(at(dr, k), load<f32>(at(dr, k)) * (1 - yv * yv));
    }
  }
}

/**
 * out[j] = β·out[j] + Σ_r x[r, j]   x: [R, N] rows of stride ldx; out: [N]
 * β = 0 overwrites (out's old contents are ignored, even NaN). Bias gradients:
 * differentiates the "+ bias[N]" of the gemm_* kernels (db = Σ_r dC[r, :]).
 */
export function sum_rows(R: i32, N: i32, x: usize, ldx: i32, out: usize, beta: f32): void {
  const N4 = N & ~(LANES - 1);
  if (beta == 0) memory.fill(out, 0, <usize>N << 2);
  else if (beta != 1) {
    const bv = f32x4.splat(beta);
    let k = 0;
    for (; k < N4; k += LANES) v128.store(at(out, k), f32x4.mul(bv, v128.load(at(out, k))));
    for (; k < N; k++) store<f32>(at(out, k), beta * load<f32>(at(out, k)));
  }
  for (let r = 0; r < R; r++) {
    const xr = x + <usize>r * (<usize>ldx << 2);
    let k = 0;
    for (; k < N4; k += LANES) v128.store(at(out, k), f32x4.add(v128.load(at(out, k)), v128.load(at(xr, k))));
    for (; k < N; k++) store<f32>(at(out, k), load<f32>(at(out, k)) + load<f32>(at(xr, k)));
  }
}
