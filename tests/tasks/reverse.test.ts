// The reverse task.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getTask, makeRng, reverseTask, vocabulary, REVERSE_SYMBOLS } from "../../src/tasks/index.js";

test("reverse: target is the source reversed, tokens a..t, lengths uniform 5..60", () => {
  assert.equal(getTask("reverse"), reverseTask);
  assert.deepEqual(REVERSE_SYMBOLS, "abcdefghijklmnopqrst".split(""));
  const rng = makeRng(1);
  const lengths = new Map<number, number>();
  const examples = Array.from({ length: 20_000 }, () => reverseTask.sample(rng));
  for (const ex of examples) {
    assert.deepEqual(ex.tgt, [...ex.src].reverse());
    assert.ok(ex.src.every((t) => REVERSE_SYMBOLS.includes(t)));
    lengths.set(ex.src.length, (lengths.get(ex.src.length) ?? 0) + 1);
  }
  assert.deepEqual([...lengths.keys()].sort((a, b) => a - b), Array.from({ length: 56 }, (_, i) => i + 5));
  for (const c of lengths.values()) assert.ok(c > 250 && c < 470, `count ${c}`); // 20000/56 ≈ 357
  const v = vocabulary(examples);
  assert.deepEqual(v.src, REVERSE_SYMBOLS);
  assert.deepEqual(v.tgt, REVERSE_SYMBOLS);
});

test("reverse: length asks for an exact length, also beyond 60", () => {
  const rng = makeRng(2);
  for (const n of [1, 5, 60, 61, 100, 250]) {
    const ex = reverseTask.sample(rng, n);
    assert.equal(ex.src.length, n);
    assert.deepEqual(ex.tgt, [...ex.src].reverse());
  }
  for (const bad of [0, -1, 2.5, Number.NaN]) assert.throws(() => reverseTask.sample(rng, bad), RangeError);
});

test("reverse: deterministic for a seed; render joins with spaces", () => {
  const a = makeRng(3);
  const b = makeRng(3);
  for (let i = 0; i < 50; i++) assert.deepEqual(reverseTask.sample(a), reverseTask.sample(b));
  assert.equal(reverseTask.render(["a", "b", "c"]), "a b c");
});
