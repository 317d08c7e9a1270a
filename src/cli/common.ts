import { loadEngine } from "../engine/load-node.js";
import type { Model } from "../model/model.js";
import { loadModelFromFile } from "../model/load-file.js";
import type { OptSpec } from "./args.js";

export const MODEL_OPT: OptSpec = { name: "model", type: "string", arg: "FILE", required: true, help: "model file (.safetensors, MODEL.md format)" };
export const WASM_OPT: OptSpec = { name: "wasm", type: "string", choices: ["auto", "simd", "relaxed"], default: "auto", help: "kernel build (env S2S_WASM)" };

export async function loadModelFile(path: string, wasm: string | undefined): Promise<Model> {
  const engine = await loadEngine({ variant: wasm === "simd" || wasm === "relaxed" ? wasm : undefined });
  return loadModelFromFile(engine, path);
}
