// Small DOM helpers of the article: look up an element the page must have,
// build HTML and SVG elements without innerHTML (colours and sizes go
// through attributes and the CSSOM, which the strict style-src allows).
export function $<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page is missing #${id}`);
  return e as T;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const SVG = "http://www.w3.org/2000/svg";
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

/** Diverging colour of a value in [-1, 1]: blue (negative), white (0), red (positive). */
export function diverging(v: number): string {
  const x = Math.max(-1, Math.min(1, v));
  const t = Math.abs(x);
  const [r, g, b] = x < 0 ? [33, 102, 172] : [178, 24, 43];
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

/** Sequential colour of a weight in [0, 1]: white → dark blue, as the tool page's heatmap. */
export function sequential(w: number): string {
  const v = Math.max(0, Math.min(1, w));
  return `rgb(${Math.round(255 - v * 247)}, ${Math.round(255 - v * 207)}, ${Math.round(255 - v * 148)})`;
}

export const fmt = (x: number, digits = 3) => (Object.is(x, -0) ? 0 : x).toFixed(digits);
