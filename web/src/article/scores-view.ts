// Section 5: the same source through three models that differ only in the
// score (additive, dot, general; trained side by side by a second Race):
// each model's greedy translation, its exact match on the longest sources,
// and its attention heatmap α[t][j] (the tool page's heatmap, ../heatmap.ts).
import { searchIds } from "seq2seq-wasm";
import { renderHeatmap } from "../heatmap.js";
import { h } from "./dom.js";
import type { ModelStore } from "./models.js";
import type { Checkpoint } from "./race.js";
import { readSource, textOf, tokensOf } from "./source.js";

export type Score = "additive" | "dot" | "general";
export const SCORES: readonly Score[] = ["additive", "dot", "general"];

export class ScoresView {
  private readonly parts = {} as Record<Score, { out: HTMLElement; acc: HTMLElement; map: HTMLElement; info: HTMLElement }>;

  constructor(private readonly input: HTMLInputElement, private readonly error: HTMLElement, host: HTMLElement, private readonly store: ModelStore) {
    host.replaceChildren(...SCORES.map((score) => {
      const out = h("output", {}), acc = h("span", { class: "hint" }), map = h("div", { class: "heatmap-host" });
      const info = h("p", { class: "hint", "aria-live": "polite" });
      this.parts[score] = { out, acc, map, info };
      return h("figure", { class: "score-fig", "data-score": score }, h("h3", {}, score),
        h("p", {}, "Translation: ", out, " ", acc), map, info);
    }));
    input.addEventListener("input", () => SCORES.forEach((s) => this.render(s)));
    for (const s of SCORES) store.subscribe(s, () => this.render(s));
  }

  /** The exact match of each model on the longest bucket, under its name. */
  checkpoint(c: Checkpoint<Score>, longest: string): void {
    for (const s of SCORES) {
      const a = c.accuracy[s][c.accuracy[s].length - 1];
      this.parts[s].acc.textContent = `(after ${c.step} updates: ${Math.round(100 * a)}% exact on ${longest} letters)`;
    }
  }

  private render(score: Score): void {
    const m = this.store.get(score);
    if (!m) return;
    const p = readSource(this.input, this.error, m.srcVocab);
    if (!p) return;
    const hyp = searchIds(m.model, [p.ids], { beam: 1, maxLenA: 1.5, maxLenB: 10 })[0][0];
    const part = this.parts[score];
    part.out.textContent = textOf(hyp.ids, m.tgtVocab) || "(nothing)";
    part.map.dataset.step = String(m.step);
    renderHeatmap(part.map, part.info, { src: [...p.tokens, "</s>"], tgt: tokensOf(hyp.ids, m.tgtVocab), weights: hyp.attention ?? [] });
  }
}
