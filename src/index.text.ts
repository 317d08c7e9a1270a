// seq2seq-wasm/text: the text pipeline of a model file (docs/model.md) for
// any runtime: tokenizer metadata, Moses-style tokenizing, BPE, vocabularies.
// A separate entry so the main one stays small for pages that only use ids.
export { TextPipeline, parseTokenizerSpec, whitespaceSpec, type TokenizerSpec, type EncodedSource } from "./pipeline/tokenizer.js";
export { Vocab } from "./text/vocab.js";
