// The live loss curve: an SVG polyline built with DOM calls (no innerHTML,
// no inline styles), log-scaled loss against the update step.
const NS = "http://www.w3.org/2000/svg";
const W = 480, H = 180, PAD_L = 44, PAD_R = 10, PAD_T = 10, PAD_B = 26;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export class LossChart {
  private points: [number, number][] = [];
  private total = 1;
  private readonly svg: SVGSVGElement;
  private readonly line: SVGPolylineElement;
  private readonly axes: SVGGElement;

  constructor(host: HTMLElement, private readonly summary: HTMLElement) {
    this.svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "loss-chart", role: "img", "aria-labelledby": "loss-title" });
    const title = el("title", { id: "loss-title" });
    title.textContent = "Training loss (cross-entropy per output character) by update step";
    this.axes = el("g", { class: "axes" });
    this.line = el("polyline", { class: "loss-line", points: "" });
    this.svg.append(title, this.axes, this.line);
    host.replaceChildren(this.svg);
  }

  reset(total: number): void {
    this.points = [];
    this.total = Math.max(1, total);
    this.draw();
  }

  add(points: [number, number][], total: number): void {
    this.total = Math.max(1, total);
    for (const p of points) if (Number.isFinite(p[1]) && p[1] > 0) this.points.push(p);
    this.draw();
  }

  get count(): number {
    return this.points.length;
  }

  private draw(): void {
    const ys = this.points.map((p) => Math.log10(p[1]));
    const hi = Math.ceil(Math.max(0.5, ...ys)), lo = Math.floor(Math.min(-1, ...ys));
    const x = (s: number) => PAD_L + ((W - PAD_L - PAD_R) * s) / this.total;
    const y = (l: number) => PAD_T + ((H - PAD_T - PAD_B) * (hi - Math.log10(l))) / (hi - lo);
    this.axes.replaceChildren(
      el("line", { x1: PAD_L, y1: H - PAD_B, x2: W - PAD_R, y2: H - PAD_B, class: "axis" }),
      el("line", { x1: PAD_L, y1: PAD_T, x2: PAD_L, y2: H - PAD_B, class: "axis" }),
    );
    for (let e = lo; e <= hi; e++) {
      const t = el("text", { x: PAD_L - 6, y: y(10 ** e) + 4, "text-anchor": "end", class: "tick" });
      t.textContent = e >= 0 ? String(10 ** e) : (10 ** e).toFixed(-e);
      this.axes.append(t, el("line", { x1: PAD_L, x2: W - PAD_R, y1: y(10 ** e), y2: y(10 ** e), class: "grid" }));
    }
    const steps = el("text", { x: W - PAD_R, y: H - 6, "text-anchor": "end", class: "tick" });
    steps.textContent = `${this.total} steps`;
    const zero = el("text", { x: PAD_L, y: H - 6, class: "tick" });
    zero.textContent = "0";
    this.axes.append(steps, zero);
    this.line.setAttribute("points", this.points.map(([s, l]) => `${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(" "));
    const last = this.points[this.points.length - 1];
    this.summary.textContent = last ? `loss ${last[1].toFixed(4)} at step ${last[0]}` : "";
  }
}
