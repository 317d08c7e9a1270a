// `s2s train` on text: a prepared directory (s2s prepare) or raw text
// prepared on the fly, a fresh model (size flags or --config) or --init, and
// validation BLEU after each epoch. The trained file is a complete translator.

import type { OptSpec, Values } from "./args.js";
import { checkpointPath, checkWritableDir, runTraining, trainConfigFromFlags } from "./train-options.js";
import { readFileChecked } from "./io.js";
import { engineOptions } from "./common.js";
import type { PairIds } from "../decode/score.js";
import { loadEngine } from "../engine/load-node.js";
import { S2SError, UsageError } from "../errors.js";
import { corpusBleu } from "../eval/bleu.js";
import { CELLS, cellKeys, parseConfig, type Cell, type ModelConfig } from "../model/config.js";
import { Model } from "../model/model.js";
import { initialize } from "../train/init.js";
import { Progress } from "../train/progress.js";
import { Trainer } from "../train/trainer.js";
import type { SentencePair } from "../data/corpus.js";
import { encodePairs, readPrepared } from "../pipeline/prepare.js";
import { DATA_OPTS, hasTextData, loadTextData, PREPARE_OPTS, prepareFromValues } from "./text-data.js";
import { TextPipeline } from "../pipeline/tokenizer.js";
import { Translator } from "../pipeline/translator.js";
import { longestSource, recordTrainLength } from "../pipeline/train-length.js";

const MODEL_OPTS: OptSpec[] = [
  { name: "data", type: "string", arg: "PREP", help: "text: a prepared directory from s2s prepare" },
  { name: "emb-dim", type: "int", min: 1, default: 256, help: "text, fresh model: embedding size" },
  { name: "enc-hidden", type: "int", min: 1, default: 256, help: "text, fresh model: encoder hidden size per direction" },
  { name: "dec-hidden", type: "int", min: 1, default: 256, help: "text, fresh model: decoder hidden size" },
  { name: "enc-layers", type: "int", min: 1, max: 64, default: 1, help: "text, fresh model: encoder layers" },
  { name: "dec-layers", type: "int", min: 1, max: 64, default: 1, help: "text, fresh model: decoder layers" },
  { name: "attention", type: "string", choices: ["none", "dot", "general", "additive"], default: "additive", help: "text, fresh model: attention" },
  { name: "attn-dim", type: "int", min: 1, help: "text, fresh model: additive attention size [default: --dec-hidden]" },
  { name: "decoder-style", type: "string", choices: ["luong", "bahdanau"], default: "luong", help: "text, fresh model: decoder style" },
  { name: "cell", type: "string", choices: [...CELLS], default: "lstm", help: "text, fresh model: recurrent cell of encoder and decoder" },
  { name: "unidirectional", type: "boolean", help: "text, fresh model: one-direction encoder (default bidirectional)" },
  { name: "no-input-feed", type: "boolean", help: "text, fresh model: no Luong input feeding" },
  { name: "bleu-beam", type: "int", min: 1, max: 100, default: 1, help: "text: beam of the validation BLEU decoding" },
  { name: "bleu-limit", type: "int", min: 1, arg: "N", help: "text: validation BLEU on the first N validation sentences only" },
  { name: "no-bleu", type: "boolean", help: "text: no validation BLEU" },
];

/** The options `s2s train` has for text, beside its id-level ones. */
export const TEXT_TRAIN_OPTS: OptSpec[] = [...MODEL_OPTS, ...DATA_OPTS, ...PREPARE_OPTS];

const SIZE_FLAGS = ["emb-dim", "enc-hidden", "dec-hidden", "enc-layers", "dec-layers", "attention", "attn-dim", "decoder-style", "cell", "unidirectional", "no-input-feed"];

function configFromFlags(v: Values, Vs: number, Vt: number): ModelConfig {
  const attention = v.attention as string;
  return parseConfig({
    src_vocab_size: Vs, tgt_vocab_size: Vt,
    emb_dim: v["emb-dim"], enc_hidden: v["enc-hidden"], dec_hidden: v["dec-hidden"],
    enc_layers: v["enc-layers"], dec_layers: v["dec-layers"],
    bidirectional: !v.unidirectional,
    attention, attn_dim: attention === "additive" ? ((v["attn-dim"] as number | undefined) ?? v["dec-hidden"]) : 0,
    decoder_style: v["decoder-style"],
    input_feed: v["decoder-style"] === "luong" && !v["no-input-feed"],
    ...cellKeys(v.cell as Cell),
  }, "model size flags");
}

/** Corpus BLEU of the model's translations of validation pairs (sacreBLEU default; lc if the target is lowercased). */
export function validationBleu(model: Model, pipeline: TextPipeline, pairs: readonly SentencePair[], beam: number): number {
  const tr = new Translator(model, pipeline);
  const hyps: string[] = [];
  for (let i = 0; i < pairs.length; i += 256) {
    for (const r of tr.translate(pairs.slice(i, i + 256).map((p) => p.src), { beam, attention: false })) hyps.push(r.hyps[0].text);
  }
  return corpusBleu(hyps, [pairs.map((p) => p.tgt)], { lowercase: pipeline.spec.tgt.lowercase }).score;
}

export async function runTrainText(v: Values): Promise<void> {
  const cmd = "train";
  const textGiven = v.data !== undefined || hasTextData(v) || (v["src-lang"] !== undefined && Boolean(process.env.S2S_DATA));
  if (!textGiven) {
    throw new UsageError("train: no training data: give --train-ids FILE (token ids), or text: --data PREP (from s2s prepare), --data-dir DIR with --src-lang/--tgt-lang (or --corpus wmt-deen), --train SRC,TGT, --train-src/--train-tgt or --train-tsv");
  }
  if (v["valid-ids"] !== undefined) throw new UsageError("train: --valid-ids goes with --train-ids; text training validates on the text's validation pairs");
  if (v.init && v.config) throw new UsageError("train: give at most one of --init MODEL and --config CONFIG.json");
  if (v["batch-tokens"] !== undefined && v["batch-sentences"] !== undefined) throw new UsageError("train: give --batch-sentences or --batch-tokens, not both");
  if (v.data !== undefined && hasTextData(v)) throw new UsageError("train: give --data PREP or raw text (--data-dir, --corpus, --train, --train-src/--train-tgt, --train-tsv), not both");
  if (v.init || v.config) {
    // size flags only describe a fresh model made from them
    const defaults = new Map(MODEL_OPTS.map((o) => [o.name, o.default]));
    for (const k of SIZE_FLAGS) if (v[k] !== undefined && v[k] !== defaults.get(k)) throw new UsageError(`train: --${k} describes a fresh model; it cannot be combined with --${v.init ? "init" : "config"}`);
  }
  if (!v.init && !v.config) configFromFlags(v, 4, 4); // size errors before any work
  const out = v.out as string;
  await checkWritableDir(out);
  const progress = new Progress(process.stderr, 5000, Boolean(v.quiet));
  const log = (m: string) => progress.log(m);
  const engine = await loadEngine(engineOptions(v));

  let model: Model | null = null;
  let pipeline: TextPipeline;
  let tokenizerJson: string;
  let train: PairIds[];
  let valid: PairIds[] | null;
  let validText: SentencePair[] | null;
  if (v.init) {
    model = Model.fromBytes(engine, await readFileChecked(v.init as string, "model"), v.init as string);
    model.requireF32(`train --init ${v.init}`);
    const p = TextPipeline.fromMetadata(model.metadata, v.init as string);
    if (!p) throw new S2SError(`${v.init}: not a text model (no src_vocab/tgt_vocab metadata); train it with --train-ids`);
    pipeline = p;
    tokenizerJson = model.metadata.tokenizer ?? "";
    new Translator(model, pipeline, v.init as string); // checks vocabulary sizes against the config
  }
  if (v.data !== undefined) {
    const prep = await readPrepared(v.data as string);
    if (model) {
      const same = JSON.stringify(prep.pipeline.srcVocab) === model.metadata.src_vocab && JSON.stringify(prep.pipeline.tgtVocab) === model.metadata.tgt_vocab;
      if (!same) throw new S2SError(`train: the vocabularies of ${v.data} differ from those of ${v.init}`);
    }
    pipeline = prep.pipeline;
    tokenizerJson = prep.tokenizerJson;
    ({ train, valid, validText } = prep);
    log(`${v.data}: ${train.length} training pairs, ${valid?.length ?? 0} validation pairs; vocabularies ${pipeline.srcVocab.size}/${pipeline.tgtVocab.size}`);
  } else if (model) {
    const data = loadTextData(v, cmd, log);
    const maxLen = v["max-len"] as number;
    const enc = encodePairs(pipeline!, data.train, maxLen);
    train = enc.ids;
    if (train.length === 0) throw new S2SError("train: no training pairs left (all empty or longer than --max-len)");
    valid = data.valid ? encodePairs(pipeline!, data.valid, 0).ids : null;
    validText = data.valid;
    log(`${train.length} training pairs encoded with the vocabularies of ${v.init}${enc.dropped ? ` (${enc.dropped} dropped)` : ""}`);
  } else {
    const prep = prepareFromValues(v, cmd, log);
    pipeline = prep.pipeline;
    tokenizerJson = prep.tokenizerJson;
    ({ train, valid, validText } = prep);
  }
  pipeline = pipeline!;
  if (!model) {
    let config: ModelConfig;
    const Vs = pipeline.srcVocab.size, Vt = pipeline.tgtVocab.size;
    if (v.config) {
      const text = new TextDecoder().decode(await readFileChecked(v.config as string, "config"));
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        throw new S2SError(`${v.config}: config is not valid JSON`);
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new S2SError(`${v.config}: config is not a JSON object`);
      config = parseConfig({ ...obj, src_vocab_size: Vs, tgt_vocab_size: Vt }, v.config as string);
    } else {
      config = configFromFlags(v, Vs, Vt);
    }
    model = Model.create(engine, config, {
      src_vocab: JSON.stringify(pipeline.srcVocab),
      tgt_vocab: JSON.stringify(pipeline.tgtVocab),
      tokenizer: tokenizerJson!,
    });
    initialize(model, v["init-scheme"] === "pytorch" ? { kind: "pytorch" } : { kind: "uniform", range: v["init-range"] as number }, v.seed as number);
    const c = model.config;
    log(`model: ${model.paramCount.toLocaleString("en")} parameters (${model.dims.cell} cells, emb ${c.emb_dim}, encoder ${c.enc_layers}×${c.enc_hidden}${c.bidirectional ? " bi" : ""}, decoder ${c.dec_layers}×${c.dec_hidden} ${c.decoder_style}, attention ${c.attention}, vocabularies ${Vs}/${Vt})`);
  }
  // the longest source trained on: translate splits longer inputs to this length
  recordTrainLength(model.metadata, longestSource(train!));
  const bleuPairs = validText && !v["no-bleu"] ? validText.slice(0, (v["bleu-limit"] as number | undefined) ?? validText.length) : null;
  const ckpt = checkpointPath(out);
  const trainer = new Trainer(model, train!, valid! && valid!.length > 0 ? valid! : null, trainConfigFromFlags(v));
  const p = pipeline;
  const validate = bleuPairs && bleuPairs.length > 0 ? (m: Model) => ({ BLEU: validationBleu(m, p, bleuPairs, v["bleu-beam"] as number) }) : undefined;
  const r = await runTraining(trainer, out, v, progress, validate);
  if (!r) return;
  const best = r.state.bestValid;
  const bestRec = r.state.history.filter((h) => h.validLoss === best).pop();
  const bleu = bestRec?.metrics.BLEU;
  progress.log(`wrote ${out}${best !== null ? ` (best validation loss ${best.toFixed(4)}${bleu !== undefined ? `, BLEU ${bleu.toFixed(2)}` : ""})` : ""}; checkpoint ${ckpt}` +
    (r.state.skippedSteps ? `; ${r.state.skippedSteps} steps skipped for NaN/Inf` : ""));
}
