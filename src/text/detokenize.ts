// Detokenization in the manner of the Moses detokenizer.perl -l LANG
// (default options): the inverse, as far as it can be, of tokenize().

import type { MosesLang } from "./normalize.js";

/**
 * Undo Moses' XML escaping, in Moses' order: &bar; and &#124; → |, &lt; → <,
 * &gt; → >, &bra; and &#91; → [, &ket; and &#93; → ], &quot; → ", &apos; → ',
 * and &amp; → & last (so "&amp;lt;" gives "&lt;").
 */
export function unescapeMoses(text: string): string {
  return text
    .replace(/&bar;/g, "|")
    .replace(/&#124;/g, "|")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&bra;/g, "[")
    .replace(/&ket;/g, "]")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#91;/g, "[")
    .replace(/&#93;/g, "]")
    .replace(/&amp;/g, "&");
}

/** Is the code point Chinese, Japanese or Korean (the Moses ranges)? */
function isCJK(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x11ff) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0xa4cf) || // radicals ... CJK Unified Ideographs, Yi
    (cp >= 0xa840 && cp <= 0xa87f) || // Phags-pa
    (cp >= 0xac00 && cp <= 0xd7af) || // Hangul Syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK Compatibility Ideographs
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK Compatibility Forms
    (cp >= 0xff65 && cp <= 0xffdc) || // halfwidth Katakana and Hangul
    (cp >= 0x20000 && cp <= 0x2ffff) // Supplementary Ideographic Plane
  );
}

function startsWithCJK(word: string): boolean {
  return word.length > 0 && isCJK(word.codePointAt(0) as number);
}

function endsWithCJK(word: string): boolean {
  if (word.length === 0) return false;
  const lo = word.charCodeAt(word.length - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && word.length > 1) {
    const hi = word.charCodeAt(word.length - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return isCJK(((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
  }
  return isCJK(lo);
}

/** Line breaks and other vertical whitespace, which detokenize() turns into spaces. */
const RE_LINE_BREAK = /[\n\v\f\r\u0085\u2028\u2029]/g;
const RE_ALL_WS = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$/u;
const RE_XML_LINE = /^<.+>$/su;
const RE_OPENING = /^[\p{Sc}(\[{¿¡]+$/u;
const RE_CLOSING = /^[,.?!:;\\%}\])]+$/;
const RE_FR_SPACED = /^[?!:;\\%]$/;
const RE_EN_CONTRACTION = /^'\p{Alphabetic}/u;
const RE_ENDS_ALNUM = /[\p{Alphabetic}\p{Nd}]$/u;
const RE_FR_ELISION = /\p{Alphabetic}'$/u;
const RE_STARTS_ALPHA = /^\p{Alphabetic}/u;
const RE_QUOTES = /^['"„“`]+$/;
const RE_DOUBLE_QUOTES = /^[„“”]+$/;

/**
 * Moses detokenizer.perl -l LANG on one tokenized line, given as a string of
 * space-separated tokens or as an array of tokens (joined with spaces).
 *
 * Steps: " @-@ " becomes "-"; entities are unescaped (unescapeMoses); then,
 * token by token: a token of CJK script right after one ending in CJK is
 * glued to it; currency symbols and ( [ { ¿ ¡ attach to the next token;
 * runs of , . ? ! : ; \ % } ] ) attach to the previous one (in "fr", a
 * single ? ! : ; \ or % keeps one space before it, French style); in "en",
 * a token starting with an apostrophe and a letter attaches to a previous
 * token ending in a letter or digit ("don 't" → "don't"); in "fr"/"it" a
 * token ending in letter + apostrophe attaches to a next token starting with
 * a letter ("l' homme" → "l'homme"); quote tokens (' " „ “ `) alternate
 * between opening (attach right) and closing (attach left), counted per
 * quote string, except that in "en" a ' after a word ending in "s" closes a
 * possessive ("the Jones ' house" → "the Jones' house"). Other languages
 * (including "de") get the rules that are not marked with a language; the
 * Czech and Finnish special cases of Moses are not implemented.
 *
 * The result is one line with single spaces and no leading or trailing
 * space: line breaks in the input count as spaces. As in Moses, input that
 * is only whitespace gives "" and a line that looks like an XML tag
 * ("<...>" as a whole) is returned unchanged. Any string is accepted and the
 * run time is linear in its length.
 */
export function detokenize(input: string | readonly string[], lang: MosesLang): string {
  let text = typeof input === "string" ? input : input.join(" ");
  text = text.replace(RE_LINE_BREAK, " ");
  if (RE_ALL_WS.test(text)) return "";
  if (RE_XML_LINE.test(text)) return text;

  text = ` ${text} `.replace(/ @-@ /g, "-");
  text = unescapeMoses(text);

  const words = text.split(" ");
  while (words.length > 0 && words[words.length - 1] === "") words.pop();
  const n = words.length;
  const quoteCount = new Map<string, number>([
    ["'", 0],
    ['"', 0],
  ]);
  let out = "";
  let prependSpace = " ";
  for (let i = 0; i < n; i++) {
    const word = words[i] as string;
    if (startsWithCJK(word)) {
      // a second consecutive CJK word is glued to the first
      out += i > 0 && endsWithCJK(words[i - 1] as string) ? word : prependSpace + word;
      prependSpace = " ";
    } else if (RE_OPENING.test(word)) {
      // currency and opening brackets: right shift
      out += prependSpace + word;
      prependSpace = "";
    } else if (RE_CLOSING.test(word)) {
      // closing punctuation: left shift (French keeps a space before ? ! : ; \ %)
      if (lang === "fr" && RE_FR_SPACED.test(word)) out += " ";
      out += word;
      prependSpace = " ";
    } else if (lang === "en" && i > 0 && RE_EN_CONTRACTION.test(word) && RE_ENDS_ALNUM.test(words[i - 1] as string)) {
      // English contraction: left shift
      out += word;
      prependSpace = " ";
    } else if (
      (lang === "fr" || lang === "it") &&
      i <= n - 2 &&
      RE_FR_ELISION.test(word) &&
      RE_STARTS_ALPHA.test(words[i + 1] as string)
    ) {
      // French/Italian elision: right shift
      out += prependSpace + word;
      prependSpace = "";
    } else if (RE_QUOTES.test(word)) {
      const quote = RE_DOUBLE_QUOTES.test(word) ? '"' : word;
      const count = quoteCount.get(quote) ?? 0;
      if (count % 2 === 0) {
        if (lang === "en" && word === "'" && i > 0 && (words[i - 1] as string).endsWith("s")) {
          // possessive of a word ending in s: left shift, not counted
          out += word;
          prependSpace = " ";
        } else {
          // opening quote: right shift
          out += prependSpace + word;
          prependSpace = "";
          quoteCount.set(quote, count + 1);
        }
      } else {
        // closing quote: left shift
        out += word;
        prependSpace = " ";
        quoteCount.set(quote, count + 1);
      }
    } else {
      out += prependSpace + word;
      prependSpace = " ";
    }
  }

  out = out.replace(/ {2,}/g, " ");
  if (out.startsWith(" ")) out = out.slice(1);
  if (out.endsWith(" ")) out = out.slice(0, -1);
  return out;
}
