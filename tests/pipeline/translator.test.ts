// The text pipeline as a library: tokenizer metadata JSON, text → ids → text
// round trips on a tiny prepared model, replace-unk, and defined behaviour
// for empty, very long and odd-Unicode lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/load-node.js";
import { Model } from "../../src/model/model.js";
import { parseConfig } from "../../src/model/config.js";
import { initialize } from "../../src/train/init.js";
import { S2SError } from "../../src/errors.js";
import { learnPipeline, encodePairs } from "../../src/pipeline/prepare.js";
import { parseTokenizerSpec, serializeTokenizerSpec, TextPipeline, MAX_WORD_CHARS } from "../../src/pipeline/tokenizer.js";
import { Translator } from "../../src/pipeline/translator.js";
import { DEFAULT_TRAIN_MAX_SRC_PIECES, TRAIN_LENGTH_KEY } from "../../src/pipeline/train-length.js";
import { preprocess } from "../../src/text/tokenize.js";
import { detokenize } from "../../src/text/detokenize.js";

const TRAIN = [
  { src: "Ein Mann fährt Fahrrad.", tgt: "A man rides a bike." },
  { src: "Zwei Hunde spielen im Schnee.", tgt: "Two dogs play in the snow." },
  { src: "Eine Frau liest ein Buch.", tgt: "A woman reads a book." },
  { src: "Kinder spielen im Park.", tgt: "Children play in the park." },
  { src: "Der Mann isst einen Apfel.", tgt: "The man eats an apple." },
  { src: "Ein Hund läuft über die Wiese.", tgt: "A dog runs across the meadow." },
  { src: "Die Frau trinkt Kaffee.", tgt: "The woman drinks coffee." },
  { src: "Zwei Männer spielen Fußball.", tgt: "Two men play soccer." },
];

const OPTS = {
  type: "moses" as const, srcLang: "de", tgtLang: "en", lowercase: false, bpe: "joint" as const,
  merges: 60, bpeMinFreq: 2, bpeVocabThreshold: 0, vocabMinFreq: 1,
};

async function tinyModel(attention: "additive" | "none" = "additive", extra: Record<string, string> = {}) {
  const engine = await loadEngine();
  const learned = learnPipeline(TRAIN, OPTS);
  const p = learned.pipeline;
  const config = parseConfig({
    src_vocab_size: p.srcVocab.size, tgt_vocab_size: p.tgtVocab.size, emb_dim: 8, enc_hidden: 8, bidirectional: true,
    dec_hidden: 16, attn_dim: 8, attention, decoder_style: "luong",
  });
  const model = Model.create(engine, config, { src_vocab: JSON.stringify(p.srcVocab), tgt_vocab: JSON.stringify(p.tgtVocab), tokenizer: learned.tokenizerJson, ...extra });
  initialize(model, { kind: "uniform", range: 0.5 }, 7);
  // through the file format, so the model is what a user would load
  return { model: Model.fromBytes(engine, model.toBytes()), learned };
}

test("tokenizer JSON: serialise → parse is the identity; bad JSON fails with one clear message", () => {
  const { tokenizerJson } = learnPipeline(TRAIN, OPTS);
  const spec = parseTokenizerSpec(tokenizerJson);
  assert.equal(serializeTokenizerSpec(spec), tokenizerJson);
  assert.equal(spec.type, "moses");
  assert.deepEqual(spec.src, { lang: "de", lowercase: false, escape: true, aggressive_dash: false });
  assert.equal(spec.bpe?.joint, true);
  assert.ok((spec.bpe?.merges ?? []).length > 0 && (spec.bpe?.merges ?? []).every((m) => /^\S+ \S+$/.test(m)));
  const sep = learnPipeline(TRAIN, { ...OPTS, bpe: "separate", merges: 10 });
  const s2 = parseTokenizerSpec(sep.tokenizerJson);
  assert.equal(s2.bpe?.joint, false);
  assert.equal(s2.bpe?.src_merges?.length, 10);
  assert.equal(s2.bpe?.tgt_merges?.length, 10);
  for (const [bad, pattern] of [
    ["{", /not valid JSON/],
    ['{"type":"sentencepiece"}', /type "sentencepiece"/],
    ['{"type":"moses","version":2,"src":{},"tgt":{}}', /version 2 is not supported/],
    ['{"type":"moses","src":{"lang":5},"tgt":{}}', /src\.lang must be a string/],
    ['{"type":"moses","src":{},"tgt":{},"bpe":{"joint":true,"merges":["ab"]}}', /bpe\.merges\[0\]/],
  ] as const) {
    assert.throws(() => parseTokenizerSpec(bad, "m.safetensors"), (e: unknown) => e instanceof S2SError && pattern.test(e.message) && e.message.startsWith("m.safetensors: tokenizer metadata"));
  }
});

test("text → ids → text round trip: every training sentence comes back as the detokenized tokenization", () => {
  const { pipeline } = learnPipeline(TRAIN, OPTS);
  for (const { src, tgt } of TRAIN) {
    const e = pipeline.encodeSource(src);
    assert.equal(e.ids[e.ids.length - 1], 3, "EOS last");
    assert.ok(e.ids.slice(0, -1).every((id) => id >= 4), `no <unk> in a training sentence: ${src}`);
    assert.equal(e.pieces.length, e.ids.length - 1);
    assert.equal(e.wordOf.length, e.pieces.length);
    const t = pipeline.encodeTarget(tgt);
    const back = pipeline.decodeTarget(t.ids.slice(0, -1).map((id) => pipeline.tgtVocab.token(id)));
    assert.equal(back, detokenize(preprocess(tgt, "en"), "en"));
    assert.equal(back, tgt);
  }
  // unknown words become <unk> (id 1); special-token spellings cannot sneak in
  const e = pipeline.encodeSource("Zebra xyzzy");
  assert.ok(e.ids.includes(1));
  const ws = new TextPipeline({ ...pipeline.spec, type: "whitespace", bpe: null }, pipeline.srcVocab, pipeline.tgtVocab);
  assert.deepEqual(ws.encodeSource("</s> <pad> <unk>").ids, [1, 1, 1, 3]);
  // an over-long word is cut before BPE and restored by BPE removal
  const long = "x".repeat(3 * MAX_WORD_CHARS + 7);
  const seg = pipeline.segment([long], "tgt");
  assert.equal(pipeline.decodeTarget(seg.pieces), long);
  const pairs = encodePairs(pipeline, [...TRAIN, { src: "", tgt: "x" }]);
  assert.equal(pairs.ids.length, TRAIN.length);
  assert.equal(pairs.dropped, 1);
});

test("BPE vocabulary threshold (subword-nmt --vocabulary-threshold) is stored and applied", () => {
  const { pipeline, tokenizerJson } = learnPipeline(TRAIN, { ...OPTS, merges: 80, bpeVocabThreshold: 2 });
  const spec = parseTokenizerSpec(tokenizerJson);
  assert.ok(spec.bpe?.src_vocabulary && spec.bpe.tgt_vocabulary);
  const allowed = new Set(spec.bpe.src_vocabulary);
  for (const { src } of TRAIN) {
    for (const p of pipeline.encodeSource(src).pieces) {
      const bare = p.endsWith("@@") ? p.slice(0, -2) : p;
      assert.ok(allowed.has(p) || Array.from(bare).length === 1, `piece ${p} is neither frequent nor a single character`);
    }
  }
  const plain = learnPipeline(TRAIN, { ...OPTS, merges: 80 }).pipeline;
  const n = (pl: TextPipeline) => TRAIN.reduce((k, { src }) => k + pl.encodeSource(src).pieces.length, 0);
  assert.ok(n(pipeline) > n(plain), "rare pieces are split further");
});

test("lowercasing and the whitespace tokenizer", () => {
  const lc = learnPipeline(TRAIN, { ...OPTS, lowercase: true, bpe: "none" });
  assert.deepEqual(lc.pipeline.words("Ein MANN, ÄPFEL.", "src"), ["ein", "mann", ",", "äpfel", "."]);
  assert.ok(!lc.pipeline.srcVocab.has("Ein") && lc.pipeline.srcVocab.has("ein"));
  const ws = learnPipeline(TRAIN, { ...OPTS, type: "whitespace", bpe: "none" });
  assert.deepEqual(ws.pipeline.words("  Ein  Mann\tfährt. ", "src"), ["Ein", "Mann", "fährt."]);
  assert.equal(ws.pipeline.decodeTarget(["A", "man", "."]), "A man .");
});

test("Translator: one result per line; empty, blank, very long and odd-Unicode lines never crash", async () => {
  const { model } = await tinyModel();
  const tr = new Translator(model);
  const longLine = Array.from({ length: 700 }, (_, i) => TRAIN[i % TRAIN.length].src).join(" ");
  const lines = [
    "", "   ", "\t", longLine, "Ein Mann fährt Fahrrad.",
    "\u0000\u0001 nul and controls", "\ud800 lone surrogate \udfff", "עברית العربية mixed RTL", "emoji 🐕‍🦺👩🏽‍🚀 e\u0301",
    "line\u2028separator\u2029para\u0085nel", "x".repeat(20000), "&amp; <s> </s> <unk> | [ ]",
  ];
  const res = tr.translate(lines, { beam: 2, maxLenA: 0, maxLenB: 6, maxSrcPieces: 50 });
  assert.equal(res.length, lines.length);
  for (const [i, r] of res.entries()) {
    assert.equal(r.hyps.length, 1);
    assert.ok(!/[\r\n]/.test(r.hyps[0].text), `line ${i}: output has a line break`);
  }
  for (const i of [0, 1, 2]) {
    assert.equal(res[i].hyps[0].text, "", "an empty line gives an empty line");
    assert.equal(res[i].parts, 0);
  }
  assert.ok(res[3].parts > 1, "a long line is translated in parts");
  assert.ok(res[3].source.pieces.length > 50);
  // attention rows span all parts' source positions
  const h = res[3].hyps[0];
  assert.ok(h.attention && h.attention.length === h.steps.length);
  assert.ok(h.attention.every((row) => row.length === res[3].srcTokens.length));
  assert.equal(res[3].srcTokens.filter((t) => t === "</s>").length, res[3].parts);
  assert.ok(res[10].hyps[0].text.length >= 0);
  // n-best
  const nb = tr.translate(["Ein Mann.", ""], { beam: 3, nbest: 3, maxLenA: 0, maxLenB: 4 });
  assert.ok(nb[0].hyps.length >= 1 && nb[0].hyps.length <= 3);
  for (let k = 1; k < nb[0].hyps.length; k++) assert.ok(nb[0].hyps[k - 1].score >= nb[0].hyps[k].score);
  assert.equal(nb[1].hyps.length, 1);
});

test("replace-unk copies the source word with the highest attention weight", async () => {
  const { model } = await tinyModel();
  // make <unk> (id 1) the only likely output
  model.view("generator.bias").fill(0);
  model.view("generator.bias")[1] = 50;
  const tr = new Translator(model);
  const line = "Zwei Hunde spielen im Schnee.";
  const plain = tr.translate([line], { beam: 1, maxLenA: 0, maxLenB: 4 })[0].hyps[0];
  assert.equal(plain.text, "<unk> <unk> <unk> <unk>");
  const r = tr.translate([line], { beam: 1, maxLenA: 0, maxLenB: 4, replaceUnk: true })[0];
  const h = r.hyps[0];
  assert.equal(h.pieces.length, 4);
  h.pieces.forEach((p, t) => {
    const row = h.attention![t];
    let best = 0;
    for (let j = 1; j < row.length - 1; j++) if (row[j] > row[best]) best = j; // EOS column excluded
    assert.equal(p, r.source.words[r.source.wordOf[best]], `step ${t}`);
  });
  assert.ok(h.pieces.every((p) => r.source.words.includes(p)));
  // a model without attention cannot replace: <unk> stays
  const none = await tinyModel("none");
  none.model.view("generator.bias")[1] = 50;
  const tn = new Translator(none.model);
  assert.equal(tn.hasAttention, false);
  assert.equal(tn.translate([line], { beam: 1, maxLenA: 0, maxLenB: 2, replaceUnk: true })[0].hyps[0].text, "<unk> <unk>");
});

test("Translator refuses id-only models and mismatched vocabularies with one clear message", async () => {
  const { model } = await tinyModel();
  const engine = model.engine;
  const idOnly = Model.create(engine, model.config);
  assert.throws(() => new Translator(idOnly, undefined, "ids.safetensors"), /ids\.safetensors: the model has no vocabularies .*pass --ids/);
  const wrong = Model.create(engine, { ...model.config, src_vocab_size: model.config.src_vocab_size + 1 }, model.metadata);
  assert.throws(() => new Translator(wrong, undefined, "w.safetensors"), /src_vocab has \d+ entries but the config says src_vocab_size \d+/);
  const badVocab = Model.create(engine, model.config, { ...model.metadata, tgt_vocab: '["a"]' });
  assert.throws(() => new Translator(badVocab, undefined, "b.safetensors"), /b\.safetensors: metadata tgt_vocab: /);
});

/** The source pieces of each part, from srcTokens (each part ends with "</s>"). */
function partsOf(srcTokens: string[]): string[][] {
  const out: string[][] = [[]];
  for (const t of srcTokens) {
    if (t === "</s>") out.push([]);
    else out[out.length - 1].push(t);
  }
  out.pop();
  return out;
}

test("a long line is split at sentence ends first, each sentence encoded on its own", async () => {
  const sentences = TRAIN.map((p) => p.src).slice(0, 6);
  const pipeline = learnPipeline(TRAIN, OPTS).pipeline;
  const limit = Math.max(...sentences.map((x) => pipeline.encodeSource(x).pieces.length)); // every sentence fits
  const { model, learned } = await tinyModel("additive", { [TRAIN_LENGTH_KEY]: String(limit) });
  const tr = new Translator(model);
  assert.equal(tr.trainLength, limit, "the training length from the metadata");
  const line = sentences.join(" ");
  assert.ok(learned.pipeline.encodeSource(line).pieces.length > 2 * limit);
  const [r] = tr.translate([line], { beam: 1, maxLenA: 0, maxLenB: 3 });
  assert.equal(r.parts, 6, "one part per sentence");
  assert.deepEqual(partsOf(r.srcTokens), sentences.map((x) => learned.pipeline.encodeSource(x).pieces));
  // the translations of the parts are joined by a space
  const alone = tr.translate(sentences, { beam: 1, maxLenA: 0, maxLenB: 3 }).map((x) => x.hyps[0].text);
  assert.equal(r.hyps[0].text, alone.filter((t) => t !== "").join(" "));
  // a line within the limit stays whole, even with two sentences
  const [short] = tr.translate(["Ein Mann. Eine Frau."], { beam: 1, maxLenA: 0, maxLenB: 3 });
  assert.equal(short.parts, 1);
});

test("an over-long sentence is cut at the stored training length; a file without it uses the default", async () => {
  const words = Array.from({ length: 60 }, (_, i) => TRAIN[i % TRAIN.length].src.split(" ")[0]).join(" "); // no sentence end inside
  for (const limit of [10, 25]) {
    const { model } = await tinyModel("additive", { [TRAIN_LENGTH_KEY]: String(limit) });
    const [r] = new Translator(model).translate([words], { beam: 1, maxLenA: 0, maxLenB: 2 });
    const parts = partsOf(r.srcTokens);
    assert.equal(r.parts, parts.length);
    assert.ok(parts.every((p) => p.length <= limit), `every part at most ${limit} pieces`);
    assert.ok(parts.length >= Math.ceil(r.source.pieces.length / limit) && parts.length > 1);
    assert.deepEqual(parts.flat(), r.source.pieces, "the parts cover the sentence in order");
  }
  // an explicit maxSrcPieces overrides the stored length
  const { model: m10 } = await tinyModel("additive", { [TRAIN_LENGTH_KEY]: "10" });
  assert.equal(new Translator(m10).translate([words], { beam: 1, maxLenA: 0, maxLenB: 2, maxSrcPieces: 1000 })[0].parts, 1);
  // no key: the documented default
  const { model: old, learned } = await tinyModel();
  assert.equal(old.metadata[TRAIN_LENGTH_KEY], undefined);
  const tr = new Translator(old);
  assert.equal(tr.trainLength, DEFAULT_TRAIN_MAX_SRC_PIECES);
  assert.equal(DEFAULT_TRAIN_MAX_SRC_PIECES, 100);
  const long = Array.from({ length: 3 }, () => words).join(" ");
  const n = learned.pipeline.encodeSource(long).pieces.length;
  assert.ok(n > 100);
  const [r] = tr.translate([long], { beam: 1, maxLenA: 0, maxLenB: 2 });
  assert.ok(r.parts >= Math.ceil(n / 100) && r.parts <= Math.ceil(n / 50), `${r.parts} parts of ${n} pieces`);
  assert.ok(partsOf(r.srcTokens).every((p) => p.length <= 100));
  // a bad value is a clear error naming the file
  const { model: bad } = await tinyModel("additive", { [TRAIN_LENGTH_KEY]: "many" });
  assert.throws(() => new Translator(bad, undefined, "bad.safetensors"), (e: unknown) => e instanceof S2SError && /bad\.safetensors: metadata train_max_src_pieces must be a positive integer/.test((e as Error).message));
});
