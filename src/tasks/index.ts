/**
 * Built-in synthetic tasks: parallel examples generated from a seeded PRNG,
 * for tests, the demo and first runs without data files.
 *
 * - `dates`: human-readable dates → ISO `YYYY-MM-DD` (characters).
 * - `reverse`: reverse a sequence of 20 symbols, length 5..60.
 * - `numbers`: English number words → French number words (words).
 */

import { S2SError } from "../errors.js";
import { datesTask } from "./dates.js";
import { numbersTask } from "./numbers.js";
import { reverseTask } from "./reverse.js";
import type { TaskSpec } from "./types.js";

export type { Example, Rng, TaskName, TaskSpec } from "./types.js";
export { makeRng } from "./rng.js";
export { makeSplits, vocabulary, exampleToPair, type SplitSizes, type Splits } from "./splits.js";
export { datesTask, DATE_FORMATS, SPACE, isoDate, type DateFormat, type DateParts } from "./dates.js";
export { reverseTask, REVERSE_SYMBOLS, REVERSE_MIN_LENGTH, REVERSE_MAX_LENGTH } from "./reverse.js";
export { numbersTask, englishWords, frenchWords, wordTokens, renderWords, MAX_NUMBER } from "./numbers.js";

const TASKS: readonly TaskSpec[] = [datesTask, reverseTask, numbersTask];

/** The names of the built-in tasks: dates, reverse, numbers. */
export const TASK_NAMES: readonly string[] = Object.freeze(TASKS.map((t) => t.name));

/**
 * The task called `name`. An unknown name throws an S2SError (an Error)
 * whose message lists the tasks.
 */
export function getTask(name: string): TaskSpec {
  const task = TASKS.find((t) => t.name === name);
  if (!task) throw new S2SError(`unknown task ${JSON.stringify(name)} (tasks: ${TASK_NAMES.join(", ")})`);
  return task;
}
