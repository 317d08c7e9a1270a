// The platform-neutral part of the library API: everything but loading the
// kernels from a file or URL. Each entry point adds its loaders:
//   index.ts          Node (reads build/*.wasm)               "node" condition
//   index.browser.ts  browsers (fetch + compileStreaming)     "browser", default
//   index.worker.ts   Cloudflare Workers, Vercel Edge (an imported WebAssembly.Module)
//                                                             "workerd", "edge-light", "worker"
// Nothing here may import node: modules or touch `process` at load time.
export { S2SError } from "./errors.js";
export { Engine, chooseVariant, type EngineOptions, type ThreadStats } from "./engine/engine.js";
export { Arena } from "./engine/arena.js";
export type { Kernels, Variant } from "./engine/kernels.js";
export { loadEngineFromModule } from "./engine/load-module.js";
export { simdSupported, relaxedSimdSupported } from "./engine/detect.js";
export { parseSafetensors, serializeSafetensors, SafeTensors, type TensorData, type TensorInfo } from "./io/safetensors.js";
export {
  parseConfig, paramSpecs, dims, cellKeys, CELLS, GATE_BLOCKS, PAD, UNK, BOS, EOS,
  type ModelConfig, type Attention, type DecoderStyle, type Cell, type Dims, type ParamSpec,
} from "./model/config.js";
export { Model } from "./model/model.js";
export { quantizeModel, quantizeRows, isQuantized, QUANT_KEY, QUANT_VALUE } from "./model/quant.js";
export { encode, type EncoderOutput } from "./model/encoder.js";
export { DecoderRun } from "./model/decoder.js";
export { scoreIds, type PairIds, type ScoreResult, type ScoreOptions } from "./decode/score.js";
export { searchIds, searchWith, lengthPenalty, maxLength, DEFAULT_SEARCH, type SearchOptions, type Hypothesis } from "./decode/search.js";
// training
export {
  Trainer, DEFAULT_TRAIN, validationLoss,
  type TrainConfig, type TrainHooks, type TrainResult, type TrainState, type EpochRecord, type Schedule,
} from "./train/trainer.js";
export { lossAndGrads, type BatchIds, type LossOptions, type LossResult } from "./train/backprop.js";
export { Grads } from "./train/grads.js";
export { makeBatches, type BatchingOptions, type Lengths } from "./train/batches.js";
export { Optimizer, type OptimizerKind, type OptimizerOptions } from "./train/optim.js";
export { initialize, mulberry32, type InitScheme } from "./train/init.js";
export { Progress, formatDuration, type ProgressInfo } from "./train/progress.js";
// built-in synthetic tasks
export {
  getTask, TASK_NAMES, makeRng, makeSplits, vocabulary, exampleToPair, datesTask, SPACE,
  type Example, type Rng, type TaskName, type TaskSpec, type SplitSizes, type Splits,
} from "./tasks/index.js";
// reports
export { engineStepper, type Stepper, type StepSession, type StepOutput } from "./decode/stepper.js";
