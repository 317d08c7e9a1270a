// The library API of seq2seq-wasm.
export { S2SError } from "./errors.js";
export { Engine, chooseVariant } from "./engine/engine.js";
export { Arena } from "./engine/arena.js";
export type { Kernels, Variant } from "./engine/kernels.js";
export { loadEngine, type LoadOptions } from "./engine/load-node.js";
export { parseSafetensors, serializeSafetensors, SafeTensors, type TensorData, type TensorInfo } from "./io/safetensors.js";
export { writeFileAtomic } from "./io/atomic.js";
export {
  parseConfig, paramSpecs, dims, PAD, UNK, BOS, EOS,
  type ModelConfig, type Attention, type DecoderStyle, type Dims, type ParamSpec,
} from "./model/config.js";
export { Model } from "./model/model.js";
export { encode, type EncoderOutput } from "./model/encoder.js";
export { DecoderRun } from "./model/decoder.js";
export { scoreIds, type PairIds, type ScoreResult, type ScoreOptions } from "./decode/score.js";
export { searchIds, lengthPenalty, maxLength, DEFAULT_SEARCH, type SearchOptions, type Hypothesis } from "./decode/search.js";
