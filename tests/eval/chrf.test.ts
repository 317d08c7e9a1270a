import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chrfCorpusStats,
  chrfFromStats,
  chrfSignature,
  chrfWords,
  corpusChrf,
  formatChrf,
  sentenceChrf,
} from '../../src/eval/chrf.js';

const close = (actual: number, expected: number, eps: number, what = '') =>
  assert.ok(Math.abs(actual - expected) < eps, `${what} ${actual} is not within ${eps} of ${expected}`);

const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];

test('README example: chrF2 = 59.73 with two reference streams', () => {
  const s = corpusChrf(HYPS, REFS);
  assert.equal(formatChrf(s), 'chrF2 = 59.73');
  assert.equal(s.name, 'chrF2');
  assert.equal(s.stats.length, 18);
  assert.equal(chrfSignature(2), 'nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no');
  assert.equal(formatChrf(s, { signature: chrfSignature(2, { version: '2.0.0' }) }), 'chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.0.0 = 59.73');
});

test('hand-checked chrF and chrF++ on "ab cd" vs "ab ce"', () => {
  // Characters without whitespace: "abcd" vs "abce".
  //   n=1: 3 of 4 match (P = R = 3/4); n=2: ab, bc of 3 (2/3); n=3: abc of 2 (1/2);
  //   n=4: abcd vs abce (0, still counted: both sides have one 4-gram); n=5,6: no n-grams, skipped.
  //   P = R = (3/4 + 2/3 + 1/2 + 0) / 4 = 23/48, and F-beta of equal P and R is P.
  const c = sentenceChrf('ab cd', ['ab ce']);
  close(c.score, (100 * 23) / 48, 1e-10, 'chrF');
  assert.deepEqual(c.stats, [4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  // chrF++ adds word 1-grams (ab matches, 1/2) and 2-grams ("ab cd" vs "ab ce", 0):
  //   P = R = (3/4 + 2/3 + 1/2 + 0 + 1/2 + 0) / 6 = 29/72.
  const pp = sentenceChrf('ab cd', ['ab ce'], { wordOrder: 2 });
  close(pp.score, (100 * 29) / 72, 1e-10, 'chrF++');
  assert.equal(pp.name, 'chrF2++');
  assert.equal(formatChrf(pp), 'chrF2++ = 40.28');
  assert.equal(chrfSignature(1, { wordOrder: 2 }), 'nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no');
});

test('sacreBLEU test suite: effective-order mode (beta 3)', () => {
  const cases: [string[], string[], number][] = [
    [['a'], ['a'], 100.0],
    [[''], ['reference'], 0.0],
    [['a b c'], ['a b c'], 100.0],
    [['a b c'], ['abc'], 100.0],
    [[''], ['c'], 0.0],
    [['a', 'b'], ['a', 'c'], 50.0],
    [['aa'], ['ab'], 25.0], // n=1: P=R=1/2; n=2: "aa" vs "ab" P=R=0 -> averages 1/4
  ];
  for (const [h, r, e] of cases) close(corpusChrf(h, [r], { beta: 3 }).score, e, 1e-4, JSON.stringify([h, r]));
});

test('sacreBLEU test suite: eps smoothing (beta 3) and whitespace kept', () => {
  const eps: [string[], string[], number][] = [
    [['abcdefg'], ['hijklmnop'], 0.0],
    [['a'], ['b'], 0.0],
    [[''], ['b'], 0.0],
    [[''], ['ref'], 0.0],
    [[''], ['reference'], 0.0],
    [['aa'], ['ab'], 8.3333],
    [['a', 'b'], ['a', 'c'], 8.3333],
    [['a'], ['a'], 16.6667],
    [['a b c'], ['a b c'], 50.0],
    [['a b c'], ['abc'], 50.0],
    [
      [' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'],
      63.36173,
    ],
    [
      [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
      64.1302698,
    ],
    [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100.0],
  ];
  for (const [h, r, e] of eps) close(corpusChrf(h, [r], { beta: 3, epsSmoothing: true }).score, e, 1e-4, JSON.stringify(h));
  close(
    corpusChrf(['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.'], [['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.']], { beta: 3, whitespace: true }).score,
    67.3481606,
    1e-4,
  );
  close(
    corpusChrf(['risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'], [['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .']], { beta: 3, whitespace: true }).score,
    65.2414427,
    1e-4,
  );
});

test('sacreBLEU test suite: sentence-level chrF with eps smoothing (beta 2)', () => {
  const cases: [string, string, number][] = [
    ['Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.', 'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.', 39.14078509],
    ['Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.', 'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.', 31.22557079],
    ['Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.', 'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.', 57.15704367],
  ];
  for (const [h, r, e] of cases) close(sentenceChrf(h, [r], { epsSmoothing: true }).score, e, 1e-4, h);
  assert.equal(chrfSignature(1, { epsSmoothing: true }), 'nrefs:1|case:mixed|eff:no|nc:6|nw:0|space:no');
});

test('chrF++ word splitting: one punctuation character is split off a word', () => {
  assert.deepEqual(chrfWords('Hello, (world) x ! "quoted"'), ['Hello', ',', '(world', ')', 'x', '!', '"quoted', '"']);
  assert.deepEqual(chrfWords(',start'), [',', 'start']);
  assert.deepEqual(chrfWords('  '), []);
});

test('multiple references: the best-scoring reference is used per segment', () => {
  close(corpusChrf(['abc'], [['xyz'], ['abc']]).score, 100, 1e-10);
  close(corpusChrf(['abc'], [['abc'], ['xyz']]).score, 100, 1e-10);
  // An empty reference string is skipped.
  close(corpusChrf(['abc'], [[''], ['abc']]).score, 100, 1e-10);
  assert.throws(() => corpusChrf(['abc'], [[''], ['']]), /only empty references/);
});

test('corpus chrF sums statistics over segments, it does not average sentence scores', () => {
  const hyps = ['abc', 'abcdefgh'];
  const refs = [['abd', 'abcdefgh']];
  const per = chrfCorpusStats(hyps, refs);
  const sum = per[0]!.map((x, i) => x + per[1]![i]!);
  assert.equal(corpusChrf(hyps, refs).score, chrfFromStats(sum));
  const mean = (sentenceChrf('abc', ['abd']).score + sentenceChrf('abcdefgh', ['abcdefgh']).score) / 2;
  assert.notEqual(corpusChrf(hyps, refs).score, mean);
});

test('edge cases: empty hypothesis, lowercase, Unicode code points, invalid input', () => {
  assert.equal(corpusChrf([''], [['abc']]).score, 0);
  assert.equal(corpusChrf([], [[]]).score, 0);
  assert.ok(corpusChrf(['ABC'], [['abc']]).score === 0);
  close(corpusChrf(['ABC'], [['abc']], { lowercase: true }).score, 100, 1e-10);
  // One astral character is one character (one 1-gram), not two UTF-16 units.
  assert.deepEqual(sentenceChrf('😀', ['😀']).stats.slice(0, 6), [1, 1, 1, 0, 0, 0]);
  assert.throws(() => corpusChrf(['a', 'b'], [['a']]), /reference stream 1 has 1 segments but there are 2 hypotheses/);
  assert.throws(() => corpusChrf(['a'], [['a']], { charOrder: 0, wordOrder: 0 }), RangeError);
  assert.throws(() => chrfFromStats([1, 2, 3]), RangeError);
});
