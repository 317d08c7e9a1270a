/**
 * The `dates` task, after TensorFlow.js's date-conversion-attention example:
 * a calendar date written in one of 20 human formats → the ISO date
 * `YYYY-MM-DD`, character-level tokens on both sides.
 *
 * - Dates are uniform over 1950-01-01 .. 2050-12-31 (valid calendar dates
 *   only; weekday names are the true weekday).
 * - A space in the source is the token "▁" (U+2581), so no token is
 *   whitespace; every other character is its own token.
 * - Numeric orders: a slash is always month first (US: "05/03/1999",
 *   "5/3/1999" and "05/03/99" are 3 May 1999); dots and day-month-year
 *   dashes are always day first ("3.5.1999", "03.05.99", "03-05-1999");
 *   "1999-05-03" and "19990503" are year first. So every source string
 *   has exactly one reading.
 * - Two-digit years map to 1950..2049 ("50" is 1950, "49" is 2049); a date
 *   in 2050 is therefore only written with a four-digit year.
 * - Sources are 8..29 characters; targets are always 10.
 */

import type { Example, Rng, TaskSpec } from "./types.js";

/** The token that stands for a space in `dates` sources. */
export const SPACE = "\u2581";

export const MONTHS: readonly string[] = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];
export const WEEKDAYS: readonly string[] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** A calendar date; `wd` is the weekday, 0 = Sunday. */
export interface DateParts {
  y: number;
  m: number;
  d: number;
  wd: number;
}

/** One human date format. */
export interface DateFormat {
  /** A pattern-like name, e.g. "Month D, YYYY". */
  name: string;
  /** Whether the year is written with two digits (1950..2049 only). */
  twoDigitYear: boolean;
  format(p: DateParts): string;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const yy = (y: number): string => pad2(y % 100);
const mon = (m: number): string => MONTHS[m - 1]!.slice(0, 3);
const month = (m: number): string => MONTHS[m - 1]!;
const wkd = (wd: number): string => WEEKDAYS[wd]!.slice(0, 3);

/** "1st", "2nd", "3rd", "4th", ..., "11th", "12th", "13th", "21st", ... */
export function ordinal(d: number): string {
  const t = d % 100;
  if (t >= 11 && t <= 13) return `${d}th`;
  switch (d % 10) {
    case 1: return `${d}st`;
    case 2: return `${d}nd`;
    case 3: return `${d}rd`;
    default: return `${d}th`;
  }
}

/** The source formats; examples are for Monday 3 May 1999. */
export const DATE_FORMATS: readonly DateFormat[] = [
  { name: "D Month YYYY", twoDigitYear: false, format: (p) => `${p.d} ${month(p.m)} ${p.y}` }, // 3 May 1999
  { name: "Month D, YYYY", twoDigitYear: false, format: (p) => `${month(p.m)} ${p.d}, ${p.y}` }, // May 3, 1999
  { name: "month D YYYY", twoDigitYear: false, format: (p) => `${month(p.m).toLowerCase()} ${p.d} ${p.y}` }, // may 3 1999
  { name: "MM/DD/YYYY", twoDigitYear: false, format: (p) => `${pad2(p.m)}/${pad2(p.d)}/${p.y}` }, // 05/03/1999
  { name: "M/D/YYYY", twoDigitYear: false, format: (p) => `${p.m}/${p.d}/${p.y}` }, // 5/3/1999
  { name: "MM/DD/YY", twoDigitYear: true, format: (p) => `${pad2(p.m)}/${pad2(p.d)}/${yy(p.y)}` }, // 05/03/99
  { name: "D.M.YYYY", twoDigitYear: false, format: (p) => `${p.d}.${p.m}.${p.y}` }, // 3.5.1999
  { name: "DD.MM.YY", twoDigitYear: true, format: (p) => `${pad2(p.d)}.${pad2(p.m)}.${yy(p.y)}` }, // 03.05.99
  { name: "DD-MM-YYYY", twoDigitYear: false, format: (p) => `${pad2(p.d)}-${pad2(p.m)}-${p.y}` }, // 03-05-1999
  { name: "YYYY-MM-DD", twoDigitYear: false, format: (p) => `${p.y}-${pad2(p.m)}-${pad2(p.d)}` }, // 1999-05-03
  { name: "YYYYMMDD", twoDigitYear: false, format: (p) => `${p.y}${pad2(p.m)}${pad2(p.d)}` }, // 19990503
  { name: "DDMONYYYY", twoDigitYear: false, format: (p) => `${pad2(p.d)}${mon(p.m).toUpperCase()}${p.y}` }, // 03MAY1999
  { name: "MON DD YY", twoDigitYear: true, format: (p) => `${mon(p.m).toUpperCase()} ${pad2(p.d)} ${yy(p.y)}` }, // MAY 03 99
  { name: "D mon YY", twoDigitYear: true, format: (p) => `${p.d} ${mon(p.m).toLowerCase()} ${yy(p.y)}` }, // 3 may 99
  { name: "D-Mon-YY", twoDigitYear: true, format: (p) => `${p.d}-${mon(p.m)}-${yy(p.y)}` }, // 3-May-99
  { name: "Wkd Mon D YYYY", twoDigitYear: false, format: (p) => `${wkd(p.wd)} ${mon(p.m)} ${p.d} ${p.y}` }, // Mon May 3 1999
  { name: "Weekday, Month D, YYYY", twoDigitYear: false, format: (p) => `${WEEKDAYS[p.wd]}, ${month(p.m)} ${p.d}, ${p.y}` }, // Monday, May 3, 1999
  { name: "Weekday D Month YYYY", twoDigitYear: false, format: (p) => `${WEEKDAYS[p.wd]} ${p.d} ${month(p.m)} ${p.y}` }, // Monday 3 May 1999
  { name: "Month Dth, YYYY", twoDigitYear: false, format: (p) => `${month(p.m)} ${ordinal(p.d)}, ${p.y}` }, // May 3rd, 1999
  { name: "Dth of Month YYYY", twoDigitYear: false, format: (p) => `${ordinal(p.d)} of ${month(p.m)} ${p.y}` }, // 3rd of May 1999
];

const FOUR_DIGIT_FORMATS: readonly DateFormat[] = DATE_FORMATS.filter((f) => !f.twoDigitYear);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yr = m <= 2 ? y - 1 : y;
  const era = Math.floor(yr / 400);
  const yoe = yr - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date `days` days after 1970-01-01 (inverse of daysFromCivil), with its weekday. */
export function civilFromDays(days: number): DateParts {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const wd = (((days + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return { y, m, d, wd };
}

/** `YYYY-MM-DD`. */
export function isoDate(p: { y: number; m: number; d: number }): string {
  return `${p.y}-${pad2(p.m)}-${pad2(p.d)}`;
}

/** First and last day of the task's date range, as days since 1970-01-01. */
export const FIRST_DAY = daysFromCivil(1950, 1, 1);
export const LAST_DAY = daysFromCivil(2050, 12, 31);

/** Character tokens of a source string, with spaces as "▁". */
export function dateChars(s: string): string[] {
  return Array.from(s, (c) => (c === " " ? SPACE : c));
}

/** The example for a date written in a format (no range checks). */
export function dateExample(p: DateParts, fmt: DateFormat): Example {
  return { src: dateChars(fmt.format(p)), tgt: Array.from(isoDate(p)) };
}

export const datesTask: TaskSpec = {
  name: "dates",
  description: "human-readable dates in 20 formats (1950-2050) -> ISO YYYY-MM-DD, characters (space = \u2581)",
  sample(rng: Rng): Example {
    const p = civilFromDays(rng.int(FIRST_DAY, LAST_DAY));
    const formats = p.y >= 2050 ? FOUR_DIGIT_FORMATS : DATE_FORMATS;
    return dateExample(p, formats[rng.int(0, formats.length - 1)]!);
  },
  render(tokens: readonly string[]): string {
    return tokens.join("").replaceAll(SPACE, " ");
  },
};
