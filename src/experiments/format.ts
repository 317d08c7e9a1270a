// Number formats of the generated reports (report.ts, report-length.ts).

/** Two decimals; "–" for a missing or non-finite value. */
export const f2 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(2));
/** One decimal; "–" for a missing or non-finite value. */
export const f1 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(1));
/** Thousands separated: 29,000. */
export const int = (x: number): string => x.toLocaleString("en");
/** A difference with its sign (a real minus sign): +1.25, −0.40. */
export const signed = (x: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`;

/** "0.85" when the values agree to two decimals, else "0.60–0.85". */
export function fmtRange(v: number[]): string {
  const lo = Math.min(...v), hi = Math.max(...v);
  return lo.toFixed(2) === hi.toFixed(2) ? lo.toFixed(2) : `${lo.toFixed(2)}–${hi.toFixed(2)}`;
}
