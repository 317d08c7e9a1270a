// From typed text to model ids and back, for a model file's metadata
// (docs/model.md): character models (every source token one character, a
// space written "▁", like the built-in `dates` task) or the model's text
// pipeline (tokenizer metadata: whitespace or Moses, optional BPE).
import { SPACE } from "seq2seq-wasm";
import { TextPipeline } from "seq2seq-wasm/text";

const SPECIALS = new Set(["<pad>", "<unk>", "<s>", "</s>"]);
const EOS = 3;

export interface Encoded {
  /** source tokens as the model sees them (no EOS) */
  tokens: string[];
  /** ids, ending with EOS */
  ids: number[];
}

export interface Codec {
  kind: "characters" | "words";
  encode(text: string): Encoded;
  /** output ids (EOS, if any, last) → tokens and text */
  decode(ids: number[]): { tokens: string[]; text: string };
}

function vocabOf(metadata: Record<string, string>, key: "src_vocab" | "tgt_vocab"): string[] {
  const raw = metadata[key];
  if (raw === undefined) {
    throw new Error("this model has no vocabularies (src_vocab, tgt_vocab): it translates token ids only, not text");
  }
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new Error(`the model's ${key} is not valid JSON`);
  }
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string")) throw new Error(`the model's ${key} is not a list of strings`);
  return v as string[];
}

/** The codec of a model: characters when every source token is one character, else the text pipeline. */
export function codecFor(metadata: Record<string, string>): Codec {
  const src = vocabOf(metadata, "src_vocab"), tgt = vocabOf(metadata, "tgt_vocab");
  const isChars = src.every((t) => SPECIALS.has(t) || [...t].length === 1);
  if (isChars) {
    const ids = new Map(src.map((t, i) => [t, i]));
    const hasSpace = ids.has(SPACE);
    return {
      kind: "characters",
      encode(text) {
        const tokens: string[] = [];
        for (const c of text.trim()) {
          if (/\s/.test(c)) {
            if (hasSpace && tokens[tokens.length - 1] !== SPACE) tokens.push(SPACE);
          } else tokens.push(c);
        }
        return { tokens, ids: [...tokens.map((t) => ids.get(t) ?? 1), EOS] };
      },
      decode(out) {
        const tokens = out.filter((id) => id !== EOS).map((id) => tgt[id] ?? "<unk>");
        return { tokens, text: tokens.join("").replaceAll(SPACE, " ") };
      },
    };
  }
  const pipeline = TextPipeline.fromMetadata(metadata, "model");
  if (!pipeline) throw new Error("this model has no vocabularies");
  return {
    kind: "words",
    encode(text) {
      const e = pipeline.encodeSource(text);
      return { tokens: e.pieces, ids: e.ids };
    },
    decode(out) {
      const tokens = out.filter((id) => id !== EOS).map((id) => tgt[id] ?? "<unk>");
      return { tokens, text: pipeline.decodeTarget(tokens) };
    },
  };
}

/** How a token is shown in the heatmap. */
export function label(token: string): string {
  return token === SPACE ? "␣" : token;
}
