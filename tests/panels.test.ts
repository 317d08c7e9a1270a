// Column panels (assembly/panels.ts, Model.packForDecoding): the packed
// layout, gemm_pn against the plain reference on odd sizes, and decoding with
// a packed model equal to decoding without (every model shape, both builds).
import { test } from "node:test";
import assert from "node:assert/strict";
import { engines, forEachGemmCase } from "./helpers/engines.js";
import { mulberry32, rand, gemmRef, maxAbsDiff } from "./helpers/reference.js";
import { Model } from "../src/model/model.js";
import { initialize } from "../src/train/init.js";
import { searchIds } from "../src/decode/search.js";
import { quantizeModel } from "../src/model/quant.js";
import { PANEL_MAX_ROWS } from "../src/model/linear.js";
import type { ModelConfig } from "../src/model/config.js";

test("pack_panels writes W[N,K] as [ceil(N/8)][K][8], zero-padded", async () => {
  for (const eng of await engines()) {
    const k = eng.kernels, ar = eng.arena;
    for (const [N, K, ldw] of [[1, 1, 1], [8, 3, 5], [13, 7, 7], [17, 2, 9]]) {
      const mark = ar.mark();
      const W = Float32Array.from({ length: N * ldw }, (_, i) => i + 1);
      const size = k.panels_size(N, K);
      assert.equal(size, Math.ceil(N / 8) * K * 8, `panels_size(${N}, ${K})`);
      const pw = ar.putF32(W), pp = ar.putF32(new Float32Array(size).fill(-1));
      k.pack_panels(N, K, pw, ldw, pp);
      const P = ar.f32(pp, size);
      for (let jp = 0; jp < Math.ceil(N / 8); jp++) {
        for (let kk = 0; kk < K; kk++) {
          for (let l = 0; l < 8; l++) {
            const j = jp * 8 + l;
            const want = j < N ? W[j * ldw + kk] : 0;
            assert.equal(P[(jp * K + kk) * 8 + l], want, `${eng.variant} N=${N} K=${K}: panel ${jp} k ${kk} lane ${l}`);
          }
        }
      }
      ar.release(mark);
    }
  }
});

test("gemm_pn = gemm_nt's product (odd sizes, every row-group path, strides, bias, accumulate)", async () => {
  // the single row runs k in four phases: every K mod 4 at M = 1 (K = 1, 5, 33, 257; 2; 3, 7; 12),
  // with partial last panels (N = 5, 7, 13, 131)
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 5], [2, 9, 3], [3, 8, 4], [4, 17, 13], [5, 33, 19], [6, 5, 2], [7, 24, 31], [9, 41, 64], [1, 131, 257],
    [1, 13, 7], [3, 22, 6], [1, 16, 33], [1, 9, 3], [1, 24, 12], [1, 5, 2],
  ];
  await forEachGemmCase(sizes, 11, ({ eng, rng, M, N, K, beta, withBias }) => {
    const k = eng.kernels, ar = eng.arena;
    const lda = K + 3, ldw = K + 1, ldc = N + 2;
    const A = rand(M * lda, rng), W = rand(N * ldw, rng), C = rand(M * ldc, rng);
    const bias = withBias ? rand(N, rng) : null;
    const pa = ar.putF32(A), pw = ar.putF32(W), pc = ar.putF32(C), pbias = bias ? ar.putF32(bias) : 0;
    const pp = ar.allocF32(k.panels_size(N, K));
    k.pack_panels(N, K, pw, ldw, pp);
    k.gemm_pn(M, N, K, pa, lda, pp, pc, ldc, pbias, beta);
    const want = C.slice();
    gemmRef("nt", M, N, K, A, lda, W, ldw, want, ldc, bias, beta);
    // the whole C, padding columns included: those must be untouched
    const d = maxAbsDiff(ar.f32(pc, M * ldc), want);
    assert.ok(d < 1e-4 * Math.max(1, Math.sqrt(K)), `${eng.variant} gemm_pn ${M}x${N}x${K} beta=${beta} bias=${withBias}: max diff ${d}`);
  });
});

const base: ModelConfig = {
  src_vocab_size: 37, tgt_vocab_size: 29, emb_dim: 12, enc_hidden: 10, bidirectional: true, enc_layers: 1,
  dec_layers: 2, dec_hidden: 14, attn_dim: 9, attention: "additive", decoder_style: "luong", input_feed: true,
};
const shapes: [string, Partial<ModelConfig>][] = [
  ["luong additive, input feeding, 2 layers", {}],
  ["bahdanau additive", { decoder_style: "bahdanau", dec_layers: 1, input_feed: false }],
  ["luong general, no feeding", { attention: "general", input_feed: false, attn_dim: 0 }],
  ["no attention (RNNenc)", { attention: "none", decoder_style: "bahdanau", dec_layers: 1, input_feed: false, attn_dim: 0, bidirectional: false, enc_layers: 2 }],
  ["gru, bahdanau additive (RNNsearch)", { cell: "gru", decoder_style: "bahdanau", dec_layers: 1, input_feed: false }],
  ["gru, luong additive, input feeding, 2 layers", { cell: "gru" }],
  ["rnn, luong general", { cell: "rnn", attention: "general", input_feed: false, attn_dim: 0 }],
];

test("a packed model decodes as the unpacked one (greedy and beam, every model shape)", async () => {
  const rnd = mulberry32(5);
  const srcs = Array.from({ length: 7 }, () => [...Array.from({ length: 1 + Math.floor(rnd() * 11) }, () => 4 + Math.floor(rnd() * 33)), 3]);
  for (const eng of await engines()) {
    for (const [label, over] of shapes) {
      const config = { ...base, ...over };
      const plain = Model.create(eng, config);
      initialize(plain, { kind: "uniform", range: 0.4 }, 3);
      const packed = Model.fromBytes(eng, plain.toBytes());
      const bytes = packed.packForDecoding();
      assert.ok(bytes > 0, `${eng.variant} ${label}: packForDecoding allocated panels`);
      assert.equal(packed.packForDecoding(), 0, `${eng.variant} ${label}: a second packForDecoding adds nothing`);
      for (const beam of [1, 3, PANEL_MAX_ROWS + 2]) {
        // batchSentences 1: few rows (gemm_pn); 4: more rows than PANEL_MAX_ROWS for beams ≥ 3 (gemm_nt)
        for (const batchSentences of [1, 4]) {
          const o = { beam, nbest: beam, batchSentences, attention: true };
          const a = searchIds(plain, srcs, o), b = searchIds(packed, srcs, o);
          for (let s = 0; s < srcs.length; s++) {
            for (let h = 0; h < a[s].length; h++) {
              const what = `${eng.variant} ${label} beam ${beam} batch ${batchSentences} sentence ${s} hyp ${h}`;
              assert.deepEqual(b[s][h].ids, a[s][h].ids, `${what}: same ids`);
              assert.ok(Math.abs(b[s][h].score - a[s][h].score) < 1e-4, `${what}: score ${b[s][h].score} vs ${a[s][h].score}`);
            }
          }
        }
      }
    }
  }
});

test("refresh() repacks the panels after the weights change; int8 matrices are not packed", async () => {
  const [eng] = await engines();
  const src = [[5, 9, 11, 3]];
  const a = Model.create(eng, base);
  initialize(a, { kind: "uniform", range: 0.4 }, 1);
  a.packForDecoding();
  const before = searchIds(a, src, { beam: 1 })[0][0];
  // new weights written in place, as a trainer's optimizer step does
  const b = Model.create(eng, base);
  initialize(b, { kind: "uniform", range: 0.4 }, 2);
  for (const s of a.specs) a.view(s.name).set(b.view(s.name));
  a.refresh();
  const got = searchIds(a, src, { beam: 1 })[0][0], want = searchIds(b, src, { beam: 1 })[0][0];
  assert.notDeepEqual(want.ids, before.ids, "the two initialisations translate differently (else this test proves nothing)");
  assert.deepEqual(got.ids, want.ids, "after refresh the packed model follows its new weights");
  assert.ok(Math.abs(got.score - want.score) < 1e-4, `score ${got.score} vs ${want.score}`);

  const q = Model.fromBytes(eng, quantizeModel(b));
  const plainOut = searchIds(q, src, { beam: 2 })[0][0];
  q.packForDecoding();
  assert.deepEqual(searchIds(q, src, { beam: 2 })[0][0], plainOut, "an int8 model decodes the same after packForDecoding");
});
