// LSTM family (PyTorch nn.LSTM semantics, gate order i, f, g, o).
//
// The gate pre-activations z = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh come from
// gemm_nt (the input part for all positions in one GEMM, the recurrent part
// accumulated per step); this kernel applies the nonlinearities and the cell
// update for one time step of a whole batch.

import { at, sigmoid4, tanh4, sigmoid1, tanh1, LANES } from "./vec";

/**
 * One LSTM step over a batch, in place.
 *
 *   gates: [B, 4H] rows of stride ldg; in: z (i, f, g, o blocks); out: the
 *          activations σ(z_i), σ(z_f), tanh(z_g), σ(z_o) (backward's cache)
 *   h, c:  [B, H] state, contiguous; updated for active rows
 *   y:     optional output rows (stride ldy, 0 = none): h' of active rows, 0 for inactive
 *   cy:    optional copy of c' (stride ldcy, 0 = none), for backward
 *   lengths: i32[B] or 0; row b is active at step t iff t < lengths[b]
 *            (inactive rows keep h and c unchanged: packed-sequence semantics)
 *
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(c')
 */
export function lstm_cell_forward(
  B: i32, H: i32,
  gates: usize, ldg: i32,
  h: usize, c: usize,
  y: usize, ldy: i32,
  cy: usize, ldcy: i32,
  lengths: usize, t: i32,
): void {
  const H4 = H & ~(LANES - 1);
  const hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const hr = h + <usize>b * hb, cr = c + <usize>b * hb;
    const yr = y + <usize>b * (<usize>ldy << 2);
    const cyr = cy + <usize>b * (<usize>ldcy << 2);
    if (lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2))) {
      if (y != 0) memory.fill(yr, 0, hb);
      if (cy != 0) memory.copy(cyr, cr, hb);
      continue;
    }
    const gi = gates + <usize>b * (<usize>ldg << 2);
    const gf = gi + hb, gg = gf + hb, go = gg + hb;
    let k = 0;
    for (; k < H4; k += LANES) {
      const o = <usize>k << 2;
      const i = sigmoid4(v128.load(gi + o));
      const f = sigmoid4(v128.load(gf + o));
      const g = tanh4(v128.load(gg + o));
      const og = sigmoid4(v128.load(go + o));
      const cn = f32x4.add(f32x4.mul(f, v128.load(cr + o)), f32x4.mul(i, g));
      const hn = f32x4.mul(og, tanh4(cn));
      v128.store(gi + o, i); v128.store(gf + o, f); v128.store(gg + o, g); v128.store(go + o, og);
      v128.store(cr + o, cn);
      v128.store(hr + o, hn);
      if (y != 0) v128.store(yr + o, hn);
      if (cy != 0) v128.store(cyr + o, cn);
    }
    for (; k < H; k++) {
      const i = sigmoid1(load<f32>(at(gi, k)));
      const f = sigmoid1(load<f32>(at(gf, k)));
      const g = tanh1(load<f32>(at(gg, k)));
      const og = sigmoid1(load<f32>(at(go, k)));
      const cn = f * load<f32>(at(cr, k)) + i * g;
      const hn = og * tanh1(cn);
      store<f32>(at(gi, k), i); store<f32>(at(gf, k), f); store<f32>(at(gg, k), g); store<f32>(at(go, k), og);
      store<f32>(at(cr, k), cn);
      store<f32>(at(hr, k), hn);
      if (y != 0) store<f32>(at(yr, k), hn);
      if (cy != 0) store<f32>(at(cyr, k), cn);
    }
  }
}
