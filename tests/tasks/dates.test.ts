// The dates task: formats, calendar arithmetic (checked against JS Date),
// and samples parsed back by an independent parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { datesTask, DATE_FORMATS, getTask, isoDate, makeRng, SPACE, vocabulary, type Rng } from "../../src/tasks/index.js";
import { civilFromDays, daysFromCivil, FIRST_DAY, LAST_DAY, ordinal } from "../../src/tasks/dates.js";

const MAY_3_1999 = { y: 1999, m: 5, d: 3, wd: 1 }; // a Monday

test("dates: every format for Monday 3 May 1999", () => {
  assert.deepEqual(
    DATE_FORMATS.map((f) => f.format(MAY_3_1999)),
    [
      "3 May 1999",
      "May 3, 1999",
      "may 3 1999",
      "05/03/1999",
      "5/3/1999",
      "05/03/99",
      "3.5.1999",
      "03.05.99",
      "03-05-1999",
      "1999-05-03",
      "19990503",
      "03MAY1999",
      "MAY 03 99",
      "3 may 99",
      "3-May-99",
      "Mon May 3 1999",
      "Monday, May 3, 1999",
      "Monday 3 May 1999",
      "May 3rd, 1999",
      "3rd of May 1999",
    ],
  );
  assert.equal(new Set(DATE_FORMATS.map((f) => f.name)).size, DATE_FORMATS.length);
  assert.deepEqual(
    DATE_FORMATS.filter((f) => f.twoDigitYear).map((f) => f.name),
    ["MM/DD/YY", "DD.MM.YY", "MON DD YY", "D mon YY", "D-Mon-YY"],
  );
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 24, 30, 31].map(ordinal),
    ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "24th", "30th", "31st"]);
});

test("dates: calendar arithmetic matches JS Date on every day of 1950..2050", () => {
  assert.equal(FIRST_DAY, Date.UTC(1950, 0, 1) / 86_400_000);
  assert.equal(LAST_DAY, Date.UTC(2050, 11, 31) / 86_400_000);
  for (let day = FIRST_DAY; day <= LAST_DAY; day++) {
    const p = civilFromDays(day);
    const js = new Date(day * 86_400_000);
    assert.equal(p.y, js.getUTCFullYear());
    assert.equal(p.m, js.getUTCMonth() + 1);
    assert.equal(p.d, js.getUTCDate());
    assert.equal(p.wd, js.getUTCDay());
    assert.equal(daysFromCivil(p.y, p.m, p.d), day);
    assert.equal(isoDate(p), js.toISOString().slice(0, 10));
  }
});

// An independent reader of the 20 formats: source text → [y, m, d, weekday or -1].
const MONTH_INDEX = new Map<string, number>();
["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
  .forEach((name, i) => { MONTH_INDEX.set(name, i + 1); MONTH_INDEX.set(name.slice(0, 3), i + 1); });
const WEEKDAY_INDEX = new Map<string, number>();
["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
  .forEach((name, i) => { WEEKDAY_INDEX.set(name, i); WEEKDAY_INDEX.set(name.slice(0, 3), i); });
const monthOf = (s: string) => MONTH_INDEX.get(s.toLowerCase())!;
const year2 = (s: string) => { const n = Number(s); return n >= 50 ? 1900 + n : 2000 + n; };
const READERS: [RegExp, (g: string[]) => [number, number, number, number]][] = [
  [/^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$/, (g) => [+g[3]!, monthOf(g[2]!), +g[1]!, -1]],
  [/^([A-Za-z]+) (\d{1,2}),? (\d{4})$/, (g) => [+g[3]!, monthOf(g[1]!), +g[2]!, -1]],
  [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (g) => [+g[3]!, +g[1]!, +g[2]!, -1]],
  [/^(\d{2})\/(\d{2})\/(\d{2})$/, (g) => [year2(g[3]!), +g[1]!, +g[2]!, -1]],
  [/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, (g) => [+g[3]!, +g[2]!, +g[1]!, -1]],
  [/^(\d{2})\.(\d{2})\.(\d{2})$/, (g) => [year2(g[3]!), +g[2]!, +g[1]!, -1]],
  [/^(\d{2})-(\d{2})-(\d{4})$/, (g) => [+g[3]!, +g[2]!, +g[1]!, -1]],
  [/^(\d{4})-(\d{2})-(\d{2})$/, (g) => [+g[1]!, +g[2]!, +g[3]!, -1]],
  [/^(\d{4})(\d{2})(\d{2})$/, (g) => [+g[1]!, +g[2]!, +g[3]!, -1]],
  [/^(\d{2})([A-Z]{3})(\d{4})$/, (g) => [+g[3]!, monthOf(g[2]!), +g[1]!, -1]],
  [/^([A-Z]{3}) (\d{2}) (\d{2})$/, (g) => [year2(g[3]!), monthOf(g[1]!), +g[2]!, -1]],
  [/^(\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2})$/, (g) => [year2(g[3]!), monthOf(g[2]!), +g[1]!, -1]],
  [/^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/, (g) => [+g[4]!, monthOf(g[2]!), +g[3]!, WEEKDAY_INDEX.get(g[1]!.toLowerCase())!]],
  [/^([A-Z][a-z]+), ([A-Z][a-z]+) (\d{1,2}), (\d{4})$/, (g) => [+g[4]!, monthOf(g[2]!), +g[3]!, WEEKDAY_INDEX.get(g[1]!.toLowerCase())!]],
  [/^([A-Z][a-z]+) (\d{1,2}) ([A-Z][a-z]+) (\d{4})$/, (g) => [+g[4]!, monthOf(g[3]!), +g[2]!, WEEKDAY_INDEX.get(g[1]!.toLowerCase())!]],
  [/^([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th), (\d{4})$/, (g) => [+g[3]!, monthOf(g[1]!), +g[2]!, -1]],
  [/^(\d{1,2})(?:st|nd|rd|th) of ([A-Z][a-z]+) (\d{4})$/, (g) => [+g[3]!, monthOf(g[2]!), +g[1]!, -1]],
];
function readDate(text: string): [number, number, number, number] {
  const hits = READERS.flatMap(([re, f]) => {
    const g = re.exec(text);
    return g ? [f([...g])] : [];
  });
  assert.equal(hits.length, 1, `${JSON.stringify(text)} matched ${hits.length} readers`);
  return hits[0]!;
}

test("dates: samples are valid dates in 1950..2050 that the source spells (weekday included)", () => {
  const rng = makeRng(11);
  const targetOf = new Map<string, string>();
  const formatsSeen = new Set<number>();
  let minLen = Infinity;
  let maxLen = 0;
  for (let i = 0; i < 40_000; i++) {
    const ex = datesTask.sample(rng);
    const tgt = ex.tgt.join("");
    assert.equal(ex.tgt.length, 10);
    assert.match(tgt, /^\d{4}-\d{2}-\d{2}$/);
    // Round trip through JS Date: an impossible date (e.g. 1999-02-30) would shift.
    const js = new Date(`${tgt}T00:00:00Z`);
    assert.equal(js.toISOString().slice(0, 10), tgt);
    assert.ok(js.getUTCFullYear() >= 1950 && js.getUTCFullYear() <= 2050);

    assert.ok(ex.src.every((t) => [...t].length === 1 && !/\s/.test(t)), JSON.stringify(ex.src));
    const text = datesTask.render(ex.src);
    assert.equal(text, ex.src.join("").replaceAll(SPACE, " "));
    const [y, m, d, wd] = readDate(text);
    assert.equal(isoDate({ y, m, d }), tgt, text);
    if (wd >= 0) assert.equal(wd, js.getUTCDay(), `${text}: wrong weekday`);

    // Each source string has one reading.
    const prev = targetOf.get(text);
    assert.ok(prev === undefined || prev === tgt, `${text} -> ${prev} and ${tgt}`);
    targetOf.set(text, tgt);

    const p = civilFromDays(daysFromCivil(y, m, d));
    formatsSeen.add(DATE_FORMATS.findIndex((f) => f.format(p) === text));
    minLen = Math.min(minLen, ex.src.length);
    maxLen = Math.max(maxLen, ex.src.length);
  }
  assert.equal(formatsSeen.size, DATE_FORMATS.length);
  assert.ok(!formatsSeen.has(-1));
  assert.equal(minLen, 8);
  assert.ok(maxLen >= 27 && maxLen <= 29, `max ${maxLen}`);
});

test("dates: range ends; two-digit years are 1950..2049 and 2050 is written with four digits", () => {
  const hiRng: Rng = { next: () => 0.999999, int: (_lo, hi) => hi };
  const loRng: Rng = { next: () => 0, int: (lo) => lo };
  assert.equal(datesTask.render(datesTask.sample(loRng).src), "1 January 1950");
  assert.equal(datesTask.render(datesTask.sample(loRng).tgt), "1950-01-01");
  const last = datesTask.sample(hiRng);
  assert.equal(datesTask.render(last.tgt), "2050-12-31");
  assert.equal(datesTask.render(last.src), "31st of December 2050");
  // Every four-digit format can write 2050; none of the two-digit ones is drawn then.
  const rng = makeRng(5);
  let n2050 = 0;
  for (let i = 0; i < 20_000; i++) {
    const ex = datesTask.sample(rng);
    const text = datesTask.render(ex.src);
    if (ex.tgt.join("").startsWith("2050")) {
      n2050++;
      assert.match(text, /2050/);
    }
  }
  assert.ok(n2050 > 100);
  const p2049 = civilFromDays(daysFromCivil(2049, 12, 31));
  const p1950 = civilFromDays(daysFromCivil(1950, 1, 1));
  for (const f of DATE_FORMATS.filter((f) => f.twoDigitYear)) {
    assert.equal(readDate(f.format(p2049))[0], 2049, f.name);
    assert.equal(readDate(f.format(p1950))[0], 1950, f.name);
  }
});

test("dates: deterministic for a seed; vocabulary", () => {
  const a = makeRng(8);
  const b = makeRng(8);
  const xs = Array.from({ length: 5000 }, () => datesTask.sample(a));
  assert.deepEqual(xs, Array.from({ length: 5000 }, () => datesTask.sample(b)));
  assert.equal(getTask("dates"), datesTask);
  const v = vocabulary(xs);
  assert.deepEqual(v.tgt, ["-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.ok(v.src.includes(SPACE) && !v.src.includes(" "));
  for (const c of [",", "-", ".", "/", "0", "9", "A", "Y", "a", "y"]) assert.ok(v.src.includes(c), c);
  assert.equal(v.src.length, 56);
});
