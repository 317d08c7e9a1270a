// Messages between the page and the training worker.

export interface TrainSettings {
  /** Adam updates to run */
  steps: number;
  /** encoder hidden size per direction (decoder: twice this) */
  hidden: number;
  /** recurrent cell of encoder and decoder */
  cell: "lstm" | "gru" | "rnn";
  batch: number;
  lr: number;
  seed: number;
}

export type ToWorker = { type: "start"; settings: TrainSettings } | { type: "stop" };

export type FromWorker =
  | { type: "ready"; variant: string }
  | { type: "started"; params: number; trainSize: number; testSize: number }
  /** points: [step, mean loss of the steps since the previous point] */
  | { type: "progress"; step: number; total: number; points: [number, number][]; tokensPerSec: number; seconds: number }
  /** the current model as a safetensors file (transferred) */
  | { type: "snapshot"; step: number; bytes: ArrayBuffer }
  | { type: "done"; step: number; stopped: boolean; seconds: number; accuracy: number; testSize: number }
  | { type: "error"; message: string };
