import { S2SError, UsageError } from "../errors.js";
import { checkIds } from "../decode/ids.js";
import type { PairIds } from "../decode/score.js";
import { parseConfig } from "../model/config.js";
import { Model } from "../model/model.js";
import { initialize } from "../train/init.js";
import { Progress } from "../train/progress.js";
import { Trainer } from "../train/trainer.js";
import type { CommandSpec, Values } from "./args.js";
import { loadEngine } from "../engine/load-node.js";
import { THREADS_OPT, WASM_OPT, engineOptions } from "./common.js";
import { parseJsonLine, readFileChecked } from "./io.js";
import { checkpointPath, checkWritableDir, runTraining, trainConfigFromFlags } from "./train-options.js";
import { runTrainText, TEXT_TRAIN_OPTS } from "./train-text.js";

export const trainSpec: CommandSpec = {
  name: "train",
  summary: "Train a model on text (a complete translator) or on token-id pairs.",
  usage: "s2s train --data PREP --out OUT.safetensors [model size flags | --config C.json | --init M] [options]\n" +
    "       s2s train (--data-dir DIR --src-lang L --tgt-lang L | --train-src F --train-tgt F) [prepare options] --out OUT.safetensors [options]\n" +
    "       s2s train (--init M.safetensors | --config C.json) --train-ids FILE [--valid-ids FILE] --out OUT.safetensors [options]",
  description:
    "Text: --data PREP is a directory made by s2s prepare; --data-dir/--train-src/--train-tsv prepare the text on the\n" +
    "fly with the prepare options below (same result as s2s prepare). OUT holds config, src_vocab, tgt_vocab and\n" +
    "tokenizer metadata: s2s translate/eval need nothing else. The model is fresh (size flags, or --config whose\n" +
    "vocabulary sizes are replaced by the vocabularies'), or --init M, a text model whose own pipeline then encodes\n" +
    "the text. After each epoch the validation loss, perplexity and BLEU (greedy decoding of the validation text,\n" +
    "sacreBLEU default, case-insensitive if the target is lowercased) are reported.\n\n" +
    'Ids: FILE holds JSON lines {"src":[ids],"tgt":[ids]} (each ending with EOS = 3). OUT receives the best model by\n' +
    "validation loss (the last one without --valid-ids); OUT's checkpoint (model + optimizer + loop state) is\n" +
    "written beside it as NAME.ckpt.safetensors after every epoch, every --checkpoint-every steps and on Ctrl-C;\n" +
    "--resume continues from it and ends with exactly the weights of an uninterrupted run.",
  options: [
    { name: "init", type: "string", arg: "FILE", help: "start from this model" },
    { name: "config", type: "string", arg: "FILE", help: "start from a fresh random model with this config (JSON, docs/model.md keys)" },
    { name: "init-scheme", type: "string", choices: ["uniform", "pytorch"], default: "uniform", help: "initialisation of a fresh model" },
    { name: "init-range", type: "number", min: 0, default: 0.1, help: "range r of uniform ±r initialisation" },
    { name: "train-ids", type: "string", arg: "FILE", help: "training pairs (JSON lines); without it, training is on text" },
    { name: "valid-ids", type: "string", arg: "FILE", help: "validation pairs (JSON lines), evaluated after each epoch" },
    { name: "out", type: "string", arg: "FILE", required: true, help: "where to write the trained model" },
    { name: "optimizer", type: "string", choices: ["sgd", "adam"], default: "adam", help: "optimizer" },
    { name: "lr", type: "number", min: 0, help: "learning rate [default: 0.001 for adam, 1 for sgd]" },
    { name: "steps", type: "int", min: 0, help: "stop after N updates" },
    { name: "epochs", type: "int", min: 1, help: "stop after N epochs [default: 10 unless --steps]" },
    { name: "batch-sentences", type: "int", min: 1, help: "sentences per batch [default: 32]" },
    { name: "batch-tokens", type: "int", min: 1, help: "padded tokens per batch (instead of --batch-sentences)" },
    { name: "no-shuffle", type: "boolean", help: "batches of consecutive pairs in file order, same every epoch" },
    { name: "dropout", type: "number", min: 0, max: 0.99, default: 0, help: "dropout probability" },
    { name: "label-smoothing", type: "number", min: 0, max: 1, default: 0, help: "label smoothing ε" },
    { name: "clip", type: "number", min: 0, default: 5, help: "clip the global gradient norm (0 = off)" },
    { name: "seed", type: "int", default: 1, help: "seed of shuffling, dropout and initialisation" },
    { name: "schedule", type: "string", choices: ["constant", "plateau", "rsqrt"], default: "constant", help: "learning-rate schedule" },
    { name: "warmup", type: "int", min: 1, default: 4000, help: "warm-up steps of --schedule rsqrt" },
    { name: "decay", type: "number", min: 0, max: 1, default: 0.5, help: "learning-rate factor of --schedule plateau" },
    { name: "patience", type: "int", min: 0, default: 0, help: "early stopping after N epochs without validation improvement (0 = off)" },
    { name: "checkpoint-every", type: "int", min: 0, default: 0, help: "also write the checkpoint every N steps" },
    { name: "resume", type: "boolean", help: "continue from OUT's checkpoint" },
    { name: "quiet", type: "boolean", help: "no progress output" },
    WASM_OPT,
    THREADS_OPT,
    ...TEXT_TRAIN_OPTS,
  ],
};

export async function readPairsIds(path: string, Vs: number, Vt: number): Promise<PairIds[]> {
  const text = new TextDecoder().decode(await readFileChecked(path, "data file"));
  const pairs: PairIds[] = [];
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  lines.forEach((line, i) => {
    const where = `${path}:${i + 1}`;
    try {
      const o = parseJsonLine(line, i + 1);
      pairs.push({ src: checkIds(o.src, Vs, "src"), tgt: checkIds(o.tgt, Vt, "tgt") });
    } catch (e) {
      if (e instanceof S2SError) throw new S2SError(`${where}: ${e.message.replace(/^line \d+: /, "")}`);
      throw e;
    }
  });
  return pairs;
}

export async function runTrain(v: Values): Promise<void> {
  if (v["train-ids"] === undefined) return runTrainText(v);
  for (const o of TEXT_TRAIN_OPTS) {
    if (v[o.name] !== undefined && v[o.name] !== o.default) throw new UsageError(`train: --${o.name} is for training on text, not with --train-ids`);
  }
  if (!v.init === !v.config) throw new UsageError("train: give exactly one of --init MODEL or --config CONFIG.json");
  if (v["batch-tokens"] !== undefined && v["batch-sentences"] !== undefined) throw new UsageError("train: give --batch-sentences or --batch-tokens, not both");
  const engine = await loadEngine(engineOptions(v));
  let model: Model;
  if (v.init) {
    model = Model.fromBytes(engine, await readFileChecked(v.init as string, "model"), v.init as string);
    model.requireF32(`train --init ${v.init}`);
  } else {
    const text = new TextDecoder().decode(await readFileChecked(v.config as string, "config"));
    model = Model.create(engine, parseConfig(text, v.config as string));
    initialize(model, v["init-scheme"] === "pytorch" ? { kind: "pytorch" } : { kind: "uniform", range: v["init-range"] as number }, v.seed as number);
  }
  const d = model.dims;
  const train = await readPairsIds(v["train-ids"] as string, d.Vs, d.Vt);
  if (train.length === 0) throw new S2SError(`${v["train-ids"]}: no training pairs`);
  const valid = v["valid-ids"] ? await readPairsIds(v["valid-ids"] as string, d.Vs, d.Vt) : null;
  const cfg = trainConfigFromFlags(v);
  const out = v.out as string;
  const ckpt = checkpointPath(out);
  await checkWritableDir(out);
  const trainer = new Trainer(model, train, valid, cfg);
  const progress = new Progress(process.stderr, 5000, Boolean(v.quiet));
  const r = await runTraining(trainer, out, v, progress);
  if (!r) return;
  const best = r.state.bestValid;
  progress.log(`wrote ${out}${best !== null ? ` (best validation loss ${best.toFixed(4)})` : ""}; checkpoint ${ckpt}` +
    (r.state.skippedSteps ? `; ${r.state.skippedSteps} steps skipped for NaN/Inf` : ""));
}
