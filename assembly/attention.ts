// Attention family: scores, length mask, softmax and context for one decoder
// step over a batch, in one pass per row.
//
// Rows r = 0..B-1 are decoder rows (sentences, or sentences × beams). Each row
// reads the memory of sentence s = rowsrc[r] (rowsrc = 0: s = r), so the beams
// of one sentence share its memory and keys without copies.
//
//   mem:  [Bs, S, Dm] encoder outputs M (sentence s at mem + s·S·Dm)
//   keys: [Bs, S, Dk] per-sentence keys, computed once per sentence:
//           dot      keys = M                      (Dk = Dm)
//           general  keys = M·attn.weight           (keys_j = W·M_j, Dk = Hd)
//           additive keys = M·attn.keyᵀ + key.bias  (Dk = A)
//   lengths: i32[Bs]; positions j ≥ lengths[s] get α = 0 (score −∞)
//   alpha: [B, S] out (α, zero past the length); ctx: [B, Dm] out, stride ldctx
//
//   α = softmax(score),  ctx = Σ_j α_j M_j

import { at, madd, hsum, hmax, exp4, exp1, tanh4, tanh1, LANES } from "./vec";

// @ts-ignore: decorator
@inline function row_sentence(rowsrc: usize, r: i32): i32 {
  return rowsrc != 0 ? load<i32>(rowsrc + (<usize>r << 2)) : r;
}

// @ts-ignore: decorator
@inline function dot(x: usize, y: usize, n: i32): f32 {
  const n4 = n & ~(LANES - 1);
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k < n4; k += LANES) acc = madd(v128.load(at(x, k)), v128.load(at(y, k)), acc);
  let s = hsum(acc);
  for (; k < n; k++) s += load<f32>(at(x, k)) * load<f32>(at(y, k));
  return s;
}

/** p[0..L) = softmax(p[0..L)), p[L..S) = 0. */
// @ts-ignore: decorator
@inline function softmax_masked(p: usize, L: i32, S: i32): void {
  if (L <= 0) { memory.fill(p, 0, <usize>S << 2); return; }
  const L4 = L & ~(LANES - 1);
  let j = 0;
  let vm = f32x4.splat(-Infinity);
  for (; j < L4; j += LANES) vm = f32x4.max(vm, v128.load(at(p, j)));
  let m = hmax(vm);
  for (; j < L; j++) m = max(m, load<f32>(at(p, j)));
  const mv = f32x4.splat(m);
  let vs = f32x4.splat(0);
  for (j = 0; j < L4; j += LANES) {
    const e = exp4(f32x4.sub(v128.load(at(p, j)), mv));
    v128.store(at(p, j), e);
    vs = f32x4.add(vs, e);
  }
  let s = hsum(vs);
  for (; j < L; j++) {
    const e = exp1(load<f32>(at(p, j)) - m);
    store<f32>(at(p, j), e);
    s += e;
  }
  const inv = f32x4.splat(<f32>1.0 / s);
  for (j = 0; j < L4; j += LANES) v128.store(at(p, j), f32x4.mul(v128.load(at(p, j)), inv));
  const invs = <f32>1.0 / s;
  for (; j < L; j++) store<f32>(at(p, j), load<f32>(at(p, j)) * invs);
  if (L < S) memory.fill(at(p, L), 0, <usize>(S - L) << 2);
}

/** ctx[0..Dm) = Σ_{j<L} α_j · mem[j, 0..Dm) */
// @ts-ignore: decorator
@inline function context(alpha: usize, mem: usize, L: i32, Dm: i32, ctx: usize): void {
  const D4 = Dm & ~(LANES - 1);
  const sm = <usize>Dm << 2;
  let k = 0;
  // 4 vectors of the context at a time, streaming down the L memory rows
  for (; k + 4 * LANES <= D4; k += 4 * LANES) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let mp = mem + (<usize>k << 2);
    for (let j = 0; j < L; j++) {
      const w = v128.load32_splat(at(alpha, j));
      a0 = madd(w, v128.load(mp), a0);
      a1 = madd(w, v128.load(mp, 16), a1);
      a2 = madd(w, v128.load(mp, 32), a2);
      a3 = madd(w, v128.load(mp, 48), a3);
      mp += sm;
    }
    const cp = ctx + (<usize>k << 2);
    v128.store(cp, a0); v128.store(cp, a1, 16); v128.store(cp, a2, 32); v128.store(cp, a3, 48);
  }
  for (; k < D4; k += LANES) {
    let a0 = f32x4.splat(0);
    let mp = mem + (<usize>k << 2);
    for (let j = 0; j < L; j++) {
      a0 = madd(v128.load32_splat(at(alpha, j)), v128.load(mp), a0);
      mp += sm;
    }
    v128.store(ctx + (<usize>k << 2), a0);
  }
  for (; k < Dm; k++) {
    let s: f32 = 0;
    for (let j = 0; j < L; j++) s += load<f32>(at(alpha, j)) * load<f32>(mem + <usize>j * sm + (<usize>k << 2));
    store<f32>(at(ctx, k), s);
  }
}

/**
 * Multiplicative attention (Luong dot and general):
 *   score_j = q · keys_j          q: [B, Dk] rows of stride ldq
 */
export function attention_dot_forward(
  B: i32, S: i32, Dk: i32, Dm: i32,
  q: usize, ldq: i32,
  keys: usize, mem: usize,
  lengths: usize, rowsrc: usize,
  alpha: usize, ctx: usize, ldctx: i32,
): void {
  for (let r = 0; r < B; r++) {
    const s = row_sentence(rowsrc, r);
    const L = min(S, load<i32>(lengths + (<usize>s << 2)));
    const qr = q + <usize>r * (<usize>ldq << 2);
    const ks = keys + <usize>s * <usize>S * (<usize>Dk << 2);
    const ms = mem + <usize>s * <usize>S * (<usize>Dm << 2);
    const ar = alpha + <usize>r * (<usize>S << 2);
    for (let j = 0; j < L; j++) store<f32>(at(ar, j), dot(qr, ks + <usize>j * (<usize>Dk << 2), Dk));
    softmax_masked(ar, L, S);
    context(ar, ms, L, Dm, ctx + <usize>r * (<usize>ldctx << 2));
  }
}

/**
 * Additive attention (Bahdanau):
 *   score_j = v · tanh(qp + keys_j)     qp = q·attn.queryᵀ: [B, A] rows of stride ldq
 *                                       keys_j = attn.key·M_j + key.bias, v: [A]
 */
export function attention_additive_forward(
  B: i32, S: i32, A: i32, Dm: i32,
  qp: usize, ldq: i32,
  keys: usize, v: usize, mem: usize,
  lengths: usize, rowsrc: usize,
  alpha: usize, ctx: usize, ldctx: i32,
): void {
  const A4 = A & ~(LANES - 1);
  for (let r = 0; r < B; r++) {
    const s = row_sentence(rowsrc, r);
    const L = min(S, load<i32>(lengths + (<usize>s << 2)));
    const qr = qp + <usize>r * (<usize>ldq << 2);
    const ks = keys + <usize>s * <usize>S * (<usize>A << 2);
    const ms = mem + <usize>s * <usize>S * (<usize>Dm << 2);
    const ar = alpha + <usize>r * (<usize>S << 2);
    for (let j = 0; j < L; j++) {
      const kj = ks + <usize>j * (<usize>A << 2);
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k < A4; k += LANES) {
        const o = <usize>k << 2;
        acc = madd(v128.load(v + o), tanh4(f32x4.add(v128.load(qr + o), v128.load(kj + o))), acc);
      }
      let sc = hsum(acc);
      for (; k < A; k++) sc += load<f32>(at(v, k)) * tanh1(load<f32>(at(qr, k)) + load<f32>(at(kj, k)));
      store<f32>(at(ar, j), sc);
    }
    softmax_masked(ar, L, S);
    context(ar, ms, L, Dm, ctx + <usize>r * (<usize>ldctx << 2));
  }
}

// ---- backward ------------------------------------------------------------------
// Both backward kernels take the forward's α (alpha, [B, S]) and ∂L/∂ctx and
// recompute dα_j = dctx·M_j instead of caching it (no scratch memory):
//
//   ctx = Σ_j α_j M_j      →  dα_j = dctx·M_j,  dM_j += α_j dctx
//   α = softmax(score)     →  ds_j = α_j (dα_j − Σ_i α_i dα_i)
//
// Every gradient output accumulates (+=), so rows that share a sentence
// (rowsrc), and dot attention whose keys are the memory (dkeys = dmem), sum
// their contributions. Positions j ≥ lengths[s] contribute nothing.

/** y[0..n) += a · x[0..n) */
// @ts-ignore: decorator
@inline function axpy(y: usize, a: f32, x: usize, n: i32): void {
  const n4 = n & ~(LANES - 1);
  const av = f32x4.splat(a);
  let k = 0;
  for (; k < n4; k += LANES) v128.store(at(y, k), madd(av, v128.load(at(x, k)), v128.load(at(y, k))));
  for (; k < n; k++) store<f32>(at(y, k), a * load<f32>(at(x, k)) + load<f32>(at(y, k)));
}

/** Σ_{j<L} α_j (dctx·M_j), the softmax backward's shift. */
// @ts-ignore: decorator
@inline function alpha_dot_dalpha(alpha: usize, mem: usize, L: i32, Dm: i32, dctx: usize): f32 {
  let c: f32 = 0;
  const sm = <usize>Dm << 2;
  for (let j = 0; j < L; j++) c += load<f32>(at(alpha, j)) * dot(dctx, mem + <usize>j * sm, Dm);
  return c;
}

/**
 * Backward of attention_dot_forward.
 *
 *   q: [B, Dk] stride ldq; keys: [Bs, S, Dk]; mem: [Bs, S, Dm]; alpha: [B, S] (forward's α)
 *   dctx:  [B, Dm] stride lddctx, in: ∂L/∂ctx
 *   dq:    [B, Dk] stride lddq, accumulate: += Σ_j ds_j keys_j
 *   dkeys: [Bs, S, Dk], accumulate: dkeys_j += ds_j q
 *   dmem:  [Bs, S, Dm], accumulate: dmem_j += α_j dctx (may equal dkeys when keys = mem)
 *
 * Differentiates (attention_dot_forward):
 *   score_j = q · keys_j;  α = softmax(score);  ctx = Σ_j α_j M_j
 */
export function attention_dot_backward(
  B: i32, S: i32, Dk: i32, Dm: i32,
  q: usize, ldq: i32,
  keys: usize, mem: usize,
  lengths: usize, rowsrc: usize,
  alpha: usize,
  dctx: usize, lddctx: i32,
  dq: usize, lddq: i32,
  dkeys: usize, dmem: usize,
): void {
  const sk = <usize>Dk << 2, sm = <usize>Dm << 2;
  for (let r = 0; r < B; r++) {
    const s = row_sentence(rowsrc, r);
    const L = min(S, load<i32>(lengths + (<usize>s << 2)));
    if (L <= 0) continue;
    const qr = q + <usize>r * (<usize>ldq << 2);
    const dqr = dq + <usize>r * (<usize>lddq << 2);
    const dcr = dctx + <usize>r * (<usize>lddctx << 2);
    const ar = alpha + <usize>r * (<usize>S << 2);
    const base_k = <usize>s * <usize>S * sk, base_m = <usize>s * <usize>S * sm;
    const c = alpha_dot_dalpha(ar, mem + base_m, L, Dm, dcr);
    for (let j = 0; j < L; j++) {
      const a = load<f32>(at(ar, j));
      const mj = mem + base_m + <usize>j * sm;
      const ds = a * (dot(dcr, mj, Dm) - c);
      axpy(dqr, ds, keys + base_k + <usize>j * sk, Dk);
      axpy(dkeys + base_k + <usize>j * sk, ds, qr, Dk);
      axpy(dmem + base_m + <usize>j * sm, a, dcr, Dm);
    }
  }
}

/**
 * Backward of attention_additive_forward.
 *
 *   qp: [B, A] stride ldq; keys: [Bs, S, A]; v: [A]; mem: [Bs, S, Dm]; alpha: [B, S]
 *   dctx: [B, Dm] stride lddctx, in
 *   dqp:   [B, A] stride lddqp, accumulate: += Σ_j dpre_j
 *   dkeys: [Bs, S, A], accumulate: dkeys_j += dpre_j
 *   dv:    [A], accumulate: += Σ_r Σ_j ds_j u_j
 *   dmem:  [Bs, S, Dm], accumulate: dmem_j += α_j dctx
 * with u_j = tanh(qp + keys_j) recomputed and dpre_j = ds_j · v ⊙ (1 − u_j²).
 *
 * Differentiates (attention_additive_forward):
 *   score_j = v · tanh(qp + keys_j);  α = softmax(score);  ctx = Σ_j α_j M_j
 */
export function attention_additive_backward(
  B: i32, S: i32, A: i32, Dm: i32,
  qp: usize, ldq: i32,
  keys: usize, v: usize, mem: usize,
  lengths: usize, rowsrc: usize,
  alpha: usize,
  dctx: usize, lddctx: i32,
  dqp: usize, lddqp: i32,
  dkeys: usize, dv: usize, dmem: usize,
): void {
  const A4 = A & ~(LANES - 1);
  const sk = <usize>A << 2, sm = <usize>Dm << 2;
  const one = f32x4.splat(1.0);
  for (let r = 0; r < B; r++) {
    const s = row_sentence(rowsrc, r);
    const L = min(S, load<i32>(lengths + (<usize>s << 2)));
    if (L <= 0) continue;
    const qr = qp + <usize>r * (<usize>ldq << 2);
    const dqr = dqp + <usize>r * (<usize>lddqp << 2);
    const dcr = dctx + <usize>r * (<usize>lddctx << 2);
    const ar = alpha + <usize>r * (<usize>S << 2);
    const base_k = <usize>s * <usize>S * sk, base_m = <usize>s * <usize>S * sm;
    const c = alpha_dot_dalpha(ar, mem + base_m, L, Dm, dcr);
    for (let j = 0; j < L; j++) {
      const a = load<f32>(at(ar, j));
      const mj = mem + base_m + <usize>j * sm;
      const ds = a * (dot(dcr, mj, Dm) - c);
      axpy(dmem + base_m + <usize>j * sm, a, dcr, Dm);
      const kj = keys + base_k + <usize>j * sk, dkj = dkeys + base_k + <usize>j * sk;
      const dsv = f32x4.splat(ds);
      let k = 0;
      for (; k < A4; k += LANES) {
        const o = <usize>k << 2;
        const u = tanh4(f32x4.add(v128.load(qr + o), v128.load(kj + o)));
        v128.store(dv + o, madd(dsv, u, v128.load(dv + o)));
        const dpre = f32x4.mul(f32x4.mul(dsv, v128.load(v + o)), f32x4.sub(one, f32x4.mul(u, u)));
        v128.store(dqr + o, f32x4.add(v128.load(dqr + o), dpre));
        v128.store(dkj + o, f32x4.add(v128.load(dkj + o), dpre));
      }
      for (; k < A; k++) {
        const u = tanh1(load<f32>(at(qr, k)) + load<f32>(at(kj, k)));
        store<f32>(at(dv, k), ds * u + load<f32>(at(dv, k)));
        const dpre = ds * load<f32>(at(v, k)) * (1 - u * u);
        store<f32>(at(dqr, k), load<f32>(at(dqr, k)) + dpre);
        store<f32>(at(dkj, k), load<f32>(at(dkj, k)) + dpre);
      }
    }
  }
}
