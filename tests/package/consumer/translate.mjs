// A consumer of the published package: translate a date with the example model.
// Plain JavaScript, as an application would write it; bundled by the tests.
import { Model, searchIds, SPACE } from "seq2seq-wasm";

export function translateDate(engine, modelBytes, text) {
  const model = Model.fromBytes(engine, modelBytes, "dates model");
  const srcVocab = JSON.parse(model.metadata.src_vocab), tgtVocab = JSON.parse(model.metadata.tgt_vocab);
  const ids = [...Array.from(text, (c) => srcVocab.indexOf(c === " " ? SPACE : c)).map((i) => (i < 0 ? 1 : i)), 3];
  const [best] = searchIds(model, [ids], { beam: 3 })[0];
  return { variant: engine.variant, translation: best.ids.filter((i) => i !== 3).map((i) => tgtVocab[i]).join("") };
}

export function base64Bytes(b64) {
  const s = atob(b64);
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
