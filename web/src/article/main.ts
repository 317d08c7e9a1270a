// The article page: wires the race (two workers), the page's copies of the
// two models and the sections that draw them. Each section is its own
// module; this one only connects them to the page's elements.
import summary from "virtual:results-summary";
import type { Variant } from "seq2seq-wasm";
import { BeamView } from "./beam-view.js";
import { $ } from "./dom.js";
import { downloadButton } from "./download.js";
import { EncoderView } from "./encoder-view.js";
import { MathView } from "./math-view.js";
import { ModelStore } from "./models.js";
import type { RaceSettings } from "./protocol.js";
import { Race, type RaceStatus, type Role } from "./race.js";
import { RaceView } from "./race-view.js";
import { renderResults } from "./results-view.js";
import { SCORES, ScoresView, type Score } from "./scores-view.js";
import { taskBuckets } from "./tasks.js";

/** The race: `reverse` at 3–24 letters, small LSTMs, RNNsearch well ahead on the longest sources within a minute or so. */
const MAX_STEPS = 2000;
const settings = (attention: RaceSettings["learner"]["attention"]): RaceSettings => ({
  task: "reverse", trainSize: 20000, perBucket: 40,
  learner: { attention, emb: 16, hidden: 32, batch: 32, lr: 0.005, lrHalfLife: 1000, seed: 1 },
});

const VARIANT_NAMES: Record<Variant, string> = { relaxed: "relaxed SIMD (fused multiply-add)", simd: "SIMD128" };
const store = new ModelStore();
store.kernels.then(
  ({ variant }) => ($("engine-status").textContent = `Kernels: ${VARIANT_NAMES[variant]}.`),
  (e: unknown) => ($("engine-status").textContent = `Cannot load the WebAssembly kernels: ${(e as Error).message}`),
);

new EncoderView({
  input: $("enc-source"), error: $("enc-error"), output: $("enc-output"), verdict: $("enc-verdict"), states: $("enc-states"), caption: $("enc-caption"), when: $("enc-when"),
}, store);
new MathView({
  input: $("math-source"), error: $("math-error"), panel: $("math-panel"), prev: $("math-prev"), next: $("math-next"),
  label: $("math-step-label"), numbers: $("math-numbers"), context: $("math-context"),
}, store);
new BeamView({ input: $("beam-source"), beam: $("beam-size"), error: $("beam-error"), final: $("beam-final"), steps: $("beam-steps") }, store);
renderResults($("results-body"), summary);
downloadButton($("download-enc"), store, "enc");
downloadButton($("download-search"), store, "search");

// ---- the race ----

const startButtons = [...document.querySelectorAll<HTMLButtonElement>("button.start-race")];
const pause = $<HTMLButtonElement>("race-pause"), reset = $<HTMLButtonElement>("race-reset");
const status = $("race-status"), short = $("race-status-short");
const view = new RaceView($("race-body"), $("race-history"), taskBuckets("reverse"), MAX_STEPS, $("race-step"), $("race-seconds"), $("race-summary"));

function showStatus(s: RaceStatus, message: string): void {
  status.textContent = message;
  status.classList.toggle("error", s === "error");
  status.dataset.status = s;
  short.textContent = s === "running" ? "Training now." : s === "done" ? "Trained." : "";
  for (const b of startButtons) {
    b.disabled = s !== "ready" && s !== "paused";
    if (b.id === "race-start") b.textContent = s === "paused" ? "Resume" : "Start";
  }
  pause.disabled = s !== "running";
  reset.disabled = s === "loading";
}

const race = new Race({ enc: settings("none"), search: settings("additive") }, { enc: "RNNenc", search: "RNNsearch" }, MAX_STEPS, {
  status: showStatus,
  checkpoint: (c) => view.draw(c, race.history),
  snapshot: (role: Role, bytes, step) => {
    store.load(role, bytes, step).catch((e: unknown) => showStatus("error", `Cannot read the ${role} model: ${(e as Error).message}`));
  },
});
for (const b of startButtons) b.addEventListener("click", () => {
  trio.pause(); // one race at a time on the machine's cores
  race.start();
});
pause.addEventListener("click", () => race.pause());
reset.addEventListener("click", () => {
  view.clear();
  store.clear();
  race.reset();
});

// ---- the three scores: a second race in three more workers, its models built on the first click ----

const SCORE_STEPS = 1000;
const scoresView = new ScoresView($("scores-source"), $("scores-error"), $("scores-figs"), store);
const scoresStart = $<HTMLButtonElement>("scores-start"), scoresPause = $<HTMLButtonElement>("scores-pause"), scoresStatus = $("scores-status");
const longest = taskBuckets("reverse").at(-1)!;
const trio = new Race<Score>(Object.fromEntries(SCORES.map((sc) => [sc, settings(sc)])) as Record<Score, RaceSettings>,
  { additive: "additive", dot: "dot", general: "general" }, SCORE_STEPS, {
    status: (st, message) => {
      scoresStatus.textContent = message;
      scoresStatus.dataset.status = st;
      scoresStatus.classList.toggle("error", st === "error");
      scoresStart.disabled = st !== "idle" && st !== "paused";
      scoresStart.textContent = st === "paused" ? "Resume the three" : "Train the three";
      scoresPause.disabled = st !== "running";
    },
    checkpoint: (c) => scoresView.checkpoint(c, `${longest.lo}–${longest.hi}`),
    snapshot: (role, bytes, step) => {
      store.load(role, bytes, step).catch((e: unknown) => (scoresStatus.textContent = `Cannot read the ${role} model: ${(e as Error).message}`));
    },
  }, true);
scoresStart.addEventListener("click", () => {
  race.pause(); // one race at a time on the machine's cores
  trio.start();
});
scoresPause.addEventListener("click", () => trio.pause());
