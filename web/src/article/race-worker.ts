// One model of the side-by-side training in a module worker: the page sends
// "init" (again to reset), then "run until N updates"; the worker trains in
// 40 ms slices (so "pause" and "init" get in between updates), then
// evaluates exact match by length bucket and posts it with a snapshot of the
// model. The worker lives as long as the page, so nothing is fetched after
// the page has loaded.
import { loadEngine, type Engine } from "seq2seq-wasm";
import { Learner } from "./learner.js";
import type { FromRace, RaceSettings, ToRace } from "./protocol.js";
import { taskData } from "./tasks.js";

const scope = globalThis as unknown as {
  postMessage(message: FromRace, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToRace>) => void) | null;
};
const post = (m: FromRace, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
const SLICE_MS = 40;
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const engine: Promise<Engine> = loadEngine();
let learner: Learner | null = null;
/** the arena before the first model: a new "init" releases the old model to it */
let mark: number | null = null;
/** bumped by every "init": a run of an older model ends without posting */
let generation = 0;
let target = 0, running = false, paused = false, trainMs = 0;

function checkpoint(l: Learner): void {
  const view = l.model.toBytes();
  const bytes = (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view.buffer : view.slice().buffer) as ArrayBuffer;
  post({ type: "checkpoint", step: l.step, loss: l.takeLoss(), accuracy: l.evaluate(), seconds: trainMs / 1000, bytes }, [bytes]);
}

async function run(l: Learner): Promise<void> {
  const gen = generation;
  running = true;
  try {
    while (l.step < target && !paused) {
      const t0 = performance.now(), end = t0 + SLICE_MS;
      while (l.step < target && performance.now() < end) l.update();
      trainMs += performance.now() - t0;
      await yieldToEvents();
    }
    if (gen !== generation) return; // reset meanwhile: this model is gone
    if (paused) post({ type: "paused", step: l.step });
    else checkpoint(l);
  } finally {
    running = false;
  }
}

/** A fresh model (the first, or after a reset): waits for a running stretch to stop, then rebuilds in the same memory. */
async function init(settings: RaceSettings): Promise<void> {
  const gen = ++generation;
  paused = true;
  while (running) await yieldToEvents();
  const eng = await engine;
  if (gen !== generation) return; // another init came in meanwhile
  learner = null;
  if (mark === null) mark = eng.arena.mark();
  else eng.arena.release(mark);
  trainMs = 0;
  target = 0;
  const data = taskData(settings.task, settings.trainSize, settings.perBucket, settings.learner.seed);
  learner = new Learner(eng, data, settings.learner);
  post({ type: "started", params: learner.model.paramCount, trainSize: data.train.length, testSize: data.test.length });
}

const fail = (e: unknown) => post({ type: "error", message: e instanceof Error ? e.message : String(e) });

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "init") {
    init(m.settings).catch(fail);
  } else if (m.type === "run") {
    if (!learner) return fail(new Error("run before init"));
    target = m.until;
    paused = false;
    if (!running) run(learner).catch(fail);
  } else if (m.type === "pause") {
    paused = true;
    if (!running && learner) post({ type: "paused", step: learner.step });
  }
};

engine.then(
  (eng) => post({ type: "ready", variant: eng.variant }),
  (err: unknown) => post({ type: "error", message: `cannot load the kernels: ${err instanceof Error ? err.message : String(err)}` }),
);
