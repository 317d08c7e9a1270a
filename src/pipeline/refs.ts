// Reading hypotheses and references for the scoring commands.

import { existsSync } from "node:fs";
import { S2SError } from "../errors.js";
import { readAllLines, readTextLines } from "./lines.js";

/**
 * Reference files from a --ref value: one file, or several separated by
 * commas (multiple references per segment). A value that names an existing
 * file is taken as one file even if it contains a comma.
 */
export function refFiles(value: string): string[] {
  if (existsSync(value)) return [value];
  const files = value.split(",").filter((f) => f !== "");
  if (files.length === 0) throw new S2SError("--ref: no file given");
  return files;
}

export function readRefs(value: string): { files: string[]; streams: string[][] } {
  const files = refFiles(value);
  return { files, streams: files.map((f) => readTextLines(f, "reference")) };
}

/** Hypotheses from a file, or from stdin when no file is given. */
export async function readHyps(file: string | undefined): Promise<string[]> {
  return file === undefined ? readAllLines(process.stdin) : readTextLines(file, "hypotheses");
}
