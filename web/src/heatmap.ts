// The attention heatmap as an HTML table: output tokens down the side,
// source tokens across the top, one cell per weight α[t][j] (darker = more).
// Hovering or focusing a cell shows its weight; arrow keys, Home/End move
// between cells (one tab stop for the whole grid). Colours are set through
// the CSSOM, which a strict style-src policy allows.

export interface HeatmapInput {
  src: string[];
  tgt: string[];
  /** one row per output token, one weight per source token */
  weights: number[][];
}

/** white → dark blue, as in the CLI's SVG heatmaps */
function colour(w: number): string {
  const v = Math.max(0, Math.min(1, w));
  return `rgb(${Math.round(255 - v * 247)}, ${Math.round(255 - v * 207)}, ${Math.round(255 - v * 148)})`;
}

export function renderHeatmap(host: HTMLElement, info: HTMLElement, h: HeatmapInput): void {
  host.replaceChildren();
  info.textContent = "";
  if (h.weights.length === 0) return;
  const table = document.createElement("table");
  table.className = "heatmap";
  const caption = document.createElement("caption");
  caption.textContent = "Attention: each row is an output token, each column a source token; darker cells get more weight. Weight: 0 ";
  // the colour scale, in steps of 0.25
  const scale = document.createElement("span");
  scale.className = "scale";
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    const step = document.createElement("span");
    step.style.backgroundColor = colour(v);
    step.title = String(v);
    scale.append(step);
  }
  caption.append(scale, " 1");
  table.append(caption);
  const head = document.createElement("tr");
  const corner = document.createElement("td");
  corner.className = "corner";
  // axis titles: source across the top, output down the side
  corner.append("source →", document.createElement("br"), "output ↓");
  head.append(corner);
  const colHeads = h.src.map((s) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = s;
    head.append(th);
    return th;
  });
  const thead = document.createElement("thead");
  thead.append(head);
  const tbody = document.createElement("tbody");
  const cells: HTMLTableCellElement[][] = [];
  const rowHeads: HTMLTableCellElement[] = [];
  h.tgt.forEach((t, i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = t;
    rowHeads.push(th);
    tr.append(th);
    const row: HTMLTableCellElement[] = [];
    h.src.forEach((s, j) => {
      const w = h.weights[i]?.[j] ?? 0;
      const td = document.createElement("td");
      td.style.backgroundColor = colour(w);
      const text = `${t} ← ${s}: ${w.toFixed(3)}`;
      td.title = text;
      td.setAttribute("aria-label", text);
      td.dataset.weight = w.toFixed(4);
      td.dataset.row = String(i);
      td.dataset.col = String(j);
      td.tabIndex = i === 0 && j === 0 ? 0 : -1;
      row.push(td);
      tr.append(td);
    });
    cells.push(row);
    tbody.append(tr);
  });
  table.append(thead, tbody);
  host.append(table);

  let active: HTMLTableCellElement | null = null;
  const show = (td: HTMLTableCellElement) => {
    const i = Number(td.dataset.row), j = Number(td.dataset.col);
    active?.classList.remove("active");
    for (const x of [...rowHeads, ...colHeads]) x.classList.remove("active");
    td.classList.add("active");
    rowHeads[i].classList.add("active");
    colHeads[j].classList.add("active");
    active = td;
    info.textContent = `“${h.tgt[i]}” ← “${h.src[j]}”: weight ${Number(td.dataset.weight).toFixed(3)}`;
  };
  const move = (td: HTMLTableCellElement) => {
    for (const row of cells) for (const c of row) c.tabIndex = -1;
    td.tabIndex = 0;
    td.focus();
  };
  table.addEventListener("mouseover", (e) => {
    const td = (e.target as HTMLElement).closest("td[data-row]");
    if (td) show(td as HTMLTableCellElement);
  });
  table.addEventListener("focusin", (e) => {
    const td = (e.target as HTMLElement).closest("td[data-row]");
    if (td) show(td as HTMLTableCellElement);
  });
  table.addEventListener("keydown", (e) => {
    const td = (e.target as HTMLElement).closest("td[data-row]") as HTMLTableCellElement | null;
    if (!td) return;
    let i = Number(td.dataset.row), j = Number(td.dataset.col);
    const rows = cells.length, cols = cells[0].length;
    switch (e.key) {
      case "ArrowRight": j = Math.min(cols - 1, j + 1); break;
      case "ArrowLeft": j = Math.max(0, j - 1); break;
      case "ArrowDown": i = Math.min(rows - 1, i + 1); break;
      case "ArrowUp": i = Math.max(0, i - 1); break;
      case "Home": j = 0; break;
      case "End": j = cols - 1; break;
      default: return;
    }
    e.preventDefault();
    move(cells[i][j]);
  });
}
