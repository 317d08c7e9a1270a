// The demo page: a model from a file or trained here (in a worker), translated
// as you type, with its attention heatmap.
import { compileUrl, kernelsUrl, loadEngineFromModule, Model, relaxedSimdSupported, type Engine, type Variant } from "seq2seq-wasm";
import type { Translator } from "seq2seq-wasm/text";
import { LossChart } from "./chart.js";
import { renderHeatmap } from "./heatmap.js";
import type { FromWorker, ToWorker, TrainSettings } from "./protocol.js";
import { describeTokenizer, label, translateLine, translatorFor } from "./text.js";

function $<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page is missing #${id}`);
  return e as T;
}

const ui = {
  engineStatus: $("engine-status"),
  steps: $<HTMLInputElement>("train-steps"),
  hidden: $<HTMLSelectElement>("train-hidden"),
  cell: $<HTMLSelectElement>("train-cell"),
  start: $<HTMLButtonElement>("train-start"),
  stop: $<HTMLButtonElement>("train-stop"),
  progress: $<HTMLProgressElement>("train-progress"),
  trainStatus: $("train-status"),
  download: $<HTMLButtonElement>("download"),
  file: $<HTMLInputElement>("model-file"),
  modelStatus: $("model-status"),
  modelError: $("model-error"),
  source: $<HTMLInputElement>("source"),
  beam: $<HTMLSelectElement>("beam"),
  translation: $<HTMLOutputElement>("translation"),
  meta: $("translation-meta"),
  heatmap: $("heatmap"),
  cellInfo: $("cell-info"),
};
const chart = new LossChart($("loss-chart"), $("loss-summary"));

// ---- kernels (compiled once; every model gets its own engine) ----

const VARIANT_NAMES: Record<Variant, string> = { relaxed: "relaxed SIMD (fused multiply-add)", simd: "SIMD128" };
const kernels: Promise<{ module: WebAssembly.Module; variant: Variant }> = (async () => {
  const variant: Variant = relaxedSimdSupported() ? "relaxed" : "simd";
  return { module: await compileUrl(kernelsUrl(variant)), variant };
})();
kernels.then(
  ({ variant }) => (ui.engineStatus.textContent = `Kernels: ${VARIANT_NAMES[variant]}.`),
  (e: unknown) => (ui.engineStatus.textContent = `Cannot load the WebAssembly kernels: ${(e as Error).message}`),
);

// ---- the current model ----

interface Current {
  engine: Engine;
  model: Model;
  translator: Translator;
  name: string;
  origin: "trained" | "file";
}
let current: Current | null = null;
/** snapshots from the worker replace the current model only while this is set */
let followTraining = false;
let trainedBytes: Uint8Array | null = null;

/** Loads a model into a fresh engine; the previous model stays in use if this fails. */
async function useModel(bytes: Uint8Array, name: string, origin: Current["origin"]): Promise<void> {
  const { module, variant } = await kernels;
  const engine = await loadEngineFromModule(module, variant);
  const model = Model.fromBytes(engine, bytes, name);
  const translator = translatorFor(model);
  current = { engine, model, translator, name, origin };
  const c = model.config;
  ui.modelStatus.textContent =
    `Using ${name}: ${model.paramCount.toLocaleString("en")} parameters, ${model.dims.cell.toUpperCase()} cells, attention ${c.attention}, ` +
    `${describeTokenizer(translator)}, vocabularies ${c.src_vocab_size} → ${c.tgt_vocab_size}.`;
  ui.source.disabled = false;
  translateNow();
}

// ---- translating as you type ----

function clearOutput(): void {
  ui.translation.value = "";
  ui.meta.textContent = "";
  ui.heatmap.replaceChildren();
  ui.cellInfo.textContent = "";
}

function translateNow(): void {
  const text = ui.source.value;
  if (!current || text.trim() === "") {
    clearOutput();
    return;
  }
  const { translator, name } = current;
  const t0 = performance.now();
  const r = translateLine(translator, text, Number(ui.beam.value));
  const best = r.hyps[0];
  const ms = performance.now() - t0;
  ui.translation.value = best.text;
  const unknown = r.source.unknownWords;
  const unit = translator.pipeline.spec.type === "characters" ? "character" : "word";
  ui.meta.textContent =
    `(${ms.toFixed(1)} ms, score ${best.score.toFixed(3)}, ${name})` +
    (unknown > 0 ? ` ${unknown} ${unit}${unknown === 1 ? " is" : "s are"} not in the model's vocabulary (read as <unk>).` : "");
  if (!best.attention) {
    ui.heatmap.textContent = "This model has no attention (an RNNenc model), so there are no alignments to show.";
    ui.cellInfo.textContent = "";
    return;
  }
  renderHeatmap(ui.heatmap, ui.cellInfo, {
    src: r.srcTokens.map(label),
    tgt: best.steps.map(label),
    weights: best.attention,
  });
}

let pending = 0;
function scheduleTranslate(): void {
  clearTimeout(pending);
  pending = window.setTimeout(translateNow, 30);
}
ui.source.addEventListener("input", scheduleTranslate);
ui.beam.addEventListener("change", translateNow);
for (const b of document.querySelectorAll<HTMLButtonElement>("button.example")) {
  b.addEventListener("click", () => {
    ui.source.value = b.textContent ?? "";
    ui.source.focus();
    translateNow();
  });
}

// ---- loading a file ----

ui.file.addEventListener("change", async () => {
  const f = ui.file.files?.[0];
  if (!f) return;
  ui.modelError.hidden = true;
  try {
    await useModel(new Uint8Array(await f.arrayBuffer()), f.name, "file");
    followTraining = false;
  } catch (e) {
    ui.modelError.textContent = `Cannot use ${f.name}: ${(e as Error).message}`;
    ui.modelError.hidden = false;
  }
});

// ---- training in a worker ----

const worker = new Worker(new URL("./train-worker.ts", import.meta.url), { type: "module", name: "seq2seq-wasm trainer" });
const send = (m: ToWorker) => worker.postMessage(m);
let training = false;

function setTraining(on: boolean): void {
  training = on;
  ui.start.disabled = on;
  ui.stop.disabled = !on;
  ui.steps.disabled = on;
  ui.hidden.disabled = on;
  ui.cell.disabled = on;
}

ui.start.addEventListener("click", () => {
  const steps = Math.max(10, Math.min(100000, Math.round(Number(ui.steps.value) || 2500)));
  ui.steps.value = String(steps);
  setTraining(true);
  followTraining = true;
  ui.progress.value = 0;
  chart.reset(steps);
  ui.trainStatus.classList.remove("error");
  ui.trainStatus.textContent = "Preparing 20,000 training dates…";
  send({ type: "start", settings: { steps, hidden: Number(ui.hidden.value), cell: ui.cell.value as TrainSettings["cell"], batch: 32, lr: 0.005, seed: 1 } });
});
ui.stop.addEventListener("click", () => {
  ui.stop.disabled = true;
  ui.trainStatus.textContent = "Stopping…";
  send({ type: "stop" });
});
ui.download.addEventListener("click", () => {
  if (!trainedBytes) return;
  const url = URL.createObjectURL(new Blob([trainedBytes as BlobPart], { type: "application/octet-stream" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "dates.safetensors";
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "ready":
      ui.start.disabled = training;
      break;
    case "started":
      ui.trainStatus.textContent = `Training ${m.params.toLocaleString("en")} parameters on ${m.trainSize.toLocaleString("en")} dates…`;
      break;
    case "progress":
      chart.add(m.points, m.total);
      ui.progress.value = m.step / m.total;
      if (training && ui.stop.disabled === false) {
        ui.trainStatus.textContent = `Update ${m.step} of ${m.total}, ${Math.round(m.tokensPerSec).toLocaleString("en")} target characters/s, ${m.seconds.toFixed(1)} s.`;
      }
      break;
    case "snapshot": {
      const bytes = new Uint8Array(m.bytes);
      trainedBytes = bytes;
      ui.download.disabled = false;
      if (followTraining) {
        useModel(bytes, `the model trained here (update ${m.step})`, "trained").catch((err: unknown) => {
          ui.trainStatus.textContent = `Cannot use the trained model: ${(err as Error).message}`;
        });
      }
      break;
    }
    case "done":
      setTraining(false);
      ui.trainStatus.textContent =
        `${m.stopped ? "Stopped" : "Done"} after ${m.step} updates in ${m.seconds.toFixed(1)} s: ` +
        `exact match on ${(100 * m.accuracy).toFixed(1)}% of ${m.testSize} held-out dates.`;
      break;
    case "error":
      setTraining(false);
      ui.trainStatus.classList.add("error");
      ui.trainStatus.textContent = `Training failed: ${m.message}`;
      break;
  }
});
worker.addEventListener("error", (e) => {
  setTraining(false);
  ui.trainStatus.classList.add("error");
  ui.trainStatus.textContent = `The training worker failed: ${e.message || "could not start"}`;
});
ui.start.disabled = true; // until the worker has its kernels
