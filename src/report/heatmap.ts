// Attention heatmaps as standalone SVG: source tokens across the top, output
// tokens down the left, one cell per weight α[t][j] (darker = more weight),
// with a <title> on every cell so hovering shows the exact weight.

export interface HeatmapOptions {
  title?: string;
  /** cell size in px (default 18) */
  cell?: number;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** weights: one row per output token, one column per source token. */
export function attentionHeatmapSvg(src: string[], tgt: string[], weights: number[][], o: HeatmapOptions = {}): string {
  const c = o.cell ?? 18;
  const charW = 7;
  const left = Math.max(40, 12 + charW * Math.max(1, ...tgt.map((t) => [...t].length)));
  const top = Math.max(40, 12 + charW * Math.max(1, ...src.map((t) => [...t].length))) + (o.title ? 24 : 0);
  const width = Math.max(left + c * src.length + 20, o.title ? 16 + 8.5 * [...o.title].length : 0);
  const height = top + c * tgt.length + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (o.title) parts.push(`<text x="8" y="18" font-size="14">${esc(o.title)}</text>`);
  src.forEach((s, j) => {
    const x = left + j * c + c / 2 + 4, y = top - 6;
    parts.push(`<text transform="translate(${x},${y}) rotate(-90)">${esc(s)}</text>`);
  });
  tgt.forEach((t, i) => {
    parts.push(`<text x="${left - 6}" y="${top + i * c + c / 2 + 4}" text-anchor="end">${esc(t)}</text>`);
    (weights[i] ?? []).forEach((w, j) => {
      const v = Math.max(0, Math.min(1, w));
      // white → dark blue
      const r = Math.round(255 - v * 247), g = Math.round(255 - v * 207), b = Math.round(255 - v * 148);
      parts.push(`<rect x="${left + j * c}" y="${top + i * c}" width="${c}" height="${c}" fill="rgb(${r},${g},${b})"><title>${esc(t)} ← ${esc(src[j] ?? "")}: ${w.toFixed(3)}</title></rect>`);
    });
  });
  parts.push(`<rect x="${left}" y="${top}" width="${c * src.length}" height="${c * tgt.length}" fill="none" stroke="#888"/>`);
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
