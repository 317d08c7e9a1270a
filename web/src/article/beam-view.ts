// Section 4: beam search for the reader's source, from traceDecode with beam
// K: the finished hypotheses best first (the first is searchIds' answer),
// then per step the candidates the search kept (≤ 2K) with the hypothesis
// each extends, log p, Σ log p, normalised score and what became of it.
import { traceDecode, type DecodeTrace } from "seq2seq-wasm/text";
import { fmt, h } from "./dom.js";
import type { ModelStore } from "./models.js";
import { readSource, tokensOf } from "./source.js";
import { EOS } from "./tasks.js";

export interface BeamElements {
  input: HTMLInputElement;
  beam: HTMLSelectElement;
  error: HTMLElement;
  final: HTMLElement;
  steps: HTMLElement;
}

/** The ids of the hypothesis ending at steps[s].candidates[c]. */
function chain(tr: DecodeTrace, s: number, c: number): number[] {
  const ids: number[] = [];
  for (let i = c; s >= 0 && i >= 0; s--) {
    const cand = tr.steps[s].candidates[i];
    ids.push(cand.token);
    i = tr.steps[s].rows[cand.row].hyp;
  }
  return ids.reverse();
}

export class BeamView {
  /** steps shown open; the rest are collapsed */
  private static readonly OPEN = 3;

  constructor(private readonly el: BeamElements, private readonly store: ModelStore) {
    el.input.addEventListener("input", () => this.render());
    el.beam.addEventListener("change", () => this.render());
    store.subscribe("search", () => this.render());
  }

  render(): void {
    const m = this.store.get("search");
    if (!m) return;
    const p = readSource(this.el.input, this.el.error, m.srcVocab);
    if (!p) return;
    const K = Number(this.el.beam.value);
    const tr = traceDecode(m.model, p.ids, { beam: K, maxLenA: 1.5, maxLenB: 10 });
    const text = (ids: number[]) => tokensOf(ids, m.tgtVocab).join(" ") || "(start)";
    const list = h("ol", { class: "hyps" });
    tr.hypotheses.slice(0, K).forEach((hy, i) => {
      list.append(h("li", { class: i === 0 ? "best" : "", "data-ids": hy.ids.join(" ") },
        h("span", { class: "hyp" }, text(hy.ids)), ` score ${fmt(hy.score)} (Σ log p ${fmt(hy.cum)}, ${hy.ids.length} tokens)`,
        i === 0 ? h("strong", {}, " ← the search's answer") : ""));
    });
    this.el.final.replaceChildren(
      h("p", {}, `Beam ${K}, RNNsearch at update ${m.step}: ${tr.hypotheses.length} finished hypotheses, the best ${Math.min(K, tr.hypotheses.length)}:`), list);
    this.el.final.dataset.best = tr.hypotheses[0]?.ids.join(" ") ?? "";
    this.el.steps.replaceChildren(...tr.steps.map((st, si) => {
      const rows = st.candidates.map((c, ci) => {
        const live = st.kept.indexOf(ci);
        const fate = c.eos ? "finished (</s>)" : c.finished ? "finished (maximum length)" : live >= 0 ? `lives on as hypothesis ${live + 1}` : "stops: the search is over";
        const parent = st.rows[c.row].hyp < 0 ? [] : chain(tr, si - 1, st.rows[c.row].hyp);
        return h("tr", { class: live >= 0 ? "kept" : c.eos ? "eos" : "" },
          h("td", {}, text(parent)), h("th", { scope: "row" }, c.token === EOS ? "</s>" : tokensOf([c.token], m.tgtVocab)[0]),
          h("td", { class: "num" }, fmt(c.logp)), h("td", { class: "num" }, fmt(c.cum)), h("td", { class: "num" }, fmt(c.score)), h("td", {}, fate));
      });
      const table = h("table", { class: "beam-table" },
        h("thead", {}, h("tr", {}, ...["extends", "token", "log p", "Σ log p", "score", "then"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, ...rows));
      const d = h("details", {}, h("summary", {}, `Step ${st.t}: ${st.rows.length} hypothes${st.rows.length === 1 ? "is" : "es"} extended, ${st.candidates.length} candidates kept`),
        h("div", { class: "scroll" }, table));
      d.open = si < BeamView.OPEN;
      return d;
    }));
  }
}
