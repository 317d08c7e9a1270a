// The cold-start bench's statistics: quantiles only of raw latencies (never
// negative), figures as differences of medians floored at 0 with a flag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { latencyRow, workTime } from "../../bench/edge-stats.js";
import { quantile } from "../../bench/stats.js";

test("edge bench stats: no negative quantile, work below the noise is 0 and flagged", () => {
  const noop = [2.1, 1.6, 3.9, 2.0, 1.8, 2.4];
  const inst = [1.9, 1.7, 2.6, 1.5, 2.0, 2.3]; // instantiating takes less than the no-op's noise
  const a = latencyRow("noop", noop), b = latencyRow("inst", inst);
  for (const r of [a, b]) for (const q of [r.median, r.p25, r.p75]) assert.ok(q >= 0);
  // the old way: quantiles of (inst − median(noop)) go negative
  const old = inst.map((x) => x - quantile([...noop].sort((p, q) => p - q), 0.5)).sort((p, q) => p - q);
  assert.ok(quantile(old, 0.25) < 0, "the samples do reproduce the old negative p25");
  assert.deepEqual(workTime(b, a), { ms: 0, belowNoise: true });
  const load = latencyRow("load", noop.map((x) => x + 10));
  const w = workTime(load, a);
  assert.ok(Math.abs(w.ms - 10) < 1e-9 && !w.belowNoise);
  assert.throws(() => latencyRow("x", []), /no samples/);
  assert.throws(() => latencyRow("x", [1, -0.5]), /negative/);
});
