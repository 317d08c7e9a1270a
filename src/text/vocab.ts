/**
 * Token vocabularies for the encoder and decoder: a bijection between token
 * strings and integer ids with four fixed special tokens.
 *
 * Ids: `<pad>` 0, `<unk>` 1, `<s>` 2, `</s>` 3, then the corpus tokens by
 * descending frequency, ties in Unicode code-point order. Serialized as a
 * JSON array of token strings whose index is the id.
 */

import { compareCodePoints } from './bpe.js';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const BOS = '<s>';
export const EOS = '</s>';
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;
/** The special tokens in id order. */
export const SPECIALS: readonly string[] = [PAD, UNK, BOS, EOS];

/** Options for {@link Vocab.build}. */
export interface VocabBuildOptions {
  /** Keep tokens seen at least this many times (default 1). */
  minFrequency?: number;
  /**
   * Maximum vocabulary size including the 4 specials (default: unlimited);
   * the most frequent tokens are kept. Must be an integer >= 4.
   */
  maxSize?: number;
}

/**
 * Counts the tokens of whitespace-tokenized lines: each line is split on
 * runs of ASCII whitespace (space, tab, CR, LF, FF, VT), empty fields are
 * ignored. Counts are added to `into` when given.
 */
export function countTokens(lines: Iterable<string>, into: Map<string, number> = new Map()): Map<string, number> {
  for (const line of lines) {
    for (const tok of line.split(/[ \t\r\n\f\v]+/)) {
      if (tok) into.set(tok, (into.get(tok) ?? 0) + 1);
    }
  }
  return into;
}

/** A token <-> id mapping; immutable once built. */
export class Vocab {
  private readonly tokens: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  private constructor(tokens: string[]) {
    const ids = new Map<string, number>();
    tokens.forEach((t, i) => ids.set(t, i));
    this.tokens = tokens;
    this.ids = ids;
  }

  /**
   * Builds a vocabulary from token counts (a Map or [token, count] pairs;
   * repeated tokens in pairs are added up). Tokens below `minFrequency` are
   * dropped; tokens equal to a special token are ignored (the specials are
   * always present at ids 0-3); the empty string is ignored. Order: count
   * descending, then code-point order. Throws on non-finite counts or an
   * invalid `maxSize`.
   */
  static build(counts: Iterable<readonly [string, number]>, opts: VocabBuildOptions = {}): Vocab {
    const minFrequency = opts.minFrequency ?? 1;
    const maxSize = opts.maxSize ?? Infinity;
    if (maxSize !== Infinity && (!Number.isInteger(maxSize) || maxSize < SPECIALS.length)) {
      throw new RangeError(`Vocab.build: maxSize must be an integer >= ${SPECIALS.length}, got ${maxSize}`);
    }
    const total = new Map<string, number>();
    for (const [tok, n] of counts) {
      if (!Number.isFinite(n)) throw new RangeError(`Vocab.build: count of ${JSON.stringify(tok)} is not finite: ${n}`);
      total.set(tok, (total.get(tok) ?? 0) + n);
    }
    const special = new Set(SPECIALS);
    const kept = [...total].filter(([tok, n]) => tok !== '' && !special.has(tok) && n >= minFrequency);
    kept.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const room = maxSize - SPECIALS.length;
    const chosen = kept.slice(0, Math.min(kept.length, room)).map(([t]) => t);
    return new Vocab([...SPECIALS, ...chosen]);
  }

  /** {@link countTokens} then {@link Vocab.build}. */
  static fromLines(lines: Iterable<string>, opts: VocabBuildOptions = {}): Vocab {
    return Vocab.build(countTokens(lines), opts);
  }

  /**
   * Restores a vocabulary from {@link Vocab.toJSON} output, given either as
   * the array itself or as JSON text. Throws unless it is an array of
   * non-empty strings without duplicates whose first four entries are
   * `<pad>`, `<unk>`, `<s>`, `</s>`.
   */
  static fromJSON(data: unknown): Vocab {
    let value = data;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch (e) {
        throw new Error(`Vocab.fromJSON: invalid JSON: ${(e as Error).message}`);
      }
    }
    if (!Array.isArray(value)) throw new Error('Vocab.fromJSON: expected a JSON array of token strings');
    if (value.length < SPECIALS.length) {
      throw new Error(`Vocab.fromJSON: expected at least ${SPECIALS.length} entries (the special tokens), got ${value.length}`);
    }
    SPECIALS.forEach((s, i) => {
      if (value[i] !== s) {
        throw new Error(`Vocab.fromJSON: entry ${i} must be ${JSON.stringify(s)}, got ${JSON.stringify(value[i])}`);
      }
    });
    const seen = new Set<string>();
    value.forEach((t: unknown, i: number) => {
      if (typeof t !== 'string' || t === '') {
        throw new Error(`Vocab.fromJSON: entry ${i} is not a non-empty string: ${JSON.stringify(t)}`);
      }
      if (seen.has(t)) throw new Error(`Vocab.fromJSON: duplicate token ${JSON.stringify(t)} at index ${i}`);
      seen.add(t);
    });
    return new Vocab(value.slice() as string[]);
  }

  /** The tokens in id order (a copy); `JSON.stringify(vocab)` uses it. */
  toJSON(): string[] {
    return this.tokens.slice();
  }

  /** Number of entries, specials included. */
  get size(): number {
    return this.tokens.length;
  }

  /** Whether the token has an id (specials included). */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** The id of a token, or UNK_ID (1) for an unknown token. */
  id(token: string): number {
    return this.ids.get(token) ?? UNK_ID;
  }

  /** The token of an id; throws a RangeError if the id is not an integer in [0, size). */
  token(id: number): string {
    const t = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (t === undefined) throw new RangeError(`Vocab: id ${id} out of range [0, ${this.tokens.length})`);
    return t;
  }

  /**
   * Maps tokens to ids (unknown tokens -> 1). By default `</s>` (3) is
   * appended, as for encoder inputs; `bos: true` prepends `<s>` (2) and
   * `eos: false` omits the end marker. Special-token strings in the input map
   * to their special ids.
   */
  encode(tokens: readonly string[], opts: { bos?: boolean; eos?: boolean } = {}): number[] {
    const out: number[] = [];
    if (opts.bos) out.push(BOS_ID);
    for (const t of tokens) out.push(this.id(t));
    if (opts.eos ?? true) out.push(EOS_ID);
    return out;
  }

  /**
   * Maps ids back to tokens, stopping at the first `</s>` (exclusive) and
   * skipping `<pad>`, `<s>` and `<unk>` (with `keepUnk: true`, `<unk>` is
   * emitted as the string "<unk>"). Throws a RangeError for an id outside
   * [0, size).
   */
  decode(ids: Iterable<number>, opts: { keepUnk?: boolean } = {}): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const tok = this.token(id);
      if (id === EOS_ID) break;
      if (id === PAD_ID || id === BOS_ID) continue;
      if (id === UNK_ID && !opts.keepUnk) continue;
      out.push(tok);
    }
    return out;
  }
}
