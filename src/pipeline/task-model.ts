// The metadata of a model trained on a built-in task (src/tasks): its
// vocabularies and the task's tokenizer, so that every translate path (CLI,
// Translator, the demo page, the edge examples) reads the task's text the
// way the model was trained. s2s demo, the page's training worker and the
// edge examples' model generator all write their models with this.

import type { TaskName } from "../tasks/index.js";
import { SPECIALS } from "../text/vocab.js";
import { serializeTokenizerSpec, taskTokenizerSpec } from "./tokenizer.js";

/**
 * `src_vocab`, `tgt_vocab` (the specials, then the task's tokens in the given
 * order, so token `vocab.src[i]` has id i + 4), `tokenizer` (the task's, see
 * taskTokenizerSpec) and `task` (its name).
 */
export function taskModelMetadata(task: TaskName, vocab: { src: readonly string[]; tgt: readonly string[] }): Record<string, string> {
  return {
    src_vocab: JSON.stringify([...SPECIALS, ...vocab.src]),
    tgt_vocab: JSON.stringify([...SPECIALS, ...vocab.tgt]),
    tokenizer: serializeTokenizerSpec(taskTokenizerSpec(task)),
    task,
  };
}
