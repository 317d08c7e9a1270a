// Settings shared by training on ids (train.ts) and on text (train-text.ts):
// the training loop's config from the flags, the checkpoint's path, and the
// output directory's check.
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { S2SError } from "../errors.js";
import { describeErrno } from "../io/errno.js";
import { DEFAULT_TRAIN, type Schedule, type TrainConfig } from "../train/trainer.js";
import type { Values } from "./args.js";

/** Fails before any work when OUT's directory does not exist or is not a directory. */
export async function checkWritableDir(out: string): Promise<void> {
  const dir = dirname(out);
  let st;
  try {
    st = await stat(dir);
  } catch (e) {
    throw new S2SError(`cannot write ${out}: directory ${dir}: ${describeErrno(e)}`);
  }
  if (!st.isDirectory()) throw new S2SError(`cannot write ${out}: ${dir} is not a directory`);
}

/** The training loop's settings from the flags shared by ids and text training. */
export function trainConfigFromFlags(v: Values): TrainConfig {
  const optimizer = v.optimizer as "sgd" | "adam";
  return {
    ...DEFAULT_TRAIN,
    optimizer,
    lr: (v.lr as number | undefined) ?? (optimizer === "sgd" ? 1 : 1e-3),
    steps: v.steps as number | undefined,
    epochs: v.epochs as number | undefined,
    batchSentences: v["batch-tokens"] === undefined ? ((v["batch-sentences"] as number | undefined) ?? 32) : undefined,
    batchTokens: v["batch-tokens"] as number | undefined,
    shuffle: !v["no-shuffle"],
    dropout: v.dropout as number,
    labelSmoothing: v["label-smoothing"] as number,
    clip: v.clip as number,
    seed: v.seed as number,
    schedule: v.schedule as Schedule,
    warmup: v.warmup as number,
    decay: v.decay as number,
    patience: v.patience as number,
    checkpointEvery: v["checkpoint-every"] as number,
  };
}

/** OUT.safetensors → OUT.ckpt.safetensors */
export function checkpointPath(out: string): string {
  return out.endsWith(".safetensors") ? out.slice(0, -".safetensors".length) + ".ckpt.safetensors" : out + ".ckpt";
}
