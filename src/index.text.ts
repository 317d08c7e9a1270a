// seq2seq-wasm/text: the text pipeline of a model file (docs/model.md) for
// any runtime: tokenizer metadata, Moses-style tokenizing, BPE, vocabularies,
// and Translator, which translates lines of text with a model's own pipeline.
// A separate entry so the main one stays small for pages that only use ids.
export {
  TextPipeline, parseTokenizerSpec, serializeTokenizerSpec, whitespaceSpec, taskTokenizerSpec, modelTokenizerSpec,
  type TokenizerSpec, type TokenizerType, type SideSpec, type EncodedSource,
} from "./pipeline/tokenizer.js";
export { taskModelMetadata } from "./pipeline/task-model.js";
export { Vocab } from "./text/vocab.js";
export {
  Translator, DEFAULT_MAX_SRC_PIECES,
  type TextTranslateOptions, type TextHypothesis, type LineTranslation,
} from "./pipeline/translator.js";
export { TRAIN_LENGTH_KEY, DEFAULT_TRAIN_MAX_SRC_PIECES } from "./pipeline/train-length.js";
export { splitSentences } from "./text/sentences.js";
// the SVG attention heatmap of s2s demo and docs/results.md (text-side rendering, not in the engine's entries)
export { attentionHeatmapSvg, piecesToWords, type HeatmapOptions } from "./report/heatmap.js";
// decoding traces (every step's attention scores, α, context and beam candidates; the encoder states):
// for teaching and inspection pages, here rather than in the engine's entries to keep those within their size budget
export {
  traceDecode, traceEncoder, type TraceOptions, type DecodeTrace, type EncoderTrace, type TraceStep, type TraceRow, type TraceCandidate, type TracedHypothesis,
} from "./decode/trace.js";
