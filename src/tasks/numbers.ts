/**
 * The `numbers` task: an integer in 0..999,999,999 in English words → the
 * same number in French words. Word-level tokens; hyphenated compounds are
 * split on the hyphen, which becomes its own "-" token ("forty-two" →
 * `forty - two`, "quatre-vingt-dix-neuf" → `quatre - vingt - dix - neuf`),
 * so both vocabularies stay small (32 English and 30 French tokens).
 *
 * English: American style without "and": "one hundred twenty-three",
 * "one thousand one", "two million".
 *
 * French: traditional spelling (before the 1990 reform, as taught in the
 * 1990s): hyphens only between tens and units below 100 when they are not
 * joined by "et" ("vingt et un", "soixante et onze", "quatre-vingt-un",
 * "quatre-vingt-onze", "dix-sept"), none around "cent", "mille", "million"
 * ("deux cent un", "deux mille trois"). Agreement: "vingt" and "cent" take
 * an "s" when multiplied and ending the number ("quatre-vingts",
 * "deux cents") or before the noun "millions" ("quatre-vingts millions",
 * "deux cents millions"), but not before "mille", which is invariable and
 * has no "un" ("mille", "deux cent mille", "quatre-vingt mille").
 * "million" is a noun: "un million", "deux millions".
 *
 * Sampling: the number of digits is uniform in 1..9 (or the `length` asked
 * for), then the number is uniform among numbers with that many digits
 * (0..9 for one digit), so source lengths spread from 1 to 17 tokens
 * (targets 1 to 29, e.g. 797,797,797).
 */

import type { Example, Rng, TaskSpec } from "./types.js";

export const MAX_NUMBER = 999_999_999;

const EN_ONES = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
  "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

const FR_UNITS = [
  "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
  "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
];
const FR_TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"];

function checkNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_NUMBER) {
    throw new RangeError(`numbers: need an integer in 0..${MAX_NUMBER}, got ${n}`);
  }
}

function enBelow100(n: number): string {
  if (n < 20) return EN_ONES[n]!;
  const u = n % 10;
  return EN_TENS[Math.floor(n / 10)]! + (u ? `-${EN_ONES[u]}` : "");
}

function enBelow1000(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  if (!h) return enBelow100(r);
  return `${EN_ONES[h]} hundred` + (r ? ` ${enBelow100(r)}` : "");
}

/** English words for 0..999,999,999, e.g. "one hundred twenty-three" (no "and"). */
export function englishWords(n: number): string {
  checkNumber(n);
  if (n === 0) return "zero";
  const parts: string[] = [];
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor(n / 1000) % 1000;
  const rest = n % 1000;
  if (millions) parts.push(`${enBelow1000(millions)} million`);
  if (thousands) parts.push(`${enBelow1000(thousands)} thousand`);
  if (rest) parts.push(enBelow1000(rest));
  return parts.join(" ");
}

/** 1..99 in French; `final` is false before "mille" (then 80 is "quatre-vingt"). */
function frBelow100(n: number, final: boolean): string {
  if (n <= 16) return FR_UNITS[n]!;
  if (n < 20) return `dix-${FR_UNITS[n - 10]}`;
  const t = Math.floor(n / 10);
  const u = n % 10;
  if (t <= 6) {
    const base = FR_TENS[t]!;
    if (u === 0) return base;
    if (u === 1) return `${base} et un`;
    return `${base}-${FR_UNITS[u]}`;
  }
  if (t === 7) return u === 1 ? "soixante et onze" : `soixante-${frBelow100(10 + u, final)}`;
  if (t === 8) return u === 0 ? (final ? "quatre-vingts" : "quatre-vingt") : `quatre-vingt-${FR_UNITS[u]}`;
  return `quatre-vingt-${frBelow100(10 + u, final)}`;
}

/** 1..999 in French; `final` is false before "mille". */
function frBelow1000(n: number, final: boolean): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const parts: string[] = [];
  if (h === 1) parts.push("cent");
  else if (h > 1) parts.push(FR_UNITS[h]!, r === 0 && final ? "cents" : "cent");
  if (r) parts.push(frBelow100(r, final));
  return parts.join(" ");
}

/**
 * French words for 0..999,999,999 in traditional spelling, e.g.
 * "quatre-vingt-dix-neuf", "deux cents", "deux cent un", "mille",
 * "deux millions" (see the file comment for the rules).
 */
export function frenchWords(n: number): string {
  checkNumber(n);
  if (n === 0) return "zéro";
  const parts: string[] = [];
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor(n / 1000) % 1000;
  const rest = n % 1000;
  // Before the noun "million(s)" the count keeps its plural s ("deux cents millions").
  if (millions) parts.push(millions === 1 ? "un million" : `${frBelow1000(millions, true)} millions`);
  // "mille" is an invariable adjective: no "un", and "cent"/"vingt" before it take no s.
  if (thousands) parts.push(thousands === 1 ? "mille" : `${frBelow1000(thousands, false)} mille`);
  if (rest) parts.push(frBelow1000(rest, true));
  return parts.join(" ");
}

/** Splits number words into tokens: on spaces, and on hyphens, which become "-" tokens. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(" ")) {
    word.split("-").forEach((piece, i) => {
      if (i > 0) out.push("-");
      out.push(piece);
    });
  }
  return out;
}

/** Inverse of wordTokens: joins with spaces and glues "-" tokens to their neighbours. */
export function renderWords(tokens: readonly string[]): string {
  let s = "";
  tokens.forEach((tok, i) => {
    if (i > 0 && tok !== "-" && tokens[i - 1] !== "-") s += " ";
    s += tok;
  });
  return s;
}

/** The example for one number. */
export function numberExample(n: number): Example {
  return { src: wordTokens(englishWords(n)), tgt: wordTokens(frenchWords(n)) };
}

export const numbersTask: TaskSpec = {
  name: "numbers",
  description: "integers 0..999,999,999 in English words -> French words (traditional spelling), word tokens with \"-\" split out",
  sample(rng: Rng, length?: number): Example {
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 1 || length > 9)) {
      throw new RangeError(`numbers: length is the number of digits, 1..9, got ${length}`);
    }
    const digits = length ?? rng.int(1, 9);
    const n = digits === 1 ? rng.int(0, 9) : rng.int(10 ** (digits - 1), 10 ** digits - 1);
    return numberExample(n);
  },
  render: renderWords,
};
