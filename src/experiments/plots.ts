// Small standalone SVG charts for the report: line plots (numeric or
// categorical x) and grouped bar charts. No dependencies; every point and
// bar has a <title> so hovering shows its value.

export interface Series {
  name: string;
  /** one value per x position; null = no point */
  values: (number | null)[];
  dashed?: boolean;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** x positions: numbers (a numeric axis) or labels (evenly spaced categories) */
  x: number[] | string[];
  /** optional second line under each categorical x label (e.g. sentence counts) */
  xSubLabels?: string[];
  series: Series[];
  width?: number;
  height?: number;
  yMin?: number;
  yMax?: number;
  /** draw markers on points (default true) */
  markers?: boolean;
  /** dotted vertical lines at numeric x positions, each with a label at its top */
  vLines?: { x: number; label: string }[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  categories: string[];
  series: Series[];
  width?: number;
  height?: number;
}

/** Tableau 10, the colour of series i. */
export const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-9) {
    hi = lo + 1;
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-6; v += step) out.push(Math.round(v / step) * step);
  if (out[out.length - 1] < hi - 1e-9) out.push(out[out.length - 1] + step);
  return out.map((v) => Math.round(v * 1e9) / 1e9);
}

interface Frame {
  left: number;
  top: number;
  w: number;
  h: number;
  width: number;
  height: number;
  /** y offset of the legend's first row below the plot area */
  legendY: number;
}

function frame(width: number, height: number, legendRows: number, subLabels = false): Frame {
  const legendY = subLabels ? 64 : 50;
  const left = 62, top = 40, right = 20, bottom = legendY + 12 + 18 * legendRows;
  return { left, top, w: width - left - right, h: height - top - bottom, width, height, legendY };
}

function legend(parts: string[], series: Series[], f: Frame, kind: "line" | "bar"): void {
  const perRow = Math.max(1, Math.floor(f.w / 170));
  series.forEach((s, i) => {
    const col = i % perRow, row = Math.floor(i / perRow);
    const x = f.left + col * 170, y = f.top + f.h + f.legendY + row * 18;
    const c = PALETTE[i % PALETTE.length];
    if (kind === "line") parts.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${c}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/>`);
    else parts.push(`<rect x="${x + 4}" y="${y - 10}" width="12" height="12" fill="${c}"/>`);
    parts.push(`<text x="${x + 28}" y="${y}">${esc(s.name)}</text>`);
  });
}

function yAxis(parts: string[], f: Frame, ticks: number[], y: (v: number) => number, label: string): void {
  for (const t of ticks) {
    parts.push(`<line x1="${f.left}" y1="${y(t).toFixed(1)}" x2="${f.left + f.w}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${f.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  const cy = f.top + f.h / 2;
  parts.push(`<text transform="translate(16,${cy}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
}

function open(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" font-size="15" text-anchor="middle">${esc(title)}</text>`,
  ];
}

export function linePlotSvg(o: LinePlotOptions): string {
  const width = o.width ?? 760;
  const perRow = Math.max(1, Math.floor((width - 82) / 170));
  const rows = Math.ceil(o.series.length / perRow);
  const height = o.height ?? 420 + 18 * rows;
  const f = frame(width, height, rows, Boolean(o.xSubLabels));
  const categorical = o.x.length > 0 && typeof o.x[0] === "string";
  const xs = categorical ? o.x.map((_, i) => i) : (o.x as number[]);
  const xLo = categorical ? -0.5 : Math.min(...xs), xHi = categorical ? xs.length - 0.5 : Math.max(...xs);
  const vals = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const lo = o.yMin ?? (vals.length ? Math.min(...vals) : 0), hi = o.yMax ?? (vals.length ? Math.max(...vals) : 1);
  const ticks = niceTicks(lo, hi);
  const yLo = ticks[0], yHi = ticks[ticks.length - 1];
  const x = (v: number) => f.left + ((v - xLo) / Math.max(1e-9, xHi - xLo)) * f.w;
  const y = (v: number) => f.top + f.h - ((v - yLo) / Math.max(1e-9, yHi - yLo)) * f.h;
  const parts = open(width, height, o.title);
  yAxis(parts, f, ticks, y, o.yLabel);
  if (categorical) {
    (o.x as string[]).forEach((lab, i) => {
      parts.push(`<text x="${x(i).toFixed(1)}" y="${f.top + f.h + 16}" text-anchor="middle">${esc(lab)}</text>`);
      if (o.xSubLabels?.[i]) parts.push(`<text x="${x(i).toFixed(1)}" y="${f.top + f.h + 30}" text-anchor="middle" fill="#666" font-size="10">${esc(o.xSubLabels[i])}</text>`);
    });
  } else {
    const integral = xs.every((v) => Number.isInteger(v));
    let xt = niceTicks(xLo, xHi, 8).filter((t) => t >= xLo - 1e-9 && t <= xHi + 1e-9 && (!integral || Number.isInteger(t)));
    if (integral && xt.length < 2) xt = xs;
    for (const t of xt) {
      parts.push(`<text x="${x(t).toFixed(1)}" y="${f.top + f.h + 16}" text-anchor="middle">${fmt(t)}</text>`);
    }
  }
  parts.push(`<text x="${f.left + f.w / 2}" y="${f.top + f.h + (o.xSubLabels ? 44 : 34)}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${f.w}" height="${f.h}" fill="none" stroke="#888"/>`);
  for (const v of categorical ? [] : o.vLines ?? []) {
    const vx = x(v.x).toFixed(1);
    parts.push(`<line x1="${vx}" y1="${f.top}" x2="${vx}" y2="${f.top + f.h}" stroke="#666" stroke-dasharray="2,3"/>`);
    parts.push(`<text x="${(x(v.x) + 4).toFixed(1)}" y="${f.top + 13}" fill="#444" font-size="11">${esc(v.label)}</text>`);
  }
  o.series.forEach((s, si) => {
    const c = PALETTE[si % PALETTE.length];
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v) || i >= xs.length) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(xs[i]).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ""}/>`);
    if (o.markers ?? true) {
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v) || i >= xs.length) return;
        const lab = categorical ? (o.x as string[])[i] : fmt(xs[i]);
        parts.push(`<circle cx="${x(xs[i]).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${c}"><title>${esc(s.name)}, ${esc(lab)}: ${fmt(v)}</title></circle>`);
      });
    }
  });
  legend(parts, o.series, f, "line");
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

export function barChartSvg(o: BarChartOptions): string {
  const width = o.width ?? 760;
  const perRow = Math.max(1, Math.floor((width - 82) / 170));
  const rows = Math.ceil(o.series.length / perRow);
  const height = o.height ?? 380 + 18 * rows;
  const f = frame(width, height, rows);
  const vals = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const ticks = niceTicks(Math.min(0, ...vals), Math.max(1, ...vals));
  const yLo = ticks[0], yHi = ticks[ticks.length - 1];
  const y = (v: number) => f.top + f.h - ((v - yLo) / Math.max(1e-9, yHi - yLo)) * f.h;
  const parts = open(width, height, o.title);
  yAxis(parts, f, ticks, y, o.yLabel);
  const groupW = f.w / Math.max(1, o.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, o.series.length);
  o.categories.forEach((cat, ci) => {
    const gx = f.left + ci * groupW + groupW * 0.1;
    parts.push(`<text x="${(f.left + (ci + 0.5) * groupW).toFixed(1)}" y="${f.top + f.h + 16}" text-anchor="middle">${esc(cat)}</text>`);
    o.series.forEach((s, si) => {
      const v = s.values[ci];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const bx = gx + si * barW, top = y(Math.max(0, v)), bottom = y(Math.min(0, v));
      parts.push(`<rect x="${bx.toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${Math.max(0.5, bottom - top).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(s.name)}, ${esc(cat)}: ${fmt(v)}</title></rect>`);
      if (barW >= 22) parts.push(`<text x="${(bx + (barW - 2) / 2).toFixed(1)}" y="${(top - 3).toFixed(1)}" text-anchor="middle" font-size="9">${v.toFixed(1)}</text>`);
    });
  });
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${f.w}" height="${f.h}" fill="none" stroke="#888"/>`);
  legend(parts, o.series, f, "bar");
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
