/**
 * sacreBLEU's tokenizers for BLEU: "13a" (the default, equivalent to
 * mteval-v13a.pl as used by WMT) and "none".
 *
 * Tokenizer13a = language-independent clean-up followed by sacreBLEU's
 * TokenizerRegexp:
 *   1. remove `<skipped>`, join `-\n` (hyphenated line breaks), `\n` -> space,
 *      unescape `&quot;` `&amp;` `&lt;` `&gt;` (in that order, once each),
 *      pad the line with one space on each side;
 *   2. `([\{-\~\[-\` -\&\(-\+\:-\@\/])` -> ` $1 ` (punctuation and symbols,
 *      but not `'`, `.`, `,`, `-`);
 *      `([^0-9])([\.,])` -> `$1 $2 ` (period/comma not preceded by a digit);
 *      `([\.,])([^0-9])` -> ` $1 $2` (period/comma not followed by a digit);
 *      `([0-9])(-)` -> `$1 $2 ` (dash after a digit);
 *   3. collapse whitespace: Python's `' '.join(line.strip().split())`.
 */

import { pySplit } from './pystr.js';

/** Names of the BLEU tokenizers implemented here (sacreBLEU's `tokenize=` values). */
export type BleuTokenizerName = '13a' | 'none';

const RE_SYMBOLS = /([\{-\~\[-\` -\&\(-\+\:-\@\/])/g;
const RE_PERIOD_COMMA_NOT_AFTER_DIGIT = /([^0-9])([\.,])/g;
const RE_PERIOD_COMMA_NOT_BEFORE_DIGIT = /([\.,])([^0-9])/g;
const RE_DASH_AFTER_DIGIT = /([0-9])(-)/g;

/**
 * sacreBLEU's TokenizerRegexp (step 2 and 3 above) on an arbitrary string.
 * Returns the tokens joined by single spaces, with no leading or trailing
 * space; an empty or all-whitespace input gives `''`.
 */
export function tokenizeRegexp(line: string): string {
  let s = line.replace(RE_SYMBOLS, ' $1 ');
  s = s.replace(RE_PERIOD_COMMA_NOT_AFTER_DIGIT, '$1 $2 ');
  s = s.replace(RE_PERIOD_COMMA_NOT_BEFORE_DIGIT, ' $1 $2');
  s = s.replace(RE_DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(s).join(' ');
}

/**
 * sacreBLEU's `Tokenizer13a` on one segment. Any string is accepted; an empty
 * string gives `''`. Whitespace in the result is single ASCII spaces; every
 * Python-whitespace character of the input (including U+00A0 and U+3000)
 * separates tokens.
 */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '');
  s = s.replaceAll('-\n', '');
  s = s.replaceAll('\n', ' ');
  s = s.replaceAll('&quot;', '"');
  s = s.replaceAll('&amp;', '&');
  s = s.replaceAll('&lt;', '<');
  s = s.replaceAll('&gt;', '>');
  return tokenizeRegexp(` ${s} `);
}

/** sacreBLEU's `NoneTokenizer`: returns the segment unchanged. */
export function tokenizeNone(line: string): string {
  return line;
}

/**
 * Returns the tokenizer function for a sacreBLEU tokenizer name; throws an
 * Error naming the supported values for any other name.
 */
export function getBleuTokenizer(name: string): (line: string) => string {
  switch (name) {
    case '13a':
      return tokenize13a;
    case 'none':
      return tokenizeNone;
    default:
      throw new Error(`unknown BLEU tokenizer ${JSON.stringify(name)} (supported: "13a", "none")`);
  }
}
