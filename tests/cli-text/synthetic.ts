// A tiny synthetic German → English corpus for the text CLI tests: word-by-word
// translations of simple sentences, plus rare names that the vocabulary
// (min frequency 2) maps to <unk> on both sides, so a model learns <unk> → <unk>
// and --replace-unk can copy the name from the source.

import { mulberry32 } from "../../src/train/init.js";

const NOUNS: [string, string][] = [["Hund", "dog"], ["Katze", "cat"], ["Mann", "man"], ["Frau", "woman"], ["Kind", "child"], ["Vogel", "bird"], ["Pferd", "horse"], ["Fisch", "fish"]];
const VERBS: [string, string][] = [["sieht", "sees"], ["mag", "likes"], ["ruft", "calls"], ["hört", "hears"], ["sucht", "seeks"]];
const ADJS: [string, string][] = [["große", "big"], ["kleine", "small"], ["rote", "red"], ["alte", "old"]];
const DETS: [string, string][] = [["der", "the"], ["ein", "a"]];
const SYL = ["ka", "lo", "mi", "ru", "ze", "ta", "po", "ni", "be", "su", "do", "fi"];

export interface Pair {
  src: string;
  tgt: string;
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

export function synthetic(n: number, seed: number): Pair[] {
  const r = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const name = () => cap(Array.from({ length: 3 }, () => pick(SYL)).join(""));
  const phrase = (): [string[], string[]] => {
    if (r() < 0.15) {
      const nm = name();
      return [[nm], [nm]];
    }
    const d = pick(DETS), nn = pick(NOUNS);
    if (r() < 0.4) {
      const a = pick(ADJS);
      return [[d[0], a[0], nn[0]], [d[1], a[1], nn[1]]];
    }
    return [[d[0], nn[0]], [d[1], nn[1]]];
  };
  return Array.from({ length: n }, () => {
    const [s1, t1] = phrase(), v = pick(VERBS), [s2, t2] = phrase();
    const src = [...s1, v[0], ...s2], tgt = [...t1, v[1], ...t2];
    return { src: cap(src.join(" ")) + ".", tgt: cap(tgt.join(" ")) + "." };
  });
}
