// Backward and optimizer kernels, in both builds, on sizes that are not
// multiples of 4 (the SIMD width):
//   (a) against plain float64 TypeScript references of the gradient formulas;
//   (b) against central differences of float64 reference *forwards* of a
//       scalar loss L = Σ w ⊙ output (w random), so the formulas themselves
//       are checked, not only their transcription;
//   plus the semantics the training loop relies on (packed-sequence masking,
//   accumulation, aliasing, label smoothing, dropout streams, Adam).
import { test } from "node:test";
import assert from "node:assert/strict";
import { engines } from "./helpers/engines.js";
import { mulberry32, rand, sigmoid, softmaxMasked, logSoftmaxRef, maxAbsDiff } from "./helpers/reference.js";


// ---- helpers ------------------------------------------------------------------

type Vec = ArrayLike<number>;

function maxAbs(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |got − want| relative to the size of want (floored, so all-zero gradients compare absolutely). */
function relErr(got: Vec, want: Vec): number {
  return maxAbsDiff(got, want) / Math.max(maxAbs(want), 1e-3);
}

function assertClose(got: Vec, want: Vec, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const e = relErr(got, want);
  assert.ok(e < tol, `${what}: relative error ${e.toExponential(2)} ≥ ${tol}`);
}

/** Central differences of f with respect to every element of x (x is restored). */
function numGrad(f: () => number, x: Float64Array, h = 1e-4): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i];
    x[i] = x0 + h;
    const fp = f();
    x[i] = x0 - h;
    const fm = f();
    x[i] = x0;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** [R, D] contiguous → [R, ld] rows with padding `fill`. */
function strided(src: Vec, R: number, D: number, ld: number, fill = Number.NaN): Float32Array {
  const out = new Float32Array(R * ld).fill(fill);
  for (let r = 0; r < R; r++) for (let k = 0; k < D; k++) out[r * ld + k] = src[r * D + k];
  return out;
}

/** [R, ld] rows → [R, D] contiguous copy. */
function unstride(src: Vec, R: number, D: number, ld: number): Float64Array {
  const out = new Float64Array(R * D);
  for (let r = 0; r < R; r++) for (let k = 0; k < D; k++) out[r * D + k] = src[r * ld + k];
  return out;
}

function sub(a: Vec, b: Vec): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}

function dot(w: Vec, y: Vec): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * y[i];
  return s;
}

// ---- LSTM -----------------------------------------------------------------------

/** One cell on one row in float64: z [4H] pre-activations, c [H] → activations, c', h'. */
function cellRef(H: number, z: Vec, zo: number, c: Vec, co: number) {
  const i = new Float64Array(H), f = new Float64Array(H), g = new Float64Array(H), o = new Float64Array(H);
  const cn = new Float64Array(H), hn = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    i[k] = sigmoid(z[zo + k]); f[k] = sigmoid(z[zo + H + k]);
    g[k] = Math.tanh(z[zo + 2 * H + k]); o[k] = sigmoid(z[zo + 3 * H + k]);
    cn[k] = f[k] * c[co + k] + i[k] * g[k];
    hn[k] = o[k] * Math.tanh(cn[k]);
  }
  return { i, f, g, o, cn, hn };
}

/** The gradient formulas of lstm_cell_backward in float64, from the cached activations. */
function cellBackwardRef(
  H: number, act: Vec, cp: Vec, cn: Vec, dh: Vec, dc: Vec,
): { dz: Float64Array; dcp: Float64Array } {
  const dz = new Float64Array(4 * H), dcp = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    const i = act[k], f = act[H + k], g = act[2 * H + k], o = act[3 * H + k];
    const tc = Math.tanh(cn[k]);
    const dct = dc[k] + dh[k] * o * (1 - tc * tc);
    dz[k] = dct * g * i * (1 - i);
    dz[H + k] = dct * cp[k] * f * (1 - f);
    dz[2 * H + k] = dct * i * (1 - g * g);
    dz[3 * H + k] = dh[k] * tc * o * (1 - o);
    dcp[k] = dct * f;
  }
  return { dz, dcp };
}

test("lstm_cell_backward: formulas, finite differences, masked rows pass through, aliasing, cprev = 0", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(11);
    const ar = eng.arena, k = eng.kernels;
    for (const [B, H] of [[1, 1], [3, 5], [2, 7], [4, 13], [5, 33]]) {
      const mark = ar.mark();
      const t = 3;
      const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? t : t + 2)); // rows 1, 4: inactive
      const active = (b: number) => t < lengths[b];
      const z = rand(B * 4 * H, rng, 2), cp = rand(B * H, rng, 1.5);
      const wh = rand(B * H, rng), wc = rand(B * H, rng);
      const ldg = 4 * H + 3, ldcp = H + 2, ldcn = H + 1, lddg = 4 * H + 1;

      // forward in wasm: gates cache and c_t (cy)
      const pg = ar.putF32(strided(z, B, 4 * H, ldg)), pl = ar.putI32(lengths);
      const ph = ar.zerosF32(B * H), pc = ar.putF32(cp), pcp = ar.putF32(strided(cp, B, H, ldcp));
      const pcn = ar.putF32(new Float32Array(B * ldcn).fill(Number.NaN));
      k.lstm_cell_forward(B, H, pg, ldg, ph, pc, 0, 0, pcn, ldcn, pl, t);

      // backward into a separate dgates (prefilled with garbage)
      const pdg = ar.putF32(new Float32Array(B * lddg).fill(9));
      const pdh = ar.putF32(wh), pdc = ar.putF32(wc);
      k.lstm_cell_backward(B, H, pg, ldg, pcp, ldcp, pcn, ldcn, pdh, pdc, pdg, lddg, pl, t);
      const dg = Float32Array.from(ar.f32(pdg, B * lddg)), dh = Float32Array.from(ar.f32(pdh, B * H));
      const dc = Float32Array.from(ar.f32(pdc, B * H));
      const act = Float32Array.from(ar.f32(pg, B * ldg)), cn = Float32Array.from(ar.f32(pcn, B * ldcn));

      // float64 forward of L = Σ_active wh·h_t + wc·c_t, for finite differences
      const z64 = Float64Array.from(z), cp64 = Float64Array.from(cp);
      const loss = () => {
        let L = 0;
        for (let b = 0; b < B; b++) {
          if (!active(b)) continue;
          const r = cellRef(H, z64, b * 4 * H, cp64, b * H);
          for (let j = 0; j < H; j++) L += wh[b * H + j] * r.hn[j] + wc[b * H + j] * r.cn[j];
        }
        return L;
      };
      const fdZ = numGrad(loss, z64), fdC = numGrad(loss, cp64);

      for (let b = 0; b < B; b++) {
        const dgRow = dg.subarray(b * lddg, b * lddg + 4 * H);
        for (let j = 4 * H; j < lddg; j++) assert.equal(dg[b * lddg + j], 9, "dgates padding untouched");
        if (!active(b)) {
          assert.ok(dgRow.every((x) => x === 0), `${eng.variant} inactive row ${b}: dgates = 0`);
          for (let j = 0; j < H; j++) {
            assert.equal(dh[b * H + j], wh[b * H + j], "inactive dh passes through");
            assert.equal(dc[b * H + j], wc[b * H + j], "inactive dc passes through");
          }
          continue;
        }
        assert.ok(dh.subarray(b * H, (b + 1) * H).every((x) => x === 0), "active dh consumed");
        const ref = cellBackwardRef(
          H, act.subarray(b * ldg, b * ldg + 4 * H), cp.subarray(b * H, (b + 1) * H),
          cn.subarray(b * ldcn, b * ldcn + H), wh.subarray(b * H, (b + 1) * H), wc.subarray(b * H, (b + 1) * H),
        );
        const what = `${eng.variant} lstm B=${B} H=${H} row ${b}`;
        assertClose(dgRow, ref.dz, 1e-5, `${what} dz vs formula`);
        assertClose(dc.subarray(b * H, (b + 1) * H), ref.dcp, 1e-5, `${what} dc vs formula`);
        assertClose(dgRow, fdZ.subarray(b * 4 * H, (b + 1) * 4 * H), 1e-3, `${what} dz vs finite differences`);
        assertClose(dc.subarray(b * H, (b + 1) * H), fdC.subarray(b * H, (b + 1) * H), 1e-3, `${what} dc vs finite differences`);
      }

      // dgates aliasing gates (same pointer and ld) gives the same numbers
      const pdh2 = ar.putF32(wh), pdc2 = ar.putF32(wc);
      k.lstm_cell_backward(B, H, pg, ldg, pcp, ldcp, pcn, ldcn, pdh2, pdc2, pg, ldg, pl, t);
      const inplace = ar.f32(pg, B * ldg);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < 4 * H; j++) assert.equal(inplace[b * ldg + j], dg[b * lddg + j], "aliased dgates");
      }
      assert.deepEqual(ar.f32(pdc2, B * H), dc);

      // cprev = 0 means c_{t−1} = 0
      const pz = ar.putF32(strided(z, B, 4 * H, ldg)), pc0 = ar.zerosF32(B * H), pcn0 = ar.allocF32(B * H);
      k.lstm_cell_forward(B, H, pz, ldg, ph, pc0, 0, 0, pcn0, H, 0, 0);
      const pzero = ar.zerosF32(B * H);
      const pdA = ar.allocF32(B * 4 * H), pdB = ar.allocF32(B * 4 * H);
      const pdhA = ar.putF32(wh), pdcA = ar.putF32(wc), pdhB = ar.putF32(wh), pdcB = ar.putF32(wc);
      k.lstm_cell_backward(B, H, pz, ldg, pzero, H, pcn0, H, pdhA, pdcA, pdA, 4 * H, 0, 0);
      k.lstm_cell_backward(B, H, pz, ldg, 0, 0, pcn0, H, pdhB, pdcB, pdB, 4 * H, 0, 0);
      assert.deepEqual(ar.f32(pdB, B * 4 * H), ar.f32(pdA, B * 4 * H));
      assert.deepEqual(ar.f32(pdcB, B * H), ar.f32(pdcA, B * H));
      ar.release(mark);
    }
  }
});

// ---- GRU and RNN ------------------------------------------------------------------

/** One GRU cell on one row in float64 (gate order r, z, n): gx, gh [3H] pre-activations, h [H] → r, z, n, h'. */
function gruRef(H: number, gx: Vec, xo: number, gh: Vec, go: number, h: Vec, ho: number) {
  const r = new Float64Array(H), z = new Float64Array(H), n = new Float64Array(H), hn = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    r[k] = sigmoid(gx[xo + k] + gh[go + k]);
    z[k] = sigmoid(gx[xo + H + k] + gh[go + H + k]);
    n[k] = Math.tanh(gx[xo + 2 * H + k] + r[k] * gh[go + 2 * H + k]);
    hn[k] = (1 - z[k]) * n[k] + z[k] * h[ho + k];
  }
  return { r, z, n, hn };
}

test("gru_cell_backward: formulas, finite differences, masked rows pass through, aliasing, hprev = 0", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(13);
    const ar = eng.arena, k = eng.kernels;
    for (const [B, H] of [[1, 1], [3, 5], [2, 7], [4, 13], [5, 33]]) {
      const mark = ar.mark();
      const t = 2;
      const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? t : t + 1)); // rows 1, 4: inactive
      const active = (b: number) => t < lengths[b];
      const gx = rand(B * 3 * H, rng, 2), gh = rand(B * 3 * H, rng, 2), hp = rand(B * H, rng, 1.5);
      const wh = rand(B * H, rng);
      const ldgx = 3 * H + 3, ldgh = 3 * H + 1, ldhp = H + 2, lddgx = 3 * H + 2, lddgh = 3 * H + 5;

      // forward in wasm: gx → cached r, z, n; h updated from a copy of h_{t−1}
      const pgx = ar.putF32(strided(gx, B, 3 * H, ldgx)), pgh = ar.putF32(strided(gh, B, 3 * H, ldgh));
      const pl = ar.putI32(lengths), ph = ar.putF32(hp), php = ar.putF32(strided(hp, B, H, ldhp));
      k.gru_cell_forward(B, H, pgx, ldgx, pgh, ldgh, ph, 0, 0, pl, t);

      // backward into separate dgx, dgh (prefilled with garbage)
      const pdgx = ar.putF32(new Float32Array(B * lddgx).fill(9)), pdgh = ar.putF32(new Float32Array(B * lddgh).fill(9));
      const pdh = ar.putF32(wh);
      k.gru_cell_backward(B, H, pgx, ldgx, pgh, ldgh, php, ldhp, pdh, pdgx, lddgx, pdgh, lddgh, pl, t);
      const dgx = Float32Array.from(ar.f32(pdgx, B * lddgx)), dgh = Float32Array.from(ar.f32(pdgh, B * lddgh));
      const dh = Float32Array.from(ar.f32(pdh, B * H));

      // float64 forward of L = Σ_active wh·h_t, for finite differences in gx, gh and h_{t−1}
      const gx64 = Float64Array.from(gx), gh64 = Float64Array.from(gh), hp64 = Float64Array.from(hp);
      const loss = () => {
        let L = 0;
        for (let b = 0; b < B; b++) {
          if (!active(b)) continue;
          const r = gruRef(H, gx64, b * 3 * H, gh64, b * 3 * H, hp64, b * H);
          for (let j = 0; j < H; j++) L += wh[b * H + j] * r.hn[j];
        }
        return L;
      };
      const fdX = numGrad(loss, gx64), fdH = numGrad(loss, gh64), fdP = numGrad(loss, hp64);

      for (let b = 0; b < B; b++) {
        const dxRow = dgx.subarray(b * lddgx, b * lddgx + 3 * H), dhRow = dgh.subarray(b * lddgh, b * lddgh + 3 * H);
        for (let j = 3 * H; j < lddgx; j++) assert.equal(dgx[b * lddgx + j], 9, "dgx padding untouched");
        for (let j = 3 * H; j < lddgh; j++) assert.equal(dgh[b * lddgh + j], 9, "dgh padding untouched");
        if (!active(b)) {
          assert.ok(dxRow.every((x) => x === 0) && dhRow.every((x) => x === 0), `${eng.variant} inactive row ${b}: dgx = dgh = 0`);
          for (let j = 0; j < H; j++) assert.equal(dh[b * H + j], wh[b * H + j], "inactive dh passes through");
          continue;
        }
        // the formulas, from the forward's r, z, n
        const r = gruRef(H, gx, b * 3 * H, gh, b * 3 * H, hp, b * H);
        const fx = new Float64Array(3 * H), fh = new Float64Array(3 * H), fp = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const d = wh[b * H + j];
          const dn = d * (1 - r.z[j]) * (1 - r.n[j] * r.n[j]);
          const dz = d * (hp[b * H + j] - r.n[j]) * r.z[j] * (1 - r.z[j]);
          const dr = dn * gh[b * 3 * H + 2 * H + j] * r.r[j] * (1 - r.r[j]);
          fx[j] = dr; fx[H + j] = dz; fx[2 * H + j] = dn;
          fh[j] = dr; fh[H + j] = dz; fh[2 * H + j] = dn * r.r[j];
          fp[j] = d * r.z[j];
        }
        const what = `${eng.variant} gru B=${B} H=${H} row ${b}`;
        assertClose(dxRow, fx, 1e-5, `${what} dgx vs formula`);
        assertClose(dhRow, fh, 1e-5, `${what} dgh vs formula`);
        assertClose(dh.subarray(b * H, (b + 1) * H), fp, 1e-5, `${what} dh vs formula`);
        assertClose(dxRow, fdX.subarray(b * 3 * H, (b + 1) * 3 * H), 1e-3, `${what} dgx vs finite differences`);
        assertClose(dhRow, fdH.subarray(b * 3 * H, (b + 1) * 3 * H), 1e-3, `${what} dgh vs finite differences`);
        assertClose(dh.subarray(b * H, (b + 1) * H), fdP.subarray(b * H, (b + 1) * H), 1e-3, `${what} dh vs finite differences`);
      }

      // dgx aliasing the cached gates and dgh aliasing gh (same pointer and ld) give the same numbers
      const pgh2 = ar.putF32(strided(gh, B, 3 * H, ldgh)), pdh2 = ar.putF32(wh);
      k.gru_cell_backward(B, H, pgx, ldgx, pgh2, ldgh, php, ldhp, pdh2, pgx, ldgx, pgh2, ldgh, pl, t);
      const ix = ar.f32(pgx, B * ldgx), ih = ar.f32(pgh2, B * ldgh);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < 3 * H; j++) {
          assert.equal(ix[b * ldgx + j], dgx[b * lddgx + j], "aliased dgx");
          assert.equal(ih[b * ldgh + j], dgh[b * lddgh + j], "aliased dgh");
        }
      }
      assert.deepEqual(ar.f32(pdh2, B * H), dh);

      // hprev = 0 means h_{t−1} = 0
      const pxa = ar.putF32(strided(gx, B, 3 * H, ldgx)), ph0 = ar.zerosF32(B * H);
      k.gru_cell_forward(B, H, pxa, ldgx, pgh, ldgh, ph0, 0, 0, 0, 0);
      const pzero = ar.zerosF32(B * H);
      const pA = ar.allocF32(B * 3 * H), pB = ar.allocF32(B * 3 * H), qA = ar.allocF32(B * 3 * H), qB = ar.allocF32(B * 3 * H);
      const pdhA = ar.putF32(wh), pdhB = ar.putF32(wh);
      k.gru_cell_backward(B, H, pxa, ldgx, pgh, ldgh, pzero, H, pdhA, pA, 3 * H, qA, 3 * H, 0, 0);
      k.gru_cell_backward(B, H, pxa, ldgx, pgh, ldgh, 0, 0, pdhB, pB, 3 * H, qB, 3 * H, 0, 0);
      assert.deepEqual(ar.f32(pB, B * 3 * H), ar.f32(pA, B * 3 * H));
      assert.deepEqual(ar.f32(qB, B * 3 * H), ar.f32(qA, B * 3 * H));
      assert.deepEqual(ar.f32(pdhB, B * H), ar.f32(pdhA, B * H));
      ar.release(mark);
    }
  }
});

test("rnn_cell_backward: formula, finite differences, masked rows pass through, aliasing", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(14);
    const ar = eng.arena, k = eng.kernels;
    for (const [B, H] of [[1, 1], [3, 5], [2, 7], [4, 13], [5, 33]]) {
      const mark = ar.mark();
      const t = 4;
      const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? t : t + 3));
      const active = (b: number) => t < lengths[b];
      const z = rand(B * H, rng, 2), wh = rand(B * H, rng);
      const ldg = H + 3, lddg = H + 1;
      const pg = ar.putF32(strided(z, B, H, ldg)), pl = ar.putI32(lengths), ph = ar.zerosF32(B * H);
      k.rnn_cell_forward(B, H, pg, ldg, ph, 0, 0, pl, t);
      const pdg = ar.putF32(new Float32Array(B * lddg).fill(9)), pdh = ar.putF32(wh);
      k.rnn_cell_backward(B, H, pg, ldg, pdh, pdg, lddg, pl, t);
      const dg = Float32Array.from(ar.f32(pdg, B * lddg)), dh = Float32Array.from(ar.f32(pdh, B * H));

      const z64 = Float64Array.from(z);
      const loss = () => {
        let L = 0;
        for (let b = 0; b < B; b++) if (active(b)) for (let j = 0; j < H; j++) L += wh[b * H + j] * Math.tanh(z64[b * H + j]);
        return L;
      };
      const fd = numGrad(loss, z64);
      for (let b = 0; b < B; b++) {
        const row = dg.subarray(b * lddg, b * lddg + H);
        for (let j = H; j < lddg; j++) assert.equal(dg[b * lddg + j], 9, "dgates padding untouched");
        if (!active(b)) {
          assert.ok(row.every((x) => x === 0), `${eng.variant} inactive row ${b}: dgates = 0`);
          for (let j = 0; j < H; j++) assert.equal(dh[b * H + j], wh[b * H + j], "inactive dh passes through");
          continue;
        }
        assert.ok(dh.subarray(b * H, (b + 1) * H).every((x) => x === 0), "active dh consumed");
        const f = Float64Array.from({ length: H }, (_, j) => {
          const hn = Math.tanh(z[b * H + j]);
          return wh[b * H + j] * (1 - hn * hn);
        });
        const what = `${eng.variant} rnn B=${B} H=${H} row ${b}`;
        assertClose(row, f, 1e-5, `${what} dz vs formula`);
        assertClose(row, fd.subarray(b * H, (b + 1) * H), 1e-3, `${what} dz vs finite differences`);
      }
      const pdh2 = ar.putF32(wh);
      k.rnn_cell_backward(B, H, pg, ldg, pdh2, pg, ldg, pl, t);
      const ip = ar.f32(pg, B * ldg);
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) assert.equal(ip[b * ldg + j], dg[b * lddg + j], "aliased dgates");
      ar.release(mark);
    }
  }
});

test("LSTM backpropagation through time over packed sequences (cell backward + gemm_nn/gemm_tn) matches finite differences", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(12);
    const ar = eng.arena, k = eng.kernels;
    for (const [B, H, T] of [[3, 5, 4], [4, 6, 5]]) {
      const mark = ar.mark();
      const lengths = Int32Array.from({ length: B }, (_, b) => [T, 2, T - 1, 1][b % 4]);
      const G = 4 * H;
      const zin = rand(T * B * G, rng), whh = rand(G * H, rng, 0.5), h0 = rand(B * H, rng), c0 = rand(B * H, rng);
      // weights of the outputs y_t (zero at padded positions: their y is the constant 0), of the final h and c
      const wy = rand(T * B * H, rng), wh = rand(B * H, rng), wc = rand(B * H, rng);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= lengths[b]) wy.fill(0, (t * B + b) * H, (t * B + b + 1) * H);

      const zin64 = Float64Array.from(zin), whh64 = Float64Array.from(whh), h064 = Float64Array.from(h0), c064 = Float64Array.from(c0);
      const loss = () => {
        const h = Float64Array.from(h064), c = Float64Array.from(c064);
        let L = 0;
        const z = new Float64Array(G);
        for (let t = 0; t < T; t++) {
          for (let b = 0; b < B; b++) {
            if (t >= lengths[b]) continue;
            for (let r = 0; r < G; r++) {
              let s = zin64[(t * B + b) * G + r];
              for (let j = 0; j < H; j++) s += whh64[r * H + j] * h[b * H + j];
              z[r] = s;
            }
            const o = cellRef(H, z, 0, c, b * H);
            h.set(o.hn, b * H);
            c.set(o.cn, b * H);
            for (let j = 0; j < H; j++) L += wy[(t * B + b) * H + j] * o.hn[j];
          }
        }
        return L + dot(wh, h) + dot(wc, c);
      };

      // wasm forward, caching gates, c_t and h_{t−1} per step
      const ph = ar.putF32(h0), pc = ar.putF32(c0), pl = ar.putI32(lengths), pw = ar.putF32(whh);
      const pc0 = ar.putF32(c0);
      const gates: number[] = [], cs: number[] = [], hs: number[] = [];
      for (let t = 0; t < T; t++) {
        const pg = ar.putF32(zin.subarray(t * B * G, (t + 1) * B * G));
        const phs = ar.allocF32(B * H);
        ar.f32(phs, B * H).set(ar.f32(ph, B * H));
        k.gemm_nt(B, G, H, ph, H, pw, H, pg, G, 0, 1);
        const pcy = ar.allocF32(B * H);
        k.lstm_cell_forward(B, H, pg, G, ph, pc, 0, 0, pcy, H, pl, t);
        gates.push(pg); cs.push(pcy); hs.push(phs);
      }

      // wasm backward
      const pdh = ar.putF32(wh), pdc = ar.putF32(wc), pdw = ar.zerosF32(G * H);
      const dzin = new Float64Array(T * B * G);
      for (let t = T - 1; t >= 0; t--) {
        const dhv = ar.f32(pdh, B * H);
        for (let i = 0; i < B * H; i++) dhv[i] += wy[t * B * H + i];
        // dgates in place of the gates cache
        k.lstm_cell_backward(B, H, gates[t], G, t > 0 ? cs[t - 1] : pc0, H, cs[t], H, pdh, pdc, gates[t], G, pl, t);
        k.gemm_tn(G, H, B, gates[t], G, hs[t], H, pdw, H, 0, 1); // dW_hh += dzᵀ·h_{t−1}
        k.gemm_nn(B, H, G, gates[t], G, pw, H, pdh, H, 0, 1); // dh_{t−1} += dz·W_hh
        dzin.set(ar.f32(gates[t], B * G), t * B * G);
      }
      const what = `${eng.variant} BPTT B=${B} H=${H} T=${T}`;
      assertClose(dzin, numGrad(loss, zin64), 1e-3, `${what} dz_in`);
      assertClose(ar.f32(pdw, G * H), numGrad(loss, whh64), 1e-3, `${what} dW_hh`);
      assertClose(ar.f32(pdh, B * H), numGrad(loss, h064), 1e-3, `${what} dh0`);
      assertClose(ar.f32(pdc, B * H), numGrad(loss, c064), 1e-3, `${what} dc0`);
      ar.release(mark);
    }
  }
});

// ---- attention ----------------------------------------------------------------------

interface AttnInputs {
  B: number; S: number; Dk: number; Dm: number;
  q: Float64Array; keys: Float64Array; v: Float64Array; mem: Float64Array;
  lengths: Int32Array; rowsrc: Int32Array;
}

/** float64 forward: α [B,S] and ctx [B,Dm] (keys = mem when `tied`). */
function attnForwardRef(kind: "dot" | "additive", x: AttnInputs, tied = false): { alpha: number[][]; ctx: Float64Array } {
  const { B, S, Dk, Dm, q, v, lengths, rowsrc } = x;
  const keys = tied ? x.mem : x.keys, mem = x.mem;
  const alpha: number[][] = [];
  const ctx = new Float64Array(B * Dm);
  for (let r = 0; r < B; r++) {
    const s = rowsrc[r], L = Math.max(0, Math.min(S, lengths[s]));
    const sc = new Array(S).fill(0);
    for (let j = 0; j < L; j++) {
      let a = 0;
      for (let d = 0; d < Dk; d++) {
        const kk = keys[(s * S + j) * Dk + d];
        a += kind === "dot" ? q[r * Dk + d] * kk : v[d] * Math.tanh(q[r * Dk + d] + kk);
      }
      sc[j] = a;
    }
    const al = L > 0 ? softmaxMasked(sc, L) : new Array(S).fill(0);
    alpha.push(al);
    for (let j = 0; j < L; j++) for (let d = 0; d < Dm; d++) ctx[r * Dm + d] += al[j] * mem[(s * S + j) * Dm + d];
  }
  return { alpha, ctx };
}

/** float64 gradient formulas of both attention backward kernels. */
function attnBackwardRef(kind: "dot" | "additive", x: AttnInputs, dctx: Vec, tied = false) {
  const { B, S, Dk, Dm, q, v, lengths, rowsrc } = x;
  const keys = tied ? x.mem : x.keys, mem = x.mem;
  const { alpha } = attnForwardRef(kind, x, tied);
  const dq = new Float64Array(B * Dk), dkeys = new Float64Array(keys.length), dmem = new Float64Array(mem.length);
  const dv = new Float64Array(Dk);
  for (let r = 0; r < B; r++) {
    const s = rowsrc[r], L = Math.max(0, Math.min(S, lengths[s]));
    const da = new Array(L).fill(0);
    for (let j = 0; j < L; j++) for (let d = 0; d < Dm; d++) da[j] += dctx[r * Dm + d] * mem[(s * S + j) * Dm + d];
    let c = 0;
    for (let j = 0; j < L; j++) c += alpha[r][j] * da[j];
    for (let j = 0; j < L; j++) {
      const ds = alpha[r][j] * (da[j] - c);
      for (let d = 0; d < Dm; d++) dmem[(s * S + j) * Dm + d] += alpha[r][j] * dctx[r * Dm + d];
      for (let d = 0; d < Dk; d++) {
        const kj = (s * S + j) * Dk + d;
        if (kind === "dot") {
          dq[r * Dk + d] += ds * keys[kj];
          dkeys[kj] += ds * q[r * Dk + d];
        } else {
          const u = Math.tanh(q[r * Dk + d] + keys[kj]);
          dv[d] += ds * u;
          const dpre = ds * v[d] * (1 - u * u);
          dq[r * Dk + d] += dpre;
          dkeys[kj] += dpre;
        }
      }
    }
  }
  if (tied) for (let i = 0; i < dmem.length; i++) dmem[i] += dkeys[i];
  return { dq, dkeys, dv, dmem };
}

const ATTN_SIZES: [number, number, number, number][] = [[1, 1, 1, 1], [2, 5, 7, 9], [3, 7, 5, 5], [2, 13, 6, 3], [3, 9, 17, 17]];

for (const kind of ["dot", "additive"] as const) {
  test(`attention_${kind}_backward: formulas, finite differences, accumulation, shared sentences, masks`, async () => {
    for (const eng of await engines()) {
      const rng = mulberry32(kind === "dot" ? 21 : 22);
      const ar = eng.arena, k = eng.kernels;
      for (const [Bs, S, Dk, Dm] of ATTN_SIZES) {
        const mark = ar.mark();
        const rowsrc = Int32Array.from([0, 1, 1, 2, 0].filter((s) => s < Bs));
        const B = rowsrc.length;
        // sentence 2 (when present) has length 0 in the [3, 7, 5, 5] case: no contribution at all
        const lengths = Int32Array.from({ length: Bs }, (_, s) => (S === 7 && s === 2 ? 0 : Math.max(1, S - 2 * s)));
        const x: AttnInputs = {
          B, S, Dk, Dm, lengths, rowsrc,
          q: Float64Array.from(rand(B * Dk, rng, 1.5)), keys: Float64Array.from(rand(Bs * S * Dk, rng)),
          v: Float64Array.from(rand(Dk, rng)), mem: Float64Array.from(rand(Bs * S * Dm, rng)),
        };
        const w = rand(B * Dm, rng); // L = Σ w ⊙ ctx, so dctx = w
        const ldq = Dk + 1, lddctx = Dm + 3, lddq = Dk + 2;
        const pq = ar.putF32(strided(x.q, B, Dk, ldq)), pk = ar.putF32(x.keys), pm = ar.putF32(x.mem), pv = ar.putF32(x.v);
        const pl = ar.putI32(lengths), pr = ar.putI32(rowsrc);
        const pa = ar.allocF32(B * S), pc = ar.allocF32(B * Dm);
        if (kind === "dot") k.attention_dot_forward(B, S, Dk, Dm, pq, ldq, pk, pm, pl, pr, pa, pc, Dm);
        else k.attention_additive_forward(B, S, Dk, Dm, pq, ldq, pk, pv, pm, pl, pr, pa, pc, Dm);

        // gradient outputs start non-zero: the kernels accumulate
        const dq0 = rand(B * lddq, rng), dk0 = rand(x.keys.length, rng), dm0 = rand(x.mem.length, rng), dv0 = rand(Dk, rng);
        const pdctx = ar.putF32(strided(w, B, Dm, lddctx));
        const pdq = ar.putF32(dq0), pdk = ar.putF32(dk0), pdm = ar.putF32(dm0), pdv = ar.putF32(dv0);
        if (kind === "dot") k.attention_dot_backward(B, S, Dk, Dm, pq, ldq, pk, pm, pl, pr, pa, pdctx, lddctx, pdq, lddq, pdk, pdm);
        else k.attention_additive_backward(B, S, Dk, Dm, pq, ldq, pk, pv, pm, pl, pr, pa, pdctx, lddctx, pdq, lddq, pdk, pdv, pdm);
        const dq = unstride(sub(ar.f32(pdq, B * lddq), dq0), B, Dk, lddq);
        for (let r = 0; r < B; r++) for (let d = Dk; d < lddq; d++) assert.equal(ar.f32(pdq, B * lddq)[r * lddq + d], dq0[r * lddq + d], "dq padding");
        const dkeys = sub(ar.f32(pdk, x.keys.length), dk0), dmem = sub(ar.f32(pdm, x.mem.length), dm0);
        const dv = sub(ar.f32(pdv, Dk), dv0);

        const what = `${eng.variant} ${kind} ${Bs},${S},${Dk},${Dm}`;
        const ref = attnBackwardRef(kind, x, w);
        assertClose(dq, ref.dq, 1e-5, `${what} dq vs formula`);
        assertClose(dkeys, ref.dkeys, 1e-5, `${what} dkeys vs formula`);
        assertClose(dmem, ref.dmem, 1e-5, `${what} dmem vs formula`);
        if (kind === "additive") assertClose(dv, ref.dv, 1e-5, `${what} dv vs formula`);

        const loss = () => dot(w, attnForwardRef(kind, x).ctx);
        assertClose(dq, numGrad(loss, x.q), 1e-3, `${what} dq vs finite differences`);
        assertClose(dkeys, numGrad(loss, x.keys), 1e-3, `${what} dkeys vs finite differences`);
        assertClose(dmem, numGrad(loss, x.mem), 1e-3, `${what} dmem vs finite differences`);
        if (kind === "additive") assertClose(dv, numGrad(loss, x.v), 1e-3, `${what} dv vs finite differences`);

        // positions past a sentence's length get nothing
        for (let s = 0; s < Bs; s++) {
          for (let j = Math.max(0, lengths[s]); j < S; j++) {
            for (let d = 0; d < Dk; d++) assert.equal(dkeys[(s * S + j) * Dk + d], 0, "masked dkeys");
            for (let d = 0; d < Dm; d++) assert.equal(dmem[(s * S + j) * Dm + d], 0, "masked dmem");
          }
        }
        ar.release(mark);
      }
    }
  });
}

test("attention_dot_backward with keys = mem and dkeys = dmem (plain dot attention) sums both paths", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(23);
    const ar = eng.arena, k = eng.kernels;
    for (const [Bs, S, D] of [[1, 3, 1], [2, 6, 7], [3, 11, 9]]) {
      const mark = ar.mark();
      const rowsrc = Int32Array.from([0, 1, 1, 2, 0].filter((s) => s < Bs)), B = rowsrc.length;
      const lengths = Int32Array.from({ length: Bs }, (_, s) => Math.max(1, S - 2 * s));
      const x: AttnInputs = {
        B, S, Dk: D, Dm: D, lengths, rowsrc,
        q: Float64Array.from(rand(B * D, rng, 1.5)), keys: new Float64Array(0), v: new Float64Array(0),
        mem: Float64Array.from(rand(Bs * S * D, rng)),
      };
      const w = rand(B * D, rng);
      const pq = ar.putF32(x.q), pm = ar.putF32(x.mem), pl = ar.putI32(lengths), pr = ar.putI32(rowsrc);
      const pa = ar.allocF32(B * S), pc = ar.allocF32(B * D);
      k.attention_dot_forward(B, S, D, D, pq, D, pm, pm, pl, pr, pa, pc, D);
      const pdctx = ar.putF32(w), pdq = ar.zerosF32(B * D), pdm = ar.zerosF32(x.mem.length);
      k.attention_dot_backward(B, S, D, D, pq, D, pm, pm, pl, pr, pa, pdctx, D, pdq, D, pdm, pdm);
      const loss = () => dot(w, attnForwardRef("dot", x, true).ctx);
      const what = `${eng.variant} tied dot ${Bs},${S},${D}`;
      const ref = attnBackwardRef("dot", x, w, true);
      assertClose(ar.f32(pdm, x.mem.length), ref.dmem, 1e-5, `${what} dmem vs formula`);
      assertClose(ar.f32(pdm, x.mem.length), numGrad(loss, x.mem), 1e-3, `${what} dmem vs finite differences`);
      assertClose(ar.f32(pdq, B * D), numGrad(loss, x.q), 1e-3, `${what} dq vs finite differences`);
      ar.release(mark);
    }
  }
});

// ---- cross-entropy ----------------------------------------------------------------

/** PyTorch CrossEntropyLoss(label_smoothing=ε, ignore_index=0, reduction="sum") written its own way. */
function torchStyleLoss(logits: Vec, R: number, V: number, ld: number, targets: Int32Array, eps: number): number {
  let nll = 0, smooth = 0;
  for (let r = 0; r < R; r++) {
    if (targets[r] === 0) continue;
    const lp = logSoftmaxRef(Array.from({ length: V }, (_, j) => logits[r * ld + j]));
    nll -= lp[targets[r]];
    smooth -= lp.reduce((a, b) => a + b, 0);
  }
  return (1 - eps) * nll + (eps / V) * smooth;
}

test("log_softmax_xent_backward: loss (direct and PyTorch formula), gradient vs formula and finite differences, pad rows, aliasing", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(31);
    const ar = eng.arena, k = eng.kernels;
    for (const [R, V] of [[2, 3], [3, 17], [5, 33], [4, 1001]]) {
      for (const eps of [0, 0.1]) {
        for (const scale of [1, 0.37]) {
          const mark = ar.mark();
          const ldx = V + 1, ldl = V + 2, ldd = V + 3;
          const x = rand(R * ldx, rng, 4);
          const targets = Int32Array.from({ length: R }, (_, r) => (r === 1 ? 0 : 1 + Math.floor(rng() * (V - 1))));
          const px = ar.putF32(x), plp = ar.putF32(new Float32Array(R * ldl).fill(Number.NaN));
          const pt = ar.putI32(targets), pd = ar.putF32(new Float32Array(R * ldd).fill(7));
          k.log_softmax_forward(R, V, px, ldx, plp, ldl);
          const logp = Float64Array.from(ar.f32(plp, R * ldl));
          const loss = k.log_softmax_xent_backward(R, V, plp, ldl, pt, eps, scale, pd, ldd);
          const d = Float32Array.from(ar.f32(pd, R * ldd));
          const what = `${eng.variant} xent ${R}x${V} eps=${eps} scale=${scale}`;

          // loss: −Σ q·logp on the kernel's own logp, and PyTorch's (1−ε)·nll + ε·mean(−logp) from the logits
          const f32eps = Math.fround(eps);
          let direct = 0;
          for (let r = 0; r < R; r++) {
            if (targets[r] === 0) continue;
            for (let j = 0; j < V; j++) direct -= ((j === targets[r] ? 1 - f32eps : 0) + f32eps / V) * logp[r * ldl + j];
          }
          assert.ok(Math.abs(loss - direct) < 1e-5 * Math.max(1, Math.abs(direct)), `${what}: loss ${loss} vs direct ${direct}`);
          const torchLoss = torchStyleLoss(x, R, V, ldx, targets, eps);
          assert.ok(Math.abs(loss - torchLoss) < 1e-5 * Math.max(1, Math.abs(torchLoss)), `${what}: loss ${loss} vs PyTorch formula ${torchLoss}`);

          // gradient: scale·(softmax − q), and finite differences of scale·loss(logits)
          const grad = unstride(d, R, V, ldd);
          const want = new Float64Array(R * V);
          for (let r = 0; r < R; r++) {
            if (targets[r] === 0) continue;
            const lp = logSoftmaxRef(Array.from({ length: V }, (_, j) => x[r * ldx + j]));
            for (let j = 0; j < V; j++) want[r * V + j] = scale * (Math.exp(lp[j]) - (eps / V + (j === targets[r] ? 1 - eps : 0)));
          }
          assertClose(grad, want, 1e-5, `${what} dlogits vs formula`);
          if (V < 100) {
            const x64 = Float64Array.from(unstride(x, R, V, ldx));
            const fd = numGrad(() => scale * torchStyleLoss(x64, R, V, V, targets, eps), x64);
            assertClose(grad, fd, 1e-3, `${what} dlogits vs finite differences`);
          }
          for (let r = 0; r < R; r++) {
            for (let j = V; j < ldd; j++) assert.equal(d[r * ldd + j], 7, "dlogits padding untouched");
            if (targets[r] === 0) for (let j = 0; j < V; j++) assert.equal(d[r * ldd + j], 0, "pad row: dlogits = 0");
          }

          // in place over logp (same pointer and ld): same loss and gradient
          const loss2 = k.log_softmax_xent_backward(R, V, plp, ldl, pt, eps, scale, plp, ldl);
          assert.equal(loss2, loss);
          assert.deepEqual(unstride(ar.f32(plp, R * ldl), R, V, ldl), grad);
          ar.release(mark);
        }
      }
    }
  }
});

test("log_softmax_xent_backward matches torch.nn.CrossEntropyLoss(label_smoothing, ignore_index=0, reduction='sum')", async () => {
  // tools-free fixture: values printed by PyTorch 1.13 (float64) for these logits and targets
  const logits = [[0.5, -1.25, 2.0, 0.0, 0.75], [1.0, 2.0, 3.0, 4.0, 5.0], [-0.5, 0.25, -2.0, 1.5, 0.125]];
  const targets = [2, 0, 4];
  const torch: Record<string, { loss: number; grad: number[][] }> = {
    "0": {
      loss: 2.429513153548385,
      grad: [[0.13252020542860424, 0.023028558684191642, -0.40608564373166944, 0.08037756762386503, 0.17015931199500864],
        [0, 0, 0, 0, 0],
        [0.07938125655247241, 0.16805012144031908, 0.017712352487336772, 0.586552557869825, -0.8516962883499533]],
    },
    "0.1": {
      loss: 2.614513153548385,
      grad: [[0.11252020542860423, 0.0030285586841916415, -0.3260856437316695, 0.06037756762386502, 0.15015931199500865],
        [0, 0, 0, 0, 0],
        [0.05938125655247241, 0.1480501214403191, -0.002287647512663228, 0.566552557869825, -0.7716962883499533]],
    },
  };
  for (const eng of await engines()) {
    const ar = eng.arena, k = eng.kernels;
    for (const eps of [0, 0.1]) {
      const mark = ar.mark();
      const px = ar.putF32(logits.flat()), pt = ar.putI32(targets);
      k.log_softmax_forward(3, 5, px, 5, px, 5);
      const loss = k.log_softmax_xent_backward(3, 5, px, 5, pt, eps, 1, px, 5);
      const want = torch[String(eps)];
      assert.ok(Math.abs(loss - want.loss) < 1e-5, `${eng.variant} eps=${eps}: loss ${loss} vs PyTorch ${want.loss}`);
      assert.ok(maxAbsDiff(ar.f32(px, 15), want.grad.flat()) < 1e-6, `${eng.variant} eps=${eps}: gradient vs PyTorch`);
      ar.release(mark);
    }
  }
});

// ---- rows: embedding, tanh, bias -------------------------------------------------------

test("embedding_backward scatter-adds repeated ids (formula and finite differences of gather_rows)", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(41);
    const ar = eng.arena, k = eng.kernels;
    for (const E of [1, 5, 8, 13]) {
      const mark = ar.mark();
      const V = 6, N = 9, ldx = E + 3;
      const ids = Int32Array.from([3, 0, 5, 3, 3, 1, 0, 5, 2]);
      const table = rand(V * E, rng), w = rand(N * E, rng), init = rand(V * E, rng);
      const pdx = ar.putF32(strided(w, N, E, ldx)), pi = ar.putI32(ids), pt = ar.putF32(init);
      k.embedding_backward(N, E, pdx, ldx, pi, pt);
      const got = sub(ar.f32(pt, V * E), init);
      const want = new Float64Array(V * E);
      for (let n = 0; n < N; n++) for (let j = 0; j < E; j++) want[ids[n] * E + j] += w[n * E + j];
      assertClose(got, want, 1e-6, `${eng.variant} embedding E=${E} vs formula`);
      // L = Σ w ⊙ gather(table, ids)
      const t64 = Float64Array.from(table);
      const loss = () => {
        let L = 0;
        for (let n = 0; n < N; n++) for (let j = 0; j < E; j++) L += w[n * E + j] * t64[ids[n] * E + j];
        return L;
      };
      assertClose(got, numGrad(loss, t64), 1e-3, `${eng.variant} embedding E=${E} vs finite differences`);
      ar.release(mark);
    }
  }
});

test("tanh_backward (strided, formula and finite differences of tanh)", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(42);
    const ar = eng.arena, k = eng.kernels;
    for (const [R, D] of [[1, 1], [3, 7], [2, 9], [4, 13]]) {
      const mark = ar.mark();
      const ldy = D + 2, lddy = D + 1;
      const x = rand(R * D, rng, 2), w = rand(R * D, rng);
      const py = ar.putF32(strided(x, R, D, ldy)), pdy = ar.putF32(strided(w, R, D, lddy, 5));
      k.tanh_forward(R, D, py, ldy);
      const y = unstride(ar.f32(py, R * ldy), R, D, ldy);
      k.tanh_backward(R, D, py, ldy, pdy, lddy);
      const dyv = ar.f32(pdy, R * lddy);
      for (let r = 0; r < R; r++) for (let j = D; j < lddy; j++) assert.equal(dyv[r * lddy + j], 5, "padding untouched");
      const got = unstride(dyv, R, D, lddy);
      assertClose(got, Array.from(w, (v, i) => v * (1 - y[i] * y[i])), 1e-6, `${eng.variant} tanh ${R}x${D} vs formula`);
      const x64 = Float64Array.from(x);
      const fd = numGrad(() => dot(w, Array.from(x64, Math.tanh)), x64);
      assertClose(got, fd, 1e-3, `${eng.variant} tanh ${R}x${D} vs finite differences`);
      ar.release(mark);
    }
  }
});

test("sum_rows: β = 0 (ignores NaN), 1, 0.5; finite differences of a bias add", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(43);
    const ar = eng.arena, k = eng.kernels;
    for (const [R, N] of [[1, 1], [3, 5], [7, 9], [5, 33]]) {
      for (const beta of [0, 1, 0.5]) {
        const mark = ar.mark();
        const ldx = N + 2;
        const x = rand(R * N, rng), out0 = beta === 0 ? new Float32Array(N + 1).fill(Number.NaN) : rand(N + 1, rng);
        const px = ar.putF32(strided(x, R, N, ldx)), po = ar.putF32(out0);
        k.sum_rows(R, N, px, ldx, po, beta);
        const want = new Float64Array(N);
        for (let j = 0; j < N; j++) {
          want[j] = beta === 0 ? 0 : beta * out0[j];
          for (let r = 0; r < R; r++) want[j] += x[r * N + j];
        }
        const got = ar.f32(po, N + 1);
        assertClose(got.subarray(0, N), want, 1e-6, `${eng.variant} sum_rows ${R}x${N} beta=${beta}`);
        assert.ok(Object.is(got[N], out0[N]), "out past N untouched");
        if (beta === 0) {
          // y = x + bias (broadcast over rows), L = Σ w ⊙ y with w = x here: db = Σ_r w[r, :]
          const b64 = new Float64Array(N);
          const loss = () => {
            let L = 0;
            for (let r = 0; r < R; r++) for (let j = 0; j < N; j++) L += x[r * N + j] * (x[r * N + j] + b64[j]);
            return L;
          };
          assertClose(got.subarray(0, N), numGrad(loss, b64), 1e-3, `${eng.variant} sum_rows ${R}x${N} vs finite differences`);
        }
        ar.release(mark);
      }
    }
  }
});

// ---- dropout --------------------------------------------------------------------

/** XXH32 of one 4-byte little-endian word (the xxHash reference algorithm). */
function xxh32Word(word: number, seed: number): number {
  const P2 = 0x85ebca77, P3 = 0xc2b2ae3d, P4 = 0x27d4eb2f, P5 = 0x165667b1;
  let h = (seed + P5 + 4) >>> 0;
  h = (h + Math.imul(word >>> 0, P3)) >>> 0;
  h = Math.imul((h << 17) | (h >>> 15), P4) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, P2) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, P3) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function dropoutMaskRef(n: number, p: number, seed: number, offset: number): Float32Array {
  const m = new Float32Array(n);
  const pf = Math.fround(p), scale = pf < 1 ? Math.fround(1 / Math.fround(1 - pf)) : 0;
  for (let i = 0; i < n; i++) {
    const u = (xxh32Word((offset + i) >>> 0, seed >>> 0) >>> 8) / 16777216;
    m[i] = u >= pf ? scale : 0;
  }
  return m;
}

test("the dropout stream is XXH32 (known answers from libxxhash 0.8.1)", () => {
  // XXH32(le32(word), seed), printed by the C library
  const known: [number, number, number][] = [
    [0, 0, 0x08d6d969], [1, 0, 0xf3bb7693], [7, 42, 0xd27c6d24], [123456789, 0xdeadbeef, 0xa99fa405], [0xffffffff, 1, 0x5fb84d20],
  ];
  for (const [word, seed, h] of known) assert.equal(xxh32Word(word, seed), h, `XXH32(${word}, ${seed})`);
});

test("dropout_forward: the XXH32 stream, determinism, pieces by offset, keep rate, scale, p = 0; mul_forward is its backward", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(51);
    const ar = eng.arena, k = eng.kernels;
    const run = (n: number, x: Float32Array, p: number, seed: number, offset: number) => {
      const mark = ar.mark();
      const px = ar.putF32(x), pm = ar.allocF32(n);
      k.dropout_forward(n, px, pm, p, seed | 0, offset | 0);
      const out = { x: Float32Array.from(ar.f32(px, n)), mask: Float32Array.from(ar.f32(pm, n)) };
      ar.release(mark);
      return out;
    };
    // bit-exact against the reference stream, odd sizes, offsets near the 2³² wrap
    for (const [n, p, seed, offset] of [[1, 0.5, 1, 0], [7, 0.3, 42, 5], [1001, 0.1, 0xdeadbeef, 0xfffffffe], [13, 0.9, 7, 0x7ffffffd]]) {
      const x = rand(n, rng);
      const got = run(n, x, p, seed, offset);
      const mask = dropoutMaskRef(n, p, seed, offset);
      assert.deepEqual(got.mask, mask, `${eng.variant} mask n=${n} seed=${seed} offset=${offset}`);
      assert.deepEqual(got.x, Float32Array.from(x, (v, i) => v * mask[i]));
    }
    // deterministic; a tensor processed in pieces (offset = first index) gets the same mask
    const n = 1003, x = rand(n, rng);
    const whole = run(n, x, 0.25, 99, 1000);
    assert.deepEqual(run(n, x, 0.25, 99, 1000).mask, whole.mask);
    const a = run(437, x.subarray(0, 437), 0.25, 99, 1000), b = run(n - 437, x.subarray(437), 0.25, 99, 1437);
    assert.deepEqual(Float32Array.from([...a.mask, ...b.mask]), whole.mask, "pieces by offset");
    assert.notDeepEqual(run(n, x, 0.25, 100, 1000).mask, whole.mask, "another seed, another mask");
    // keep rate ≈ 1 − p over 100k elements (5σ), values exactly {0, 1/(1−p)}
    const big = 100_000, ones = new Float32Array(big).fill(1);
    for (const p of [0.1, 0.3, 0.5]) {
      const { x: y, mask } = run(big, ones, p, 1234 + Math.round(p * 10), 0);
      const scale = Math.fround(1 / Math.fround(1 - Math.fround(p)));
      let kept = 0;
      for (let i = 0; i < big; i++) {
        if (mask[i] !== 0) {
          kept++;
          assert.equal(mask[i], scale);
        }
        assert.equal(y[i], mask[i]);
      }
      const sigma = Math.sqrt(big * p * (1 - p));
      assert.ok(Math.abs(kept - big * (1 - p)) < 5 * sigma, `${eng.variant} p=${p}: kept ${kept} of ${big}`);
    }
    // p = 0 keeps everything unchanged
    const z = run(1001, x.subarray(0, 1001), 0, 5, 17);
    assert.ok(z.mask.every((m) => m === 1), "p = 0: mask = 1");
    assert.deepEqual(z.x, x.subarray(0, 1001));
    // backward: dx = dy ⊙ mask (mul_forward), which is the derivative of Σ w ⊙ dropout(x)
    const mark = ar.mark();
    const m = 13, w = rand(m, rng);
    const { mask } = run(m, rand(m, rng), 0.4, 3, 0);
    const pw = ar.putF32(w), pmask = ar.putF32(mask), pdx = ar.allocF32(m);
    k.mul_forward(m, pw, pmask, pdx);
    const dx = Float32Array.from(ar.f32(pdx, m));
    assert.deepEqual(dx, Float32Array.from(w, (v, i) => v * mask[i]));
    const x64 = Float64Array.from(rand(m, rng));
    assertClose(dx, numGrad(() => dot(w, Array.from(x64, (v, i) => v * mask[i])), x64), 1e-3, `${eng.variant} dropout vs finite differences`);
    k.mul_forward(m, pw, pmask, pw); // in place
    assert.deepEqual(ar.f32(pw, m), dx);
    ar.release(mark);
  }
});

// ---- optimizers and reductions -------------------------------------------------------

test("sgd_update and adam_update (3 steps vs a float64 reference and vs torch.optim.Adam)", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(61);
    const ar = eng.arena, k = eng.kernels;
    for (const n of [1, 7, 13, 1001]) {
      const mark = ar.mark();
      const p0 = rand(n, rng), g = rand(n, rng);
      const pp = ar.putF32(p0), pg = ar.putF32(g);
      k.sgd_update(n, pp, pg, 0.3);
      assertClose(ar.f32(pp, n), Array.from(p0, (v, i) => v - 0.3 * g[i]), 1e-6, `${eng.variant} sgd n=${n}`);

      const lr = 1e-2, b1 = 0.9, b2 = 0.98, eps = 1e-9;
      const p = Float64Array.from(p0), m = new Float64Array(n), v = new Float64Array(n);
      const pa = ar.putF32(p0), pm = ar.zerosF32(n), pv = ar.zerosF32(n);
      for (let t = 1; t <= 3; t++) {
        const gt = rand(n, rng, t);
        if (n > 1) gt[1] = 0; // a zero gradient
        const pgt = ar.putF32(gt);
        const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
        k.adam_update(n, pa, pgt, pm, pv, lr, b1, b2, eps, bc1, bc2);
        for (let i = 0; i < n; i++) {
          m[i] = b1 * m[i] + (1 - b1) * gt[i];
          v[i] = b2 * v[i] + (1 - b2) * gt[i] * gt[i];
          p[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
        }
      }
      assertClose(ar.f32(pm, n), m, 1e-5, `${eng.variant} adam m n=${n}`);
      assertClose(ar.f32(pv, n), v, 1e-5, `${eng.variant} adam v n=${n}`);
      // Adam's first steps move every weight by about lr: compare the updates
      assertClose(sub(ar.f32(pa, n), p0), sub(p, p0), 1e-4, `${eng.variant} adam p n=${n}`);
      ar.release(mark);
    }
    // the same three steps as torch.optim.Adam(lr=0.01, betas=(0.9, 0.98), eps=1e-9) (PyTorch 1.13, float32)
    const mark = ar.mark();
    const grads = [[0.1, -0.2, 0.3, 0.0, -1.5, 2.0, 1e-4], [0.2, 0.2, -0.3, 0.5, -1.0, -2.0, 0.0], [-0.05, 0.4, 0.3, -0.5, 0.25, 1.0, 3.0]];
    const pa = ar.putF32([0.5, -0.25, 1.0, -2.0, 0.0, 0.125, 3.0]), pm = ar.zerosF32(7), pv = ar.zerosF32(7);
    grads.forEach((gt, i) => {
      const t = i + 1;
      k.adam_update(7, pa, ar.putF32(gt), pm, pv, 0.01, 0.9, 0.98, 1e-9, 1 - 0.9 ** t, 1 - 0.98 ** t);
    });
    const torchP = [0.4744814336299896, -0.24595220386981964, 0.9871683716773987, -2.0069563388824463, 0.026314858347177505, 0.113773413002491, 2.9769394397735596];
    const torchM = [0.0210999995470047, 0.04179999977350235, 0.027300000190734863, -0.005000002682209015, -0.18649999797344208, 0.0819999948143959, 0.3000081181526184];
    const torchV = [0.0010260799899697304, 0.004752320237457752, 0.005292720627039671, 0.00989999994635582, 0.06406799703836441, 0.17523199319839478, 0.17999999225139618];
    assert.ok(maxAbsDiff(ar.f32(pa, 7), torchP) < 2e-6, `${eng.variant} adam p vs PyTorch: ${ar.f32(pa, 7)}`);
    // β arrive as f32 here (1 − f32(0.98) = 0.01999998), PyTorch forms 1 − β in double: ~1e-6 relative
    assertClose(ar.f32(pm, 7), torchM, 1e-5, `${eng.variant} adam m vs PyTorch`);
    assertClose(ar.f32(pv, 7), torchV, 1e-5, `${eng.variant} adam v vs PyTorch`);
    ar.release(mark);
  }
});

test("sum_squares (f64 accumulation), scale_forward, nonfinite_count", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(71);
    const ar = eng.arena, k = eng.kernels;
    for (const n of [0, 1, 3, 7, 1001, 100_003]) {
      const mark = ar.mark();
      const x = rand(n, rng, 3);
      const px = ar.putF32(x);
      let want = 0;
      for (let i = 0; i < n; i++) want += x[i] * x[i];
      const got = k.sum_squares(n, px);
      assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, want), `${eng.variant} sum_squares n=${n}: ${got} vs ${want}`);
      k.scale_forward(n, px, 0.25);
      assert.deepEqual(ar.f32(px, n), Float32Array.from(x, (v) => v * 0.25));
      assert.equal(k.nonfinite_count(n, px), 0);
      ar.release(mark);
    }
    // many small values where f32 accumulation would lose the sum
    const mark = ar.mark();
    const n = 1 << 20, px = ar.putF32(new Float32Array(n).fill(1e-3));
    const want = n * Math.fround(1e-3) ** 2;
    const ss = k.sum_squares(n, px);
    assert.ok(Math.abs(ss - want) < 1e-9 * want, `${eng.variant} sum_squares of 2²⁰ equal values: ${ss} vs ${want}`);
    // non-finite values in the vector body and the scalar tail; finite extremes and denormals do not count
    const vals = new Float32Array(23).fill(1);
    vals[0] = Number.NaN; vals[5] = Infinity; vals[6] = -Infinity; vals[21] = Number.NaN; vals[22] = -Infinity;
    vals[1] = 3.4028234663852886e38; vals[2] = -3.4028234663852886e38; vals[3] = 1e-45; vals[4] = -0;
    const pv = ar.putF32(vals);
    assert.equal(k.nonfinite_count(23, pv), 5);
    assert.equal(k.nonfinite_count(20, pv), 3);
    assert.equal(k.nonfinite_count(1, pv), 1);
    assert.equal(k.nonfinite_count(0, pv), 0);
    ar.release(mark);
  }
});
