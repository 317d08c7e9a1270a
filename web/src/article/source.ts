// The reader's source text for the `reverse` task → token ids of a model's
// vocabulary (ending with </s>), and ids back to text. Letters may be typed
// with or without spaces; anything else is a one-line message for the page.
import { EOS } from "./tasks.js";

export const MAX_SOURCE = 40;

export type Parsed = { ok: true; tokens: string[]; ids: number[] } | { ok: false; message: string };

/** "a b c" or "abc" → tokens ["a","b","c"] and ids [.., .., .., EOS]. */
export function parseSource(text: string, srcVocab: string[]): Parsed {
  const tokens = [...text.replace(/\s+/g, "")];
  if (tokens.length === 0) return { ok: false, message: "Type a few letters between a and t." };
  if (tokens.length > MAX_SOURCE) return { ok: false, message: `At most ${MAX_SOURCE} letters (this has ${tokens.length}).` };
  const ids: number[] = [];
  for (const t of tokens) {
    const id = srcVocab.indexOf(t);
    if (id < 4) return { ok: false, message: `“${t}” is not a letter the model knows: use a to t.` };
    ids.push(id);
  }
  ids.push(EOS);
  return { ok: true, tokens, ids };
}

/** Output ids → tokens, </s> shown as such. */
export function tokensOf(ids: number[], vocab: string[]): string[] {
  return ids.map((i) => vocab[i] ?? "<unk>");
}

/** The visible text of an output: the tokens without </s>, spaced. */
export function textOf(ids: number[], vocab: string[]): string {
  return tokensOf(ids.filter((i) => i !== EOS), vocab).join(" ");
}

/**
 * The source field read for a view: its ids, or null with the field's
 * one-line message shown in `error` (hidden again once the text parses).
 */
export function readSource(input: HTMLInputElement, error: HTMLElement, srcVocab: string[]): { tokens: string[]; ids: number[] } | null {
  const p = parseSource(input.value, srcVocab);
  error.hidden = p.ok;
  if (!p.ok) {
    error.textContent = p.message;
    return null;
  }
  return p;
}
