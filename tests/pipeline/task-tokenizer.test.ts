// The built-in tasks' tokenizers: a model written with taskModelMetadata reads
// each task's text (`render` of its tokens) as exactly the task's tokens and
// writes its output tokens back as the task's text; the tokenizer JSON of the
// new types ("characters", whitespace with split_hyphens) parses, round-trips
// and refuses what it cannot mean; older task files that say plain whitespace
// are read with their task's tokenizer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadEngine } from "../../src/engine/load-node.js";
import { Model } from "../../src/model/model.js";
import { parseConfig } from "../../src/model/config.js";
import { initialize } from "../../src/train/init.js";
import { S2SError } from "../../src/errors.js";
import { taskModelMetadata } from "../../src/pipeline/task-model.js";
import {
  modelTokenizerSpec, parseTokenizerSpec, serializeTokenizerSpec, taskTokenizerSpec, TextPipeline, whitespaceSpec,
} from "../../src/pipeline/tokenizer.js";
import { Translator } from "../../src/pipeline/translator.js";
import { getTask, makeSplits, TASK_NAMES, vocabulary, type TaskName } from "../../src/tasks/index.js";

function taskPipeline(name: TaskName, n = 2000) {
  const task = getTask(name);
  const { train } = makeSplits(task, { train: n, valid: 0, test: 0 }, 3);
  const metadata = taskModelMetadata(name, vocabulary(train));
  const pipeline = TextPipeline.fromMetadata(metadata, name)!;
  return { task, train, metadata, pipeline };
}

test("every task: the model's pipeline reads the task's text as the task's tokens, and writes tokens back as the text", () => {
  for (const name of TASK_NAMES as TaskName[]) {
    const { task, train, metadata, pipeline } = taskPipeline(name);
    assert.equal(metadata.task, name);
    assert.deepEqual(parseTokenizerSpec(metadata.tokenizer), taskTokenizerSpec(name), `${name}: the file says the task's tokenizer`);
    for (const ex of train) {
      const srcText = task.render(ex.src), tgtText = task.render(ex.tgt);
      const enc = pipeline.encodeSource(srcText);
      assert.deepEqual(enc.pieces, ex.src, `${name}: ${JSON.stringify(srcText)}`);
      assert.equal(enc.unknownWords, 0);
      assert.ok(!enc.ids.slice(0, -1).includes(1), `${name}: no <unk> in ${JSON.stringify(srcText)}`);
      assert.deepEqual(pipeline.encodeTarget(tgtText).pieces, ex.tgt, `${name}: target ${JSON.stringify(tgtText)}`);
      assert.equal(pipeline.decodeTarget(ex.tgt), tgtText, `${name}: output tokens → text`);
      assert.equal(pipeline.detok(ex.src.join(" "), "src"), srcText, `${name}: source tokens → text`);
    }
  }
});

test("numbers reads hyphenated words (and capitals); dates reads characters with spaces as ▁", () => {
  const numbers = taskPipeline("numbers").pipeline;
  assert.deepEqual(numbers.encodeSource("seventy-one").pieces, ["seventy", "-", "one"]);
  assert.deepEqual(numbers.encodeSource("  Seventy-One  thousand ").pieces, ["seventy", "-", "one", "thousand"]);
  assert.equal(numbers.decodeTarget(["soixante", "et", "onze"]), "soixante et onze");
  assert.equal(numbers.decodeTarget(["quatre", "-", "vingt", "-", "dix"]), "quatre-vingt-dix");
  const dates = taskPipeline("dates").pipeline;
  assert.deepEqual(dates.encodeSource("3rd of May 1999").pieces, [..."3rd▁of▁May▁1999"]);
  assert.deepEqual(dates.encodeSource("\t3  May\u00a01999 ").pieces, [..."3▁May▁1999"], "a whitespace run is one ▁, ends trimmed");
  assert.equal(dates.decodeTarget([..."1999-05-03"]), "1999-05-03", "output characters are joined");
  const unk = dates.encodeSource("3 Mai 1999");
  assert.equal(unk.unknownWords, 0, "M, a and i are all in the vocabulary");
  const odd = dates.encodeSource("3 May 1999 ✓é");
  assert.equal(odd.unknownWords, 2, "characters the model never saw are counted");
});

test("tokenizer JSON: characters and split_hyphens serialize, parse back, and are refused where they mean nothing", () => {
  for (const name of TASK_NAMES as TaskName[]) {
    const spec = taskTokenizerSpec(name);
    assert.deepEqual(parseTokenizerSpec(serializeTokenizerSpec(spec)), spec, name);
  }
  assert.equal(serializeTokenizerSpec(taskTokenizerSpec("dates")),
    '{"type":"characters","version":1,"space":"▁","src":{"lang":"","lowercase":false,"escape":false,"aggressive_dash":false},"tgt":{"lang":"","lowercase":false,"escape":false,"aggressive_dash":false},"bpe":null}');
  assert.match(serializeTokenizerSpec(taskTokenizerSpec("numbers")), /"src":\{[^}]*"lowercase":true[^}]*"split_hyphens":true\}/);
  assert.doesNotMatch(serializeTokenizerSpec(whitespaceSpec()), /split_hyphens|"space"/, "plain specs are written as before");
  assert.deepEqual(parseTokenizerSpec('{"type":"characters"}').space, "▁", "the space token defaults to ▁");
  const bad: [string, RegExp][] = [
    ['{"type":"characters","bpe":{"joint":true,"merges":[]}}', /"characters" takes no "bpe"/],
    ['{"type":"characters","space":"__"}', /space must be one character/],
    ['{"type":"characters","space":" "}', /space must be one character/],
    ['{"type":"moses","src":{"lang":"en","split_hyphens":true},"tgt":{"lang":"fr"}}', /src\.split_hyphens is for type "whitespace" only/],
    ['{"type":"whitespace","src":{"split_hyphens":"yes"}}', /src\.split_hyphens must be true or false/],
    ['{"type":"chars"}', /is not "moses", "whitespace" or "characters"/],
  ];
  for (const [json, re] of bad) assert.throws(() => parseTokenizerSpec(json, "m.safetensors"), (e: unknown) => e instanceof S2SError && re.test(e.message), json);
});

test("older files: a task model that says plain whitespace gets its task's tokenizer; other files are read as they say", () => {
  const vocab = JSON.stringify(["<pad>", "<unk>", "<s>", "</s>", "a"]);
  const legacy = { src_vocab: vocab, tgt_vocab: vocab, tokenizer: '{"type":"whitespace"}' };
  assert.deepEqual(modelTokenizerSpec({ ...legacy, task: "dates" }), taskTokenizerSpec("dates"));
  assert.deepEqual(modelTokenizerSpec({ ...legacy, task: "numbers" }), taskTokenizerSpec("numbers"));
  assert.deepEqual(modelTokenizerSpec({ src_vocab: vocab, tgt_vocab: vocab, task: "dates" }), taskTokenizerSpec("dates"), "no tokenizer key at all");
  assert.deepEqual(modelTokenizerSpec(legacy), whitespaceSpec(), "no task key: whitespace, as the file says");
  assert.deepEqual(modelTokenizerSpec({ ...legacy, task: "sorting" }), whitespaceSpec(), "an unknown task name changes nothing");
  const lower = '{"type":"whitespace","src":{"lowercase":true},"tgt":{}}';
  assert.equal(modelTokenizerSpec({ ...legacy, tokenizer: lower, task: "dates" }).type, "whitespace", "a tokenizer that says more than plain whitespace is kept");
  assert.equal(TextPipeline.fromMetadata({ ...legacy, task: "dates" })!.spec.type, "characters", "the one reader applies it");
});

test("Translator with a task model: the same reading as the pipeline, output text joined the task's way", async () => {
  const engine = await loadEngine();
  for (const [name, line] of [["dates", "3rd of May 1999"], ["numbers", "seventy-one"]] as const) {
    const { metadata, pipeline } = taskPipeline(name);
    const config = parseConfig({
      src_vocab_size: pipeline.srcVocab.size, tgt_vocab_size: pipeline.tgtVocab.size, emb_dim: 8, enc_hidden: 8,
      bidirectional: true, dec_hidden: 16, attn_dim: 8, attention: "additive", decoder_style: "bahdanau",
    });
    const model = Model.fromBytes(engine, (() => {
      const m = Model.create(engine, config, metadata);
      initialize(m, { kind: "uniform", range: 0.5 }, 7);
      return m.toBytes();
    })(), name);
    const [r] = new Translator(model).translate([line], { beam: 2, maxLenB: 12 });
    assert.deepEqual(r.srcTokens, [...pipeline.encodeSource(line).pieces, "</s>"]);
    assert.equal(r.source.unknownWords, 0);
    const h = r.hyps[0];
    assert.equal(h.text, pipeline.decodeTarget(h.pieces));
    if (name === "dates") assert.equal(h.text, h.pieces.join("").replaceAll("▁", " ").trim(), "characters joined, no spaces between them");
  }
});
