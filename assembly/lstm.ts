// LSTM family (PyTorch nn.LSTM semantics, gate order i, f, g, o).
//
// The gate pre-activations z = x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh come from
// gemm_nt (the input part for all positions in one GEMM, the recurrent part
// accumulated per step); this kernel applies the nonlinearities and the cell
// update for one time step of a whole batch.

import { at, madd, sigmoid4, tanh4, sigmoid1, tanh1, LANES } from "./vec";

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

/**
 * Backward of one lstm_cell_forward step over a batch.
 *
 *   gates:  [B, 4H] rows of stride ldg: the forward's cached activations i, f, g, o
 *   cprev:  [B, H] rows of stride ldcp: c_{t−1} (0 = all zeros, the initial state)
 *   cnew:   [B, H] rows of stride ldcn: c_t (the forward's cy)
 *   dh:     [B, H] contiguous, in: ∂L/∂h_t; out: 0 for active rows (consumed)
 *   dc:     [B, H] contiguous, in: ∂L/∂c_t from later steps; out: ∂L/∂c_{t−1}
 *   dgates: [B, 4H] rows of stride lddg, out: ∂L/∂z (pre-activations); may alias
 *           gates exactly (same pointer and ld)
 *   lengths: i32[B] or 0; rows with t ≥ lengths[b] are inactive: dgates row = 0,
 *            dh and dc rows pass through unchanged
 *
 * Differentiates (lstm_cell_forward):
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(c')
 * with i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o):
 *   tc = tanh(c_t);  dct = dc + dh·o·(1 − tc²)
 *   dz_i = dct·g·i(1 − i)    dz_f = dct·c_{t−1}·f(1 − f)
 *   dz_g = dct·i·(1 − g²)    dz_o = dh·tc·o(1 − o)
 *   dc ← dct·f
 * After it, dh_{t−1} = dgates·W_hh is gemm_nn(B, H, 4H, dgates, lddg, W_hh, H, dh, H, 0, 1)
 * (inactive rows add 0 to their passed-through dh).
 */
export function lstm_cell_backward(
  B: i32, H: i32,
  gates: usize, ldg: i32,
  cprev: usize, ldcp: i32,
  cnew: usize, ldcn: i32,
  dh: usize, dc: usize,
  dgates: usize, lddg: i32,
  lengths: usize, t: i32,
): void {
  const H4 = H & ~(LANES - 1);
  const hb = <usize>H << 2;
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) {
    const dgi = dgates + <usize>b * (<usize>lddg << 2);
    if (lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2))) {
      memory.fill(dgi, 0, hb << 2);
      continue;
    }
    const dgf = dgi + hb, dgg = dgf + hb, dgo = dgg + hb;
    const gi = gates + <usize>b * (<usize>ldg << 2);
    const gf = gi + hb, gg = gf + hb, go = gg + hb;
    const cpr = cprev + <usize>b * (<usize>ldcp << 2);
    const cnr = cnew + <usize>b * (<usize>ldcn << 2);
    const dhr = dh + <usize>b * hb, dcr = dc + <usize>b * hb;
    let k = 0;
    for (; k < H4; k += LANES) {
      const o = <usize>k << 2;
      // all reads before any write: dgates may alias gates
      const i = v128.load(gi + o), f = v128.load(gf + o), g = v128.load(gg + o), og = v128.load(go + o);
      const cp = cprev != 0 ? v128.load(cpr + o) : zero;
      const tc = tanh4(v128.load(cnr + o));
      const dhv = v128.load(dhr + o);
      const dct = madd(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(tc, tc)), v128.load(dcr + o));
      v128.store(dgi + o, f32x4.mul(f32x4.mul(dct, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(dgf + o, f32x4.mul(f32x4.mul(dct, cp), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(dgg + o, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(dgo + o, f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(og, f32x4.sub(one, og))));
      v128.store(dcr + o, f32x4.mul(dct, f));
      v128.store(dhr + o, zero);
    }
    for (; k < H; k++) {
      const i = load<f32>(at(gi, k)), f = load<f32>(at(gf, k)), g = load<f32>(at(gg, k)), og = load<f32>(at(go, k));
      const cp: f32 = cprev != 0 ? load<f32>(at(cpr, k)) : 0;
      const tc = tanh1(load<f32>(at(cnr, k)));
      const dhv = load<f32>(at(dhr, k));
      const dct = load<f32>(at(dcr, k)) + dhv * og * (1 - tc * tc);
      store<f32>(at(dgi, k), dct * g * (i * (1 - i)));
      store<f32>(at(dgf, k), dct * cp * (f * (1 - f)));
      store<f32>(at(dgg, k), dct * i * (1 - g * g));
      store<f32>(at(dgo, k), dhv * tc * (og * (1 - og)));
      store<f32>(at(dcr, k), dct * f);
      store<f32>(at(dhr, k), 0);
    }
  }
}
