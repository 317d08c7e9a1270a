// examples/models/dates-model.js is what its generator makes: training the
// model again with examples/models/make-dates-model.ts gives the committed
// file byte for byte (and the model gets every held-out date right). When
// the kernels' or the trainer's arithmetic changes, this fails: regenerate
// with `node --import tsx examples/models/make-dates-model.ts`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DATES_MODEL_FILE, datesModelModule, makeDatesModel } from "../../examples/models/make-dates-model.js";

test("make-dates-model.ts reproduces the committed examples/models/dates-model.js byte for byte", { timeout: 300_000 }, async () => {
  const m = await makeDatesModel();
  assert.equal(m.correct, m.tested, `exact match ${m.correct}/${m.tested} on held-out dates`);
  const committed = readFileSync(DATES_MODEL_FILE, "utf8");
  const made = datesModelModule(m);
  assert.equal(made.length, committed.length, "same module size");
  assert.ok(made === committed, "the regenerated module differs from the committed one: run node --import tsx examples/models/make-dates-model.ts");
});
