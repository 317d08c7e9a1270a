/**
 * Subword byte-pair encoding with the semantics of subword-nmt 0.3.x
 * (Sennrich et al. 2016): `learn_bpe.py`, `learn_joint_bpe_and_vocab.py`
 * (the joint merges part), `apply_bpe.py` (without glossaries and dropout),
 * `get_vocab.py`, and the usual `sed -E 's/@@( |$)//g'` removal.
 *
 * Learning follows learn_bpe.py step by step, including its incremental
 * pair-statistics update, its pruning of rare pairs (`threshold`,
 * `big_stats`) and its tie-breaking (`max(stats, key=lambda x: (stats[x], x))`:
 * among pairs of equal frequency the largest `(first, second)` tuple in
 * Python code-point order wins), so that the merges it writes are the ones
 * subword-nmt writes for the same word counts.
 *
 * Words are the fields of `line.strip('\r\n ').split(' ')` (only U+0020
 * separates words; tabs, U+00A0 and other whitespace are ordinary characters
 * of a word, as in subword-nmt >= 0.3). Characters are Unicode code points.
 * Format version 0.2: the end-of-word marker `</w>` is glued to the last
 * character of a word (`l o w</w>`), so merges read like `e r</w>`.
 */

/** One merge operation: the two symbols that are joined. */
export type Merge = readonly [string, string];

/** End-of-word marker used in learned symbols and merges. */
export const EOW = '</w>';

/** Header line of a version 0.2 merges ("codes") file, without the newline. */
export const MERGES_HEADER = '#version: 0.2';

/** Default continuation marker appended to non-final pieces of a word. */
export const DEFAULT_SEPARATOR = '@@';

/**
 * Compares two strings by Unicode code point (Python's `str` ordering),
 * returning a negative number, 0 or a positive number. JavaScript's `<`
 * compares UTF-16 code units, which puts astral characters (U+10000 and up)
 * before U+E000..U+FFFF; this function does not.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Move surrogates (astral code points) above U+E000..U+FFFF.
      if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
      if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Python's `s.strip('\r\n ')`. */
function stripCrLfSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isCrLfSpace(s.charCodeAt(start))) start++;
  while (end > start && isCrLfSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function isCrLfSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d;
}

/**
 * Counts words as learn_bpe.py's `get_vocabulary` does: each line is
 * stripped of leading/trailing `\r`, `\n` and spaces and split on single
 * spaces; empty fields (from repeated spaces) are skipped. Counts are added
 * to `into` when given (so several texts can be pooled, as for joint BPE),
 * and the map is returned; its insertion order is first occurrence.
 */
export function countWords(lines: Iterable<string>, into: Map<string, number> = new Map()): Map<string, number> {
  for (const line of lines) {
    for (const word of stripCrLfSpace(line).split(' ')) {
      if (word) into.set(word, (into.get(word) ?? 0) + 1);
    }
  }
  return into;
}

/** Options for {@link learnBpe}. */
export interface LearnBpeOptions {
  /** Number of merge operations to learn at most (learn_bpe.py `--symbols`). */
  numMerges: number;
  /**
   * Stop as soon as the most frequent pair occurs fewer than this many times
   * (learn_bpe.py `--min-frequency`, default 2).
   */
  minFrequency?: number;
  /** Called for each merge with its index, pair and frequency (learn_bpe.py `--verbose`). */
  onMerge?: (index: number, pair: Merge, frequency: number) => void;
}

const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|\/-]/g, '\\$&');
}

/** Key of a symbol pair in the statistics maps; symbols never contain U+0020. */
function pairKey(a: string, b: string): string {
  return `${a} ${b}`;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(' ');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Python's ordering of `(freq, (first, second))` keys: positive if key a > key b. */
function comparePairKeys(a: string, b: string): number {
  const [a1, a2] = splitKey(a);
  const [b1, b2] = splitKey(b);
  return compareCodePoints(a1, b1) || compareCodePoints(a2, b2);
}

type Stats = Map<string, number>;
type Indices = Map<string, Map<number, number>>;
type VocabEntry = [string[], number];

function addStat(stats: Stats, key: string, delta: number): void {
  stats.set(key, (stats.get(key) ?? 0) + delta);
}

function addIndex(indices: Indices, key: string, j: number, delta: number): void {
  let m = indices.get(key);
  if (!m) {
    m = new Map();
    indices.set(key, m);
  }
  m.set(j, (m.get(j) ?? 0) + delta);
}

/** `max(stats, key=lambda x: (stats[x], x))`; stats must be non-empty. */
function mostFrequent(stats: Stats): string {
  let bestKey = '';
  let bestFreq = -Infinity;
  let first = true;
  for (const [key, freq] of stats) {
    if (first || freq > bestFreq || (freq === bestFreq && comparePairKeys(key, bestKey) > 0)) {
      bestKey = key;
      bestFreq = freq;
      first = false;
    }
  }
  return bestKey;
}

/** learn_bpe.py's `prune_stats`. */
function pruneStats(stats: Stats, bigStats: Stats, threshold: number): void {
  for (const [item, freq] of stats) {
    if (freq < threshold) {
      stats.delete(item);
      if (freq < 0) addStat(bigStats, item, freq);
      else bigStats.set(item, freq);
    }
  }
}

/** learn_bpe.py's `replace_pair`, including its regex over the space-joined symbols. */
function replacePair(
  pair: Merge,
  vocab: VocabEntry[],
  indices: Indices,
): [number, string[], string[], number][] {
  const [first, second] = pair;
  const pairStr = first + second;
  // (?<!\S)first second(?!\S) with Python's Unicode \s.
  const pattern = new RegExp(`(?<![^${PY_WS}])${escapeRegExp(`${first} ${second}`)}(?![^${PY_WS}])`, 'g');
  const changes: [number, string[], string[], number][] = [];
  const idx = indices.get(pairKey(first, second));
  if (!idx) return changes;
  for (const [j, count] of idx) {
    if (count < 1) continue;
    const [word, freq] = vocab[j]!;
    const newWord = word.join(' ').replace(pattern, () => pairStr).split(' ');
    vocab[j] = [newWord, freq];
    changes.push([j, newWord, word, freq]);
  }
  return changes;
}

/** learn_bpe.py's `update_pair_statistics`. */
function updatePairStatistics(
  pair: Merge,
  changed: [number, string[], string[], number][],
  stats: Stats,
  indices: Indices,
): void {
  const [first, second] = pair;
  const key = pairKey(first, second);
  stats.set(key, 0);
  indices.set(key, new Map());
  const newPair = first + second;
  for (const [j, word, oldWord, freq] of changed) {
    let i = 0;
    for (;;) {
      i = oldWord.indexOf(first, i);
      if (i < 0) break;
      if (i < oldWord.length - 1 && oldWord[i + 1] === second) {
        if (i) {
          const prev = pairKey(oldWord[i - 1]!, oldWord[i]!);
          addStat(stats, prev, -freq);
          addIndex(indices, prev, j, -1);
        }
        if (i < oldWord.length - 2) {
          if (oldWord[i + 2] !== first || i >= oldWord.length - 3 || oldWord[i + 3] !== second) {
            const nex = pairKey(oldWord[i + 1]!, oldWord[i + 2]!);
            addStat(stats, nex, -freq);
            addIndex(indices, nex, j, -1);
          }
        }
        i += 2;
      } else {
        i += 1;
      }
    }
    i = 0;
    for (;;) {
      i = word.indexOf(newPair, i);
      if (i < 0) break;
      if (i) {
        const prev = pairKey(word[i - 1]!, word[i]!);
        addStat(stats, prev, freq);
        addIndex(indices, prev, j, 1);
      }
      if (i < word.length - 1 && word[i + 1] !== newPair) {
        const nex = pairKey(word[i]!, word[i + 1]!);
        addStat(stats, nex, freq);
        addIndex(indices, nex, j, 1);
      }
      i += 1;
    }
  }
}

/**
 * Learns BPE merges from word counts (a map word -> count, e.g. from
 * {@link countWords}) exactly as learn_bpe.py does: words become their
 * characters with `</w>` glued to the last one, are sorted by descending
 * count (stable, so ties keep the map's insertion order), and the most
 * frequent adjacent pair is merged repeatedly; ties go to the largest pair in
 * Python code-point order. Learning stops after `numMerges` merges or when the
 * best pair's frequency falls below `minFrequency` (default 2).
 *
 * Odd input: words must be non-empty and contain no U+0020 (throws
 * otherwise); counts must be positive integers (throws otherwise). If no word
 * has two or more characters there is nothing to merge and the result is
 * empty (learn_bpe.py crashes on such input). `numMerges` 0 gives `[]`.
 */
export function learnBpe(wordCounts: ReadonlyMap<string, number>, opts: LearnBpeOptions): Merge[] {
  const { numMerges } = opts;
  const minFrequency = opts.minFrequency ?? 2;
  if (!Number.isInteger(numMerges) || numMerges < 0) {
    throw new RangeError(`learnBpe: numMerges must be a non-negative integer, got ${numMerges}`);
  }
  const entries: VocabEntry[] = [];
  for (const [word, count] of wordCounts) {
    if (word === '' || word.includes(' ')) {
      throw new Error(`learnBpe: invalid word ${JSON.stringify(word)} (words are non-empty and contain no spaces)`);
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`learnBpe: count of ${JSON.stringify(word)} must be a positive integer, got ${count}`);
    }
    const chars = Array.from(word);
    const symbols = chars.slice(0, -1);
    symbols.push(chars[chars.length - 1]! + EOW);
    entries.push([symbols, count]);
  }
  // sorted(vocab.items(), key=lambda x: x[1], reverse=True) is stable.
  const vocab = entries.map((e, k) => [e, k] as const).sort((a, b) => b[0][1] - a[0][1] || a[1] - b[1]).map((x) => x[0]);

  // get_pair_statistics
  let stats: Stats = new Map();
  const indices: Indices = new Map();
  vocab.forEach(([word, freq], i) => {
    for (let k = 1; k < word.length; k++) {
      const key = pairKey(word[k - 1]!, word[k]!);
      addStat(stats, key, freq);
      addIndex(indices, key, i, 1);
    }
  });
  const bigStats: Stats = new Map(stats);
  const merges: Merge[] = [];
  if (stats.size === 0 || numMerges === 0) return merges;

  let maxFreq = -Infinity;
  for (const f of stats.values()) if (f > maxFreq) maxFreq = f;
  let threshold = maxFreq / 10;
  for (let i = 0; i < numMerges; i++) {
    let best = stats.size ? mostFrequent(stats) : '';
    if (stats.size === 0 || (i && stats.get(best)! < threshold)) {
      pruneStats(stats, bigStats, threshold);
      stats = new Map(bigStats);
      if (stats.size === 0) break;
      best = mostFrequent(stats);
      threshold = (stats.get(best)! * i) / (i + 10000.0);
      pruneStats(stats, bigStats, threshold);
    }
    let freq = stats.get(best);
    if (freq === undefined) {
      freq = 0;
      stats.set(best, 0);
    }
    if (freq < minFrequency) break;
    const pair = splitKey(best) as Merge;
    opts.onMerge?.(i, pair, freq);
    merges.push(pair);
    const changes = replacePair(pair, vocab, indices);
    updatePairStatistics(pair, changes, stats, indices);
    stats.set(best, 0);
    if (i % 100 === 0) pruneStats(stats, bigStats, threshold);
  }
  return merges;
}

/**
 * Learns merges from raw lines (whitespace-tokenized text): {@link countWords}
 * then {@link learnBpe}.
 */
export function learnBpeFromLines(lines: Iterable<string>, opts: LearnBpeOptions): Merge[] {
  return learnBpe(countWords(lines), opts);
}

/**
 * Joint BPE (learn_joint_bpe_and_vocab.py): the word counts of all texts
 * (e.g. source and target training sides) are added up and one set of merges
 * is learned from the sum, which is the same as learning on their
 * concatenation.
 */
export function learnJointBpe(texts: Iterable<Iterable<string>>, opts: LearnBpeOptions): Merge[] {
  const counts = new Map<string, number>();
  for (const t of texts) countWords(t, counts);
  return learnBpe(counts, opts);
}

/**
 * Serializes merges as a subword-nmt codes file: the `#version: 0.2` header,
 * then one `first second` line per merge, each ending in `\n`.
 */
export function formatMerges(merges: readonly Merge[]): string {
  let out = `${MERGES_HEADER}\n`;
  for (const [a, b] of merges) out += `${a} ${b}\n`;
  return out;
}

/** A parsed codes file. */
export interface ParsedMerges {
  /** Format version: [0, 2] with the header, [0, 1] for old header-less files. */
  version: readonly [number, number];
  merges: Merge[];
}

/**
 * Parses a codes file as apply_bpe.py reads it. A first line starting with
 * `#version:` gives the version (`0.2`; trailing `.0`s are ignored; versions
 * other than 0.1 and 0.2 throw); without it the file is version 0.1 and the
 * first line is a merge. The rest is cut at `\n` after removing trailing
 * newlines; each line, stripped of `\r`, `\n` and spaces, must be two symbols
 * separated by one space (throws naming the 1-based line number otherwise).
 * Only the first `maxMerges` lines are used when `maxMerges` >= 0 (default -1:
 * all), and lines past that are not validated. A header-only or empty file
 * gives no merges (apply_bpe.py rejects it).
 */
export function parseMerges(text: string, opts: { maxMerges?: number } = {}): ParsedMerges {
  const maxMerges = opts.maxMerges ?? -1;
  let rest = text;
  let version: readonly [number, number] = [0, 1];
  let offset = 1;
  const nl = text.indexOf('\n');
  const firstLine = nl < 0 ? text : text.slice(0, nl + 1);
  if (firstLine.startsWith('#version:')) {
    const fields = firstLine.trim().split(/\s+/);
    const raw = fields[fields.length - 1]!.replace(/(\.0+)*$/, '');
    const parts = raw.split('.').map((x) => Number.parseInt(x, 10));
    if (parts.length === 2 && parts[0] === 0 && (parts[1] === 1 || parts[1] === 2)) {
      version = [0, parts[1]];
    } else {
      throw new Error(`unsupported BPE codes version ${JSON.stringify(fields[fields.length - 1])} (0.1 and 0.2 are supported)`);
    }
    rest = nl < 0 ? '' : text.slice(nl + 1);
    offset = 2;
  }
  const body = rest.replace(/\n+$/, '');
  const merges: Merge[] = [];
  if (body === '') return { version, merges };
  const lines = body.split('\n');
  for (let n = 0; n < lines.length; n++) {
    if (maxMerges >= 0 && n >= maxMerges) break;
    const item = stripCrLfSpace(lines[n]!).split(' ');
    if (item.length !== 2) {
      throw new Error(
        `invalid line ${n + offset} in BPE codes file: ${JSON.stringify(lines[n])} (expected two subword units separated by one space)`,
      );
    }
    merges.push([item[0]!, item[1]!]);
  }
  return { version, merges };
}

/** Options for {@link Bpe}. */
export interface BpeOptions {
  /** Continuation marker for non-final pieces (default `@@`). */
  separator?: string;
  /** Codes format version (default [0, 2]; [0, 1] keeps `</w>` as a separate symbol). */
  version?: readonly [number, number];
  /**
   * Vocabulary filter (apply_bpe.py `--vocabulary`, e.g. from
   * {@link readBpeVocabulary}): a piece that is not in it (non-final pieces
   * are looked up with the separator appended) is split back by reversing
   * merges until its parts are in the vocabulary or are single characters.
   * An empty set disables the filter, as in apply_bpe.py.
   */
  vocabulary?: ReadonlySet<string>;
}

/**
 * Applies learned merges to text (apply_bpe.py's `BPE` class without
 * glossaries and dropout). Word segmentations are cached per instance.
 */
export class Bpe {
  readonly separator: string;
  readonly version: readonly [number, number];
  private readonly ranks = new Map<string, number>();
  private readonly reverse = new Map<string, Merge>();
  private readonly vocabulary: ReadonlySet<string> | undefined;
  private readonly cache = new Map<string, readonly string[]>();

  /**
   * Builds an applier from merges in priority order (earlier = applied
   * first). A pair listed twice keeps its first rank.
   */
  constructor(merges: readonly Merge[], opts: BpeOptions = {}) {
    this.separator = opts.separator ?? DEFAULT_SEPARATOR;
    const v = opts.version ?? [0, 2];
    if (v[0] !== 0 || (v[1] !== 1 && v[1] !== 2)) throw new Error(`unsupported BPE codes version ${v.join('.')}`);
    this.version = [v[0], v[1]];
    for (let i = merges.length - 1; i >= 0; i--) {
      const [a, b] = merges[i]!;
      this.ranks.set(pairKey(a, b), i);
    }
    for (const key of this.ranks.keys()) {
      const pair = splitKey(key) as Merge;
      this.reverse.set(pair[0] + pair[1], pair);
    }
    this.vocabulary = opts.vocabulary && opts.vocabulary.size > 0 ? opts.vocabulary : undefined;
  }

  /** Builds an applier from the text of a codes file (see {@link parseMerges}). */
  static fromCodes(text: string, opts: BpeOptions & { maxMerges?: number } = {}): Bpe {
    const parsed = parseMerges(text, { maxMerges: opts.maxMerges ?? -1 });
    return new Bpe(parsed.merges, { ...opts, version: opts.version ?? parsed.version });
  }

  /** Number of distinct merges. */
  get size(): number {
    return this.ranks.size;
  }

  /**
   * Segments one word (apply_bpe.py's `encode`) into pieces without
   * separators. A one-character word is returned as is (not checked against
   * the vocabulary, as in apply_bpe.py). The empty string gives `['']`.
   */
  encodeWord(orig: string): readonly string[] {
    const cached = this.cache.get(orig);
    if (cached) return cached;
    const chars = Array.from(orig);
    if (chars.length <= 1) return [orig];
    let word: string[];
    if (this.version[1] === 1) {
      word = [...chars, EOW];
    } else {
      word = chars.slice(0, -1);
      word.push(chars[chars.length - 1]! + EOW);
    }
    while (word.length > 1) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i++) {
        const r = this.ranks.get(pairKey(word[i]!, word[i + 1]!));
        if (r !== undefined && r < bestRank) bestRank = r;
      }
      if (bestRank === Infinity) break;
      const out: string[] = [];
      let i = 0;
      while (i < word.length) {
        if (i + 1 < word.length && this.ranks.get(pairKey(word[i]!, word[i + 1]!)) === bestRank) {
          out.push(word[i]! + word[i + 1]!);
          i += 2;
        } else {
          out.push(word[i]!);
          i += 1;
        }
      }
      word = out;
    }
    const last = word[word.length - 1]!;
    if (last === EOW) word.pop();
    else if (last.endsWith(EOW)) word[word.length - 1] = last.slice(0, -EOW.length);
    let result: readonly string[] = word;
    if (this.vocabulary) result = this.checkVocabAndSplit(word, this.vocabulary);
    this.cache.set(orig, result);
    return result;
  }

  private checkVocabAndSplit(orig: readonly string[], vocab: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (let k = 0; k < orig.length - 1; k++) {
      const segment = orig[k]!;
      if (vocab.has(segment + this.separator)) out.push(segment);
      else this.recursiveSplit(segment, vocab, false, out);
    }
    const segment = orig[orig.length - 1]!;
    if (vocab.has(segment)) out.push(segment);
    else this.recursiveSplit(segment, vocab, true, out);
    return out;
  }

  private recursiveSplit(segment: string, vocab: ReadonlySet<string>, final: boolean, out: string[]): void {
    let left: string;
    let right: string;
    if (final) {
      const pair = this.reverse.get(segment + EOW);
      if (!pair) {
        out.push(segment);
        return;
      }
      left = pair[0];
      const cps = Array.from(pair[1]);
      right = cps.slice(0, Math.max(0, cps.length - 4)).join('');
    } else {
      const pair = this.reverse.get(segment);
      if (!pair) {
        out.push(segment);
        return;
      }
      [left, right] = pair;
    }
    if (vocab.has(left + this.separator)) out.push(left);
    else this.recursiveSplit(left, vocab, false, out);
    if ((final && vocab.has(right)) || (!final && vocab.has(right + this.separator))) out.push(right);
    else this.recursiveSplit(right, vocab, final, out);
  }

  /**
   * Segments a list of tokens (apply_bpe.py's `segment_tokens`): empty tokens
   * are dropped, every piece but the last of a word gets the separator.
   */
  segmentTokens(tokens: readonly string[]): string[] {
    const output: string[] = [];
    for (const word of tokens) {
      if (!word) continue;
      const pieces = this.encodeWord(word);
      for (let k = 0; k < pieces.length - 1; k++) output.push(pieces[k]! + this.separator);
      output.push(pieces[pieces.length - 1]!);
    }
    return output;
  }

  /**
   * Segments a whitespace-tokenized line (apply_bpe.py's `segment`): strips
   * `\r`, `\n` and spaces at both ends, splits on single spaces (runs of
   * spaces collapse), and joins the pieces with single spaces. An empty line
   * gives `''`.
   */
  apply(line: string): string {
    return this.segmentTokens(stripCrLfSpace(line).split(' ')).join(' ');
  }

  /**
   * apply_bpe.py's `process_line`: like {@link apply} but leading and
   * trailing `\r`/`\n`/space characters of the line are kept as they were.
   */
  processLine(line: string): string {
    const stripped = stripCrLfSpace(line);
    if (stripped === '') return line;
    const lead = line.length - line.replace(/^[\r\n ]+/, '').length;
    const trail = line.length - line.replace(/[\r\n ]+$/, '').length;
    return line.slice(0, lead) + this.apply(stripped) + line.slice(line.length - trail);
  }
}

/**
 * Undoes BPE segmentation like `sed -r 's/@@( |$)//g'`: removes every
 * separator that is followed by a space or ends a line (the space goes too).
 * Works line by line on `\n`-separated text. `remove(bpe.apply(x)) === x`
 * holds for any line `x` whose tokens are separated by single spaces, with no
 * leading/trailing space and no token that itself ends in the separator.
 */
export function removeBpe(text: string, separator: string = DEFAULT_SEPARATOR): string {
  if (separator === '') throw new Error('removeBpe: empty separator');
  const re = new RegExp(`${escapeRegExp(separator)}( |$)`, 'g');
  return text
    .split('\n')
    .map((line) => line.replace(re, ''))
    .join('\n');
}

/**
 * get_vocab.py: counts the space-separated tokens of (BPE-segmented) lines and
 * returns them sorted by descending count (ties in first-occurrence order).
 */
export function getBpeVocabulary(lines: Iterable<string>): [string, number][] {
  const counts = countWords(lines);
  return [...counts.entries()].map((e, k) => [e, k] as const).sort((a, b) => b[0][1] - a[0][1] || a[1] - b[1]).map((x) => x[0]);
}

/** Writes a get_vocab.py vocabulary file: `token count\n` per entry. */
export function formatBpeVocabulary(entries: Iterable<readonly [string, number]>): string {
  let out = '';
  for (const [tok, n] of entries) out += `${tok} ${n}\n`;
  return out;
}

/**
 * apply_bpe.py's `read_vocabulary`: parses `token count` lines and keeps the
 * tokens whose count is >= `threshold` (all when threshold is undefined).
 * Blank lines are skipped; any other line that is not exactly two fields
 * separated by one space, with an integer count, throws naming the line.
 */
export function readBpeVocabulary(text: string, threshold?: number): Set<string> {
  const vocab = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((line, n) => {
    const s = stripCrLfSpace(line);
    if (s === '') return;
    const fields = s.split(' ');
    if (fields.length !== 2 || !/^[+-]?\d+$/.test(fields[1]!)) {
      throw new Error(`invalid line ${n + 1} in BPE vocabulary: ${JSON.stringify(line)} (expected "token count")`);
    }
    const freq = Number.parseInt(fields[1]!, 10);
    if (threshold === undefined || freq >= threshold) vocab.add(fields[0]!);
  });
  return vocab;
}
