// The edge examples' translator (examples/shared/dates-translator.ts, the code
// both edge functions bundle) loads models of every cell: a GRU and a plain
// RNN dates model give, through its loader, the library Translator's output
// for the same file, and its config keeps the cell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// the library as the edge examples import it (the package's own entries)
import { datesTask, initialize, loadEngine, loadEngineFromModule, makeSplits, Model, parseConfig, vocabulary } from "seq2seq-wasm";
import { taskModelMetadata, Translator } from "seq2seq-wasm/text";
import { DatesTranslator } from "../../examples/shared/dates-translator.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

test("the edge examples' loader translates GRU and RNN models as the library does", async () => {
  const kernels = await WebAssembly.compile(readFileSync(join(ROOT, "build/kernels.simd.wasm")));
  const { train, test: held } = makeSplits(datesTask, { train: 500, valid: 0, test: 20 }, 3);
  const voc = vocabulary(train.concat(held));
  const engine = await loadEngine({ variant: "simd" });
  for (const cell of ["gru", "rnn"] as const) {
    const config = parseConfig({
      src_vocab_size: voc.src.length + 4, tgt_vocab_size: voc.tgt.length + 4, emb_dim: 16, enc_hidden: 16,
      bidirectional: true, dec_hidden: 32, attn_dim: 32, attention: "additive", decoder_style: "bahdanau", cell,
    });
    const m = Model.create(engine, config, taskModelMetadata("dates", voc));
    initialize(m, { kind: "uniform", range: 0.3 }, 5);
    const bytes = m.toBytes();
    const edge = await DatesTranslator.create({ loadEngineFromModule, Model, Translator }, kernels, bytes);
    assert.equal(edge.model.config.cell, cell);
    const lib = new Translator(Model.fromBytes(engine, bytes), undefined, cell);
    for (const text of ["3rd of May 1999", "12/25/84", "Sat Jan 1 2000"]) {
      const got = edge.translate(text, 3, true);
      const [want] = lib.translate([text], { beam: 3, maxLenA: 1, maxLenB: 12, attention: true });
      assert.equal(got.translation, want.hyps[0].text, `${cell} "${text}"`);
      assert.deepEqual(got.tokens, want.hyps[0].pieces, `${cell} "${text}" tokens`);
      assert.equal(got.attention?.length, want.hyps[0].attention?.length, `${cell} attention rows`);
      assert.ok((got.attention?.length ?? 0) > 0, `${cell}: attention returned`);
    }
  }
});
