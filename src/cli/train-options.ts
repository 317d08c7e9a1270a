// Settings shared by training on ids (train.ts) and on text (train-text.ts):
// the training loop's config from the flags, the checkpoint's path, and the
// output directory's check.
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { S2SError } from "../errors.js";
import { describeErrno } from "../io/errno.js";
import { writeFileAtomic } from "../io/atomic.js";
import type { Model } from "../model/model.js";
import type { Progress } from "../train/progress.js";
import { DEFAULT_TRAIN, type Schedule, type TrainConfig, type TrainHooks, type TrainResult, type Trainer } from "../train/trainer.js";
import { readFileChecked } from "./io.js";
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

/**
 * Runs a trainer as s2s train does: with --resume from OUT's checkpoint; the
 * best model to OUT and checkpoints beside it (atomic writes); Ctrl-C or
 * SIGTERM saves a checkpoint and stops with exit code 130 (a second one quits
 * at once). Returns the result, or null after an interrupt (already reported).
 */
export async function runTraining(
  trainer: Trainer, out: string, v: Values, progress: Progress, validate?: TrainHooks["validate"],
): Promise<TrainResult | null> {
  const ckpt = checkpointPath(out);
  if (v.resume) {
    trainer.restore(await readFileChecked(ckpt, "checkpoint"), ckpt);
    progress.log(`resuming from ${ckpt} at epoch ${trainer.state.epoch}, step ${trainer.state.step}`);
  }
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.log("interrupt: saving a checkpoint (press Ctrl-C again to quit at once)");
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  try {
    const r = await trainer.run({
      progress,
      interrupted: () => interrupted,
      validate,
      saveBest: (m: Model) => writeFileAtomic(out, m.toBytes()),
      saveCheckpoint: (bytes) => writeFileAtomic(ckpt, bytes),
    });
    if (r.interrupted) {
      progress.log(`stopped at step ${r.state.step}: checkpoint ${ckpt}; continue with --resume`);
      process.exitCode = 130;
      return null;
    }
    return r;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}
