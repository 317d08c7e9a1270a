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

/**
 * Label-smoothed cross-entropy and its gradient with respect to the logits.
 *
 *   logp:    [R, V] rows of stride ldl, log_softmax_forward's output
 *   targets: i32[R], gold ids (0 < y < V); rows with target 0 (<pad>) are skipped:
 *            no loss, dlogits row = 0
 *   eps:     label smoothing ε; target distribution q = (1 − ε)·onehot(y) + ε/V
 *            (PyTorch CrossEntropyLoss(label_smoothing=ε, ignore_index=0))
 *   scale:   multiplies the gradient (e.g. 1 / number of non-pad tokens)
 *   dlogits: [R, V] rows of stride ldd, out: scale·(exp(logp) − q); may alias
 *            logp exactly (same pointer and ld)
 *   returns  Σ over non-pad rows of −Σ_v q_v logp_v, unscaled, in f64
 *
 * Differentiates (log_softmax_forward followed by the loss):
 *   out[r, :] = x[r, :] − max − log Σ exp(x[r, :] − max)
 *   loss_r    = −Σ_v q_v out[r, v]          ⇒  ∂loss_r/∂x[r, :] = softmax(x[r, :]) − q
 */
export function log_softmax_xent_backward(
  R: i32, V: i32,
  logp: usize, ldl: i32,
  targets: usize,
  eps: f32, scale: f32,
  dlogits: usize, ldd: i32,
): f64 {
  const V4 = V & ~(LANES - 1);
  const smooth: f32 = eps / <f32>V;
  const sv = f32x4.splat(scale), qv = f32x4.splat(smooth);
  let loss: f64 = 0;
  for (let r = 0; r < R; r++) {
    const y = load<i32>(targets + (<usize>r << 2));
    const lr = logp + <usize>r * (<usize>ldl << 2);
    const dr = dlogits + <usize>r * (<usize>ldd << 2);
    if (y == 0) { memory.fill(dr, 0, <usize>V << 2); continue; }
    const ly = load<f32>(at(lr, y)); // read before the row is overwritten (aliasing)
    let vs = f32x4.splat(0);
    let j = 0;
    for (; j < V4; j += LANES) {
      const l = v128.load(at(lr, j));
      vs = f32x4.add(vs, l);
      v128.store(at(dr, j), f32x4.mul(sv, f32x4.sub(exp4(l), qv)));
    }
    let s = hsum(vs);
    for (; j < V; j++) {
      const l = load<f32>(at(lr, j));
      s += l;
      store<f32>(at(dr, j), scale * (exp1(l) - smooth));
    }
    store<f32>(at(dr, y), scale * (exp1(ly) - (smooth + (1 - eps))));
    loss -= <f64>(1 - eps) * <f64>ly;
    if (eps != 0) loss -= <f64>smooth * <f64>s;
  }
  return loss;
}
