// The "train in your browser" worker: trains an encoder-decoder with additive
// attention on the `dates` task with the library's kernels, posting the loss
// as it goes and a snapshot of the model every few seconds (and at the end),
// so the page can translate with it while it trains. Runs in slices so a
// "stop" message gets in between updates.
import {
  Grads, Model, Optimizer, datesTask, initialize, lossAndGrads, loadEngine, makeBatches, makeSplits, parseConfig, cellKeys,
  searchIds, vocabulary, type Engine, type Example, type PairIds,
} from "seq2seq-wasm";
import { taskModelMetadata } from "seq2seq-wasm/text";
import type { FromWorker, ToWorker, TrainSettings } from "./protocol.js";

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

const SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"];
/** time between looks at the message queue, and between snapshots */
const SLICE_MS = 40;
const SNAPSHOT_MS = 2500;
const PROGRESS_MS = 150;

let enginePromise: Promise<Engine> | null = null;
let stop = false;
let running = false;

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function snapshot(model: Model, step: number): void {
  const view = model.toBytes();
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  const bytes = (whole ? view.buffer : view.slice().buffer) as ArrayBuffer;
  post({ type: "snapshot", step, bytes }, [bytes]);
}

async function train(s: TrainSettings): Promise<void> {
  enginePromise ??= loadEngine();
  const engine = await enginePromise;
  const mark = engine.arena.mark();
  try {
    const { train, test } = makeSplits(datesTask, { train: 20000, valid: 0, test: 200 }, s.seed);
    const voc = vocabulary(train.concat(test));
    const srcVocab = [...SPECIALS, ...voc.src], tgtVocab = [...SPECIALS, ...voc.tgt];
    const sid = new Map(srcVocab.map((t, i) => [t, i])), tid = new Map(tgtVocab.map((t, i) => [t, i]));
    const toPair = (e: Example): PairIds => ({
      src: [...e.src.map((t) => sid.get(t) ?? 1), 3], tgt: [...e.tgt.map((t) => tid.get(t) ?? 1), 3],
    });
    const pairs = train.map(toPair), testPairs = test.map(toPair);
    const config = parseConfig({
      src_vocab_size: srcVocab.length, tgt_vocab_size: tgtVocab.length, emb_dim: 16, enc_hidden: s.hidden,
      bidirectional: true, dec_hidden: 2 * s.hidden, attn_dim: 2 * s.hidden, attention: "additive", decoder_style: "bahdanau",
      ...cellKeys(s.cell ?? "lstm"),
    });
    // the task's tokenizer (characters): the CLI and the page read a downloaded model's text alike
    const model = Model.create(engine, config, taskModelMetadata("dates", voc));
    initialize(model, { kind: "uniform", range: 0.1 }, s.seed);
    const grads = new Grads(model);
    const opt = new Optimizer(model, grads, { kind: "adam" });
    post({ type: "started", params: model.paramCount, trainSize: pairs.length, testSize: testPairs.length });

    const lengths = pairs.map((p) => ({ src: p.src.length, tgt: p.tgt.length }));
    let epoch = 1, batches = makeBatches(lengths, { batchSentences: s.batch, shuffle: true, seed: s.seed, epoch }), b = 0;
    let step = 0, tokens = 0, sum = 0, count = 0;
    const t0 = performance.now();
    let lastProgress = t0, lastSnapshot = t0;
    let points: [number, number][] = [];
    while (step < s.steps && !stop) {
      const sliceEnd = performance.now() + SLICE_MS;
      while (step < s.steps && performance.now() < sliceEnd) {
        if (b >= batches.length) {
          epoch++;
          batches = makeBatches(lengths, { batchSentences: s.batch, shuffle: true, seed: s.seed, epoch });
          b = 0;
        }
        const idx = batches[b++];
        grads.zero();
        const r = lossAndGrads(model, grads, { srcs: idx.map((i) => pairs[i].src), tgts: idx.map((i) => pairs[i].tgt) });
        if (!Number.isFinite(r.loss) || opt.nonFinite() > 0) continue; // skip a bad step, as the CLI trainer does
        opt.clip(5);
        opt.step(s.lr);
        step++;
        tokens += r.tokens;
        sum += r.loss;
        count++;
      }
      const now = performance.now();
      if (now - lastProgress >= PROGRESS_MS || step >= s.steps) {
        if (count > 0) points.push([step, sum / count]);
        sum = 0;
        count = 0;
        const seconds = (now - t0) / 1000;
        post({ type: "progress", step, total: s.steps, points, tokensPerSec: tokens / Math.max(seconds, 1e-3), seconds });
        points = [];
        lastProgress = now;
      }
      if (now - lastSnapshot >= SNAPSHOT_MS) {
        snapshot(model, step);
        lastSnapshot = now;
      }
      await yieldToEvents();
    }
    if (count > 0) post({ type: "progress", step, total: s.steps, points: [[step, sum / count]], tokensPerSec: 0, seconds: (performance.now() - t0) / 1000 });
    const seconds = (performance.now() - t0) / 1000;
    const hyps = searchIds(model, testPairs.map((p) => p.src), { beam: 1, attention: false });
    const correct = hyps.filter((h, i) => h[0].ids.join() === testPairs[i].tgt.join()).length;
    snapshot(model, step);
    post({ type: "done", step, stopped: stop, seconds, accuracy: correct / testPairs.length, testSize: testPairs.length });
  } finally {
    engine.arena.release(mark);
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "stop") {
    stop = true;
    return;
  }
  if (m.type === "start") {
    if (running) return;
    running = true;
    stop = false;
    train(m.settings)
      .catch((err: unknown) => post({ type: "error", message: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = false;
      });
  }
};

// load the kernels right away, so "ready" tells the page which build runs here
enginePromise = loadEngine();
enginePromise.then(
  (engine) => post({ type: "ready", variant: engine.variant }),
  (err: unknown) => post({ type: "error", message: `cannot load the kernels: ${err instanceof Error ? err.message : String(err)}` }),
);
