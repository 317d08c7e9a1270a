// Section 5: the experiments' numbers (docs/results.json, summarised at
// build time): per language pair the headline table of the test set and
// BLEU by source length as a line chart, with the same numbers as a table.
import { h, s } from "./dom.js";
import type { ResultsPair, ResultsSummary } from "./results-data.js";

const LANG: Record<string, string> = { de: "German", en: "English", fr: "French" };
const f2 = (x: number | null) => (x === null ? "–" : x.toFixed(2));
const f1 = (x: number | null) => (x === null ? "–" : x.toFixed(1));
/** line styles of the models, in the order of results.json */
const SERIES = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"];

function headline(p: ResultsPair): HTMLTableElement {
  const best = Math.max(...p.models.map((m) => m.bleuBeam5 ?? -1));
  return h("table", { class: "results" },
    h("caption", {}, `Multi30k test set, ${p.testSentences.toLocaleString("en")} sentences (the best BLEU in bold)`),
    h("thead", {}, h("tr", {}, ...["model", "attention", "BLEU greedy", "BLEU beam 5", "chrF2 beam 5", "perplexity"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...p.models.map((m) => h("tr", { class: m.bleuBeam5 === best ? "best" : "" },
      h("th", { scope: "row", title: m.description }, m.label), h("td", {}, m.attention),
      h("td", { class: "num" }, f2(m.bleuGreedy)), h("td", { class: "num" }, f2(m.bleuBeam5)),
      h("td", { class: "num" }, f2(m.chrfBeam5)), h("td", { class: "num" }, f2(m.ppl))))));
}

function byLength(p: ResultsPair, id: string): HTMLElement {
  // buckets with at least 20 sentences, so the chart shows no noise of a handful
  const keep = p.buckets.map((_, i) => i).filter((i) => p.bucketSentences[i] >= 20);
  const W = 480, H = 230, L = 44, R = 30, T = 22, B = 40;
  const max = Math.max(10, ...p.models.flatMap((m) => keep.map((i) => m.byLength[i] ?? 0)));
  const top = Math.ceil(max / 10) * 10;
  const x = (k: number) => L + ((W - L - R) * k) / Math.max(1, keep.length - 1);
  const y = (v: number) => T + ((H - T - B) * (top - v)) / top;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "bylength", role: "img", "aria-labelledby": `${id}-title` });
  const title = s("title", { id: `${id}-title` });
  title.textContent = `BLEU (beam 5) by source length in words, ${p.pair}; the same numbers are in the table below`;
  svg.append(title);
  for (let v = 0; v <= top; v += 10) {
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }), s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", class: "tick" }, String(v)));
  }
  keep.forEach((i, k) => svg.append(s("text", { x: x(k), y: H - B + 16, "text-anchor": "middle", class: "tick" }, p.buckets[i])));
  svg.append(s("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "tick" }, "source length (words)"),
    s("text", { x: 4, y: 12, class: "tick" }, "BLEU"));
  p.models.forEach((m, mi) => {
    const pts = keep.map((i, k) => (m.byLength[i] === null ? null : `${x(k).toFixed(1)},${y(m.byLength[i]!).toFixed(1)}`)).filter((v) => v !== null);
    svg.append(s("polyline", { points: pts.join(" "), class: `series ${SERIES[mi % SERIES.length]}` }));
  });
  const legend = h("ul", { class: "legend" }, ...p.models.map((m, mi) =>
    h("li", {}, h("span", { class: `swatch ${SERIES[mi % SERIES.length]}`, "aria-hidden": "true" }), m.label)));
  const table = h("table", { class: "results" },
    h("caption", {}, `BLEU (beam 5) by source length, ${p.pair}: the test set and its joined versions`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "model"), ...keep.map((i) => h("th", { scope: "col" }, `${p.buckets[i]} (${p.bucketSentences[i]})`)))),
    h("tbody", {}, ...p.models.map((m) => h("tr", {}, h("th", { scope: "row" }, m.label), ...keep.map((i) => h("td", { class: "num" }, f1(m.byLength[i])))))));
  return h("figure", { class: "results-fig" }, svg, legend,
    h("figcaption", {}, `BLEU by source length, ${LANG[p.src] ?? p.src} → ${LANG[p.tgt] ?? p.tgt} (lengths with at least 20 sentences). ${compare(p, keep)}`),
    h("details", {}, h("summary", {}, "The numbers"), h("div", { class: "scroll" }, table)));
}

/** What the chart shows about RNNsearch against RNNenc, in words, from the numbers. */
function compare(p: ResultsPair, keep: number[]): string {
  const a = p.models.find((m) => m.label === "RNNsearch"), b = p.models.find((m) => m.label === "RNNenc");
  if (!a || !b || keep.length === 0) return "";
  const gaps = keep.map((i) => (a.byLength[i] ?? NaN) - (b.byLength[i] ?? NaN));
  const first = gaps[0], last = gaps[gaps.length - 1];
  const ahead = gaps.every((g) => g > 0);
  return `RNNsearch is ${ahead ? "ahead of RNNenc in every bucket" : "not ahead of RNNenc everywhere"}: by ${f1(first)} BLEU on the shortest sources, ${f1(last)} on the longest shown.`;
}

export function renderResults(host: HTMLElement, r: ResultsSummary): void {
  host.replaceChildren(...r.pairs.flatMap((p, i) => [
    h("h3", {}, `${LANG[p.src] ?? p.src} → ${LANG[p.tgt] ?? p.tgt}`),
    h("div", { class: "scroll" }, headline(p)),
    byLength(p, `bylength-${i}`),
  ]), h("p", { class: "hint" }, `Generated ${r.generated.slice(0, 10)} by npm run experiments; the report explains every column.`));
}
