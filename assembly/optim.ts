// Optimizer updates and whole-gradient reductions. Every kernel works on a
// flat range of n floats, so the host can run one call per parameter tensor
// or one call over a contiguous block holding all of them.

import { at, madd, LANES } from "./vec";

// @ts-ignore: decorator
@inline const EXP_MASK: i32 = 0x7f800000;

/** p[0..n) −= lr · g[0..n)   (plain SGD) */
export function sgd_update(n: i32, p: usize, g: usize, lr: f32): void {
  const n4 = n & ~(LANES - 1);
  const nl = f32x4.splat(-lr);
  let k = 0;
  for (; k < n4; k += LANES) v128.store(at(p, k), madd(nl, v128.load(at(g, k)), v128.load(at(p, k))));
  for (; k < n; k++) store<f32>(at(p, k), -lr * load<f32>(at(g, k)) + load<f32>(at(p, k)));
}

/**
 * One Adam step (torch.optim.Adam, no weight decay, no amsgrad):
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / bc1) · m / (√v / √bc2 + eps)
 * bc1 = 1 − β1^t and bc2 = 1 − β2^t (t = 1, 2, … the step number) come from the host.
 * p, g, m, v: [n]; m and v start at 0.
 */
export function adam_update(
  n: i32, p: usize, g: usize, m: usize, v: usize,
  lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32,
): void {
  const n4 = n & ~(LANES - 1);
  const step: f32 = lr / bc1;
  const sbc2: f32 = <f32>Math.sqrt(<f64>bc2);
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2);
  const ev = f32x4.splat(eps), sv = f32x4.splat(step), qv = f32x4.splat(sbc2);
  let k = 0;
  for (; k < n4; k += LANES) {
    const o = <usize>k << 2;
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gv));
    const vv = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), qv), ev);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(sv, f32x4.div(mv, denom))));
  }
  for (; k < n; k++) {
    const gs = load<f32>(at(g, k));
    const ms = beta1 * load<f32>(at(m, k)) + (1 - beta1) * gs;
    const vs = beta2 * load<f32>(at(v, k)) + (1 - beta2) * (gs * gs);
    store<f32>(at(m, k), ms);
    store<f32>(at(v, k), vs);
    const denom = Mathf.sqrt(vs) / sbc2 + eps;
    store<f32>(at(p, k), load<f32>(at(p, k)) - step * (ms / denom));
  }
}

/** Σ x[i]² accumulated in f64 (global gradient-norm clipping: ‖g‖ = √Σ over all tensors). */
export function sum_squares(n: i32, x: usize): f64 {
  const n4 = n & ~(LANES - 1);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let k = 0;
  for (; k < n4; k += LANES) {
    const v = v128.load(at(x, k));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    a0 = f64x2.add(a0, f64x2.mul(lo, lo));
    a1 = f64x2.add(a1, f64x2.mul(hi, hi));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; k < n; k++) {
    const v = <f64>load<f32>(at(x, k));
    s += v * v;
  }
  return s;
}

/** x[0..n) ← s · x[0..n)   (gradient clipping, loss scaling) */
export function scale_forward(n: i32, x: usize, s: f32): void {
  const n4 = n & ~(LANES - 1);
  const sv = f32x4.splat(s);
  let k = 0;
  for (; k < n4; k += LANES) v128.store(at(x, k), f32x4.mul(sv, v128.load(at(x, k))));
  for (; k < n; k++) store<f32>(at(x, k), s * load<f32>(at(x, k)));
}

/** Number of NaN or ±Inf among x[0..n) (all exponent bits set), to skip bad steps. */
export function nonfinite_count(n: i32, x: usize): i32 {
  const n4 = n & ~(LANES - 1);
  const em = i32x4.splat(EXP_MASK);
  let acc = i32x4.splat(0);
  let k = 0;
  for (; k < n4; k += LANES) {
    // lanes are −1 where non-finite: subtracting counts them
    acc = i32x4.sub(acc, i32x4.eq(v128.and(v128.load(at(x, k)), em), em));
  }
  let c = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; k < n; k++) if ((load<i32>(at(x, k)) & EXP_MASK) == EXP_MASK) c++;
  return c;
}
