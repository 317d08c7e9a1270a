import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BOS_ID,
  EOS_ID,
  PAD_ID,
  SPECIALS,
  UNK_ID,
  Vocab,
  countTokens,
} from '../../src/text/vocab.js';

test('specials have the fixed ids 0-3', () => {
  assert.deepEqual(SPECIALS, ['<pad>', '<unk>', '<s>', '</s>']);
  assert.deepEqual([PAD_ID, UNK_ID, BOS_ID, EOS_ID], [0, 1, 2, 3]);
  const v = Vocab.build([]);
  assert.equal(v.size, 4);
  assert.deepEqual(v.toJSON(), SPECIALS);
});

test('build: descending frequency, ties in code-point order, min frequency, max size', () => {
  const counts = new Map([
    ['b', 3],
    ['a', 3],
    ['c', 5],
    ['d', 1],
    ['B', 3],
  ]);
  // 'B' (U+0042) < 'a' (U+0061) < 'b' among the count-3 ties.
  assert.deepEqual(Vocab.build(counts).toJSON(), [...SPECIALS, 'c', 'B', 'a', 'b', 'd']);
  assert.deepEqual(Vocab.build(counts, { minFrequency: 2 }).toJSON(), [...SPECIALS, 'c', 'B', 'a', 'b']);
  assert.deepEqual(Vocab.build(counts, { maxSize: 6 }).toJSON(), [...SPECIALS, 'c', 'B']);
  assert.deepEqual(Vocab.build(counts, { maxSize: 4 }).toJSON(), SPECIALS);
  assert.throws(() => Vocab.build(counts, { maxSize: 3 }), RangeError);
  assert.throws(() => Vocab.build(counts, { maxSize: 5.5 }), RangeError);
  assert.throws(() => Vocab.build([['x', NaN]]), RangeError);
});

test('build: code-point order for astral characters, repeated pairs add up, specials and "" ignored', () => {
  // UTF-16 order would put U+1F600 before U+FFFF; code-point order does not.
  assert.deepEqual(Vocab.build([['\u{1F600}', 1], ['\uffff', 1]]).toJSON().slice(4), ['\uffff', '\u{1F600}']);
  const v = Vocab.build([
    ['x', 1],
    ['y', 2],
    ['x', 2],
    ['<unk>', 100],
    ['</s>', 50],
    ['', 9],
  ]);
  assert.deepEqual(v.toJSON(), [...SPECIALS, 'x', 'y']);
});

test('countTokens and fromLines split on ASCII whitespace', () => {
  const counts = countTokens(['a b  a\t c\r\n', '', '  b ']);
  assert.deepEqual([...counts], [
    ['a', 2],
    ['b', 2],
    ['c', 1],
  ]);
  assert.deepEqual(Vocab.fromLines(['a b  a\t c\r\n', '  b ']).toJSON(), [...SPECIALS, 'a', 'b', 'c']);
});

test('encode: unknown -> 1, EOS appended by default, optional BOS', () => {
  const v = Vocab.fromLines(['the cat sat on the mat']);
  // the(2) then cat, mat, on, sat (count 1, code-point order)
  assert.deepEqual(v.toJSON(), [...SPECIALS, 'the', 'cat', 'mat', 'on', 'sat']);
  assert.deepEqual(v.encode(['the', 'dog', 'sat']), [4, 1, 8, 3]);
  assert.deepEqual(v.encode(['the', 'dog'], { eos: false }), [4, 1]);
  assert.deepEqual(v.encode(['the'], { bos: true }), [2, 4, 3]);
  assert.deepEqual(v.encode([]), [3]);
  assert.equal(v.id('cat'), 5);
  assert.equal(v.id('zebra'), UNK_ID);
  assert.equal(v.id('</s>'), EOS_ID);
  assert.equal(v.has('cat'), true);
  assert.equal(v.has('zebra'), false);
  assert.equal(v.token(5), 'cat');
  assert.throws(() => v.token(9), RangeError);
  assert.throws(() => v.token(-1), RangeError);
  assert.throws(() => v.token(1.5), RangeError);
});

test('decode: stops at EOS, skips specials, optional <unk>', () => {
  const v = Vocab.fromLines(['the cat sat on the mat']);
  assert.deepEqual(v.decode([2, 4, 5, 1, 8, 3, 6, 7]), ['the', 'cat', 'sat']);
  assert.deepEqual(v.decode([4, 0, 0, 5]), ['the', 'cat']);
  assert.deepEqual(v.decode([4, 1, 5], { keepUnk: true }), ['the', '<unk>', 'cat']);
  assert.deepEqual(v.decode([3, 4]), []);
  assert.deepEqual(v.decode([]), []);
  assert.throws(() => v.decode([4, 99]), RangeError);
  // encode/decode round trip for known tokens
  const toks = ['the', 'mat', 'on', 'the', 'cat'];
  assert.deepEqual(v.decode(v.encode(toks, { bos: true })), toks);
});

test('toJSON/fromJSON round trip and validation', () => {
  const v = Vocab.fromLines(['b a c a', 'ünï 😀 a']);
  const json = JSON.stringify(v);
  assert.equal(json, JSON.stringify([...SPECIALS, 'a', 'b', 'c', 'ünï', '😀']));
  const w = Vocab.fromJSON(json);
  assert.deepEqual(w.toJSON(), v.toJSON());
  assert.equal(w.id('😀'), 8);
  assert.deepEqual(Vocab.fromJSON(JSON.parse(json)).toJSON(), v.toJSON());
  // toJSON returns a copy
  const arr = v.toJSON();
  arr.push('zzz');
  assert.equal(v.size, 9);

  assert.throws(() => Vocab.fromJSON('{"a":1}'), /JSON array/);
  assert.throws(() => Vocab.fromJSON('[not json'), /invalid JSON/);
  assert.throws(() => Vocab.fromJSON(['<pad>', '<unk>', '<s>']), /at least 4/);
  assert.throws(() => Vocab.fromJSON(['<pad>', '<s>', '<unk>', '</s>', 'a']), /entry 1 must be "<unk>"/);
  assert.throws(() => Vocab.fromJSON([...SPECIALS, 'a', 'a']), /duplicate token "a" at index 5/);
  assert.throws(() => Vocab.fromJSON([...SPECIALS, 'a', 7]), /entry 5/);
  assert.throws(() => Vocab.fromJSON([...SPECIALS, '']), /entry 4/);
});
