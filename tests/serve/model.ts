// The text model of the serve tests: vocabularies, tokenizer and BPE learned
// from the synthetic German → English corpus of the text CLI tests
// (tests/cli-text/synthetic.ts), random weights (uniform ±0.5, fixed seed: varied outputs),
// about 1 MiB as f32. Speed and memory do not depend on training; answers
// are compared with the offline CLI's on the same file, so random weights
// check exactly what a trained model would.
import { writeFileSync } from "node:fs";
import { loadEngine } from "../../src/engine/load-node.js";
import { parseConfig } from "../../src/model/config.js";
import { Model } from "../../src/model/model.js";
import { learnPipeline } from "../../src/pipeline/prepare.js";
import { initialize } from "../../src/train/init.js";
import { synthetic } from "../cli-text/synthetic.js";

export interface ServeModelOptions {
  attention?: "additive" | "none";
  seed?: number;
}

/** Writes the model to `path`; returns its file size in bytes. */
export async function writeServeModel(path: string, o: ServeModelOptions = {}): Promise<number> {
  const engine = await loadEngine();
  const learned = learnPipeline(synthetic(500, 1), {
    type: "moses", srcLang: "de", tgtLang: "en", lowercase: false, bpe: "joint",
    merges: 100, bpeMinFreq: 2, bpeVocabThreshold: 0, vocabMinFreq: 1,
  });
  const p = learned.pipeline;
  const config = parseConfig({
    src_vocab_size: p.srcVocab.size, tgt_vocab_size: p.tgtVocab.size, emb_dim: 48, enc_hidden: 64, bidirectional: true,
    dec_hidden: 128, attn_dim: 64, attention: o.attention ?? "additive", decoder_style: "luong",
  });
  const model = Model.create(engine, config, { src_vocab: JSON.stringify(p.srcVocab), tgt_vocab: JSON.stringify(p.tgtVocab), tokenizer: learned.tokenizerJson });
  initialize(model, { kind: "uniform", range: 0.5 }, o.seed ?? 5);
  const bytes = model.toBytes();
  writeFileSync(path, bytes);
  return bytes.length;
}
