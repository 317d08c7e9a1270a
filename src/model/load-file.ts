// Node: loads a model file straight from disk into an engine (see
// io/safetensors-file.ts): what the CLI and servers use; Model.fromBytes is
// for bytes already in memory (browsers, edge functions).

import type { Engine } from "../engine/engine.js";
import { openSafetensors } from "../io/safetensors-file.js";
import { Model } from "./model.js";

export function loadModelFromFile(engine: Engine, path: string): Model {
  const { st, close } = openSafetensors(path, "model");
  try {
    return Model.fromSafetensors(engine, st);
  } finally {
    close();
  }
}
