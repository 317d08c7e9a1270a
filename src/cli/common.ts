import { loadEngine, type LoadOptions } from "../engine/load-node.js";
import { MAX_THREADS } from "../engine/engine.js";
import type { Model } from "../model/model.js";
import { loadModelFromFile } from "../model/load-file.js";
import type { OptSpec, Values } from "./args.js";

export const MODEL_OPT: OptSpec = { name: "model", type: "string", arg: "FILE", required: true, help: "model file (.safetensors, docs/model.md format)" };
export const WASM_OPT: OptSpec = { name: "wasm", type: "string", choices: ["auto", "simd", "relaxed"], default: "auto", help: "kernel build (env S2S_WASM)" };
export const NO_PACK_OPT: OptSpec = {
  name: "no-pack", type: "boolean",
  help: "do not copy the decoder's weights into column panels (saves their size in memory; one sentence at a time decodes ~2.5× slower)",
};
export const THREADS_OPT: OptSpec = {
  name: "threads", type: "int", min: 1, max: MAX_THREADS, default: 1,
  help: "threads for large matrix products (worker_threads; results identical to 1 thread; see docs/threads.md)",
};

/** The engine the --wasm and --threads flags ask for (--threads absent: 1). */
export function engineOptions(v: Values): LoadOptions {
  const wasm = v.wasm;
  return { variant: wasm === "simd" || wasm === "relaxed" ? wasm : undefined, threads: (v.threads as number | undefined) ?? 1 };
}

/**
 * Loads a model on the engine the flags ask for. `decoding`: the model will
 * translate, so unless --no-pack its decoder matrices are also packed for few-row products
 * (Model.packForDecoding: one sentence or a small beam at a time runs
 * ~2.5× faster, for the memory of those matrices again).
 */
export async function loadModelFile(path: string, v: Values, decoding = false): Promise<Model> {
  const engine = await loadEngine(engineOptions(v));
  const model = loadModelFromFile(engine, path);
  if (decoding && !v["no-pack"]) model.packForDecoding();
  return model;
}
