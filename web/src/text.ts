// From typed text to a translation with a model file's own text pipeline
// (its tokenizer metadata, docs/model.md), the same Translator that
// s2s translate uses: a `dates` model reads characters (a space is "▁"),
// a `numbers` model words split at hyphens, a Moses/BPE model its settings.
import { SPACE } from "seq2seq-wasm";
import { Translator, type LineTranslation } from "seq2seq-wasm/text";
import type { Model } from "seq2seq-wasm";

/** How the model reads text, for the page's status line. */
export function describeTokenizer(t: Translator): string {
  const spec = t.pipeline.spec;
  if (spec.type === "characters") return "characters";
  if (spec.type === "moses") return `Moses${spec.bpe ? " + BPE" : ""} (${spec.src.lang || "generic"} → ${spec.tgt.lang || "generic"})`;
  return spec.src.split_hyphens ? "words split at hyphens" : "words";
}

/** The translator of a model; refuses a model without vocabularies with a message for the page. */
export function translatorFor(model: Model): Translator {
  if (model.metadata.src_vocab === undefined && model.metadata.tgt_vocab === undefined) {
    throw new Error("this model has no vocabularies (src_vocab, tgt_vocab): it translates token ids only, not text");
  }
  return new Translator(model);
}

/** One line, translated with beam search and attention. */
export function translateLine(t: Translator, text: string, beam: number): LineTranslation {
  return t.translate([text], { beam, attention: true })[0];
}

/** How a token is shown in the heatmap. */
export function label(token: string): string {
  return token === SPACE ? "␣" : token;
}
