import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  Bpe,
  compareCodePoints,
  countWords,
  formatBpeVocabulary,
  formatMerges,
  getBpeVocabulary,
  learnBpe,
  learnBpeFromLines,
  learnJointBpe,
  parseMerges,
  readBpeVocabulary,
  removeBpe,
  type Merge,
} from '../../src/text/bpe.js';
import { loadMulti30k } from '../../src/data/multi30k.js';
import { MULTI30K_SKIP, multi30kDir } from '../helpers/multi30k.js';

// The classic example of Sennrich et al. (2016): low x5, lower x2, newest x6, widest x3.
const TOY = [
  'low low low low low lower lower',
  'newest newest newest newest newest newest widest widest widest',
];

// Hand derivation with subword-nmt's rules (</w> glued to the last character,
// ties to the largest (first, second) tuple):
//   initial pair counts: e s 9, s t</w> 9, w e 8, l o 7, n e 6, e w 6, o w</w> 5, ...
//   1. (e,s) and (s,t</w>) tie at 9; 's' > 'e'            -> s t</w>
//   2. e st</w> 9 (newest 6 + widest 3)                    -> e st</w>
//   3. l o 7                                               -> l o
//   4. n e, e w, w est</w> tie at 6; 'w' > 'n' > 'e'        -> w est</w>
//   5. n e, e west</w> tie at 6; 'n' > 'e'                  -> n e
//   6. ne west</w> 6                                       -> ne west</w>
//   7. lo w</w> 5                                          -> lo w</w>
//   8. w i, i d, d est</w> tie at 3; 'w' largest            -> w i
//   9. wi d, d est</w> tie at 3; 'wi' > 'd'                 -> wi d
//  10. wid est</w> 3                                       -> wid est</w>
//  11. lo w, w e, e r</w> tie at 2; 'w' > 'lo' > 'e'         -> w e
//  12. lo we, we r</w> tie at 2; 'we' > 'lo'                -> we r</w>
//  13. lo wer</w> 2                                        -> lo wer</w>
//  then every pair has frequency 0 < 2: stop.
const TOY_MERGES: Merge[] = [
  ['s', 't</w>'],
  ['e', 'st</w>'],
  ['l', 'o'],
  ['w', 'est</w>'],
  ['n', 'e'],
  ['ne', 'west</w>'],
  ['lo', 'w</w>'],
  ['w', 'i'],
  ['wi', 'd'],
  ['wid', 'est</w>'],
  ['w', 'e'],
  ['we', 'r</w>'],
  ['lo', 'wer</w>'],
];

test('learn: classic low/lower/newest/widest example gives the hand-derived merges', () => {
  assert.deepEqual(learnBpeFromLines(TOY, { numMerges: 100 }), TOY_MERGES);
});

test('learn: numMerges caps the number of merges, 0 gives none', () => {
  assert.deepEqual(learnBpeFromLines(TOY, { numMerges: 3 }), TOY_MERGES.slice(0, 3));
  assert.deepEqual(learnBpeFromLines(TOY, { numMerges: 0 }), []);
});

test('learn: minFrequency stops at the first pair below it', () => {
  // Merges 1-10 have frequency >= 3, merges 11-13 have frequency 2.
  assert.deepEqual(learnBpeFromLines(TOY, { numMerges: 100, minFrequency: 3 }), TOY_MERGES.slice(0, 10));
  // With minFrequency 1 the frequency-2 merges are kept and nothing else remains.
  assert.deepEqual(learnBpeFromLines(TOY, { numMerges: 100, minFrequency: 1 }), TOY_MERGES);
  // A word seen once: its pairs have frequency 1 < 2, so nothing is learned by default.
  assert.deepEqual(learnBpeFromLines(['abc'], { numMerges: 10 }), []);
  assert.deepEqual(learnBpeFromLines(['abc'], { numMerges: 10, minFrequency: 1 }), [
    ['b', 'c</w>'],
    ['a', 'bc</w>'],
  ]);
});

test('learn: onMerge reports index, pair and frequency', () => {
  const seen: [number, string, number][] = [];
  learnBpeFromLines(TOY, { numMerges: 3, onMerge: (i, p, f) => seen.push([i, p.join(' '), f]) });
  assert.deepEqual(seen, [
    [0, 's t</w>', 9],
    [1, 'e st</w>', 9],
    [2, 'l o', 7],
  ]);
});

test('learn: ties are broken in Python code-point order, not UTF-16 order', () => {
  // (x, U+FFFF</w>) and (x, U+1F600</w>) both occur twice. Python compares code
  // points, so U+1F600 is the larger; JavaScript's `<` would say the opposite.
  assert.ok('\u{1F600}' < '\uffff');
  assert.ok(compareCodePoints('\u{1F600}', '\uffff') > 0);
  const merges = learnBpeFromLines(['x\uffff x\uffff x\u{1F600} x\u{1F600}'], { numMerges: 10 });
  assert.deepEqual(merges, [
    ['x', '\u{1F600}</w>'],
    ['x', '\uffff</w>'],
  ]);
});

test('learn: words are split on single spaces only; other whitespace is part of a word', () => {
  const counts = countWords(['  a\u00a0b  a\tb \r\n', 'a\u00a0b']);
  assert.deepEqual([...counts], [
    ['a\u00a0b', 2],
    ['a\tb', 1],
  ]);
  assert.deepEqual(learnBpe(counts, { numMerges: 5 }), [
    ['\u00a0', 'b</w>'],
    ['a', '\u00a0b</w>'],
  ]);
});

test('learn: joint learning equals learning on the concatenation', () => {
  const de = ['ein mann mit einem hut', 'eine frau mit einem hund'];
  const en = ['a man with a hat', 'a woman with a dog'];
  assert.deepEqual(learnJointBpe([de, en], { numMerges: 50, minFrequency: 1 }), learnBpeFromLines([...de, ...en], { numMerges: 50, minFrequency: 1 }));
});

test('learn: odd input', () => {
  assert.deepEqual(learnBpeFromLines([], { numMerges: 10 }), []);
  assert.deepEqual(learnBpeFromLines(['a b c a b c'], { numMerges: 10 }), []); // single-character words have no pairs
  assert.throws(() => learnBpe(new Map([['a b', 2]]), { numMerges: 1 }), /invalid word/);
  assert.throws(() => learnBpe(new Map([['ab', 0]]), { numMerges: 1 }), /positive integer/);
  assert.throws(() => learnBpeFromLines(TOY, { numMerges: -1 }), RangeError);
});

test('merges file: write and read back, header, version 0.1, limits and errors', () => {
  const text = formatMerges(TOY_MERGES.slice(0, 2));
  assert.equal(text, '#version: 0.2\ns t</w>\ne st</w>\n');
  assert.deepEqual(parseMerges(text), { version: [0, 2], merges: TOY_MERGES.slice(0, 2) });
  assert.deepEqual(parseMerges(formatMerges(TOY_MERGES)).merges, TOY_MERGES);
  assert.deepEqual(parseMerges(text, { maxMerges: 1 }).merges, TOY_MERGES.slice(0, 1));
  assert.deepEqual(parseMerges('#version: 0.2.0\r\na b \r\n\n\n'), { version: [0, 2], merges: [['a', 'b']] });
  assert.deepEqual(parseMerges('a b\nc d</w>'), { version: [0, 1], merges: [['a', 'b'], ['c', 'd</w>']] });
  assert.deepEqual(parseMerges('#version: 0.2\n'), { version: [0, 2], merges: [] });
  assert.throws(() => parseMerges('#version: 0.2\na b\nabc\n'), /invalid line 3/);
  assert.throws(() => parseMerges('#version: 0.2\na b\n\nc d\n'), /invalid line 3/);
  assert.throws(() => parseMerges('#version: 0.3\na b\n'), /unsupported BPE codes version/);
  // Lines past maxMerges are not validated (apply_bpe.py --merges).
  assert.deepEqual(parseMerges('#version: 0.2\na b\nbroken line here\n', { maxMerges: 1 }).merges, [['a', 'b']]);
});

test('apply: hand-checked segmentations with the toy merges', () => {
  const bpe = new Bpe(TOY_MERGES);
  // lowest: l o w e s t</w> -> (s,t</w>) -> (e,st</w>) -> (l,o) -> (w,est</w>) -> lo west</w>; (lo, west</w>) is no merge.
  assert.equal(bpe.apply('lowest'), 'lo@@ west');
  // newer: n e w e r</w> -> (n,e) -> (w,e) -> (we,r</w>) -> ne wer</w>.
  assert.equal(bpe.apply('newer'), 'ne@@ wer');
  // wider: w i d e r</w> -> (w,i) -> (wi,d) -> wid e r</w>; neither (wid,e) nor (e,r</w>) is a merge.
  assert.equal(bpe.apply('wider'), 'wid@@ e@@ r');
  assert.equal(bpe.apply('low lower newest widest'), 'low lower newest widest');
  assert.equal(bpe.apply('  x   low \r\n'), 'x low'); // stripped, runs of spaces collapse
  assert.equal(bpe.apply(''), '');
  assert.deepEqual(bpe.segmentTokens(['lowest', '', 'newer']), ['lo@@', 'west', 'ne@@', 'wer']);
  assert.deepEqual(bpe.encodeWord('lowest'), ['lo', 'west']);
  assert.equal(bpe.processLine('  lowest newer \n'), '  lo@@ west ne@@ wer \n');
  assert.equal(bpe.processLine('\n'), '\n');
  assert.equal(new Bpe(TOY_MERGES, { separator: '##' }).apply('lowest'), 'lo## west');
});

test('apply: overlapping pairs merge left to right, a pair listed twice keeps its first rank', () => {
  // a a a: (a,a) merges positions 0-1 only -> aa a</w>; (a, a</w>) is another pair.
  assert.equal(new Bpe([['a', 'a']]).apply('aaa'), 'aa@@ a');
  assert.equal(new Bpe([['a', 'a</w>'], ['a', 'a']]).apply('aaa'), 'a@@ aa');
  const dup = new Bpe([['a', 'b'], ['b', 'c</w>'], ['a', 'b']]);
  assert.equal(dup.size, 2);
  assert.equal(dup.apply('abc'), 'ab@@ c'); // (a,b) rank 0 beats (b,c</w>) rank 1
});

test('apply: version 0.1 codes keep </w> as its own symbol', () => {
  const bpe = Bpe.fromCodes('l o\nlo w\nlow </w>\n');
  assert.deepEqual(bpe.version, [0, 1]);
  // lowe: l o w e </w> -> lo w e </w> -> low e </w>; no more merges; the lone </w> is dropped.
  assert.equal(bpe.apply('low lowe'), 'low low@@ e');
});

test('apply: vocabulary filter splits pieces back (apply_bpe --vocabulary)', () => {
  // lowest -> lo + west</w>. "lo@@" is in the vocabulary; "west" is not, so the
  // merge (w, est</w>) is reversed: "w@@" is in it, and the final "est" is too.
  const vocab = new Set(['lo@@', 'w@@', 'est']);
  assert.equal(new Bpe(TOY_MERGES, { vocabulary: vocab }).apply('lowest'), 'lo@@ w@@ est');
  // newer -> ne + wer. "ne@@" is not in the vocabulary: (n, e) is reversed.
  const vocab2 = new Set(['n@@', 'e@@', 'wer']);
  assert.equal(new Bpe(TOY_MERGES, { vocabulary: vocab2 }).apply('newer'), 'n@@ e@@ wer');
  // A piece that cannot be split further is kept even if unknown.
  assert.equal(new Bpe(TOY_MERGES, { vocabulary: new Set(['x']) }).apply('lowest'), 'l@@ o@@ w@@ e@@ s@@ t');
  // An empty vocabulary disables the filter, as in apply_bpe.py.
  assert.equal(new Bpe(TOY_MERGES, { vocabulary: new Set() }).apply('lowest'), 'lo@@ west');
});

test('vocabulary files: get_vocab output and read_vocabulary with threshold', () => {
  const bpe = new Bpe(TOY_MERGES);
  const applied = ['lowest newer lowest', 'wider'].map((l) => bpe.apply(l));
  const entries = getBpeVocabulary(applied);
  assert.deepEqual(entries, [
    ['lo@@', 2],
    ['west', 2],
    ['ne@@', 1],
    ['wer', 1],
    ['wid@@', 1],
    ['e@@', 1],
    ['r', 1],
  ]);
  const text = formatBpeVocabulary(entries);
  assert.equal(text.split('\n')[0], 'lo@@ 2');
  assert.deepEqual([...readBpeVocabulary(text, 2)], ['lo@@', 'west']);
  assert.equal(readBpeVocabulary(text).size, 7);
  assert.equal(readBpeVocabulary('a 1\n\n b 3 \n', 2).has('b'), true);
  assert.throws(() => readBpeVocabulary('a 1\nb\n'), /invalid line 2/);
  assert.throws(() => readBpeVocabulary('a x\n'), /invalid line 1/);
});

test('remove: sed s/@@( |$)//g semantics and round trip', () => {
  assert.equal(removeBpe('lo@@ west ne@@ wer'), 'lowest newer');
  assert.equal(removeBpe('a@@\nb@@ c'), 'a\nbc'); // end of each line
  assert.equal(removeBpe('a@@b @@ c'), 'a@@b c'); // "@@" not followed by space/end stays
  assert.equal(removeBpe('x## y', '##'), 'xy');
  const bpe = new Bpe(TOY_MERGES);
  for (const line of ['lowest newer wider', 'a', '', 'newest , widest !', 'ünïcödé wörds 😀😀']) {
    assert.equal(removeBpe(bpe.apply(line)), line);
  }
});

test('Multi30k: 8000 joint merges on tok/train de+en, apply and remove', (t) => {
  const dir = multi30kDir();
  if (!dir) {
    t.skip(MULTI30K_SKIP);
    return;
  }
  const train = loadMulti30k(dir, 'train', 'de', 'en', { tokenized: true });
  const t0 = performance.now();
  const merges = learnJointBpe(
    [train.map((p) => p.src), train.map((p) => p.tgt)],
    { numMerges: 8000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  t.diagnostic(`learned ${merges.length} joint merges on ${train.length} de+en pairs in ${seconds.toFixed(2)} s`);
  assert.equal(merges.length, 8000);
  assert.ok(seconds < 60, `learning took ${seconds} s`);
  // Reference: the codes file written by subword-nmt's learn_bpe algorithm
  // (learn_joint_bpe_and_vocab.py -s 8000 on the same two files).
  const codes = formatMerges(merges);
  assert.deepEqual(merges.slice(0, 10).map((m) => m.join(' ')), [
    'i n', 'e n</w>', 'i n</w>', 'e r</w>', 'e in', 'a n', 'c h', 'u n', 'e r', 'in g</w>',
  ]);
  assert.deepEqual(merges.slice(-3).map((m) => m.join(' ')), ['st on', 'st in', 'st erten</w>']);
  assert.equal(createHash('sha256').update(codes).digest('hex'), '7368bb9f4678ade439f4bd8ff055ef66204f60f9b048b42b2dc6c85ff995a25c');

  const bpe = Bpe.fromCodes(codes);
  const val = loadMulti30k(dir, 'val', 'de', 'en', { tokenized: true });
  let pieces = 0;
  let words = 0;
  for (const { src, tgt } of val) {
    for (const line of [src, tgt]) {
      const seg = bpe.apply(line);
      assert.equal(removeBpe(seg), line.split(' ').filter(Boolean).join(' '));
      pieces += seg.split(' ').length;
      words += line.split(' ').filter(Boolean).length;
    }
  }
  t.diagnostic(`val: ${words} words -> ${pieces} BPE pieces`);
  assert.ok(pieces >= words && pieces < words * 1.2);
});
