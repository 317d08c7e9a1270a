import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBleuTokenizer, tokenize13a, tokenizeNone, tokenizeRegexp } from '../../src/eval/tokenizer13a.js';
import { pyFormatFixed, pyRstrip, pySplit } from '../../src/eval/pystr.js';

test('13a: punctuation and symbols are split off, apostrophes and hyphens inside words are not', () => {
  assert.equal(tokenize13a('Hello, world!'), 'Hello , world !');
  assert.equal(tokenize13a("It wasn't surprising."), "It wasn't surprising .");
  assert.equal(tokenize13a('a well-known (rare) case: x/y [z] {w} a|b a~b a^b a_b'), 'a well-known ( rare ) case : x / y [ z ] { w } a | b a ~ b a ^ b a _ b');
  assert.equal(tokenize13a('50% of #1 @home +2 =3 *4 $5'), '50 % of # 1 @ home + 2 = 3 * 4 $ 5');
});

test('13a: periods and commas between digits stay, dash after a digit is split', () => {
  assert.equal(tokenize13a('It costs $1,000.50 today.'), 'It costs $ 1,000.50 today .');
  assert.equal(tokenize13a('e.g. 3.14, x.y'), 'e . g . 3.14 , x . y');
  assert.equal(tokenize13a('in 1990-2000 and A-B'), 'in 1990 - 2000 and A-B');
  // The line is padded with spaces first, so a leading period follows a non-digit (the space).
  assert.equal(tokenize13a('.5 and 5.'), '. 5 and 5 .');
  assert.equal(tokenize13a('x 0.5'), 'x 0.5');
  assert.equal(tokenize13a('...'), '. . .');
});

test('13a: <skipped>, hyphenated line breaks, newlines and entities', () => {
  assert.equal(tokenize13a('<skipped>foo-\nbar\nbaz'), 'foobar baz');
  assert.equal(tokenize13a('&quot;Hi&quot; &amp; &lt;b&gt;'), '" Hi " & < b >');
  // Unescaping is sequential: &amp;lt; becomes &lt; and then <.
  assert.equal(tokenize13a('&amp;lt;'), '<');
  assert.equal(tokenize13a('&apos;'), '& apos ;');
});

test('13a: whitespace collapses, Unicode whitespace separates tokens', () => {
  assert.equal(tokenize13a('  a \t b  '), 'a b');
  assert.equal(tokenize13a('a\u00a0b\u3000c\u2028d\x85e'), 'a b c d e');
  assert.equal(tokenize13a('a\ufeffb'), 'a\ufeffb'); // U+FEFF is not whitespace in Python
  assert.equal(tokenize13a(''), '');
  assert.equal(tokenize13a('   '), '');
  assert.equal(tokenize13a('Grüße, 😀!'), 'Grüße , 😀 !');
});

test('tokenizer lookup, none and regexp-only tokenizers', () => {
  assert.equal(tokenizeNone(' a,b '), ' a,b ');
  assert.equal(getBleuTokenizer('none')(' x. '), ' x. ');
  assert.equal(getBleuTokenizer('13a')('x.'), 'x .');
  assert.throws(() => getBleuTokenizer('intl'), /unknown BLEU tokenizer "intl"/);
  // TokenizerRegexp alone does not unescape entities.
  assert.equal(tokenizeRegexp('&quot;'), '& quot ;');
});

test('Python string helpers', () => {
  assert.deepEqual(pySplit('  a \x1c b\u00a0c\n'), ['a', 'b', 'c']);
  assert.deepEqual(pySplit(''), []);
  assert.deepEqual(pySplit(' \t '), []);
  assert.equal(pyRstrip('a \u3000\n'), 'a');
  // Python rounds the exact binary value half to even.
  assert.equal(pyFormatFixed(0.125, 2), '0.12');
  assert.equal(pyFormatFixed(0.375, 2), '0.38');
  assert.equal(pyFormatFixed(2.5, 0), '2');
  assert.equal(pyFormatFixed(3.5, 0), '4');
  assert.equal(pyFormatFixed(1.005, 2), '1.00'); // 1.005 is slightly below 1.005 in binary
  assert.equal(pyFormatFixed(48.530827, 2), '48.53');
  assert.equal(pyFormatFixed(-0.001, 2), '-0.00');
  assert.equal(pyFormatFixed(1e21, 1), '1000000000000000000000.0');
  assert.equal(pyFormatFixed(5e-324, 3), '0.000');
  assert.equal(pyFormatFixed(Infinity, 2), 'inf');
  assert.equal(pyFormatFixed(NaN, 2), 'nan');
  assert.throws(() => pyFormatFixed(1, -1), RangeError);
});
