// Sentence splitting of one line, after the rules of Moses'
// split-sentences.perl (simplified): a sentence ends at ".", "!", "?" or "…"
// (optionally followed by closing quotes or brackets) when the next word
// starts a sentence (an upper-case letter or a digit, possibly after opening
// quotes or brackets). A period does not end a sentence after a nonbreaking
// prefix of the language ("Dr.", "z.B.", single capitals), after an
// abbreviation with inner periods ("U.S."), or after a numeric-only prefix
// ("No.") followed by a number.

import { nonbreakingPrefixes } from "./nonbreaking.js";

const END = /^(.*?)([.!?…]+)(["'”’»)\]}]*)$/su;
const STARTER = /^["'“‘«(\[{¿¡]*[\p{Lu}\p{Lt}\p{N}]/u;

/**
 * Splits a line into sentences (each trimmed; their words keep their
 * order, separated as in the line). A line without a sentence end inside
 * it is returned as one sentence; a blank line gives [].
 */
export function splitSentences(line: string, lang: string): string[] {
  const prefixes = nonbreakingPrefixes(lang);
  // words with the whitespace that follows each, so a sentence is a slice of the line
  const parts = line.match(/\S+\s*/gu) ?? [];
  const out: string[] = [];
  let cur = "";
  parts.forEach((part, i) => {
    cur += part;
    const next = parts[i + 1];
    if (next === undefined) return;
    const m = END.exec(part.trimEnd());
    // the next word (or, after a lone opening quote such as French "« ", the one after it)
    const ahead = (next + (parts[i + 2] ?? "")).replace(/\s+/gu, "");
    if (!m || !STARTER.test(ahead)) return;
    const [, pre, marks, close] = m;
    if (marks === "." && close === "") {
      if (pre === "") return; // a lone "." word: Moses leaves it to the next word
      if (/\./.test(pre) && /\p{L}/u.test(pre)) return; // U.S., z.B.
      const kind = prefixes.get(pre);
      if (kind === 1) return;
      if (kind === 2 && /^[\p{N}]/u.test(next)) return;
    }
    out.push(cur.trim());
    cur = "";
  });
  if (cur.trim() !== "") out.push(cur.trim());
  return out;
}
