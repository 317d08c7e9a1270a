import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bleuByLength, formatBleuByLength, formatLengthRow, DEFAULT_LENGTH_EDGES, sourceLength } from '../../src/eval/bylength.js';
import { corpusBleu } from '../../src/eval/bleu.js';

const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(Math.abs(actual - expected) < eps, `${actual} is not within ${eps} of ${expected}`);

function words(n: number, prefix = 'w'): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');
}

// Sources of 3, 12, 15, 80 and 0 tokens; hypotheses are perfect copies of the
// references except the second, which is half wrong.
const SOURCES = [words(3), words(12), words(15), words(80), ''];
const REFS = ['a b c d e', 'the cat sat on the mat today', 'one two three four five', words(50, 'r'), 'x y z w'];
const HYPS = ['a b c d e', 'the dog sat on a rug today', 'one two three four five', words(50, 'r'), 'x y z w'];

test('buckets by source length with default edges; each bucket is corpus BLEU of its segments', () => {
  assert.deepEqual(DEFAULT_LENGTH_EDGES, [10, 20, 30, 40, 50, 60, 70]);
  const r = bleuByLength({ sources: SOURCES, lang: 'en', hypotheses: HYPS, references: [REFS] });
  assert.deepEqual(
    r.rows.map((x) => [x.label, x.min, x.max, x.sentences]),
    [
      ['1-10', 1, 10, 2], // lengths 3 and 0 (empty sources count in the first bucket)
      ['11-20', 11, 20, 2],
      ['21-30', 21, 30, 0],
      ['31-40', 31, 40, 0],
      ['41-50', 41, 50, 0],
      ['51-60', 51, 60, 0],
      ['61-70', 61, 70, 0],
      ['71+', 71, Infinity, 1],
    ],
  );
  close(r.rows[0]!.bleu!.score, 100);
  assert.equal(r.rows[2]!.bleu, null);
  const b11 = r.rows[1]!.bleu!;
  assert.deepEqual(b11, corpusBleu([HYPS[1]!, HYPS[2]!], [[REFS[1]!, REFS[2]!]]));
  assert.ok(b11.score > 0 && b11.score < 100);
  close(r.rows[7]!.bleu!.score, 100);
  assert.equal(r.total.sentences, 5);
  assert.deepEqual(r.total.bleu, corpusBleu(HYPS, [REFS]));
});

test('numeric lengths, custom edges and validation', () => {
  const r = bleuByLength({ sources: [3, 12, 15, 60, 0], hypotheses: HYPS, references: [REFS], edges: [5, 20] });
  assert.deepEqual(r.rows.map((x) => [x.label, x.sentences]), [
    ['1-5', 2],
    ['6-20', 2],
    ['21+', 1],
  ]);
  assert.throws(() => bleuByLength({ sources: [1], hypotheses: HYPS, references: [REFS] }), /1 sources but 5 hypotheses/);
  assert.throws(() => bleuByLength({ sources: [1, 2, 3, 4, -1], hypotheses: HYPS, references: [REFS] }), /not a non-negative integer/);
  assert.throws(() => bleuByLength({ sources: SOURCES, lang: 'en', hypotheses: HYPS, references: [REFS], edges: [10, 10] }), /strictly increasing/);
  assert.throws(() => bleuByLength({ sources: SOURCES, lang: 'en', hypotheses: HYPS, references: [REFS], edges: [0] }), /strictly increasing/);
  assert.throws(() => bleuByLength({ sources: SOURCES, hypotheses: HYPS, references: [REFS] }), /need their language/);
  const none = bleuByLength({ sources: [], hypotheses: [], references: [[]] });
  assert.ok(none.rows.every((x) => x.sentences === 0 && x.bleu === null));
  assert.equal(none.total.bleu, null);
});

test('BLEU options are passed through (tokenize none)', () => {
  const r = bleuByLength({ sources: [2], hypotheses: ['a b.'], references: [['a b .']], bleu: { tokenize: 'none', effectiveOrder: true } });
  assert.ok(r.rows[0]!.bleu!.score < 100);
  const t = bleuByLength({ sources: [2], hypotheses: ['a b.'], references: [['a b .']], bleu: { effectiveOrder: true } });
  close(t.rows[0]!.bleu!.score, 100);
});

test('plain-text table', () => {
  const r = bleuByLength({ sources: SOURCES, lang: 'en', hypotheses: HYPS, references: [REFS] });
  const table = formatBleuByLength(r);
  const lines = table.trimEnd().split('\n');
  assert.equal(lines.length, 1 + 1 + 8 + 1 + 1);
  assert.match(lines[0]!, /^src tokens\s+sents\s+BLEU\s+BP\s+hyp_len\/ref_len$/);
  assert.match(lines[2]!, /^1-10\s+2\s+100\.00\s+1\.000\s+9\/9$/);
  assert.match(lines[4]!, /^21-30\s+0\s+-\s+-\s+-$/);
  assert.match(lines[11]!, /^all\s+5\s+\d+\.\d\d\s+\d\.\d{3}\s+\d+\/\d+$/);
  assert.ok(table.endsWith('\n'));
  // All lines have the same width.
  assert.equal(new Set(lines.map((l) => l.length)).size, 1);
  assert.equal(formatLengthRow(r.rows[2]!), '21-30: no sentences');
  assert.match(formatLengthRow(r.rows[0]!), /^1-10 \(2 sents\): BLEU = 100\.00 100\.0\/100\.0\/100\.0\/100\.0 \(BP = 1\.000/);
});

test('source length: Moses tokens of the lowercased, normalised source, before BPE', () => {
  // punctuation is split off; whitespace words would count 4
  assert.equal(sourceLength('Ein Mann, der läuft.', 'de'), 6);
  assert.equal(sourceLength("Don't stop!", 'en'), 4); // do n't stop !
  assert.equal(sourceLength("L'homme court.", 'fr'), 4); // l' homme court .
  // lowercasing first: a period before a lowercase word stays attached (as in Multi30k's tok/ files)
  assert.equal(sourceLength('Zwei Männer. Beide spielen.', 'de'), 5);
  assert.equal(sourceLength('', 'en'), 0);
  const r = bleuByLength({ sources: ['Ein Mann, der läuft.'], lang: 'de', hypotheses: ['a'], references: [['a']] });
  assert.equal(r.rows[0]!.sentences, 1);
});
