// Log-softmax over the vocabulary, one row per decoder row.

import { at, hsum, hmax, exp4, exp1, LANES } from "./vec";

/**
 * out[r, :] = x[r, :] − max − log Σ exp(x[r, :] − max)
 *   x: [R, V] rows of stride ldx; out: [R, V] rows of stride ldo (may alias x)
 */
export function log_softmax_forward(R: i32, V: i32, x: usize, ldx: i32, out: usize, ldo: i32): void {
  const V4 = V & ~(LANES - 1);
  for (let r = 0; r < R; r++) {
    const xr = x + <usize>r * (<usize>ldx << 2);
    const or = out + <usize>r * (<usize>ldo << 2);
    let vm = f32x4.splat(-Infinity);
    let j = 0;
    for (; j < V4; j += LANES) vm = f32x4.max(vm, v128.load(at(xr, j)));
    let m = hmax(vm);
    for (; j < V; j++) m = max(m, load<f32>(at(xr, j)));
    const mv = f32x4.splat(m);
    let vs = f32x4.splat(0);
    for (j = 0; j < V4; j += LANES) vs = f32x4.add(vs, exp4(f32x4.sub(v128.load(at(xr, j)), mv)));
    let s = hsum(vs);
    for (; j < V; j++) s += exp1(load<f32>(at(xr, j)) - m);
    const shift = m + <f32>Math.log(<f64>s);
    const sv = f32x4.splat(shift);
    for (j = 0; j < V4; j += LANES) v128.store(at(or, j), f32x4.sub(v128.load(at(xr, j)), sv));
    for (; j < V; j++) store<f32>(at(or, j), load<f32>(at(xr, j)) - shift);
  }
}
