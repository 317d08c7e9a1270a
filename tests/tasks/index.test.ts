// getTask, TASK_NAMES, makeSplits and vocabulary.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  exampleToPair, getTask, makeRng, makeSplits, TASK_NAMES, vocabulary, type Example, type TaskSpec,
} from "../../src/tasks/index.js";
import { S2SError } from "../../src/errors.js";

test("getTask / TASK_NAMES", () => {
  assert.deepEqual([...TASK_NAMES], ["dates", "reverse", "numbers"]);
  for (const name of TASK_NAMES) {
    const t = getTask(name);
    assert.equal(t.name, name);
    assert.ok(t.description.length > 10);
  }
  assert.throws(() => getTask("Dates"), (e: unknown) => {
    assert.ok(e instanceof Error && e instanceof S2SError);
    assert.match(e.message, /unknown task "Dates"/);
    for (const name of TASK_NAMES) assert.ok(e.message.includes(name), e.message);
    return true;
  });
});

const key = (ex: Example) => ex.src.join("\u0000");

test("makeSplits: sizes, disjoint by source, no duplicates, deterministic", () => {
  for (const name of TASK_NAMES) {
    const task = getTask(name);
    const sizes = { train: 3000, valid: 300, test: 500 };
    const s = makeSplits(task, sizes, 1);
    assert.equal(s.train.length, 3000);
    assert.equal(s.valid.length, 300);
    assert.equal(s.test.length, 500);
    const all = [...s.train, ...s.valid, ...s.test];
    assert.equal(new Set(all.map(key)).size, all.length, `${name}: a source appears twice`);
    const train = new Set(s.train.map(key));
    assert.ok(s.test.every((ex) => !train.has(key(ex))));
    assert.ok(s.valid.every((ex) => !train.has(key(ex))));
    assert.deepEqual(makeSplits(task, sizes, 1), s);
    assert.notDeepEqual(makeSplits(task, sizes, 2).test, s.test);
    for (const ex of all) {
      assert.ok(ex.src.length > 0 && ex.tgt.length > 0);
      assert.ok([...ex.src, ...ex.tgt].every((t) => t.length > 0 && !/\s/.test(t)), `${name}: bad token`);
    }
  }
});

test("makeSplits: pinned output (platform independence)", () => {
  const first = (name: string) => {
    const t = getTask(name);
    return makeSplits(t, { train: 5, valid: 2, test: 2 }, 7).test.map((e) => `${t.render(e.src)} => ${t.render(e.tgt)}`);
  };
  assert.deepEqual(first("dates"), ["20270305 => 2027-03-05", "19790814 => 1979-08-14"]);
  assert.deepEqual(first("reverse"), [
    "k m r t q l t t k q a => a q k t t l q t r m k",
    "s g d m g a n s k q n s => s n q k s n a g m d g s",
  ]);
  assert.deepEqual(first("numbers"), [
    "five million six hundred sixty-five thousand six hundred twenty-two => cinq millions six cent soixante-cinq mille six cent vingt-deux",
    "five hundred eighty-one => cinq cent quatre-vingt-un",
  ]);
});

test("makeSplits: small finite corners are spread over the splits; empty and bad sizes", () => {
  // The 100 numbers below 100 are drawn early and dealt out at random, not all to one split.
  const s = makeSplits(getTask("numbers"), { train: 9000, valid: 0, test: 1000 }, 3);
  const small = (xs: Example[]) => xs.filter((ex) => ex.src.length <= 3).length;
  assert.ok(small(s.train) > 60, `train has ${small(s.train)} numbers < 100`);
  assert.ok(small(s.test) < 25);
  assert.deepEqual(makeSplits(getTask("reverse"), { train: 0, valid: 0, test: 0 }, 1), { train: [], valid: [], test: [] });
  assert.throws(() => makeSplits(getTask("reverse"), { train: -1, valid: 0, test: 0 }, 1), RangeError);
  assert.throws(() => makeSplits(getTask("reverse"), { train: 1.5, valid: 0, test: 0 }, 1), RangeError);
  const tiny: TaskSpec = {
    name: "reverse",
    description: "three sources",
    sample: (rng) => ({ src: [String(rng.int(0, 2))], tgt: ["x"] }),
    render: (t) => t.join(" "),
  };
  assert.equal(makeSplits(tiny, { train: 1, valid: 1, test: 1 }, 1).train.length, 1);
  assert.throws(() => makeSplits(tiny, { train: 2, valid: 1, test: 1 }, 1), /duplicate sources/);
});

test("vocabulary: sorted unique tokens of each side", () => {
  const v = vocabulary([
    { src: ["b", "a", "b"], tgt: ["é", "z"] },
    { src: ["c", "a"], tgt: ["-", "z", "10"] },
  ]);
  assert.deepEqual(v, { src: ["a", "b", "c"], tgt: ["-", "10", "z", "é"] });
  assert.deepEqual(vocabulary([]), { src: [], tgt: [] });
  assert.deepEqual(exampleToPair({ src: ["a", "b"], tgt: ["c"] }), { src: "a b", tgt: "c" });
  // Every task's vocabularies are small.
  const sizes = Object.fromEntries(TASK_NAMES.map((name) => {
    const t = getTask(name);
    const rng = makeRng(1);
    const v = vocabulary(Array.from({ length: 20_000 }, () => t.sample(rng)));
    return [name, [v.src.length, v.tgt.length]];
  }));
  assert.deepEqual(sizes, { dates: [56, 11], reverse: [20, 20], numbers: [32, 30] });
});
