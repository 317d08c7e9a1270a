// Targets of the GRU and RNN step rows of bench/kernels.bench.ts, as ratios of
// medians measured in the same run (bench/report.ts prints them; the bench
// prints them on the console):
//   - a GRU step takes ≤ 0.8× the time of an LSTM step at the same sizes, in
//     each of our builds (against the LSTM's faster variant, the headline row);
//   - GRU and RNN steps are ahead of tfjs-wasm and onnxruntime-web at every
//     batch size, in each of our builds.

export interface TargetRow {
  impl: string;
  variant?: string;
  ours?: "simd" | "relaxed";
  median: number;
  headline?: boolean;
}

export interface TargetCase {
  id: string;
  rows: TargetRow[];
}

export interface CellTarget {
  /** what is compared, e.g. "gru_b1 ÷ lstm_b1" or "ort-wasm ÷ ours on rnn_b32" */
  what: string;
  build: "simd" | "relaxed";
  /** numerator and denominator medians (ms) */
  num: { label: string; median: number };
  den: { label: string; median: number };
  ratio: number;
  /** "≤ 0.8×" or "> 1×" */
  bound: string;
  met: boolean;
  /** GRU over LSTM only: the ratio against the LSTM's variant of the GRU headline's method (sameMethod), when that is not the LSTM's headline (not a target) */
  vsSameMethod?: { label: string; median: number; ratio: number };
}

export const GRU_OVER_LSTM_MAX = 0.8;

/**
 * The LSTM variant computing the step the way a GRU variant does: the same
 * name, except that the GRU's "[x;h] r,z …" (r and z from one product over
 * [x; h], n apart) is the LSTM's "[x;h] …" (all four gates from one product).
 */
export function sameMethod(gruVariant: string | undefined): string | undefined {
  return gruVariant?.replace("[x;h] r,z ", "[x;h] ");
}
export const BASELINES = ["tfjs-wasm", "ort-wasm"] as const;
const BUILDS = ["simd", "relaxed"] as const;
const BATCHES = [1, 32];

/** Targets whose cases and rows are present (cases left out of a run are left out here). */
export function cellTargets(cases: TargetCase[]): CellTarget[] {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const ours = (id: string, build: string) => byId.get(id)?.rows.find((r) => r.headline && r.ours === build);
  const out: CellTarget[] = [];
  for (const B of BATCHES) {
    for (const build of BUILDS) {
      const g = ours(`gru_b${B}`, build), l = ours(`lstm_b${B}`, build);
      if (!g || !l) continue;
      const ratio = g.median / l.median;
      const same = byId.get(`lstm_b${B}`)!.rows.find((r) => r.ours === build && r.variant === sameMethod(g.variant));
      out.push({
        what: `gru_b${B} ÷ lstm_b${B}`, build, num: { label: `GRU ${g.variant ?? ""}`.trim(), median: g.median }, den: { label: `LSTM ${l.variant ?? ""}`.trim(), median: l.median },
        ratio, bound: `≤ ${GRU_OVER_LSTM_MAX}×`, met: ratio <= GRU_OVER_LSTM_MAX,
        ...(same && same !== l ? { vsSameMethod: { label: `LSTM ${same.variant}`, median: same.median, ratio: g.median / same.median } } : {}),
      });
    }
  }
  for (const cell of ["gru", "rnn"]) {
    for (const B of BATCHES) {
      const id = `${cell}_b${B}`;
      for (const build of BUILDS) {
        const o = ours(id, build);
        if (!o) continue;
        for (const base of BASELINES) {
          const b = byId.get(id)!.rows.find((r) => r.impl === base);
          if (!b) continue;
          const ratio = b.median / o.median;
          out.push({
            what: `${base} ÷ ours on ${id}`, build, num: { label: base, median: b.median }, den: { label: o.impl, median: o.median },
            ratio, bound: "> 1×", met: ratio > 1,
          });
        }
      }
    }
  }
  return out;
}
