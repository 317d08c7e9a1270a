// Tokenization in the manner of the Moses tokenizer.perl (-l LANG, default
// options: no -a, escaping on), as of the Moses snapshot that made Multi30k's
// tok/*.lc.norm.tok.* files (commit 3a0631a, December 2017).
//
// Perl's Unicode classes map to JavaScript ones as follows (regexes use the
// "u" flag, so they see code points, not UTF-16 units):
//   \p{IsAlpha} = \p{Alphabetic}        \p{IsAlnum} = \p{Alphabetic} ∪ \p{Nd}
//   \p{IsN}     = \p{N}                 \p{IsLower} = \p{Lowercase}
//   \s          = the WS class below (Perl's, which has U+0085 and lacks U+FEFF)
// The properties are those of the running engine's Unicode version (newer
// than the Perl that made the Multi30k files), so a character added or
// reclassified since then can come out differently from that Perl.
// Every pattern is linear-time; the only Moses loop that is quadratic
// (the multi-dot placeholder loop) is replaced by a direct computation of its
// result.

import { lowercase, normalize, type MosesLang } from "./normalize.js";
import { nonbreakingPrefixes } from "./nonbreaking.js";

export type { MosesLang } from "./normalize.js";

/** Options of tokenize(); the defaults are tokenizer.perl's. */
export interface TokenizeOptions {
  /** Lowercase first, as Moses lowercase.perl (Perl lc). Default false. */
  lowercase?: boolean;
  /** Escape & | < > ' " [ ] as XML entities (Moses' default; -no-escape turns it off). Default true. */
  escape?: boolean;
  /** Split hyphens between alphanumerics as "a @-@ b" (Moses -a). Default false. */
  aggressiveDash?: boolean;
}

/** Perl's \s on a character string, except the space itself. */
const WS_NOT_SPACE = "\\t\\n\\v\\f\\r\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
/** Perl's \s on a character string (it has U+0085, JavaScript's \s has U+FEFF instead). */
const WS = ` ${WS_NOT_SPACE}`;
/** A whitespace run other than a lone " " (the runs that \s+ → " " changes). */
const RE_WS_RUN = new RegExp(`[${WS_NOT_SPACE}][${WS}]*| [${WS}]+`, "g");
const RE_ALL_WS = new RegExp(`^[${WS}]*$`, "u");
const RE_CONTROL = /[\u0000-\u001F]/g;
/** "Other" special characters: anything but alphanumerics, whitespace, . ' ` , - */
const RE_OTHER = new RegExp(`([^\\p{Alphabetic}\\p{Nd}${WS}.'\`,\\-])`, "gu");
const RE_AGGRESSIVE_DASH = /([\p{Alphabetic}\p{Nd}])-(?=[\p{Alphabetic}\p{Nd}])/gu;
const RE_MULTI_DOT = /\.{2,}/g;

const RE_COMMA_AFTER_NON_NUMBER = /([^\p{N}]),/gu;
const RE_COMMA_BEFORE_NON_NUMBER = /,([^\p{N}])/gu;
const RE_COMMA_AFTER_NUMBER_AT_END = /(\p{N}),$/u;

// Apostrophes. In English the apostrophe goes with the right-hand part
// ("do n't" is not produced: "don't" -> "don 't", "John's" -> "John 's");
// in French/Italian with the left-hand part ("l'homme" -> "l' homme").
const EN_APOS: [RegExp, string][] = [
  [/([^\p{Alphabetic}])'([^\p{Alphabetic}])/gu, "$1 ' $2"],
  [/([^\p{Alphabetic}\p{N}])'(\p{Alphabetic})/gu, "$1 ' $2"],
  [/(\p{Alphabetic})'([^\p{Alphabetic}])/gu, "$1 ' $2"],
  [/(\p{Alphabetic})'(\p{Alphabetic})/gu, "$1 '$2"],
  // special case for "1990's"
  [/(\p{N})'(s)/gu, "$1 '$2"],
];
const FR_APOS: [RegExp, string][] = [
  [/([^\p{Alphabetic}])'([^\p{Alphabetic}])/gu, "$1 ' $2"],
  [/([^\p{Alphabetic}])'(\p{Alphabetic})/gu, "$1 ' $2"],
  [/(\p{Alphabetic})'([^\p{Alphabetic}])/gu, "$1 ' $2"],
  [/(\p{Alphabetic})'(\p{Alphabetic})/gu, "$1' $2"],
];
const OTHER_APOS: [RegExp, string][] = [[/'/g, " ' "]];

function apostropheRules(lang: string): [RegExp, string][] {
  if (lang === "en") return EN_APOS;
  if (lang === "fr" || lang === "it" || lang === "ga" || lang === "ca") return FR_APOS;
  return OTHER_APOS;
}

const RE_STARTS_LOWER = /^\p{Lowercase}/u;
const RE_STARTS_DIGIT = /^[0-9]/;
const RE_HAS_ALPHA = /\p{Alphabetic}/u;

// Multi-dot runs ("...") are kept together. Moses swaps them for the
// placeholder "DOTMULTI" and grows it one "DOT" per period in a loop; here a
// run of k periods becomes MARK_OPEN + k + MARK_CLOSE in one step. The marker
// characters are not alphanumeric, so any such character in the input has
// already been surrounded by spaces when markers are inserted: an input can
// never forge one. Like Moses' placeholder, a marker always stands alone
// between spaces, starts with a character that is neither lowercase nor a
// digit and does not end in a period, so every later rule treats it exactly
// as Moses treats DOTMULTI.
const MARK_OPEN = "\uE000";
const MARK_CLOSE = "\uE001";
const RE_MARK = /\uE000([0-9]+)\uE001/g;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "|": "&#124;",
  "<": "&lt;",
  ">": "&gt;",
  "'": "&apos;",
  '"': "&quot;",
  "[": "&#91;",
  "]": "&#93;",
};
const RE_ESCAPE = /[&|<>'"[\]]/g;

/**
 * Moses' XML escaping of a tokenized line: & → &amp;, | → &#124;, < → &lt;,
 * > → &gt;, ' → &apos;, " → &quot;, [ → &#91;, ] → &#93;.
 */
export function escapeMoses(text: string): string {
  return text.replace(RE_ESCAPE, (c) => ESCAPES[c] as string);
}

/**
 * Moses tokenizer.perl -l LANG on one line of text; returns the tokens
 * joined by single spaces (the line Moses prints, without its "\n").
 *
 * Steps, in Moses' order: whitespace runs become one space and ASCII
 * control characters U+0000-U+001F are deleted (so the output is always one
 * line, whatever line breaks the input has); every character that is not a
 * letter/digit (\p{Alphabetic}, \p{Nd}), whitespace, or one of . ' ` , - is
 * split off as a token of its own (this includes symbols, emoji, combining
 * marks that are not Alphabetic such as U+0301, joiners, lone surrogates and
 * DEL); with aggressiveDash, "a-b" becomes "a @-@ b"; runs of two or more
 * periods stay together as one token; a comma is split off unless it is
 * between two numbers ("5,300" stays, "5, 3" and a line-final "5," split);
 * apostrophes are split by language ("en": "don't" → "don 't", "1990's" →
 * "1990 's"; "fr"/"it": "l'homme" → "l' homme"; other languages: split off on
 * both sides); a word-final period is split off ("end." → "end .") unless the
 * word contains another period and a letter ("e.g.", "U.S."), its prefix is
 * a non-breaking prefix of the language ("Mr." in en; numeric-only prefixes
 * like "No." only before a digit: "No. 5" but "No . That"), or the next word
 * starts with a lowercase letter; a line-final ".'" becomes " . ' " (Moses
 * leaves that trailing space, and so does this function); last, the XML
 * escaping of escapeMoses() unless escape is false.
 *
 * Like the Moses snapshot that produced the Multi30k files, the last word
 * of the line gets no special treatment (newer Moses always splits its
 * period). Whitespace-only or empty input gives "" (Moses would echo such a
 * line unchanged). The Finnish/Swedish colon, Catalan middle-dot and Tetun
 * variants of Moses are not implemented: those languages get the generic
 * rules. Any string is accepted (NUL, lone surrogates, RTL text, megabyte
 * lines) and run time is linear in its length.
 */
export function tokenize(text: string, lang: MosesLang, options: TokenizeOptions = {}): string {
  const { escape = true, aggressiveDash = false } = options;
  if (options.lowercase) text = lowercase(text);
  if (RE_ALL_WS.test(text)) return "";

  text = ` ${text} `.replace(RE_WS_RUN, " ");
  text = text.replace(RE_CONTROL, "");
  text = text.replace(/ {2,}/g, " ");
  if (text.startsWith(" ")) text = text.slice(1);
  if (text.endsWith(" ")) text = text.slice(0, -1);

  // separate out all "other" special characters
  text = text.replace(RE_OTHER, " $1 ");
  if (aggressiveDash) text = text.replace(RE_AGGRESSIVE_DASH, "$1 @-@ ");

  // multi-dots stay together: " " + marker, and a space before whatever follows
  const multiDot = text.includes("..");
  if (multiDot) {
    text = text.replace(RE_MULTI_DOT, (run: string, at: number, all: string) =>
      ` ${MARK_OPEN}${run.length}${MARK_CLOSE}${at + run.length < all.length ? " " : ""}`,
    );
  }

  // separate out "," except if within numbers (5,300)
  if (text.includes(",")) {
    text = text.replace(RE_COMMA_AFTER_NON_NUMBER, "$1 , ");
    text = text.replace(RE_COMMA_BEFORE_NON_NUMBER, " , $1");
    text = text.replace(RE_COMMA_AFTER_NUMBER_AT_END, "$1 ,");
  }

  if (text.includes("'")) for (const [re, to] of apostropheRules(lang)) text = text.replace(re, to);

  text = splitFinalPeriods(text, lang);

  text = text.replace(/ {2,}/g, " ");
  if (text.startsWith(" ")) text = text.slice(1);
  if (text.endsWith(" ")) text = text.slice(0, -1);
  // .' at end of sentence is missed
  text = text.replace(/\.' ?$/, " . ' ");

  if (multiDot) text = text.replace(RE_MARK, (_m: string, n: string) => ".".repeat(Number(n)));
  return escape ? escapeMoses(text) : text;
}

/**
 * The word loop of tokenizer.perl: split on single spaces (keeping the empty
 * words that double spaces make, dropping trailing ones, as Perl's split
 * does, because an empty next word is not "lowercase"), decide for each word
 * ending in "." whether to split the period off, and join with spaces.
 */
function splitFinalPeriods(text: string, lang: string): string {
  const words = text.split(" ");
  while (words.length > 0 && words[words.length - 1] === "") words.pop();
  const prefixes = nonbreakingPrefixes(lang);
  const last = words.length - 1;
  for (let i = 0; i <= last; i++) {
    const word = words[i] as string;
    if (word.length < 2 || word.charCodeAt(word.length - 1) !== 0x2e) continue;
    const pre = word.slice(0, -1);
    const kind = prefixes.get(pre);
    const next = i < last ? (words[i + 1] as string) : undefined;
    if (
      (pre.includes(".") && RE_HAS_ALPHA.test(pre)) ||
      kind === 1 ||
      (next !== undefined && RE_STARTS_LOWER.test(next))
    ) {
      continue;
    }
    if (kind === 2 && next !== undefined && RE_STARTS_DIGIT.test(next)) continue;
    words[i] = `${pre} .`;
  }
  return words.join(" ");
}

/** tokenize() split into its tokens (no empty strings). */
export function tokenizeToArray(text: string, lang: MosesLang, options: TokenizeOptions = {}): string[] {
  return tokenize(text, lang, options).split(" ").filter((t) => t !== "");
}

/**
 * The Multi30k preprocessing for one line: lowercase (if options.lowercase),
 * then normalize(text, lang), then tokenize(text, lang, options).
 * preprocess(line, lang, { lowercase: true }) reproduces the lines of
 * Multi30k's tok/*.lc.norm.tok.LANG files from raw/*.LANG.
 */
export function preprocess(text: string, lang: MosesLang, options: TokenizeOptions = {}): string {
  if (options.lowercase) text = lowercase(text);
  return tokenize(normalize(text, lang), lang, { ...options, lowercase: false });
}
