// The text pipeline of a model: the `tokenizer` metadata JSON (docs/model.md),
// parsed and checked, and the steps it describes — normalise/tokenize
// (Moses), split on spaces (optionally also at hyphens) or into characters,
// optional lowercasing, BPE — from a line of text to vocabulary ids and back.
// The built-in tasks' tokenizers (taskTokenizerSpec) are specs like any other,
// and fromMetadata is the one reader every translate path uses.

import { S2SError } from "../errors.js";
import { Bpe, DEFAULT_SEPARATOR, removeBpe, type Merge } from "../text/bpe.js";
import { detokenize } from "../text/detokenize.js";
import { lowercase as perlLowercase } from "../text/normalize.js";
import { preprocess } from "../text/tokenize.js";
import { SPACE } from "../tasks/dates.js";
import { TASK_NAMES, type TaskName } from "../tasks/index.js";
import { EOS_ID, SPECIALS, UNK_ID, Vocab } from "../text/vocab.js";

/** Version of the tokenizer JSON written by this code. */
export const TOKENIZER_FORMAT = 1;

/**
 * A word longer than this many code points is cut into parts of this size
 * before BPE (BPE is quadratic in the word length); the parts are joined
 * with continuation markers, so removing BPE restores the word.
 */
export const MAX_WORD_CHARS = 100;

export type Side = "src" | "tgt";

/** Settings of one side (source or target). */
export interface SideSpec {
  /** language code for the Moses rules (en, de, fr, or any other code for the generic rules) */
  lang: string;
  /** lowercase before tokenizing (Moses lowercase.perl) */
  lowercase: boolean;
  /** Moses only: XML-escape special characters (& < > ' " | [ ]) as Moses does by default */
  escape: boolean;
  /** Moses only: split hyphens between alphanumerics as "a @-@ b" (tokenizer.perl -a) */
  aggressive_dash: boolean;
  /**
   * whitespace only: also split words at every "-", which becomes a token of
   * its own ("forty-two" → forty - two); output glues "-" tokens to their
   * neighbours again. Written to the JSON only when true.
   */
  split_hyphens?: boolean;
}

/** BPE settings and merges. */
export interface BpeSpec {
  /** continuation marker of non-final pieces */
  separator: string;
  /** one set of merges for both sides (learned on both) or one per side */
  joint: boolean;
  /** merges in priority order, each "first second" (codes-file lines, without the #version header) */
  merges?: string[];
  src_merges?: string[];
  tgt_merges?: string[];
  /** optional apply_bpe.py --vocabulary filter per side: the allowed pieces (non-final ones with the separator) */
  src_vocabulary?: string[];
  tgt_vocabulary?: string[];
}

export type TokenizerType = "moses" | "whitespace" | "characters";

export interface TokenizerSpec {
  /**
   * "moses": normalize-punctuation + tokenizer.perl (and detokenizer.perl on output);
   * "whitespace": split on spaces; "characters": every character is a token
   * (a run of whitespace is one `space` token), output characters are joined
   */
  type: TokenizerType;
  version: number;
  /** characters only: the token that stands for a space (default "▁", U+2581) */
  space?: string;
  src: SideSpec;
  tgt: SideSpec;
  bpe: BpeSpec | null;
}

function fail(source: string, msg: string): never {
  throw new S2SError(`${source}: tokenizer metadata: ${msg}`);
}

function parseSide(v: unknown, source: string, name: string, type: string): SideSpec {
  if (v === undefined && type !== "moses") return { lang: "", lowercase: false, escape: false, aggressive_dash: false };
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(source, `"${name}" must be an object`);
  const o = v as Record<string, unknown>;
  const lang = o.lang ?? "";
  if (typeof lang !== "string") fail(source, `${name}.lang must be a string`);
  const bool = (k: string, dflt: boolean): boolean => {
    const x = o[k] ?? dflt;
    if (typeof x !== "boolean") fail(source, `${name}.${k} must be true or false`);
    return x;
  };
  const side: SideSpec = { lang, lowercase: bool("lowercase", false), escape: bool("escape", type === "moses"), aggressive_dash: bool("aggressive_dash", false) };
  if (bool("split_hyphens", false)) {
    if (type !== "whitespace") fail(source, `${name}.split_hyphens is for type "whitespace" only`);
    side.split_hyphens = true;
  }
  return side;
}

function parseMergeList(v: unknown, source: string, name: string): string[] {
  if (!Array.isArray(v)) fail(source, `bpe.${name} must be an array of "first second" strings`);
  v.forEach((m, i) => {
    if (typeof m !== "string" || !/^[^ ]+ [^ ]+$/.test(m)) fail(source, `bpe.${name}[${i}] = ${JSON.stringify(m)} is not "first second"`);
  });
  return v as string[];
}

function parseStringList(v: unknown, source: string, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) fail(source, `bpe.${name} must be an array of strings`);
  return v as string[];
}

/** Parses and checks the `tokenizer` metadata JSON (docs/model.md). */
export function parseTokenizerSpec(text: string, source = "model"): TokenizerSpec {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    fail(source, "not valid JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(source, "not a JSON object");
  const o = v as Record<string, unknown>;
  const type = o.type;
  if (type !== "moses" && type !== "whitespace" && type !== "characters") fail(source, `type ${JSON.stringify(type)} is not "moses", "whitespace" or "characters"`);
  const version = o.version ?? 1;
  if (version !== TOKENIZER_FORMAT) fail(source, `version ${JSON.stringify(version)} is not supported (this program reads version ${TOKENIZER_FORMAT})`);
  const spec: TokenizerSpec = {
    type, version: TOKENIZER_FORMAT,
    src: parseSide(o.src, source, "src", type),
    tgt: parseSide(o.tgt, source, "tgt", type),
    bpe: null,
  };
  if (type === "characters") {
    const space = o.space ?? SPACE;
    if (typeof space !== "string" || [...space].length !== 1 || RE_SPACES.test(space)) fail(source, "space must be one character that is not whitespace");
    spec.space = space;
  }
  if (o.bpe !== undefined && o.bpe !== null) {
    if (type === "characters") fail(source, `type "characters" takes no "bpe"`);
    if (typeof o.bpe !== "object" || Array.isArray(o.bpe)) fail(source, `"bpe" must be an object or null`);
    const b = o.bpe as Record<string, unknown>;
    const separator = b.separator ?? DEFAULT_SEPARATOR;
    if (typeof separator !== "string" || separator === "" || /\s/.test(separator)) fail(source, "bpe.separator must be a non-empty string without spaces");
    const joint = b.joint ?? false;
    if (typeof joint !== "boolean") fail(source, "bpe.joint must be true or false");
    const bpe: BpeSpec = { separator, joint };
    if (joint) bpe.merges = parseMergeList(b.merges, source, "merges");
    else {
      bpe.src_merges = parseMergeList(b.src_merges ?? [], source, "src_merges");
      bpe.tgt_merges = parseMergeList(b.tgt_merges ?? [], source, "tgt_merges");
    }
    bpe.src_vocabulary = parseStringList(b.src_vocabulary, source, "src_vocabulary");
    bpe.tgt_vocabulary = parseStringList(b.tgt_vocabulary, source, "tgt_vocabulary");
    spec.bpe = bpe;
  }
  return spec;
}

/** The tokenizer JSON string of a spec (keys in a fixed order; optional lists left out when absent). */
export function serializeTokenizerSpec(spec: TokenizerSpec): string {
  const side = (s: SideSpec) => ({
    lang: s.lang, lowercase: s.lowercase, escape: s.escape, aggressive_dash: s.aggressive_dash, ...(s.split_hyphens ? { split_hyphens: true } : {}),
  });
  let bpe: Record<string, unknown> | null = null;
  if (spec.bpe) {
    const b = spec.bpe;
    bpe = { separator: b.separator, joint: b.joint };
    if (b.joint) bpe.merges = b.merges ?? [];
    else {
      bpe.src_merges = b.src_merges ?? [];
      bpe.tgt_merges = b.tgt_merges ?? [];
    }
    if (b.src_vocabulary) bpe.src_vocabulary = b.src_vocabulary;
    if (b.tgt_vocabulary) bpe.tgt_vocabulary = b.tgt_vocabulary;
  }
  return JSON.stringify({
    type: spec.type, version: spec.version, ...(spec.type === "characters" ? { space: spec.space ?? SPACE } : {}),
    src: side(spec.src), tgt: side(spec.tgt), bpe,
  });
}

export function mergesToStrings(merges: readonly Merge[]): string[] {
  return merges.map(([a, b]) => `${a} ${b}`);
}

function stringsToMerges(lines: readonly string[]): Merge[] {
  return lines.map((l) => {
    const i = l.indexOf(" ");
    return [l.slice(0, i), l.slice(i + 1)] as const;
  });
}

/** Characters that would break a one-line, space-separated token stream. */
const RE_SPACES = /[\s\u0085\u2028\u2029]+/u;

/** A source sentence ready for the encoder, with what is needed to map pieces back to words. */
export interface EncodedSource {
  /** tokenized words (before BPE) */
  words: string[];
  /** BPE pieces (non-final pieces carry the separator) */
  pieces: string[];
  /** for each piece, the index of its word */
  wordOf: number[];
  /** vocabulary ids of the pieces, then EOS */
  ids: number[];
  /** how many words (characters, for a characters model) have a piece that became <unk> */
  unknownWords: number;
}

/**
 * The text pipeline of one model: tokenizer spec plus the two vocabularies.
 * encodeSource/encodeTarget turn a line into ids (unknown pieces → <unk> = 1,
 * then EOS = 3); decodeTarget turns output pieces back into a line.
 */
export class TextPipeline {
  private readonly bpeSrc: Bpe | null;
  private readonly bpeTgt: Bpe | null;
  readonly separator: string;

  constructor(
    readonly spec: TokenizerSpec,
    readonly srcVocab: Vocab,
    readonly tgtVocab: Vocab,
  ) {
    this.separator = spec.bpe?.separator ?? DEFAULT_SEPARATOR;
    const b = spec.bpe;
    if (b) {
      const mk = (lines: readonly string[], vocab?: string[]) =>
        new Bpe(stringsToMerges(lines), { separator: b.separator, vocabulary: vocab ? new Set(vocab) : undefined });
      this.bpeSrc = mk((b.joint ? b.merges : b.src_merges) ?? [], b.src_vocabulary);
      this.bpeTgt = b.joint && !b.src_vocabulary && !b.tgt_vocabulary ? this.bpeSrc : mk((b.joint ? b.merges : b.tgt_merges) ?? [], b.tgt_vocabulary);
    } else {
      this.bpeSrc = this.bpeTgt = null;
    }
  }

  /** Reads the pipeline from a model's metadata; null if the model has no vocabularies (id-only model). */
  static fromMetadata(metadata: Record<string, string>, source = "model"): TextPipeline | null {
    if (metadata.src_vocab === undefined && metadata.tgt_vocab === undefined) return null;
    const vocab = (key: "src_vocab" | "tgt_vocab"): Vocab => {
      if (metadata[key] === undefined) throw new S2SError(`${source}: metadata has no ${key} (a text model needs src_vocab and tgt_vocab)`);
      try {
        return Vocab.fromJSON(metadata[key]);
      } catch (e) {
        throw new S2SError(`${source}: metadata ${key}: ${(e as Error).message.replace(/^Vocab\.fromJSON: /, "")}`);
      }
    };
    const src = vocab("src_vocab"), tgt = vocab("tgt_vocab");
    return new TextPipeline(modelTokenizerSpec(metadata, source), src, tgt);
  }

  side(s: Side): SideSpec {
    return s === "src" ? this.spec.src : this.spec.tgt;
  }

  /** Normalises and tokenizes one line (no BPE): Moses preprocessing, or a whitespace split. */
  words(line: string, side: Side): string[] {
    const s = this.side(side);
    if (this.spec.type === "moses") {
      const tok = preprocess(line, s.lang, { lowercase: s.lowercase, escape: s.escape, aggressiveDash: s.aggressive_dash });
      return tok.split(" ").filter((w) => w !== "");
    }
    const text = s.lowercase ? perlLowercase(line) : line;
    if (this.spec.type === "characters") return characterTokens(text, this.spec.space ?? SPACE);
    const words = text.split(RE_SPACES).filter((w) => w !== "");
    return s.split_hyphens ? splitHyphens(words) : words;
  }

  /** BPE-segments words; long words are cut into MAX_WORD_CHARS parts first. */
  segment(words: readonly string[], side: Side): { pieces: string[]; wordOf: number[] } {
    const bpe = side === "src" ? this.bpeSrc : this.bpeTgt;
    const pieces: string[] = [], wordOf: number[] = [];
    words.forEach((w, wi) => {
      if (!bpe) {
        pieces.push(w);
        wordOf.push(wi);
        return;
      }
      const cps = Array.from(w);
      const parts: string[] = [];
      if (cps.length <= MAX_WORD_CHARS) parts.push(...bpe.encodeWord(w));
      else {
        for (let i = 0; i < cps.length; i += MAX_WORD_CHARS) {
          const part = cps.slice(i, i + MAX_WORD_CHARS).join("");
          // a part is segmented on its own; every piece but the word's last gets the separator
          const enc = bpe.encodeWord(part);
          parts.push(...enc);
        }
      }
      parts.forEach((p, k) => {
        pieces.push(k < parts.length - 1 ? p + bpe.separator : p);
        wordOf.push(wi);
      });
    });
    return { pieces, wordOf };
  }

  /** Pieces of one line (tokenize + BPE), joined by spaces: what the model sees. */
  pieceLine(line: string, side: Side): string {
    return this.segment(this.words(line, side), side).pieces.join(" ");
  }

  /** Ids of pieces: unknown pieces and pieces that spell a special token become <unk>; EOS appended. */
  static ids(pieces: readonly string[], vocab: Vocab): number[] {
    const out = new Array<number>(pieces.length + 1);
    for (let i = 0; i < pieces.length; i++) {
      const id = vocab.id(pieces[i]);
      out[i] = id < SPECIALS.length ? UNK_ID : id;
    }
    out[pieces.length] = EOS_ID;
    return out;
  }

  encodeSource(line: string): EncodedSource {
    const words = this.words(line, "src");
    const { pieces, wordOf } = this.segment(words, "src");
    const ids = TextPipeline.ids(pieces, this.srcVocab);
    const unknown = new Set<number>();
    for (let i = 0; i < pieces.length; i++) if (ids[i] === UNK_ID) unknown.add(wordOf[i]);
    return { words, pieces, wordOf, ids, unknownWords: unknown.size };
  }

  /** Target ids of a reference line (for training and scoring). */
  encodeTarget(line: string): { pieces: string[]; ids: number[] } {
    const { pieces } = this.segment(this.words(line, "tgt"), "tgt");
    return { pieces, ids: TextPipeline.ids(pieces, this.tgtVocab) };
  }

  /** Output pieces (no EOS) → text: remove BPE, detokenize (Moses) or join with spaces. */
  decodeTarget(pieces: readonly string[]): string {
    return this.detok(removeBpe(pieces.join(" "), this.separator), "tgt");
  }

  /** Tokenized text → plain text for one side. */
  detok(tokenized: string, side: Side): string {
    if (this.spec.type === "moses") return detokenize(tokenized, this.side(side).lang);
    const tokens = tokenized.split(" ").filter((w) => w !== "");
    if (this.spec.type === "characters") {
      const space = this.spec.space ?? SPACE;
      return tokens.map((t) => (t === space ? " " : t)).join("").trim();
    }
    return this.side(side).split_hyphens ? joinHyphens(tokens) : tokens.join(" ");
  }
}

/** Characters of a line as tokens: a run of whitespace is one `space` token; leading and trailing whitespace is dropped. */
function characterTokens(text: string, space: string): string[] {
  const out: string[] = [];
  let gap = false;
  for (const c of text) {
    if (RE_SPACES.test(c)) {
      gap = out.length > 0;
      continue;
    }
    if (gap) out.push(space);
    gap = false;
    out.push(c);
  }
  return out;
}

/** Words split at every "-", each "-" a token of its own ("forty-two" → forty, -, two). */
function splitHyphens(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    for (const part of w.split(/(-)/)) if (part !== "") out.push(part);
  }
  return out;
}

/** Inverse of splitHyphens: tokens joined with spaces, "-" tokens glued to their neighbours. */
function joinHyphens(tokens: readonly string[]): string {
  let s = "";
  tokens.forEach((t, i) => {
    if (i > 0 && t !== "-" && tokens[i - 1] !== "-") s += " ";
    s += t;
  });
  return s;
}

/** The tokenizer spec of pre-tokenized text without BPE. */
export function whitespaceSpec(): TokenizerSpec {
  const side = { lang: "", lowercase: false, escape: false, aggressive_dash: false };
  return { type: "whitespace", version: TOKENIZER_FORMAT, src: { ...side }, tgt: { ...side }, bpe: null };
}

/**
 * The tokenizer of a built-in task (src/tasks): the spec whose pipeline reads
 * the task's text as the task's tokens and writes its tokens back as the
 * task's text (`render`). Every model trained on a task stores this spec.
 * - `dates`: characters, a space is "▁";
 * - `numbers`: words split at hyphens ("seventy-one" → seventy - one), lowercased;
 * - `reverse`: whitespace (symbols separated by spaces).
 */
export function taskTokenizerSpec(task: TaskName): TokenizerSpec {
  const side = (lowercase: boolean, split_hyphens: boolean): SideSpec => ({
    lang: "", lowercase, escape: false, aggressive_dash: false, ...(split_hyphens ? { split_hyphens } : {}),
  });
  switch (task) {
    case "dates":
      return { type: "characters", version: TOKENIZER_FORMAT, space: SPACE, src: side(false, false), tgt: side(false, false), bpe: null };
    case "numbers":
      return { type: "whitespace", version: TOKENIZER_FORMAT, src: side(true, true), tgt: side(true, true), bpe: null };
    case "reverse":
      return whitespaceSpec();
  }
}

function isPlainWhitespace(spec: TokenizerSpec): boolean {
  const plain = (s: SideSpec) => !s.lowercase && !s.split_hyphens;
  return spec.type === "whitespace" && spec.bpe === null && plain(spec.src) && plain(spec.tgt);
}

/**
 * The tokenizer spec of a model file's metadata: its `tokenizer` JSON, or
 * plain whitespace when there is none. One exception keeps older files
 * readable: a file whose `task` names a built-in task but whose tokenizer is
 * plain whitespace (what this program wrote for task models before task
 * tokenizers existed) gets the task's tokenizer, the one it was trained with.
 */
export function modelTokenizerSpec(metadata: Record<string, string>, source = "model"): TokenizerSpec {
  const spec = metadata.tokenizer === undefined ? whitespaceSpec() : parseTokenizerSpec(metadata.tokenizer, source);
  const task = metadata.task;
  if (task !== undefined && TASK_NAMES.includes(task) && isPlainWhitespace(spec)) return taskTokenizerSpec(task as TaskName);
  return spec;
}
