// Section 3: one decoder step of the RNNsearch model with its numbers, from
// traceDecode (greedy): for the step t the reader picks, the score e_tj and
// weight α_tj of every source position j ([S] each), the query q_t = s_{t-1}
// ([Hd]) and the context c_t = Σ_j α_tj M_j ([Hm]). Buttons and ←/→ step.
import { traceDecode, type DecodeTrace } from "seq2seq-wasm/text";
import { fmt, h, sequential } from "./dom.js";
import type { ModelStore } from "./models.js";
import { readSource, tokensOf } from "./source.js";
import { describe, strip } from "./strip.js";

export interface MathElements {
  input: HTMLInputElement;
  error: HTMLElement;
  panel: HTMLElement;
  prev: HTMLButtonElement;
  next: HTMLButtonElement;
  label: HTMLElement;
  numbers: HTMLElement;
  context: HTMLElement;
}

export class MathView {
  private trace: DecodeTrace | null = null;
  private src: string[] = [];
  private out: string[] = [];
  private t = 0;

  constructor(private readonly el: MathElements, private readonly store: ModelStore) {
    el.input.addEventListener("input", () => {
      this.t = 0;
      this.retrace();
    });
    el.prev.addEventListener("click", () => this.go(this.t - 1));
    el.next.addEventListener("click", () => this.go(this.t + 1));
    el.panel.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      e.preventDefault();
      this.go(this.t + (e.key === "ArrowRight" ? 1 : -1));
    });
    store.subscribe("search", () => this.retrace());
  }

  private retrace(): void {
    const m = this.store.get("search");
    if (!m) return;
    const p = readSource(this.el.input, this.el.error, m.srcVocab);
    if (!p) return;
    this.trace = traceDecode(m.model, p.ids, { beam: 1, maxLenA: 1.5, maxLenB: 10 });
    this.src = [...p.tokens, "</s>"];
    this.out = tokensOf(this.trace.hypotheses[0].ids, m.tgtVocab);
    this.el.panel.dataset.step = String(m.step);
    this.go(this.t);
  }

  private go(t: number): void {
    const tr = this.trace;
    if (!tr) return;
    const T = tr.hypotheses[0].ids.length;
    this.t = Math.max(0, Math.min(T - 1, t));
    this.el.prev.disabled = this.t === 0;
    this.el.next.disabled = this.t === T - 1;
    const step = tr.steps[this.t], row = step.rows[0];
    const token = this.out[this.t], cand = step.candidates.find((c) => c.row === 0 && c.token === tr.hypotheses[0].ids[this.t]);
    this.el.label.textContent = `Step ${this.t + 1} of ${T}: writes “${token}”` + (cand ? ` with probability ${fmt(Math.exp(cand.logp))}` : "");
    this.el.panel.dataset.t = String(this.t + 1);
    const alpha = row.alpha ?? [], scores = row.scores ?? [];
    const best = alpha.indexOf(Math.max(...alpha));
    const table = h("table", { class: "numbers-table" },
      h("caption", {}, `Step ${this.t + 1}: score and weight of every source position`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "j"), h("th", { scope: "col" }, "x", h("sub", {}, "j")),
        h("th", { scope: "col" }, "e", h("sub", {}, "tj")), h("th", { scope: "col" }, "α", h("sub", {}, "tj")))));
    const body = h("tbody");
    this.src.forEach((x, j) => {
      const bar = h("span", { class: "wbar", "aria-hidden": "true" });
      bar.style.width = `${(100 * (alpha[j] ?? 0)).toFixed(1)}%`;
      bar.style.backgroundColor = sequential(0.35 + 0.65 * (alpha[j] ?? 0));
      body.append(h("tr", { class: j === best ? "best" : "" },
        h("td", {}, String(j + 1)), h("th", { scope: "row" }, x),
        h("td", { class: "num e", "data-value": String(scores[j]) }, fmt(scores[j] ?? NaN)),
        h("td", { class: "num alpha", "data-value": String(alpha[j]) }, h("span", { class: "wcell" }, bar, h("span", {}, fmt(alpha[j] ?? NaN))))));
    });
    table.append(body);
    this.el.numbers.replaceChildren(table);
    const ctx = row.context, q = row.query ?? [];
    const head = ctx.slice(0, 4).map((v) => fmt(v)).join(", ");
    const context = h("div", { class: "vector", "data-values": JSON.stringify(ctx) },
      h("p", {}, h("var", {}, "c", h("sub", {}, "t")), ` = Σ α`, h("sub", {}, "tj"), ` M`, h("sub", {}, "j"),
        `: ${ctx.length} numbers (${head}, …); the most weight, ${fmt(alpha[best] ?? NaN)}, is on position ${best + 1} (“${this.src[best]}”).`),
      strip(ctx, `the context c${this.t + 1}: ${describe(ctx)}`, ctx.length / 2));
    const query = h("div", { class: "vector" },
      h("p", {}, h("var", {}, "q", h("sub", {}, "t")), " = ", h("var", {}, "s", h("sub", {}, "t−1")), `, the state before this step: ${q.length} numbers.`),
      strip(q, `the query q${this.t + 1}: ${describe(q)}`));
    this.el.context.replaceChildren(query, context);
  }
}
