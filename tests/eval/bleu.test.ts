import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bleuCorpusStats,
  bleuSegmentStats,
  bleuSignature,
  computeBleu,
  corpusBleu,
  formatBleu,
  sentenceBleu,
  sumBleuStats,
  bleuFromStats,
} from '../../src/eval/bleu.js';

const close = (actual: number, expected: number, eps: number, what = '') =>
  assert.ok(Math.abs(actual - expected) < eps, `${what} ${actual} is not within ${eps} of ${expected}`);

// sacreBLEU README / test suite example with two reference streams.
const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];

test('README example: BLEU = 48.53 with two reference streams', () => {
  // Hand check (13a leaves "wasn't" whole: ' is not in its punctuation class):
  //   hyp tokens 6 + 4 + 7 = 17; closest refs 6 ("The dog bit the man ."), 5, 7 -> 18.
  //   1-grams: 6 + 2 (It, .) + 6 (all but "just")          = 14/17 = 82.4
  //   2-grams: 5 + 0 + 2 ("The man", "man had")             =  7/14 = 50.0
  //   3-grams: 4 + 0 + 1 ("The man had")                    =  5/11 = 45.5
  //   4-grams: 3 + 0 + 0                                    =  3/8  = 37.5
  //   BP = exp(1 - 18/17) = 0.943; BLEU = BP * (14*7*5*3 / (17*14*11*8))^(1/4) = 48.53
  const s = corpusBleu(HYPS, REFS);
  assert.deepEqual(s.counts, [14, 7, 5, 3]);
  assert.deepEqual(s.totals, [17, 14, 11, 8]);
  assert.equal(s.sys_len, 17);
  assert.equal(s.ref_len, 18);
  close(s.bp, Math.exp(1 - 18 / 17), 1e-15, 'bp');
  close(s.score, 100 * Math.exp(1 - 18 / 17) * ((14 * 7 * 5 * 3) / (17 * 14 * 11 * 8)) ** 0.25, 1e-10, 'score');
  close(s.score, 48.530827, 1e-6, 'sacreBLEU test value');
  assert.equal(formatBleu(s), 'BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)');
  assert.equal(bleuSignature(2, { version: '2.0.0' }), 'nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0');
  assert.equal(
    formatBleu(s, { signature: bleuSignature(2) }),
    'BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)',
  );
  assert.equal(formatBleu(s, { scoreOnly: true, width: 4 }), '48.5308');
});

test('sacreBLEU test suite: tokenize none, smooth none, empty hypotheses', () => {
  close(corpusBleu(HYPS, REFS, { tokenize: 'none' }).score, 49.1919566, 1e-6, 'tokenize none');
  close(corpusBleu(HYPS, REFS, { tokenize: '13a' }).score, 48.530827, 1e-6, '13a');
  close(corpusBleu(HYPS, REFS, { smoothMethod: 'none' }).score, 48.530827, 1e-6, 'smooth none');
  const empty = corpusBleu(['', '', ''], REFS);
  assert.equal(empty.score, 0);
  assert.equal(empty.sys_len, 0);
  // For length 0 the shortest reference of each segment is closest: 6 + 5 + 6.
  assert.equal(empty.ref_len, 17);
  assert.equal(empty.bp, 0);
  assert.equal(formatBleu(empty), 'BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 17)');
});

test('variable number of references (README): empty reference strings are skipped', () => {
  // Segment 1 keeps only "The dog had bit the man ." (7 tokens):
  //   1-grams 6/6, 2-grams 4/5 (all but "dog bit"), 3-grams 2/4 ("bit the man", "the man ."), 4-grams 1/3.
  //   Totals: 14/17, 6/14, 3/11, 1/8; ref_len 7 + 5 + 7 = 19.
  const refs = [['', REFS[0]![1]!, REFS[0]![2]!], REFS[1]!];
  const s = corpusBleu(HYPS, refs);
  assert.deepEqual(s.counts, [14, 6, 3, 1]);
  assert.deepEqual(s.totals, [17, 14, 11, 8]);
  assert.equal(formatBleu(s), 'BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)');
  assert.throws(() => corpusBleu(['a'], [[''], ['']]), /only empty references/);
});

test('hand-checked: smoothing methods on one segment with zero 3- and 4-gram matches', () => {
  // hyp "a b c d", ref "a b x d" (tokenize none): 1-grams 3/4, 2-grams 1/3 ("a b"), 3-grams 0/2, 4-grams 0/1, BP 1.
  const hyp = ['a b c d'];
  const ref = [['a b x d']];
  // exp: 3-gram precision 1/(2*2), 4-gram 1/(4*1): (3/4 * 1/3 * 1/4 * 1/4)^(1/4) = (2^-6)^(1/4) = 2^-1.5
  const exp = corpusBleu(hyp, ref, { tokenize: 'none' });
  close(exp.score, 100 * 2 ** -1.5, 1e-10, 'exp');
  assert.deepEqual(exp.precisions, [75, 100 / 3, 25, 25]);
  // none: a zero precision makes the score 0.
  assert.equal(corpusBleu(hyp, ref, { tokenize: 'none', smoothMethod: 'none' }).score, 0);
  // floor 0.1: 3-gram 0.1/2, 4-gram 0.1/1 -> (0.75 * 1/3 * 0.05 * 0.1)^(1/4)
  close(corpusBleu(hyp, ref, { tokenize: 'none', smoothMethod: 'floor' }).score, 100 * (0.75 * (1 / 3) * 0.05 * 0.1) ** 0.25, 1e-10, 'floor');
  // add-k 1: orders >= 2 get +1/+1: 2/4, 1/3, 1/2 -> (0.75 * 0.5 * 1/3 * 0.5)^(1/4) = 0.0625^(1/4) = 0.5
  const addk = corpusBleu(hyp, ref, { tokenize: 'none', smoothMethod: 'add-k' });
  close(addk.score, 50, 1e-10, 'add-k');
  assert.deepEqual(addk.counts, [3, 2, 1, 1]);
  assert.deepEqual(addk.totals, [4, 4, 3, 2]);
  assert.equal(bleuSignature(1, { smoothMethod: 'floor' }), 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]');
  assert.equal(bleuSignature(1, { smoothMethod: 'add-k', smoothValue: 2, lowercase: true, tokenize: 'none' }), 'nrefs:1|case:lc|eff:no|tok:none|smooth:add-k[2.00]');
});

test('sacreBLEU test suite: statistics, effective order, floor offsets', () => {
  const s = corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']], {
    tokenize: 'none',
    smoothMethod: 'floor',
    smoothValue: 0.1,
    effectiveOrder: true,
  });
  assert.deepEqual(s.counts, [4, 2, 1, 0]);
  assert.deepEqual(s.totals, [6, 5, 4, 3]);
  close(s.score / 100, 0.1555722182, 1e-8, 'offset 0.1');
  assert.equal(
    corpusBleu(['am I am a character sequence'], [['I am a symbol string sequence a a']], { tokenize: 'none', smoothMethod: 'floor', smoothValue: 0, effectiveOrder: true }).score,
    0,
  );
  const raw = { tokenize: 'none', smoothMethod: 'floor', smoothValue: 0.01, effectiveOrder: true } as const;
  close(corpusBleu(['this is a test'], [['this is a test']], raw).score / 100, 1.0, 1e-8);
  close(corpusBleu(['this is a fest'], [['this is a test']], raw).score / 100, 0.223606797749979, 1e-8);
  close(corpusBleu(['test'], [['a test']], raw).score / 100, 0.3678794411714425, 1e-8);
  close(corpusBleu(['a test'], [['a test']], raw).score / 100, 1.0, 1e-8);
  close(corpusBleu(['a little test'], [['a test']], raw).score / 100, 0.03218297948685433, 1e-8);
});

test('computeBleu from statistics (sacreBLEU test_scoring / degenerate statistics)', () => {
  close(computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100, 0.8375922397, 1e-8);
  const floor = (c: number[], t: number[], sys: number, ref: number, v: number) =>
    computeBleu(c, t, sys, ref, { smoothMethod: 'floor', smoothValue: v }).score;
  assert.equal(floor([0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0), 0);
  assert.equal(floor([0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0), 0);
  assert.equal(floor([0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0), 0);
  assert.equal(floor([6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0), 0);
  assert.equal(floor([0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1), 0);
  assert.equal(floor([0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01), 0);
  // The input arrays are not modified (sacreBLEU's add-k mutates its copies).
  const c = [3, 1, 0, 0];
  const t = [4, 3, 2, 1];
  computeBleu(c, t, 4, 4, { smoothMethod: 'add-k' });
  assert.deepEqual([c, t], [[3, 1, 0, 0], [4, 3, 2, 1]]);
  assert.throws(() => computeBleu([1, 2], [1, 2, 3], 1, 1), RangeError);
});

test('sentence BLEU (sacreBLEU issue #98 and #141 cases)', () => {
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  const cases: [Parameters<typeof sentenceBleu>[2], number][] = [
    [{ smoothMethod: 'exp' }, 8.493],
    [{ smoothMethod: 'none' }, 0.0],
    [{ smoothMethod: 'floor' }, 4.51688],
    [{ smoothMethod: 'floor', smoothValue: 0.1 }, 4.51688],
    [{ smoothMethod: 'floor', smoothValue: 0.5 }, 10.1],
    [{ smoothMethod: 'add-k' }, 14.882],
    [{ smoothMethod: 'add-k', smoothValue: 1 }, 14.882],
    [{ smoothMethod: 'add-k', smoothValue: 2 }, 21.389],
    [{ smoothMethod: 'exp', tokenize: 'none' }, 7.347],
  ];
  for (const [opts, expected] of cases) close(sentenceBleu(SYS, [REF], opts).score, expected, 1e-3, JSON.stringify(opts));
  for (const m of ['exp', 'none', 'floor', 'add-k'] as const) {
    assert.equal(sentenceBleu('this is a cat', ['okay thanks'], { smoothMethod: m }).score, 0);
  }
  // sentenceBleu defaults to effective order; corpus BLEU of a 2-token segment does not.
  close(sentenceBleu('a test', ['a test']).score, 100, 1e-10);
  assert.equal(corpusBleu(['a test'], [['a test']]).score, 0);
  assert.throws(() => sentenceBleu('a', ['', '']), /only empty references/);
});

test('closest reference length: ties go to the shorter reference', () => {
  // hyp 4 tokens; refs of 3 and 5 tokens are both 1 away -> 3 (so no brevity penalty).
  const s = corpusBleu(['a b c d'], [['a b c'], ['a b c d e']], { tokenize: 'none' });
  assert.equal(s.ref_len, 3);
  assert.equal(s.bp, 1);
  // max clipping over references: "a a" matches twice only if one reference has two a's.
  assert.deepEqual(bleuSegmentStats('a a', ['a b', 'b a a'], { tokenize: 'none' }), [2, 2, 2, 1, 0, 0, 2, 1, 0, 0]);
  assert.deepEqual(bleuSegmentStats('a a', ['a b', 'b a'], { tokenize: 'none' }), [2, 2, 1, 0, 0, 0, 2, 1, 0, 0]);
});

test('lowercase option and 13a tokenization inside BLEU', () => {
  assert.equal(corpusBleu(['The CAT sat.'], [['the cat sat .']]).score < 100, true);
  close(corpusBleu(['The CAT sat.'], [['the cat sat .']], { lowercase: true }).score, 100, 1e-10);
  // 13a splits "sat." so it equals the pre-tokenized reference; with tokenize none it does not.
  close(corpusBleu(['the cat sat on it.'], [['the cat sat on it .']]).score, 100, 1e-10);
  assert.ok(corpusBleu(['the cat sat on it.'], [['the cat sat on it .']], { tokenize: 'none' }).score < 100);
});

test('corpus stats equal the sum of segment stats; input validation', () => {
  const per = bleuCorpusStats(HYPS, REFS);
  assert.equal(per.length, 3);
  const sum = sumBleuStats(per);
  assert.deepEqual(sum, [17, 18, 14, 7, 5, 3, 17, 14, 11, 8]);
  assert.equal(bleuFromStats(sum).score, corpusBleu(HYPS, REFS).score);
  assert.throws(() => corpusBleu(HYPS, [REFS[0]!.slice(0, 2)]), /reference stream 1 has 2 segments but there are 3 hypotheses/);
  assert.throws(() => corpusBleu(HYPS, []), /non-empty array of reference streams/);
  assert.throws(() => corpusBleu(HYPS, REFS, { tokenize: 'intl' as never }), /unknown BLEU tokenizer/);
  assert.throws(() => corpusBleu(HYPS, REFS, { smoothMethod: 'bogus' as never }), /unknown BLEU smoothing/);
  const none = corpusBleu([], [[]]);
  assert.equal(none.score, 0);
  assert.equal(none.bp, 1);
});

test('formatting rounds like Python (half to even on the exact binary value)', () => {
  // precision 100 * 1/16 = 6.25 exactly: Python prints 6.2 where toFixed(1) gives 6.3.
  const s = computeBleu([1, 1, 1, 1], [16, 16, 16, 16], 16, 16);
  assert.equal(formatBleu(s), 'BLEU = 6.25 6.2/6.2/6.2/6.2 (BP = 1.000 ratio = 1.000 hyp_len = 16 ref_len = 16)');
});
