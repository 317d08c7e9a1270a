// The GRU and RNN step targets of the kernel benchmark (bench/cell-targets.ts)
// as docs/benchmarks.md reports them: GRU ÷ LSTM against the LSTM's headline
// variant with the bound 0.8× inclusive, baseline ÷ ours strictly above 1×,
// the same-method ratio only when the LSTM's headline is another variant, and
// no rows for cases or builds a run left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cellTargets, type TargetCase } from "../../bench/cell-targets.js";

const row = (impl: string, median: number, extra: { ours?: "simd" | "relaxed"; variant?: string; headline?: boolean } = {}) => ({ impl, median, ...extra });

function cases(gruSimd: number, ortRnn: number): TargetCase[] {
  return [
    { id: "lstm_b1", rows: [
      row("ours-simd", 0.2, { ours: "simd", variant: "2×gemm_nt" }),
      row("ours-simd", 0.1, { ours: "simd", variant: "[x;h] gemm_nt", headline: true }),
    ] },
    { id: "gru_b1", rows: [
      row("ours-simd", gruSimd, { ours: "simd", variant: "2×gemm_nt", headline: true }),
      row("ours-simd", 0.15, { ours: "simd", variant: "[x;h] r,z gemm_nt" }),
      row("tfjs-wasm", 0.3), row("ort-wasm", 0.2), row("js", 0.01),
    ] },
    { id: "rnn_b1", rows: [row("ours-simd", 0.05, { ours: "simd", variant: "2×gemm_nt", headline: true }), row("tfjs-wasm", 0.1), row("ort-wasm", ortRnn)] },
  ];
}

test("cell targets: ratios, bounds and the same-method comparison", () => {
  const t = cellTargets(cases(0.08, 0.05));
  assert.deepEqual(t.map((x) => [x.what, x.build]), [
    ["gru_b1 ÷ lstm_b1", "simd"],
    ["tfjs-wasm ÷ ours on gru_b1", "simd"], ["ort-wasm ÷ ours on gru_b1", "simd"],
    ["tfjs-wasm ÷ ours on rnn_b1", "simd"], ["ort-wasm ÷ ours on rnn_b1", "simd"],
  ]);
  const [g, , , , ortRnn] = t;
  assert.ok(Math.abs(g.ratio - 0.8) < 1e-12);
  assert.equal(g.met, true, "0.8× meets ≤ 0.8×");
  assert.equal(g.den.label, "LSTM [x;h] gemm_nt");
  assert.ok(g.vsSameMethod && Math.abs(g.vsSameMethod.ratio - 0.4) < 1e-12);
  assert.equal(ortRnn.ratio, 1);
  assert.equal(ortRnn.met, false, "a tie is not ahead");
  assert.equal(t.find((x) => x.what === "ort-wasm ÷ ours on gru_b1")!.met, true);
});

test("cell targets: the GRU's [x;h] r,z variant pairs with the LSTM's [x;h] one", () => {
  const c = cases(0.08, 0.05);
  const gru = c.find((x) => x.id === "gru_b1")!;
  gru.rows[0].headline = false;
  gru.rows[1] = { ...gru.rows[1], median: 0.07, headline: true };
  const g = cellTargets(c)[0];
  assert.ok(Math.abs(g.ratio - 0.7) < 1e-12);
  assert.equal(g.num.label, "GRU [x;h] r,z gemm_nt");
  assert.equal(g.vsSameMethod, undefined, "the LSTM's headline is the same method: no second ratio");
  // the LSTM's 2×gemm_nt the faster: the GRU's [x;h] r,z headline is compared with the LSTM's [x;h] too
  c.find((x) => x.id === "lstm_b1")!.rows[0].median = 0.05;
  c.find((x) => x.id === "lstm_b1")!.rows[0].headline = true;
  c.find((x) => x.id === "lstm_b1")!.rows[1].headline = false;
  const h = cellTargets(c)[0];
  assert.ok(h.vsSameMethod && Math.abs(h.vsSameMethod.ratio - 0.7) < 1e-12);
  assert.equal(h.vsSameMethod.label, "LSTM [x;h] gemm_nt");
});

test("cell targets: misses, and rows left out of a run", () => {
  const t = cellTargets(cases(0.09, 0.2));
  assert.equal(t[0].met, false);
  assert.equal(t.filter((x) => !x.met).length, 1);
  assert.equal(t.filter((x) => x.build === "relaxed").length, 0);
  assert.deepEqual(cellTargets(cases(0.08, 0.2).filter((c) => c.id !== "lstm_b1")).map((x) => x.what).filter((w) => w.includes("lstm")), []);
});
