// Plain RNN family (PyTorch nn.RNN with nonlinearity tanh, the Elman network).
//
// The pre-activation z = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh comes from gemm_nt
// exactly as the LSTM's gates do (the input part for all positions in one
// GEMM, the recurrent part accumulated per step); this kernel applies tanh
// and the state update for one time step of a whole batch.

import { at, tanh4, tanh1, LANES } from "./vec";

/**
 * One RNN step over a batch, in place.
 *
 *   gates: [B, H] rows of stride ldg; in: z; out: h' = tanh(z) of active rows (backward's cache)
 *   h:     [B, H] state, contiguous; updated for active rows
 *   y:     optional output rows (stride ldy, 0 = none): h' of active rows, 0 for inactive
 *   lengths: i32[B] or 0; row b is active at step t iff t < lengths[b]
 *            (inactive rows keep h unchanged and gates as they were: packed-sequence semantics)
 *
 *   h' = tanh(z)
 */
export function rnn_cell_forward(
  B: i32, H: i32,
  gates: usize, ldg: i32,
  h: usize,
  y: usize, ldy: i32,
  lengths: usize, t: i32,
): void {
  const H4 = H & ~(LANES - 1);
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const hr = h + <usize>b * hb;
    const yr = y + <usize>b * (<usize>ldy << 2);
    if (lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2))) {
      if (y != 0) memory.fill(yr, 0, hb);
      continue;
    }
    const g = gates + <usize>b * (<usize>ldg << 2);
    let k = 0;
    for (; k < H4; k += LANES) {
      const o = <usize>k << 2;
      const hn = tanh4(v128.load(g + o));
      v128.store(g + o, hn);
      v128.store(hr + o, hn);
      if (y != 0) v128.store(yr + o, hn);
    }
    for (; k < H; k++) {
      const hn = tanh1(load<f32>(at(g, k)));
      store<f32>(at(g, k), hn);
      store<f32>(at(hr, k), hn);
      if (y != 0) store<f32>(at(yr, k), hn);
    }
  }
}

/**
 * Backward of one rnn_cell_forward step over a batch.
 *
 *   gates:  [B, H] rows of stride ldg: the forward's cached h' = tanh(z)
 *   dh:     [B, H] contiguous, in: ∂L/∂h_t; out: 0 for active rows (consumed)
 *   dgates: [B, H] rows of stride lddg, out: ∂L/∂z; may alias gates exactly (same pointer and ld)
 *   lengths: i32[B] or 0; rows with t ≥ lengths[b] are inactive: dgates row = 0,
 *            dh rows pass through unchanged
 *
 * Differentiates (rnn_cell_forward):
 *   h' = tanh(z)
 * as
 *   dz = dh·(1 − h'²)
 * After it, dh_{t−1} = dgates·W_hh is gemm_nn(B, H, H, dgates, lddg, W_hh, H, dh, H, 0, 1)
 * (inactive rows add 0 to their passed-through dh).
 */
export function rnn_cell_backward(
  B: i32, H: i32,
  gates: usize, ldg: i32,
  dh: usize,
  dgates: usize, lddg: i32,
  lengths: usize, t: i32,
): void {
  const H4 = H & ~(LANES - 1);
  const hb = <usize>H << 2;
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) {
    const dg = dgates + <usize>b * (<usize>lddg << 2);
    if (lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2))) {
      memory.fill(dg, 0, hb);
      continue;
    }
    const g = gates + <usize>b * (<usize>ldg << 2);
    const dhr = dh + <usize>b * hb;
    let k = 0;
    for (; k < H4; k += LANES) {
      const o = <usize>k << 2;
      // h' = tanh(z)
      const y = v128.load(g + o);
      v128.store(dg + o, f32x4.mul(v128.load(dhr + o), f32x4.sub(one, f32x4.mul(y, y))));
      v128.store(dhr + o, zero);
    }
    for (; k < H; k++) {
      const y = load<f32>(at(g, k));
      store<f32>(at(dg, k), load<f32>(at(dhr, k)) * (1 - y * y));
      store<f32>(at(dhr, k), 0);
    }
  }
}
