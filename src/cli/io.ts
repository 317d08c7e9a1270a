import { readFile, stat } from "node:fs/promises";
import { describeErrno } from "../io/errno.js";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { S2SError } from "../errors.js";

/** Reads a whole file, with one-line errors for the usual mistakes. */
export async function readFileChecked(path: string, what = "file", maxBytes = 4 * 2 ** 30): Promise<Uint8Array> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new S2SError(`cannot read ${what} ${path}: ${describeErrno(e)}`);
  }
  if (st.isDirectory()) throw new S2SError(`cannot read ${what} ${path}: it is a directory`);
  if (st.size > maxBytes) throw new S2SError(`${what} ${path} is ${st.size} bytes, larger than the limit of ${maxBytes}`);
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new S2SError(`cannot read ${what} ${path}: ${describeErrno(e)}`);
  }
}


/** Maximum length of one input line (characters). */
export const MAX_LINE = 64 * 2 ** 20;

/**
 * Yields input lines in chunks of up to `chunk` lines, with their 1-based
 * line numbers, so long inputs stream through in bounded memory.
 */
export async function* lineChunks(input: Readable, chunk: number): AsyncGenerator<{ lines: string[]; first: number }> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lines: string[] = [];
  let n = 0, first = 1;
  for await (const line of rl) {
    n++;
    if (line.length > MAX_LINE) throw new S2SError(`line ${n}: longer than ${MAX_LINE} characters`);
    lines.push(line);
    if (lines.length >= chunk) {
      yield { lines, first };
      lines = [];
      first = n + 1;
    }
  }
  if (lines.length > 0) yield { lines, first };
}

/** Parses one JSON-lines input line as an object. */
export function parseJsonLine(line: string, lineNo: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new S2SError(`line ${lineNo}: not valid JSON${line.trim() === "" ? " (empty line)" : ""}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new S2SError(`line ${lineNo}: expected a JSON object`);
  return v as Record<string, unknown>;
}

/** Writes to stdout, waiting for drain so huge outputs do not buffer in memory. */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once("drain", resolve));
}

/** Rounds to 7 significant digits (float32 precision) for compact JSON. */
export function r7(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(7)) : x;
}

export { describeErrno };
