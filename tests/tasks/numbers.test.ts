// The numbers task: English number words → French (traditional spelling).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  englishWords, frenchWords, getTask, makeRng, MAX_NUMBER, numbersTask, renderWords, vocabulary, wordTokens,
} from "../../src/tasks/index.js";

// Hand-checked against French grammar references (Grevisse rules on vingt, cent, mille, million).
const TABLE: [number, string, string][] = [
  [0, "zero", "zéro"],
  [1, "one", "un"],
  [7, "seven", "sept"],
  [10, "ten", "dix"],
  [11, "eleven", "onze"],
  [16, "sixteen", "seize"],
  [17, "seventeen", "dix-sept"],
  [19, "nineteen", "dix-neuf"],
  [20, "twenty", "vingt"],
  [21, "twenty-one", "vingt et un"],
  [22, "twenty-two", "vingt-deux"],
  [31, "thirty-one", "trente et un"],
  [42, "forty-two", "quarante-deux"],
  [61, "sixty-one", "soixante et un"],
  [70, "seventy", "soixante-dix"],
  [71, "seventy-one", "soixante et onze"],
  [72, "seventy-two", "soixante-douze"],
  [77, "seventy-seven", "soixante-dix-sept"],
  [80, "eighty", "quatre-vingts"],
  [81, "eighty-one", "quatre-vingt-un"],
  [90, "ninety", "quatre-vingt-dix"],
  [91, "ninety-one", "quatre-vingt-onze"],
  [99, "ninety-nine", "quatre-vingt-dix-neuf"],
  [100, "one hundred", "cent"],
  [101, "one hundred one", "cent un"],
  [180, "one hundred eighty", "cent quatre-vingts"],
  [200, "two hundred", "deux cents"],
  [201, "two hundred one", "deux cent un"],
  [280, "two hundred eighty", "deux cent quatre-vingts"],
  [999, "nine hundred ninety-nine", "neuf cent quatre-vingt-dix-neuf"],
  [1000, "one thousand", "mille"],
  [1001, "one thousand one", "mille un"],
  [1100, "one thousand one hundred", "mille cent"],
  [2000, "two thousand", "deux mille"],
  [21_000, "twenty-one thousand", "vingt et un mille"],
  [80_000, "eighty thousand", "quatre-vingt mille"],
  [80_080, "eighty thousand eighty", "quatre-vingt mille quatre-vingts"],
  [200_000, "two hundred thousand", "deux cent mille"],
  [200_200, "two hundred thousand two hundred", "deux cent mille deux cents"],
  [1_000_000, "one million", "un million"],
  [1_000_001, "one million one", "un million un"],
  [1_001_000, "one million one thousand", "un million mille"],
  [2_000_000, "two million", "deux millions"],
  [21_000_000, "twenty-one million", "vingt et un millions"],
  [80_000_000, "eighty million", "quatre-vingts millions"],
  [200_000_000, "two hundred million", "deux cents millions"],
  [123_456_789, "one hundred twenty-three million four hundred fifty-six thousand seven hundred eighty-nine",
    "cent vingt-trois millions quatre cent cinquante-six mille sept cent quatre-vingt-neuf"],
  [999_999_999, "nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine",
    "neuf cent quatre-vingt-dix-neuf millions neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf"],
];

test("numbers: known English → French conversions", () => {
  for (const [n, en, fr] of TABLE) {
    assert.equal(englishWords(n), en, `english ${n}`);
    assert.equal(frenchWords(n), fr, `french ${n}`);
    const ex = numbersTask.sample({ next: () => 0, int: () => n }, undefined);
    assert.equal(numbersTask.render(ex.src), en);
    assert.equal(numbersTask.render(ex.tgt), fr);
  }
});

test("numbers: hyphens are split into '-' tokens", () => {
  assert.deepEqual(wordTokens("seventy-one"), ["seventy", "-", "one"]);
  assert.deepEqual(wordTokens("soixante et onze"), ["soixante", "et", "onze"]);
  assert.deepEqual(wordTokens("quatre-vingt-dix-neuf"), ["quatre", "-", "vingt", "-", "dix", "-", "neuf"]);
  assert.deepEqual(wordTokens("deux cent mille"), ["deux", "cent", "mille"]);
  assert.equal(renderWords(["quatre", "-", "vingts", "millions"]), "quatre-vingts millions");
});

const EN_VOCAB = [
  "-", "eight", "eighteen", "eighty", "eleven", "fifteen", "fifty", "five", "forty", "four", "fourteen", "hundred",
  "million", "nine", "nineteen", "ninety", "one", "seven", "seventeen", "seventy", "six", "sixteen", "sixty", "ten",
  "thirteen", "thirty", "thousand", "three", "twelve", "twenty", "two", "zero",
];
const FR_VOCAB = [
  "-", "cent", "cents", "cinq", "cinquante", "deux", "dix", "douze", "et", "huit", "mille", "million", "millions",
  "neuf", "onze", "quarante", "quatorze", "quatre", "quinze", "seize", "sept", "six", "soixante", "treize", "trente",
  "trois", "un", "vingt", "vingts", "zéro",
];

test("numbers: spelling rules hold on many numbers; vocabularies", () => {
  const numbers: number[] = [];
  for (let n = 0; n < 2000; n++) numbers.push(n);
  for (let n = 2000; n < 1_000_000; n += 7) numbers.push(n);
  const rng = makeRng(4);
  for (let i = 0; i < 20_000; i++) numbers.push(rng.int(0, MAX_NUMBER));
  const en = new Set<string>();
  const fr = new Set<string>();
  for (const n of numbers) {
    const e = englishWords(n);
    const f = frenchWords(n);
    const et = wordTokens(e);
    const ft = wordTokens(f);
    assert.equal(renderWords(et), e);
    assert.equal(renderWords(ft), f);
    et.forEach((t) => en.add(t));
    ft.forEach((t) => fr.add(t));
    assert.ok(!/ {2}|^ | $|\band\b/.test(e), e);
    assert.ok(!/ {2}|^ | $/.test(f), f);
    ft.forEach((t, i) => {
      const next = ft[i + 1];
      if (t === "et") assert.ok(next === "un" || next === "onze", f);
      if (t === "cents" || t === "vingts") assert.ok(next === undefined || next === "millions", f);
      if (t === "vingts") assert.equal(ft[i - 2], "quatre", f);
      if (t === "cent" && next === undefined) assert.ok(i === 0 || !/^(deux|trois|quatre|cinq|six|sept|huit|neuf)$/.test(ft[i - 1]!), f);
      // "mille", never "un mille" (but "vingt et un mille", "cent un mille").
      if (t === "mille" && ft[i - 1] === "un") assert.ok(i >= 2 && !/^millions?$/.test(ft[i - 2]!), f);
      if (t === "million") assert.equal(ft[i - 1], "un", f);
    });
    if (n >= 2_000_000) assert.ok(ft.includes("millions"), f);
  }
  assert.deepEqual([...en].sort(), EN_VOCAB);
  assert.deepEqual([...fr].sort(), FR_VOCAB);
});

test("numbers: digits uniform 1..9, length asks for a digit count, lengths 1..17 → 1..29", () => {
  assert.equal(getTask("numbers"), numbersTask);
  const rng = makeRng(6);
  const digitCounts = new Array<number>(10).fill(0);
  const examples = Array.from({ length: 9000 }, () => numbersTask.sample(rng));
  for (const ex of examples) {
    assert.ok(ex.src.length >= 1 && ex.src.length <= 17);
    assert.ok(ex.tgt.length >= 1 && ex.tgt.length <= 29);
    const n = TABLE_LOOKUP(ex);
    digitCounts[String(n).length]!++;
  }
  for (let d = 1; d <= 9; d++) assert.ok(digitCounts[d]! > 850 && digitCounts[d]! < 1150, `digits ${d}: ${digitCounts[d]}`);
  const v = vocabulary(examples);
  assert.equal(v.src.length, EN_VOCAB.length);
  assert.equal(v.tgt.length, FR_VOCAB.length);
  for (let d = 1; d <= 9; d++) {
    for (let i = 0; i < 50; i++) assert.equal(String(TABLE_LOOKUP(numbersTask.sample(rng, d))).length, d);
  }
  // The longest forms: 17 English tokens (5 a group of three digits), 29 French (9 a group).
  let maxEn = 0;
  let maxFr = 0;
  for (let n = 0; n < 1000; n++) {
    maxEn = Math.max(maxEn, wordTokens(englishWords(n)).length);
    maxFr = Math.max(maxFr, wordTokens(frenchWords(n)).length);
  }
  assert.deepEqual([maxEn, maxFr], [5, 9]);
  assert.equal(wordTokens(englishWords(777_777_777)).length, 17);
  assert.equal(wordTokens(frenchWords(797_797_797)).length, 29);
  for (const bad of [0, 10, 2.5]) assert.throws(() => numbersTask.sample(rng, bad), RangeError);
  for (const bad of [-1, 1e9, 0.5]) {
    assert.throws(() => englishWords(bad), RangeError);
    assert.throws(() => frenchWords(bad), RangeError);
  }
});

test("numbers: deterministic for a seed", () => {
  const a = makeRng(10);
  const b = makeRng(10);
  for (let i = 0; i < 500; i++) assert.deepEqual(numbersTask.sample(a), numbersTask.sample(b));
});

/** Reads the English side back to a number (a tiny independent parser). */
function TABLE_LOOKUP(ex: { src: string[] }): number {
  const value = new Map<string, number>();
  ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"].forEach((w, i) => value.set(w, i));
  ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"].forEach((w, i) => value.set(w, 20 + 10 * i));
  let total = 0;
  let chunk = 0;
  for (const w of ex.src) {
    if (w === "-") continue;
    if (w === "hundred") chunk *= 100;
    else if (w === "thousand") { total += chunk * 1000; chunk = 0; }
    else if (w === "million") { total += chunk * 1_000_000; chunk = 0; }
    else chunk += value.get(w)!;
  }
  return total + chunk;
}
