// The baselines of the end-to-end translation benchmark, each a Stepper over
// the same safetensors model: onnxruntime-web (wasm, one thread; the model
// exported by the project's exportOnnx) and @tensorflow/tfjs (wasm backend
// with one thread, and the cpu backend).
import * as ort from "onnxruntime-web";
import * as tf from "@tensorflow/tfjs";
import type { Stepper } from "../../src/decode/stepper.js";
import { loadEngine } from "../../src/engine/load-node.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { Model } from "../../src/model/model.js";
import { ortStepper } from "./ort-translate.js";
import { tfjsStepper, useTfjsBackend } from "./tfjs-translate.js";

export interface BaselineRuntime {
  id: string;
  label: string;
  stepper: Stepper;
  /** every stride-th sentence is timed (the slow ones translate a subset) */
  stride: number;
  /** called before the runtime translates (tfjs: selects its backend, which is global) */
  activate?(): Promise<void>;
  dispose(): Promise<void>;
}

/** ONNX Runtime Web over the project's export of the model in `bytes`. */
async function ortRuntime(bytes: Uint8Array): Promise<BaselineRuntime> {
  const engine = await loadEngine({ variant: "simd" });
  const files = exportOnnx(Model.fromBytes(engine, bytes, "reference model"));
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  const stepper = await ortStepper(ort, files);
  return { id: "ort-wasm", label: `onnxruntime-web ${ort.env.versions.web} (wasm, 1 thread)`, stepper, stride: 1, dispose: () => stepper.release() };
}

/** TensorFlow.js on one backend (wasm: XNNPACK, SIMD, 1 thread; cpu: plain JavaScript). */
async function tfjsRuntime(bytes: Uint8Array, backend: "wasm" | "cpu"): Promise<BaselineRuntime> {
  await useTfjsBackend(tf, backend);
  const stepper = tfjsStepper(tf, bytes, { attention: false });
  return {
    id: `tfjs-${backend}`, label: `@tensorflow/tfjs ${tf.version_core} (${backend} backend${backend === "wasm" ? ", 1 thread" : ""})`,
    stepper, stride: backend === "wasm" ? 4 : 25,
    activate: () => useTfjsBackend(tf, backend),
    dispose: async () => {
      await useTfjsBackend(tf, backend);
      stepper.dispose();
    },
  };
}

export async function baselineRuntimes(bytes: Uint8Array, o: { only?: string[] }): Promise<BaselineRuntime[]> {
  const want = (id: string) => !o.only || o.only.includes(id);
  const list: BaselineRuntime[] = [];
  if (want("ort-wasm")) list.push(await ortRuntime(bytes));
  if (want("tfjs-wasm")) list.push(await tfjsRuntime(bytes, "wasm"));
  if (want("tfjs-cpu")) list.push(await tfjsRuntime(bytes, "cpu"));
  return list;
}
