// Messages between the article and its two race workers (race-worker.ts).
// "ready", "started" and "error" are the tool page's training messages
// (../protocol.ts); "run" / "pause" / "checkpoint" replace its start / stop /
// progress, so the page can keep the two models at the same update count.
import type { FromWorker } from "../protocol.js";
import type { LearnerSettings } from "./learner.js";
import type { ArticleTaskName } from "./tasks.js";

export interface RaceSettings {
  task: ArticleTaskName;
  trainSize: number;
  /** test examples per source-length bucket */
  perBucket: number;
  learner: LearnerSettings;
}

export type ToRace =
  /** build the data and a fresh model (again: a reset; what the old model posts after it is stale) */
  | { type: "init"; settings: RaceSettings }
  /** train until `until` updates, then evaluate and post a checkpoint */
  | { type: "run"; until: number }
  /** stop between updates and post "paused" */
  | { type: "pause" };

export type FromRace =
  | Extract<FromWorker, { type: "ready" | "started" | "error" }>
  | {
      type: "checkpoint";
      step: number;
      /** mean training loss since the previous checkpoint */
      loss: number;
      /** exact match of greedy output by source-length bucket: [bucket] fraction */
      accuracy: number[];
      /** seconds spent training (updates only) since init */
      seconds: number;
      /** the model now, as a safetensors file (transferred) */
      bytes: ArrayBuffer;
    }
  | { type: "paused"; step: number };
