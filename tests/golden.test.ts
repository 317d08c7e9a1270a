// The engine against PyTorch: fixtures from tools/make_golden.py (every
// decoder style × attention × direction × 1 and 2 layers). Log-probs and
// attention must match to 1e-4; greedy and beam outputs exactly (ids) and
// their scores to 1e-4, also with the model packed for decoding (column
// panels, what `s2s translate` loads).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Model } from "../src/model/model.js";
import { scoreIds } from "../src/decode/score.js";
import { searchIds } from "../src/decode/search.js";
import { engines } from "./helpers/engines.js";

const dir = fileURLToPath(new URL("./fixtures/golden/", import.meta.url));
const names: string[] = JSON.parse(readFileSync(dir + "index.json", "utf8")).models;

interface Hyp { ids: number[]; cum: number; score: number; attention: number[][] | null }
interface Fixture {
  pairs: { src: number[]; tgt: number[] }[];
  score: { logprobs: number[]; attention: number[][] | null }[];
  greedy: { max_len_a: number; max_len_b: number; alpha: number; results: Hyp[] };
  beam: { beam: number; alpha: number; nbest: number; max_len_a: number; max_len_b: number; results: { hyps: Hyp[] }[] };
}

const TOL = 1e-4;

function close(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= TOL, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

function closeMatrix(a: number[][] | null, b: number[][] | null, what: string): void {
  if (b === null) return assert.equal(a, null, `${what}: expected null`);
  assert.ok(a !== null, `${what}: got null`);
  assert.equal(a.length, b.length, `${what}: rows`);
  a.forEach((row, i) => close(row, b[i], `${what}[${i}]`));
}

function checkHyp(got: Hyp, want: Hyp, what: string): void {
  assert.deepEqual(got.ids, want.ids, `${what}: ids`);
  assert.ok(Math.abs(got.score - want.score) <= TOL, `${what}: score ${got.score} vs ${want.score}`);
  assert.ok(Math.abs(got.cum - want.cum) <= TOL, `${what}: cum ${got.cum} vs ${want.cum}`);
  closeMatrix(got.attention, want.attention, `${what}: attention`);
}


/** Greedy and beam search give the fixture's ids and scores (batchSentences: how many sentences a search batch holds). */
function checkSearch(model: Model, fx: Fixture, name: string, batchSentences?: number): void {
  const srcs = fx.pairs.map((p) => p.src);
  const g = fx.greedy;
  const greedy = searchIds(model, srcs, { beam: 1, alpha: g.alpha, maxLenA: g.max_len_a, maxLenB: g.max_len_b, batchSentences });
  greedy.forEach((h, i) => checkHyp(h[0], g.results[i], `${name} greedy ${i}`));
  const bm = fx.beam;
  const beam = searchIds(model, srcs, { beam: bm.beam, alpha: bm.alpha, nbest: bm.nbest, maxLenA: bm.max_len_a, maxLenB: bm.max_len_b, batchSentences });
  beam.forEach((hyps, i) => {
    assert.equal(hyps.length, bm.results[i].hyps.length, `${name} beam ${i}: n-best count`);
    hyps.forEach((h, j) => checkHyp(h, bm.results[i].hyps[j], `${name} beam ${i}.${j}`));
  });
}

test(`golden: ${names.length} PyTorch models (score, greedy, beam)`, async (t) => {
  assert.ok(names.length >= 32, `only ${names.length} fixtures`);
  for (const eng of await engines()) {
    for (const name of names) {
      await t.test(`${eng.variant} ${name}`, () => {
        const fx: Fixture = JSON.parse(readFileSync(dir + name + ".json", "utf8"));
        const mark = eng.arena.mark();
        const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
        // teacher-forced log-probs and attention, as one padded batch
        const scored = scoreIds(model, fx.pairs);
        scored.forEach((r, i) => {
          close(r.logprobs, fx.score[i].logprobs, `${name} pair ${i} logprobs`);
          closeMatrix(r.attention, fx.score[i].attention, `${name} pair ${i} attention`);
        });
        // one at a time gives the same numbers
        const single = scoreIds(model, [fx.pairs[4]]);
        close(single[0].logprobs, fx.score[4].logprobs, `${name} single`);
        checkSearch(model, fx, name);
        eng.arena.release(mark);
      });
    }
  }
});

test(`golden: ${names.length} PyTorch models packed for decoding (greedy, beam)`, async (t) => {
  for (const eng of await engines()) {
    for (const name of names) {
      await t.test(`${eng.variant} ${name}`, () => {
        const fx: Fixture = JSON.parse(readFileSync(dir + name + ".json", "utf8"));
        const mark = eng.arena.mark();
        const model = Model.fromBytes(eng, new Uint8Array(readFileSync(dir + name + ".safetensors")), name);
        assert.ok(model.packForDecoding() > 0, `${name}: packed`);
        // greedy one sentence at a time and beam per sentence: products of at most PANEL_MAX_ROWS rows, through the panels
        checkSearch(model, fx, `${name} packed`, 1);
        eng.arena.release(mark);
      });
    }
  }
});
