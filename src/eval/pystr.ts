/**
 * Small helpers that reproduce Python 3 string semantics which sacreBLEU
 * relies on, so that the metrics in this folder give the same numbers as the
 * Python reference implementation.
 *
 * - Python's `str.split()` / `str.strip()` (no argument) and the `\s` class of
 *   `re` treat exactly the characters for which `str.isspace()` is true as
 *   whitespace. JavaScript's `\s` differs (it includes U+FEFF and lacks
 *   U+001C..U+001F and U+0085), so the class is spelled out here.
 * - Python's `'{:.Nf}'.format(x)` rounds the exact binary value of `x`
 *   half-to-even; `Number.prototype.toFixed` rounds exact ties away from zero
 *   (`(0.125).toFixed(2)` is `"0.13"`, Python gives `"0.12"`).
 */

/** The characters for which Python's `str.isspace()` is true, as the body of a regex character class. */
export const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const WS_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'g');
const WS_LEADING = new RegExp(`^[${PY_WHITESPACE_CLASS}]+`);
const WS_TRAILING = new RegExp(`[${PY_WHITESPACE_CLASS}]+$`);

/**
 * Python's `s.split()` without arguments: splits on runs of Python whitespace
 * and drops empty strings, so leading/trailing whitespace yields no empty
 * fields and an all-whitespace or empty string yields `[]`.
 */
export function pySplit(s: string): string[] {
  const trimmed = pyStrip(s);
  if (trimmed === '') return [];
  return trimmed.split(WS_RUN);
}

/** Python's `s.strip()` without arguments (Python whitespace on both ends). */
export function pyStrip(s: string): string {
  return s.replace(WS_LEADING, '').replace(WS_TRAILING, '');
}

/** Python's `s.rstrip()` without arguments. */
export function pyRstrip(s: string): string {
  return s.replace(WS_TRAILING, '');
}

/** Removes every Python-whitespace character: Python's `''.join(s.split())`. */
export function pyRemoveWhitespace(s: string): string {
  return s.replace(WS_RUN, '');
}

/**
 * Python's `f'{x:.{digits}f}'`: fixed-point notation with `digits` decimals,
 * rounding the exact binary value of `x` half-to-even. Infinities print as
 * `inf`/`-inf`, NaN as `nan`; a negative value that rounds to zero keeps its
 * sign (`-0.00`), as Python does. `digits` must be an integer in [0, 100].
 */
export function pyFormatFixed(x: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) {
    throw new RangeError(`pyFormatFixed: digits must be an integer in [0, 100], got ${digits}`);
  }
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (expBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = expBits - 1075;
  }
  // |x| = mantissa * 2^exponent exactly; compute round_half_even(|x| * 10^digits).
  const scaled = mantissa * 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = scaled << BigInt(exponent);
  } else {
    const shift = BigInt(-exponent);
    q = scaled >> shift;
    const rem = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  return negative ? `-${s}` : s;
}
