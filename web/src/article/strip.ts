// A vector as a heat strip: one SVG rect per component, blue < 0 < red
// (values of LSTM states and contexts lie in (-1, 1)). Decorative for
// assistive technology: the caller labels it with what it shows.
import { diverging, s } from "./dom.js";

/** values: [n]; `split` draws a divider after that many components (the two directions of M_j). */
export function strip(values: number[], label: string, split?: number): SVGSVGElement {
  const n = Math.max(1, values.length);
  const svg = s("svg", { viewBox: `0 0 ${n} 1`, preserveAspectRatio: "none", class: "strip", role: "img", "aria-label": label });
  values.forEach((v, i) => svg.append(s("rect", { x: i, y: 0, width: 1.02, height: 1, fill: diverging(v) })));
  if (split !== undefined && split > 0 && split < n) svg.append(s("line", { x1: split, x2: split, y1: 0, y2: 1, class: "split" }));
  return svg;
}

/** A one-line summary of a vector for its label: size, range and norm. */
export function describe(values: number[]): string {
  const min = Math.min(...values), max = Math.max(...values);
  const norm = Math.sqrt(values.reduce((a, v) => a + v * v, 0));
  return `${values.length} numbers from ${min.toFixed(2)} to ${max.toFixed(2)}, length ${norm.toFixed(2)}`;
}
