import type { CommandSpec, Values } from "./args.js";
import { MODEL_OPT, WASM_OPT, loadModelFile } from "./common.js";

export const infoSpec: CommandSpec = {
  name: "info",
  summary: "Print a model's config, parameter count, weight type (f32 or int8) and metadata keys (checks the file fully).",
  usage: "s2s info --model M.safetensors",
  options: [MODEL_OPT, WASM_OPT],
};

export async function runInfo(v: Values): Promise<void> {
  const model = await loadModelFile(v.model as string, v);
  const info = {
    config: model.config,
    parameters: model.specs.reduce((n, s) => n + s.size, 0),
    tensors: model.specs.length,
    weights: model.quantized ? "int8-rowwise (quantised matrices and embeddings, f32 biases)" : "f32",
    metadata: Object.keys(model.metadata),
    kernels: model.engine.variant,
  };
  process.stdout.write(JSON.stringify(info, null, 2) + "\n");
}
