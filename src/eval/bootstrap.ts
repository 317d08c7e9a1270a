// Paired bootstrap resampling of corpus metrics, as sacreBLEU's --paired-bs
// (after Koehn 2004 and Moses' bootstrap-hypothesis-difference-significance):
// resample the test set's segments with replacement, the same resamples for
// every system, recompute each system's corpus score from its summed segment
// statistics, and report each system's mean and 95% interval over the
// resamples and, against the baseline (the first system), the p-value of the
// observed difference. The resamples are numpy's for the same seed
// (numpy-rng.ts), so the numbers equal sacreBLEU's.

import { bootstrapIndices } from "./numpy-rng.js";

/** sacreBLEU's defaults: 1,000 resamples, seed 12345 (its SACREBLEU_SEED). */
export const BOOTSTRAP_SAMPLES = 1000;
export const BOOTSTRAP_SEED = 12345;

export interface BootstrapSystem {
  name: string;
  /** per-segment sufficient statistics of the metric (e.g. bleuCorpusStats), one row per test segment */
  stats: readonly (readonly number[])[];
}

export interface BootstrapResult {
  name: string;
  /** the corpus score on the whole test set */
  score: number;
  /** mean of the resampled scores and half the width of their central 95% interval */
  mean: number;
  ci: number;
  /** the baseline (first system): null; others: p-value of |score − baseline score| */
  p: number | null;
}

export interface BootstrapOptions {
  samples?: number;
  seed?: number;
}

/** sacreBLEU's estimate_ci: the mean, and half the distance between the 1/40-th lowest and highest resampled scores. */
export function estimateCi(scores: readonly number[]): { mean: number; ci: number } {
  const s = Float64Array.from(scores).sort();
  const n = s.length;
  let sum = 0;
  for (const x of s) sum += x;
  const lower = Math.floor(n / 40), upper = n - lower - 1;
  return { mean: sum / n, ci: 0.5 * (s[upper] - s[lower]) };
}

/** Scores of every resample: score(Σ of the resampled segments' statistics). */
function resampledScores(stats: readonly (readonly number[])[], idx: Int32Array, samples: number, score: (s: number[]) => number): number[] {
  const n = stats.length, width = stats[0]?.length ?? 0;
  const out: number[] = [];
  const sum = new Array<number>(width);
  for (let r = 0; r < samples; r++) {
    sum.fill(0);
    for (let i = 0; i < n; i++) {
      const row = stats[idx[r * n + i]];
      for (let k = 0; k < width; k++) sum[k] += row[k];
    }
    out.push(score(sum));
  }
  return out;
}

/**
 * The paired bootstrap of `systems` (the first is the baseline) under the
 * metric `score`, which maps summed statistics to a corpus score. Every
 * system needs one statistics row per segment, the same segments in the
 * same order.
 */
export function pairedBootstrap(systems: readonly BootstrapSystem[], score: (summed: number[]) => number, o: BootstrapOptions = {}): BootstrapResult[] {
  const samples = o.samples ?? BOOTSTRAP_SAMPLES, seed = o.seed ?? BOOTSTRAP_SEED;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`bootstrap samples must be a positive integer, got ${samples}`);
  if (systems.length === 0) return [];
  const n = systems[0].stats.length;
  for (const s of systems) {
    if (s.stats.length !== n) throw new RangeError(`bootstrap: ${s.name} has ${s.stats.length} segments, the baseline ${systems[0].name} has ${n}`);
  }
  if (n === 0) throw new RangeError("bootstrap: no segments");
  const idx = bootstrapIndices(n, samples, seed);
  const total = (stats: readonly (readonly number[])[]) => {
    const sum = new Array<number>(stats[0].length).fill(0);
    for (const row of stats) for (let k = 0; k < row.length; k++) sum[k] += row[k];
    return score(sum);
  };
  const base = systems[0];
  const baseScore = total(base.stats);
  const baseResampled = resampledScores(base.stats, idx, samples, score);
  const out: BootstrapResult[] = [{ name: base.name, score: baseScore, ...estimateCi(baseResampled), p: null }];
  for (const sys of systems.slice(1)) {
    const sysScore = total(sys.stats);
    const resampled = resampledScores(sys.stats, idx, samples, score);
    // the observed difference against differences of the resamples centred on zero (the null hypothesis)
    const diff = Math.abs(sysScore - baseScore);
    const diffs = resampled.map((x, i) => Math.abs(x - baseResampled[i]));
    const meanDiff = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    let above = 0;
    for (const d of diffs) if (d - meanDiff > diff) above++;
    out.push({ name: sys.name, score: sysScore, ...estimateCi(resampled), p: (above + 1) / (samples + 1) });
  }
  return out;
}
