// Attention heatmaps as standalone SVG: source tokens across the top, output
// tokens down the left, one cell per weight α[t][j] (darker = more weight),
// axis titles, a colour scale from 0 to 1, and a <title> on every cell so
// hovering shows the exact weight. piecesToWords turns a BPE-level matrix
// into a word-level one for readers.

export interface HeatmapOptions {
  title?: string;
  /** cell size in px (default 18) */
  cell?: number;
  /** title of the source axis (default "source tokens") */
  srcTitle?: string;
  /** title of the output axis (default "output tokens") */
  tgtTitle?: string;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** The cell colour of weight v in [0, 1]: white → dark blue, linear in RGB. */
function colour(v: number): string {
  const r = Math.round(255 - v * 247), g = Math.round(255 - v * 207), b = Math.round(255 - v * 148);
  return `rgb(${r},${g},${b})`;
}

/** weights: one row per output token, one column per source token. */
export function attentionHeatmapSvg(src: string[], tgt: string[], weights: number[][], o: HeatmapOptions = {}): string {
  const c = o.cell ?? 18;
  const charW = 7;
  const srcTitle = o.srcTitle ?? "source tokens", tgtTitle = o.tgtTitle ?? "output tokens";
  // the output-axis title sits above the output labels, left of the source labels
  const left = Math.max(40, 12 + charW * Math.max(1, ...tgt.map((t) => [...t].length)), 16 + 7.5 * ([...tgtTitle].length + 2));
  const titleH = o.title ? 24 : 0;
  const srcTitleH = 20;
  const top = Math.max(40, 12 + charW * Math.max(1, ...src.map((t) => [...t].length))) + titleH + srcTitleH;
  const mw = c * src.length, mh = c * tgt.length;
  // colour scale to the right of the matrix
  const scaleX = left + mw + 16, scaleW = 14, scaleH = Math.max(80, Math.min(200, mh));
  const width = Math.max(scaleX + scaleW + 90, o.title ? 16 + 8.5 * [...o.title].length : 0, left + 8 + 7.2 * [...srcTitle].length);
  const height = top + Math.max(mh, scaleH) + 20;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (o.title) parts.push(`<text x="8" y="18" font-size="14">${esc(o.title)}</text>`);
  parts.push(`<text x="${left}" y="${titleH + 14}" font-family="sans-serif" font-size="12" font-weight="bold">${esc(srcTitle)} →</text>`);
  parts.push(`<text x="${left - 8}" y="${top - 8}" text-anchor="end" font-family="sans-serif" font-size="12" font-weight="bold">${esc(tgtTitle)} ↓</text>`);
  src.forEach((s, j) => {
    const x = left + j * c + c / 2 + 4, y = top - 6;
    parts.push(`<text transform="translate(${x},${y}) rotate(-90)">${esc(s)}</text>`);
  });
  tgt.forEach((t, i) => {
    parts.push(`<text x="${left - 6}" y="${top + i * c + c / 2 + 4}" text-anchor="end">${esc(t)}</text>`);
    (weights[i] ?? []).forEach((w, j) => {
      const v = Math.max(0, Math.min(1, w));
      parts.push(`<rect x="${left + j * c}" y="${top + i * c}" width="${c}" height="${c}" fill="${colour(v)}"><title>${esc(t)} ← ${esc(src[j] ?? "")}: ${w.toFixed(3)}</title></rect>`);
    });
  });
  parts.push(`<rect x="${left}" y="${top}" width="${mw}" height="${mh}" fill="none" stroke="#888"/>`);
  // the scale: 1 at the top, 0 at the bottom
  parts.push(`<defs><linearGradient id="scale" x1="0" y1="1" x2="0" y2="0"><stop offset="0" stop-color="${colour(0)}"/><stop offset="1" stop-color="${colour(1)}"/></linearGradient></defs>`);
  parts.push(`<rect x="${scaleX}" y="${top}" width="${scaleW}" height="${scaleH}" fill="url(#scale)" stroke="#888"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + scaleH - t * scaleH;
    parts.push(`<line x1="${scaleX + scaleW}" y1="${y}" x2="${scaleX + scaleW + 4}" y2="${y}" stroke="#888"/>`);
    parts.push(`<text x="${scaleX + scaleW + 7}" y="${y + 4}">${t}</text>`);
  }
  parts.push(`<text transform="translate(${scaleX + scaleW + 48},${top + scaleH / 2}) rotate(-90)" text-anchor="middle" font-family="sans-serif" font-size="11">attention weight</text>`);
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/**
 * A BPE-level attention matrix as a word-level one: source pieces of one
 * word (every piece but the last ends with `sep`) become one column whose
 * weight is the sum of theirs (so each row still sums to 1); output pieces of
 * one word become one row, the mean of their rows. Words are the pieces
 * joined without the separator; other tokens ("</s>", "<unk>") stay.
 */
export function piecesToWords(src: readonly string[], tgt: readonly string[], weights: readonly (readonly number[])[], sep = "@@"): { src: string[]; tgt: string[]; weights: number[][] } {
  const group = (pieces: readonly string[]) => {
    const words: string[] = [], of: number[] = [];
    let open = false;
    for (const p of pieces) {
      const cont = p.endsWith(sep) && p.length > sep.length;
      const text = cont ? p.slice(0, -sep.length) : p;
      if (open) words[words.length - 1] += text;
      else words.push(text);
      of.push(words.length - 1);
      open = cont;
    }
    return { words, of };
  };
  const s = group(src), t = group(tgt);
  const out: number[][] = t.words.map(() => new Array<number>(s.words.length).fill(0));
  const rows = new Array<number>(t.words.length).fill(0);
  weights.forEach((row, i) => {
    const wi = t.of[i];
    if (wi === undefined) return;
    rows[wi]++;
    row.forEach((w, j) => {
      const sj = s.of[j];
      if (sj !== undefined) out[wi][sj] += w;
    });
  });
  out.forEach((row, i) => {
    if (rows[i] > 1) for (let j = 0; j < row.length; j++) row[j] /= rows[i];
  });
  return { src: s.words, tgt: t.words, weights: out };
}
