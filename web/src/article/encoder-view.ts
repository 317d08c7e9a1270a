// Section 1: the reader's source through the RNNenc model's encoder. One
// heat strip per position (M_j: [Hm], forward half | backward half, from
// traceEncoder), then m̄ = [→h_S ; ←h_1], the one vector the decoder gets,
// and the model's greedy translation against the right answer.
import { searchIds } from "seq2seq-wasm";
import { traceEncoder } from "seq2seq-wasm/text";
import { h } from "./dom.js";
import type { ModelStore } from "./models.js";
import { readSource, textOf } from "./source.js";
import { describe, strip } from "./strip.js";

export interface EncoderElements {
  input: HTMLInputElement;
  error: HTMLElement;
  output: HTMLOutputElement;
  verdict: HTMLElement;
  states: HTMLElement;
  caption: HTMLElement;
  /** "untrained (random weights)" / "after N updates" */
  when: HTMLElement;
}

const label = (t: string) => (t === "</s>" ? "</s>" : t);

export class EncoderView {
  constructor(private readonly el: EncoderElements, private readonly store: ModelStore) {
    el.input.addEventListener("input", () => this.render());
    store.subscribe("enc", () => this.render());
  }

  render(): void {
    const m = this.store.get("enc");
    if (!m) return;
    const p = readSource(this.el.input, this.el.error, m.srcVocab);
    if (!p) return;
    const enc = traceEncoder(m.model, p.ids);
    const half = enc.mbar.length / 2;
    const tokens = [...p.tokens, "</s>"];
    const rows = enc.memory.map((v, j) =>
      h("div", { class: "state-row" }, h("span", { class: "tok" }, label(tokens[j])), h("span", { class: "pos" }, `M${sub(j + 1)}`),
        strip(v, `M${j + 1}, the state at “${tokens[j]}”: ${describe(v)}`, half)));
    rows.push(h("div", { class: "state-row mbar" }, h("span", { class: "tok" }, ""), h("span", { class: "pos" }, "m̄"),
      strip(enc.mbar, `m̄, the RNNenc decoder's only view of the source: ${describe(enc.mbar)}`, half)));
    this.el.states.replaceChildren(...rows);
    this.el.when.textContent = m.step === 0 ? "untrained (random weights)" : `after ${m.step} updates`;
    this.el.caption.textContent =
      `${enc.memory.length} encoder states of ${enc.mbar.length} numbers (RNNenc at update ${m.step}); m̄ takes the forward half of the last one (at </s>) ` +
      `and the backward half of the first: whatever the length, the decoder gets these ${enc.mbar.length} numbers.`;
    const out = searchIds(m.model, [p.ids], { beam: 1, maxLenA: 1.5, maxLenB: 10, attention: false })[0][0].ids;
    const got = textOf(out, m.tgtVocab), want = [...p.tokens].reverse().join(" ");
    this.el.output.value = got || "(nothing)";
    this.el.verdict.textContent = got === want ? "(right)" : `(wrong: the answer is ${want})`;
  }
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const sub = (n: number) => [...String(n)].map((d) => SUB[Number(d)]).join("");
