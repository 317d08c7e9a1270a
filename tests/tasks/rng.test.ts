// makeRng: mulberry32, deterministic and platform independent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeRng } from "../../src/tasks/index.js";

test("makeRng: mulberry32 reference values (seed 0) pin the stream", () => {
  const r = makeRng(0);
  // 1144304738 / 2^32: the well-known first output of mulberry32(0).
  assert.equal(r.next(), 1144304738 / 2 ** 32);
  assert.equal(r.next(), 0.0003297457005828619);
  assert.equal(r.next(), 0.2232720274478197);
  const r42 = makeRng(42);
  assert.deepEqual([0, 1, 2, 3, 4].map(() => r42.int(0, 999)), [601, 448, 852, 669, 174]);
});

test("makeRng: same seed same stream, different seeds different streams", () => {
  const draw = (seed: number) => {
    const r = makeRng(seed);
    return Array.from({ length: 20 }, () => r.next());
  };
  assert.deepEqual(draw(123), draw(123));
  assert.notDeepEqual(draw(123), draw(124));
  assert.notDeepEqual(draw(-1), draw(2 ** 32 - 1 + 2 ** 32)); // high bits are mixed in
  assert.notDeepEqual(draw(5), draw(5 + 2 ** 32));
  assert.deepEqual(draw(Number.MAX_SAFE_INTEGER), draw(Number.MAX_SAFE_INTEGER));
});

test("makeRng: next() in [0, 1), int() inclusive and roughly uniform", () => {
  const r = makeRng(9);
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 70_000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    const k = r.int(-3, 3);
    assert.ok(Number.isInteger(k) && k >= -3 && k <= 3);
    counts[k + 3]!++;
  }
  for (const c of counts) assert.ok(c > 9_000 && c < 11_000, `count ${c}`);
  assert.equal(r.int(5, 5), 5);
  const big = Array.from({ length: 1000 }, () => r.int(0, 999_999_999));
  assert.ok(big.every((n) => Number.isInteger(n) && n >= 0 && n <= 999_999_999));
  assert.ok(Math.max(...big) > 900_000_000);
});

test("makeRng: bad arguments throw RangeError", () => {
  assert.throws(() => makeRng(1.5), RangeError);
  assert.throws(() => makeRng(Number.NaN), RangeError);
  const r = makeRng(1);
  assert.throws(() => r.int(3, 2), RangeError);
  assert.throws(() => r.int(0, 1.5), RangeError);
  assert.throws(() => r.int(0, 2 ** 32), RangeError);
  assert.equal(typeof r.int(0, 2 ** 32 - 1), "number");
});
