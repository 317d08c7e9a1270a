// How the cold-start bench (edge-coldstart.bench.ts) turns request latencies
// into figures. workerd's clocks stand still while JavaScript runs, so work
// is timed from the client as a request that does it minus a request that
// does nothing. Subtracting one noisy sample from another gives "times" below
// zero, so the spread (p25, p75) is only ever shown for raw request latencies,
// and a figure is the difference of two medians, reported as 0 with
// `belowNoise` when the work is too small to show above the no-op's noise.

import { quantile } from "./stats.js";

/** Quantiles of raw request latencies (ms): all ≥ 0 because every sample is. */
export interface LatencyRow {
  name: string;
  median: number;
  p25: number;
  p75: number;
  n: number;
}

export function latencyRow(name: string, xs: readonly number[]): LatencyRow {
  if (xs.length === 0) throw new RangeError(`${name}: no samples`);
  if (xs.some((x) => !(x >= 0))) throw new RangeError(`${name}: a latency is negative or NaN`);
  const s = [...xs].sort((a, b) => a - b);
  return { name, median: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75), n: s.length };
}

/** The time of the work: median(work) − median(no-op), floored at 0 (then belowNoise). */
export function workTime(work: LatencyRow, noop: LatencyRow): { ms: number; belowNoise: boolean } {
  const d = work.median - noop.median;
  return d >= 0 ? { ms: d, belowNoise: false } : { ms: 0, belowNoise: true };
}
