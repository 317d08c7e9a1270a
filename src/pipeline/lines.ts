// Line input and output of the text commands. A line ends at "\n" (a "\r"
// before it is dropped); a final "\n" does not start another line; invalid
// UTF-8 becomes U+FFFD; a leading byte-order mark is dropped. Output lines
// never contain "\r" or "\n" (they become spaces), so N input lines always
// give N output lines.

import type { Readable } from "node:stream";
import { S2SError, UsageError } from "../errors.js";
import { readTextFile, splitLines } from "../data/corpus.js";
import { oneLine } from "./one-line.js";

export { oneLine };

/** Maximum length of one input line, in UTF-16 units (64 Mi). */
export const MAX_LINE_CHARS = 64 * 2 ** 20;

/** Yields input lines in chunks of up to `chunk` lines, with the 1-based number of the first. */
export async function* textLineChunks(input: Readable, chunk: number, maxChars = MAX_LINE_CHARS): AsyncGenerator<{ lines: string[]; first: number }> {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  let lines: string[] = [];
  let n = 0, first = 1;
  const push = (line: string) => {
    n++;
    lines.push(line.endsWith("\r") ? line.slice(0, -1) : line);
  };
  for await (const buf of input) {
    const text = pending + (typeof buf === "string" ? buf : decoder.decode(buf as Uint8Array, { stream: true }));
    const parts = text.split("\n");
    pending = parts.pop() as string;
    for (const p of parts) {
      if (p.length > maxChars) throw new S2SError(`line ${n + 1}: longer than ${maxChars} characters`);
      push(p);
      if (lines.length >= chunk) {
        yield { lines, first };
        lines = [];
        first = n + 1;
      }
    }
    if (pending.length > maxChars) throw new S2SError(`line ${n + 1}: longer than ${maxChars} characters`);
  }
  pending += decoder.decode();
  if (pending !== "") push(pending);
  if (lines.length > 0) yield { lines, first };
}

/** All lines of a stream. */
export async function readAllLines(input: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const { lines } of textLineChunks(input, 4096)) for (const l of lines) out.push(l);
  return out;
}


/** Lines of a text file (plain or gzip, UTF-8), with file errors as one-line S2SErrors. */
export function readTextLines(path: string, what = "file"): string[] {
  try {
    return splitLines(readTextFile(path));
  } catch (e) {
    throw new S2SError(`cannot read ${what}: ${(e as Error).message}`);
  }
}

/** Runs fn, turning the plain Errors of the library modules into one-line S2SErrors. */
export function userErrors<T>(fn: () => T, prefix = ""): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof S2SError) throw e;
    if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof ReferenceError)) throw new S2SError(prefix + e.message);
    throw e;
  }
}

/**
 * Runs a line filter from stdin to stdout: exactly one output line per
 * input line (line breaks inside an output line become spaces).
 */
export async function runLineFilter(fn: (line: string, lineNo: number) => string, input: Readable = process.stdin): Promise<void> {
  for await (const { lines, first } of textLineChunks(input, 1024)) {
    let out = "";
    for (let i = 0; i < lines.length; i++) out += oneLine(fn(lines[i], first + i)) + "\n";
    await writeOut(out);
  }
}

/** Writes to stdout, waiting for drain so huge outputs do not buffer in memory. */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once("drain", resolve));
}

/** Checks a language code: letters, digits and "-" (en, de, fr have Moses rules; others get the generic ones). */
export function checkLang(lang: string, flag = "--lang"): string {
  const m = /^([A-Za-z]{2})(-[A-Za-z0-9]{1,8})*$/.exec(lang);
  if (!m || !ISO_639_1.has(m[1].toLowerCase())) {
    throw new UsageError(`${flag} ${JSON.stringify(lang)} is not an ISO 639-1 language code such as en, de or fr (a region may follow: pt-br)`);
  }
  return lang.toLowerCase();
}

/** The two-letter language codes of ISO 639-1: the tokenizer has rules for en, de, fr (and others), generic ones for the rest. */
const ISO_639_1 = new Set((
  "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu " +
  "fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn " +
  "ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os " +
  "pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw " +
  "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu").split(" "));
