// GRU family (PyTorch nn.GRU semantics, gate order r, z, n).
//
// Both projections come from gemm_nt, kept apart because r multiplies the
// recurrent part of the n gate only:
//   gx = x·W_ihᵀ + b_ih   (the input part for all positions in one GEMM)
//   gh = h·W_hhᵀ + b_hh   (the recurrent part, one GEMM per step)
// This kernel applies the nonlinearities and the state update for one time
// step of a whole batch.

import { at, sigmoid4, tanh4, sigmoid1, tanh1, LANES } from "./vec";

/**
 * One GRU step over a batch.
 *
 *   gx:  [B, 3H] rows of stride ldgx; in: x·W_ihᵀ + b_ih (r, z, n blocks);
 *        out: the activations r, z, n of active rows (backward's cache)
 *   gh:  [B, 3H] rows of stride ldgh: h·W_hhᵀ + b_hh; read only (backward
 *        reads its n block, W_hn·h + b_hn)
 *   h:   [B, H] state, contiguous; updated for active rows
 *   y:   optional output rows (stride ldy, 0 = none): h' of active rows, 0 for inactive
 *   lengths: i32[B] or 0; row b is active at step t iff t < lengths[b]
 *            (inactive rows keep h unchanged and gx as it was: packed-sequence semantics)
 *
 *   r  = σ(gx_r + gh_r)
 *   z  = σ(gx_z + gh_z)
 *   n  = tanh(gx_n + r ⊙ gh_n)
 *   h' = (1 − z) ⊙ n + z ⊙ h
 */
export function gru_cell_forward(
  B: i32, H: i32,
  gx: usize, ldgx: i32,
  gh: usize, ldgh: i32,
  h: usize,
  y: usize, ldy: i32,
  lengths: usize, t: i32,
): void {
  const H4 = H & ~(LANES - 1);
  const hb = <usize>H << 2;
  const one = f32x4.splat(1.0);
  for (let b = 0; b < B; b++) {
    const hr = h + <usize>b * hb;
    const yr = y + <usize>b * (<usize>ldy << 2);
    if (lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2))) {
      if (y != 0) memory.fill(yr, 0, hb);
      continue;
    }
    const xr = gx + <usize>b * (<usize>ldgx << 2);
    const xz = xr + hb, xn = xz + hb;
    const rr = gh + <usize>b * (<usize>ldgh << 2);
    const rz = rr + hb, rn = rz + hb;
    let k = 0;
    for (; k < H4; k += LANES) {
      const o = <usize>k << 2;
      const r = sigmoid4(f32x4.add(v128.load(xr + o), v128.load(rr + o)));
      const z = sigmoid4(f32x4.add(v128.load(xz + o), v128.load(rz + o)));
      const n = tanh4(f32x4.add(v128.load(xn + o), f32x4.mul(r, v128.load(rn + o))));
      const hn = f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, v128.load(hr + o)));
      v128.store(xr + o, r); v128.store(xz + o, z); v128.store(xn + o, n);
      v128.store(hr + o, hn);
      if (y != 0) v128.store(yr + o, hn);
    }
    for (; k < H; k++) {
      const r = sigmoid1(load<f32>(at(xr, k)) + load<f32>(at(rr, k)));
      const z = sigmoid1(load<f32>(at(xz, k)) + load<f32>(at(rz, k)));
      const n = tanh1(load<f32>(at(xn, k)) + r * load<f32>(at(rn, k)));
      const hn = (<f32>1 - z) * n + z * load<f32>(at(hr, k));
      store<f32>(at(xr, k), r); store<f32>(at(xz, k), z); store<f32>(at(xn, k), n);
      store<f32>(at(hr, k), hn);
      if (y != 0) store<f32>(at(yr, k), hn);
    }
  }
}

/**
 * Backward of one gru_cell_forward step over a batch.
 *
 *   gates: [B, 3H] rows of stride ldg: the forward's cached activations r, z, n (its gx)
 *   gh:    [B, 3H] rows of stride ldgh: the forward's gh (only the n block, W_hn·h + b_hn, is read)
 *   hprev: [B, H] rows of stride ldhp: h_{t−1} (0 = all zeros, the initial state)
 *   dh:    [B, H] contiguous, in: ∂L/∂h_t; out, active rows: the part of ∂L/∂h_{t−1}
 *          that does not go through W_hh (dh·z)
 *   dgx:   [B, 3H] rows of stride lddgx, out: ∂L/∂gx; may alias gates exactly (same pointer and ld)
 *   dgh:   [B, 3H] rows of stride lddgh, out: ∂L/∂gh; may alias gh exactly
 *   lengths: i32[B] or 0; rows with t ≥ lengths[b] are inactive: dgx and dgh rows = 0,
 *            dh rows pass through unchanged
 *
 * Differentiates (gru_cell_forward):
 *   r  = σ(gx_r + gh_r)
 *   z  = σ(gx_z + gh_z)
 *   n  = tanh(gx_n + r ⊙ gh_n)
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * as
 *   dn_pre = dh·(1 − z)·(1 − n²)        dgx_n = dn_pre        dgh_n = dn_pre·r
 *   dz_pre = dh·(h_{t−1} − n)·z(1 − z)  dgx_z = dgh_z = dz_pre
 *   dr_pre = dn_pre·gh_n·r(1 − r)       dgx_r = dgh_r = dr_pre
 *   dh ← dh·z
 * After it, gemm_nn(B, H, 3H, dgh, lddgh, W_hh, H, dh, H, 0, 1) adds dgh·W_hh and
 * completes ∂L/∂h_{t−1} (inactive rows add 0 to their passed-through dh).
 */
export function gru_cell_backward(
  B: i32, H: i32,
  gates: usize, ldg: i32,
  gh: usize, ldgh: i32,
  hprev: usize, ldhp: i32,
  dh: usize,
  dgx: usize, lddgx: i32,
  dgh: usize, lddgh: i32,
  lengths: usize, t: i32,
): void {
  const H4 = H & ~(LANES - 1);
  const hb = <usize>H << 2;
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0);
  for (let b = 0; b < B; b++) {
    const dgxr = dgx + <usize>b * (<usize>lddgx << 2);
    const dghr = dgh + <usize>b * (<usize>lddgh << 2);
    if (lengths != 0 && t >= load<i32>(lengths + (<usize>b << 2))) {
      memory.fill(dgxr, 0, hb * 3);
      memory.fill(dghr, 0, hb * 3);
      continue;
    }
    const dgxz = dgxr + hb, dgxn = dgxz + hb;
    const dghz = dghr + hb, dghn = dghz + hb;
    const gr = gates + <usize>b * (<usize>ldg << 2);
    const gz = gr + hb, gn = gz + hb;
    const ghn = gh + <usize>b * (<usize>ldgh << 2) + (hb << 1);
    const hpr = hprev + <usize>b * (<usize>ldhp << 2);
    const dhrow = dh + <usize>b * hb;
    let k = 0;
    for (; k < H4; k += LANES) {
      const o = <usize>k << 2;
      // all reads before any write: dgx may alias gates, dgh may alias gh
      const r = v128.load(gr + o), z = v128.load(gz + o), n = v128.load(gn + o);
      const hn = v128.load(ghn + o);
      const hp = hprev != 0 ? v128.load(hpr + o) : zero;
      const d = v128.load(dhrow + o);
      // h' = (1 − z) ⊙ n + z ⊙ h  and  n = tanh(gx_n + r ⊙ gh_n)
      const dn = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      // z = σ(gx_z + gh_z)
      const dz = f32x4.mul(f32x4.mul(d, f32x4.sub(hp, n)), f32x4.mul(z, f32x4.sub(one, z)));
      // r = σ(gx_r + gh_r)
      const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(one, r)));
      v128.store(dgxr + o, dr); v128.store(dgxz + o, dz); v128.store(dgxn + o, dn);
      v128.store(dghr + o, dr); v128.store(dghz + o, dz); v128.store(dghn + o, f32x4.mul(dn, r));
      v128.store(dhrow + o, f32x4.mul(d, z));
    }
    for (; k < H; k++) {
      const r = load<f32>(at(gr, k)), z = load<f32>(at(gz, k)), n = load<f32>(at(gn, k));
      const hn = load<f32>(at(ghn, k));
      const hp: f32 = hprev != 0 ? load<f32>(at(hpr, k)) : 0;
      const d = load<f32>(at(dhrow, k));
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (hp - n) * (z * (1 - z));
      const dr = dn * hn * (r * (1 - r));
      store<f32>(at(dgxr, k), dr); store<f32>(at(dgxz, k), dz); store<f32>(at(dgxn, k), dn);
      store<f32>(at(dghr, k), dr); store<f32>(at(dghz, k), dz); store<f32>(at(dghn, k), dn * r);
      store<f32>(at(dhrow, k), d * z);
    }
  }
}
