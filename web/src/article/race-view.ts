// The race's drawing: a table of exact match by source-length bucket, one
// bar per model (widths through the CSSOM; rows are made once, so redrawing
// while training moves no layout), and a line chart of the longest bucket
// against updates. Numbers are the workers' checkpoints, unchanged.
import { h, s } from "./dom.js";
import type { Checkpoint, Role } from "./race.js";
import { ROLES } from "./race.js";
import type { Bucket } from "./tasks.js";

const NAMES: Record<Role, string> = { enc: "RNNenc", search: "RNNsearch" };
const pct = (x: number) => (Number.isNaN(x) ? "–" : `${Math.round(100 * x)}%`);

export class RaceView {
  private cells: Record<Role, { fill: HTMLElement; value: HTMLElement }[]> = { enc: [], search: [] };
  private readonly chart: SVGSVGElement;
  private readonly lines: Record<Role, SVGPolylineElement>;
  private readonly axisLabel: SVGTextElement;

  constructor(
    body: HTMLElement, history: HTMLElement, private readonly buckets: Bucket[], private readonly maxSteps: number,
    private readonly stepOut: HTMLElement, private readonly secondsOut: HTMLElement, private readonly summary: HTMLElement,
  ) {
    body.replaceChildren(...buckets.map((b, i) => {
      const tr = h("tr", { "data-bucket": String(i) }, h("th", { scope: "row" }, `${b.lo}–${b.hi}`));
      for (const role of ROLES) {
        const fill = h("span", { class: `fill ${role}` }), value = h("span", { class: "value" }, "–");
        tr.append(h("td", {}, h("span", { class: "bar", "aria-hidden": "true" }, fill), value));
        this.cells[role].push({ fill, value });
        fill.style.width = "0%";
      }
      return tr;
    }));
    const last = buckets[buckets.length - 1];
    this.chart = s("svg", { viewBox: "0 0 400 170", class: "history", role: "img", "aria-labelledby": "race-history-title" });
    const title = s("title", { id: "race-history-title" });
    title.textContent = `Exact match on sources of ${last.lo}–${last.hi} letters by update: RNNenc dashed, RNNsearch solid`;
    this.chart.append(title);
    // axes: x 40..390 for 0..maxSteps updates, y 10..140 for 100%..0%
    for (const v of [0, 0.5, 1]) {
      const y = 140 - 130 * v;
      this.chart.append(s("line", { x1: 40, x2: 390, y1: y, y2: y, class: "grid" }));
      this.chart.append(s("text", { x: 34, y: y + 4, "text-anchor": "end", class: "tick" }, `${100 * v}%`));
    }
    this.axisLabel = s("text", { x: 390, y: 162, "text-anchor": "end", class: "tick" }, `${maxSteps} updates`);
    this.chart.append(this.axisLabel, s("text", { x: 40, y: 162, class: "tick" }, "0"));
    this.lines = { enc: s("polyline", { class: "line enc", points: "" }), search: s("polyline", { class: "line search", points: "" }) };
    for (const r of ROLES) this.chart.append(this.lines[r]);
    const legend = h("ul", { class: "legend" },
      h("li", {}, h("span", { class: "swatch enc", "aria-hidden": "true" }), `RNNenc, ${last.lo}–${last.hi} letters`),
      h("li", {}, h("span", { class: "swatch search", "aria-hidden": "true" }), `RNNsearch, ${last.lo}–${last.hi} letters`));
    history.replaceChildren(this.chart, legend);
  }

  draw(c: Checkpoint, history: Checkpoint[]): void {
    this.stepOut.textContent = String(c.step);
    this.secondsOut.textContent = c.seconds.toFixed(0);
    for (const role of ROLES) {
      c.accuracy[role].forEach((a, i) => {
        const cell = this.cells[role][i];
        cell.fill.style.width = `${Number.isNaN(a) ? 0 : 100 * a}%`;
        cell.value.textContent = pct(a);
        cell.value.dataset.value = String(a);
      });
      const last = this.buckets.length - 1;
      this.lines[role].setAttribute("points", history.map((p) =>
        `${(40 + (350 * p.step) / this.maxSteps).toFixed(1)},${(140 - 130 * (p.accuracy[role][last] || 0)).toFixed(1)}`).join(" "));
    }
    const last = this.buckets.length - 1, b = this.buckets[last];
    const gap = c.accuracy.search[last] - c.accuracy.enc[last];
    this.summary.textContent = c.step === 0
      ? "Untrained models: nothing right yet."
      : `After ${c.step} updates, on sources of ${b.lo}–${b.hi} letters: ${NAMES.search} ${pct(c.accuracy.search[last])}, ${NAMES.enc} ${pct(c.accuracy.enc[last])}` +
        (Math.abs(gap) >= 0.005 ? ` (attention ${gap > 0 ? "ahead" : "behind"} by ${Math.round(100 * Math.abs(gap))} points).` : ".");
    this.summary.dataset.gap = String(gap);
    this.summary.dataset.step = String(c.step);
    this.summary.dataset.seconds = c.seconds.toFixed(1);
  }

  clear(): void {
    for (const role of ROLES) {
      for (const cell of this.cells[role]) {
        cell.fill.style.width = "0%";
        cell.value.textContent = "–";
      }
      this.lines[role].setAttribute("points", "");
    }
    this.stepOut.textContent = "0";
    this.secondsOut.textContent = "0";
    this.summary.textContent = "";
    delete this.summary.dataset.gap;
  }
}
