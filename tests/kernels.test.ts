// Kernels against the plain TypeScript references, on sizes that are not
// multiples of 4 (the SIMD width) or of any register tile, in both builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadEngine } from "../src/engine/load-node.js";
import { engines } from "./helpers/engines.js";
import {
  mulberry32, rand, gemmRef, lstmCellRef, gruCellRef, rnnCellRef, softmaxMasked, logSoftmaxRef, maxAbsDiff,
} from "./helpers/reference.js";


const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 5], [3, 5, 7], [2, 4, 4], [5, 9, 13], [7, 3, 2], [17, 33, 19], [64, 65, 63], [70, 11, 130], [1, 131, 257],
];

test("gemm_nt, gemm_nn, gemm_tn match the reference (odd sizes, strides, bias, accumulate)", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(1);
    const k = eng.kernels, ar = eng.arena;
    for (const [M, N, K] of SIZES) {
      for (const layout of ["nt", "nn", "tn"] as const) {
        for (const beta of [0, 1]) {
          for (const withBias of [false, true]) {
            const mark = ar.mark();
            // padded leading dimensions to exercise strides
            const lda = (layout === "tn" ? M : K) + 3, ldb = (layout === "nt" ? K : N) + 1, ldc = N + 2;
            const aRows = layout === "tn" ? K : M, bRows = layout === "nt" ? N : K;
            const A = rand(aRows * lda, rng), B = rand(bRows * ldb, rng), C = rand(M * ldc, rng);
            const bias = withBias ? rand(N, rng) : null;
            const pa = ar.putF32(A), pb = ar.putF32(B), pc = ar.putF32(C), pbias = bias ? ar.putF32(bias) : 0;
            const fn = layout === "nt" ? k.gemm_nt : layout === "nn" ? k.gemm_nn : k.gemm_tn;
            fn(M, N, K, pa, lda, pb, ldb, pc, ldc, pbias, beta);
            const want = C.slice();
            gemmRef(layout, M, N, K, A, lda, B, ldb, want, ldc, bias, beta);
            const got = ar.f32(pc, M * ldc);
            // columns past N (the padding) must be untouched
            const d = maxAbsDiff(got, want);
            assert.ok(d < 1e-4 * Math.max(1, Math.sqrt(K)), `${eng.variant} gemm_${layout} ${M}x${N}x${K} beta=${beta} bias=${withBias}: max diff ${d}`);
            ar.release(mark);
          }
        }
      }
    }
  }
});

test("lstm_cell_forward matches the reference, masks by length and writes y/cy", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(2);
    const ar = eng.arena;
    for (const [B, H] of [[1, 1], [3, 5], [4, 8], [5, 13], [2, 64]]) {
      const mark = ar.mark();
      const ldg = 4 * H + 2;
      const gates = rand(B * ldg, rng, 3), h = rand(B * H, rng), c = rand(B * H, rng);
      const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? 2 : 5));
      const t = 3;
      const pg = ar.putF32(gates), ph = ar.putF32(h), pc = ar.putF32(c), pl = ar.putI32(lengths);
      const ldy = H + 3;
      const py = ar.putF32(new Float32Array(B * ldy).fill(7)), pcy = ar.putF32(new Float32Array(B * ldy).fill(7));
      eng.kernels.lstm_cell_forward(B, H, pg, ldg, ph, pc, py, ldy, pcy, ldy, pl, t);
      const g2 = gates.slice(), h2 = h.slice(), c2 = c.slice();
      lstmCellRef(B, H, g2, ldg, h2, c2, lengths, t);
      assert.ok(maxAbsDiff(ar.f32(ph, B * H), h2) < 1e-6, `${eng.variant} h B=${B} H=${H}`);
      assert.ok(maxAbsDiff(ar.f32(pc, B * H), c2) < 1e-6, `${eng.variant} c`);
      assert.ok(maxAbsDiff(ar.f32(pg, B * ldg), g2) < 1e-6, `${eng.variant} gates cache`);
      const y = ar.f32(py, B * ldy), cy = ar.f32(pcy, B * ldy);
      const hk = ar.f32(ph, B * H), ck = ar.f32(pc, B * H);
      for (let b = 0; b < B; b++) {
        const active = t < lengths[b];
        for (let k = 0; k < H; k++) {
          assert.equal(y[b * ldy + k], active ? hk[b * H + k] : 0);
          assert.equal(cy[b * ldy + k], ck[b * H + k]);
        }
        for (let k = H; k < ldy; k++) assert.equal(y[b * ldy + k], 7, "y padding untouched");
      }
      ar.release(mark);
    }
  }
});

/** Row b of y (stride ldy, width H) is h' for active rows and 0 for inactive ones; its padding (filled 7) untouched. */
function checkOutputRows(y: Float32Array, ldy: number, h: Float32Array, B: number, H: number, lengths: Int32Array, t: number, what: string): void {
  for (let b = 0; b < B; b++) {
    const active = t < lengths[b];
    for (let k = 0; k < H; k++) assert.equal(y[b * ldy + k], active ? h[b * H + k] : 0, `${what} y row ${b}`);
    for (let k = H; k < ldy; k++) assert.equal(y[b * ldy + k], 7, `${what} y padding untouched`);
  }
}

/** The sizes of the cell tests: B × H, H below, at and past the SIMD width, with scalar tails. */
const CELL_SIZES: [number, number][] = [[1, 1], [3, 5], [4, 8], [5, 13], [2, 64], [7, 33]];

test("gru_cell_forward matches the reference, masks by length, leaves gh alone and writes y", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(5);
    const ar = eng.arena;
    for (const [B, H] of CELL_SIZES) {
      const mark = ar.mark();
      const ldgx = 3 * H + 2, ldgh = 3 * H + 1, ldy = H + 3;
      const gx = rand(B * ldgx, rng, 3), gh = rand(B * ldgh, rng, 3), h = rand(B * H, rng);
      const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? 2 : 5));
      const t = 3;
      const pgx = ar.putF32(gx), pgh = ar.putF32(gh), ph = ar.putF32(h), pl = ar.putI32(lengths);
      const py = ar.putF32(new Float32Array(B * ldy).fill(7));
      eng.kernels.gru_cell_forward(B, H, pgx, ldgx, pgh, ldgh, ph, py, ldy, pl, t);
      const gx2 = gx.slice(), h2 = h.slice();
      gruCellRef(B, H, gx2, ldgx, gh, ldgh, h2, lengths, t);
      const what = `${eng.variant} gru B=${B} H=${H}`;
      const dh = maxAbsDiff(ar.f32(ph, B * H), h2), dg = maxAbsDiff(ar.f32(pgx, B * ldgx), gx2);
      assert.ok(dh < 1e-6, `${what} h: max diff ${dh}`);
      assert.ok(dg < 1e-6, `${what} gates cache: max diff ${dg}`);
      assert.deepEqual(ar.f32(pgh, B * ldgh), gh, `${what} gh untouched`);
      checkOutputRows(ar.f32(py, B * ldy), ldy, ar.f32(ph, B * H), B, H, lengths, t, what);
      for (let b = 0; b < B; b++) {
        if (t < lengths[b]) continue;
        for (let k = 0; k < H; k++) assert.equal(ar.f32(ph, B * H)[b * H + k], h[b * H + k], `${what} inactive h kept`);
      }
      // no lengths and no y: every row steps
      const pgx3 = ar.putF32(gx), ph3 = ar.putF32(h);
      eng.kernels.gru_cell_forward(B, H, pgx3, ldgx, pgh, ldgh, ph3, 0, 0, 0, t);
      const gx3 = gx.slice(), h3 = h.slice();
      gruCellRef(B, H, gx3, ldgx, gh, ldgh, h3, null, t);
      assert.ok(maxAbsDiff(ar.f32(ph3, B * H), h3) < 1e-6, `${what} h without lengths`);
      ar.release(mark);
    }
  }
});

test("rnn_cell_forward matches the reference, masks by length and writes y", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(6);
    const ar = eng.arena;
    for (const [B, H] of CELL_SIZES) {
      const mark = ar.mark();
      const ldg = H + 2, ldy = H + 3;
      const gates = rand(B * ldg, rng, 3), h = rand(B * H, rng);
      const lengths = Int32Array.from({ length: B }, (_, b) => (b % 3 === 1 ? 2 : 5));
      const t = 3;
      const pg = ar.putF32(gates), ph = ar.putF32(h), pl = ar.putI32(lengths);
      const py = ar.putF32(new Float32Array(B * ldy).fill(7));
      eng.kernels.rnn_cell_forward(B, H, pg, ldg, ph, py, ldy, pl, t);
      const g2 = gates.slice(), h2 = h.slice();
      rnnCellRef(B, H, g2, ldg, h2, lengths, t);
      const what = `${eng.variant} rnn B=${B} H=${H}`;
      const dh = maxAbsDiff(ar.f32(ph, B * H), h2), dg = maxAbsDiff(ar.f32(pg, B * ldg), g2);
      assert.ok(dh < 1e-6, `${what} h: max diff ${dh}`);
      assert.ok(dg < 1e-6, `${what} gates cache: max diff ${dg}`);
      checkOutputRows(ar.f32(py, B * ldy), ldy, ar.f32(ph, B * H), B, H, lengths, t, what);
      for (let b = 0; b < B; b++) {
        if (t < lengths[b]) continue;
        for (let k = 0; k < H; k++) assert.equal(ar.f32(ph, B * H)[b * H + k], h[b * H + k], `${what} inactive h kept`);
      }
      ar.release(mark);
    }
  }
});

function attentionRef(
  kind: "dot" | "additive", B: number, S: number, Dk: number, Dm: number,
  q: Float32Array, keys: Float32Array, v: Float32Array | null, mem: Float32Array,
  lengths: Int32Array, rowsrc: Int32Array,
): { alpha: number[][]; ctx: number[][] } {
  const alpha: number[][] = [], ctx: number[][] = [];
  for (let r = 0; r < B; r++) {
    const s = rowsrc[r], L = Math.min(S, lengths[s]);
    const scores = new Array(S).fill(0);
    for (let j = 0; j < L; j++) {
      let sc = 0;
      for (let k = 0; k < Dk; k++) {
        const qk = q[r * Dk + k], kk = keys[(s * S + j) * Dk + k];
        sc += kind === "dot" ? qk * kk : v![k] * Math.tanh(qk + kk);
      }
      scores[j] = sc;
    }
    const a = softmaxMasked(scores, L);
    alpha.push(a);
    const cx = new Array(Dm).fill(0);
    for (let j = 0; j < L; j++) for (let k = 0; k < Dm; k++) cx[k] += a[j] * mem[(s * S + j) * Dm + k];
    ctx.push(cx);
  }
  return { alpha, ctx };
}

test("attention (dot/general and additive) matches the reference with length masks and shared sentence rows", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(3);
    const ar = eng.arena;
    for (const [Bs, S, Dk, Dm] of [[1, 1, 1, 1], [2, 5, 7, 9], [3, 13, 4, 18], [2, 50, 33, 17]]) {
      for (const kind of ["dot", "additive"] as const) {
        const mark = ar.mark();
        const rowsrc = Int32Array.from([0, 1, 1, 2, 0].filter((s) => s < Bs));
        const B = rowsrc.length;
        const lengths = Int32Array.from({ length: Bs }, (_, s) => Math.max(1, S - 2 * s));
        const q = rand(B * Dk, rng, 2), keys = rand(Bs * S * Dk, rng), mem = rand(Bs * S * Dm, rng), v = rand(Dk, rng);
        const pq = ar.putF32(q), pk = ar.putF32(keys), pm = ar.putF32(mem), pv = ar.putF32(v);
        const pl = ar.putI32(lengths), pr = ar.putI32(rowsrc);
        const pa = ar.putF32(new Float32Array(B * S).fill(9)), pc = ar.putF32(new Float32Array(B * Dm));
        if (kind === "dot") eng.kernels.attention_dot_forward(B, S, Dk, Dm, pq, Dk, pk, pm, pl, pr, pa, pc, Dm);
        else eng.kernels.attention_additive_forward(B, S, Dk, Dm, pq, Dk, pk, pv, pm, pl, pr, pa, pc, Dm);
        const want = attentionRef(kind, B, S, Dk, Dm, q, keys, v, mem, lengths, rowsrc);
        assert.ok(maxAbsDiff(ar.f32(pa, B * S), want.alpha.flat()) < 1e-5, `${eng.variant} ${kind} alpha ${Bs},${S},${Dk},${Dm}`);
        assert.ok(maxAbsDiff(ar.f32(pc, B * Dm), want.ctx.flat()) < 1e-5, `${eng.variant} ${kind} ctx`);
        ar.release(mark);
      }
    }
  }
});

test("log_softmax_forward, gather_rows, tanh_forward, add_forward match the references", async () => {
  for (const eng of await engines()) {
    const rng = mulberry32(4);
    const ar = eng.arena, k = eng.kernels;
    for (const [R, V] of [[1, 1], [2, 3], [3, 17], [4, 1001]]) {
      const mark = ar.mark();
      const x = rand(R * (V + 1), rng, 20);
      const px = ar.putF32(x), po = ar.allocF32(R * V);
      k.log_softmax_forward(R, V, px, V + 1, po, V);
      const want: number[] = [];
      for (let r = 0; r < R; r++) want.push(...logSoftmaxRef(x.subarray(r * (V + 1), r * (V + 1) + V)));
      assert.ok(maxAbsDiff(ar.f32(po, R * V), want) < 2e-5, `${eng.variant} log_softmax ${R}x${V}`);
      // in place
      k.log_softmax_forward(R, V, px, V + 1, px, V + 1);
      for (let r = 0; r < R; r++) assert.ok(maxAbsDiff(ar.f32(px + r * (V + 1) * 4, V), want.slice(r * V, r * V + V)) < 2e-5);
      ar.release(mark);
    }
    const mark = ar.mark();
    const table = rand(10 * 7, rng), idx = Int32Array.from([3, 0, 9, 3, 5]);
    const pt = ar.putF32(table), pi = ar.putI32(idx), pd = ar.putF32(new Float32Array(5 * 9));
    k.gather_rows(5, 7, pt, 7, pi, pd, 9);
    const d = ar.f32(pd, 45);
    for (let n = 0; n < 5; n++) for (let j = 0; j < 7; j++) assert.equal(d[n * 9 + j], table[idx[n] * 7 + j]);
    const t = rand(3 * 11, rng, 10), pt2 = ar.putF32(t);
    k.tanh_forward(3, 9, pt2, 11);
    const tt = ar.f32(pt2, 33);
    for (let r = 0; r < 3; r++) for (let j = 0; j < 11; j++) {
      const w = j < 9 ? Math.tanh(t[r * 11 + j]) : t[r * 11 + j];
      assert.ok(Math.abs(tt[r * 11 + j] - w) < 5e-7, `tanh ${t[r * 11 + j]}`);
    }
    const a = rand(13, rng), b = rand(13, rng), pa = ar.putF32(a), pb = ar.putF32(b), py = ar.allocF32(13);
    k.add_forward(13, pa, pb, py);
    assert.ok(maxAbsDiff(ar.f32(py, 13), a.map((v, i) => v + b[i])) < 1e-7);
    ar.release(mark);
  }
});

test("tanh keeps its relative accuracy near 0 (no cancellation)", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const xs = Float32Array.from([1e-8, -3e-6, 1e-4, 2.5e-3, -0.01, 0.1]);
  const p = eng.arena.putF32(xs);
  eng.kernels.tanh_forward(1, xs.length, p, xs.length);
  const y = eng.arena.f32(p, xs.length);
  xs.forEach((x, i) => assert.ok(Math.abs(y[i] - Math.tanh(x)) <= 1e-6 * Math.abs(Math.tanh(x)), `tanh(${x}) = ${y[i]}`));
});

test("vectorised exp/tanh/sigmoid stay accurate over the whole range (via lstm cell)", async () => {
  const eng = await loadEngine({ variant: "simd" });
  const ar = eng.arena;
  const n = 2001, H = n;
  const gates = new Float32Array(4 * H);
  for (let k = 0; k < H; k++) {
    const x = -100 + (200 * k) / (H - 1);
    gates[k] = x; gates[H + k] = x; gates[2 * H + k] = x; gates[3 * H + k] = x;
  }
  const pg = ar.putF32(gates), ph = ar.zerosF32(H), pc = ar.zerosF32(H);
  eng.kernels.lstm_cell_forward(1, H, pg, 4 * H, ph, pc, 0, 0, 0, 0, 0, 0);
  const g = ar.f32(pg, 4 * H);
  for (let k = 0; k < H; k++) {
    const x = gates[k];
    assert.ok(Math.abs(g[k] - 1 / (1 + Math.exp(-x))) < 2e-7, `sigmoid(${x}) = ${g[k]}`);
    // rational tanh: ≲ 4e-7 absolute everywhere
    assert.ok(Math.abs(g[2 * H + k] - Math.tanh(x)) < 5e-7, `tanh(${x}) = ${g[2 * H + k]}`);
    assert.ok(Number.isFinite(g[k]) && Number.isFinite(g[2 * H + k]), `finite at ${gates[k]}`);
  }
});
