import { scoreIds, type PairIds } from "../decode/score.js";
import { S2SError } from "../errors.js";
import type { CommandSpec, Values } from "./args.js";
import { MODEL_OPT, WASM_OPT, loadModelFile } from "./common.js";
import { lineChunks, parseJsonLine, r7, writeOut } from "./io.js";
import { textLineChunks } from "../pipeline/lines.js";
import { Translator } from "../pipeline/translator.js";

export const scoreSpec: CommandSpec = {
  name: "score",
  summary: "Teacher-forced log-probabilities of given targets (the gold score).",
  usage: "s2s score --model M.safetensors < pairs.tsv\n       s2s score --model M.safetensors --ids < pairs.jsonl",
  description:
    "Text (a model with vocabularies): reads source<TAB>target lines and writes one JSON line per input:\n" +
    '{"score":Σ log p,"tgt":[target pieces + "</s>"],"logprobs":[log p of each]} (the target as the model\n' +
    "segments it; unknown pieces are <unk>).\n" +
    'With --ids: reads JSON lines {"src":[ids],"tgt":[ids]} (each ending with EOS = 3) on stdin and writes one line per input:\n' +
    '{"logprobs":[log p of each tgt token],"attention":[[S weights] per tgt token]} ("attention":null for attention none).',
  options: [
    MODEL_OPT,
    { name: "ids", type: "boolean", help: "input and output are token ids (JSON lines)" },
    { name: "batch-sentences", type: "int", min: 1, default: 64, help: "sentences per batch" },
    WASM_OPT,
  ],
};

export async function runScore(v: Values): Promise<void> {
  if (!v.ids) return scoreText(v);
  const model = await loadModelFile(v.model as string, v);
  for await (const { lines, first } of lineChunks(process.stdin, 256)) {
    const pairs: PairIds[] = lines.map((line, i) => {
      const o = parseJsonLine(line, first + i);
      return { src: o.src as number[], tgt: o.tgt as number[] };
    });
    let results;
    try {
      results = scoreIds(model, pairs, { batchSentences: v["batch-sentences"] as number });
    } catch (e) {
      throw relocate(e, first);
    }
    let out = "";
    for (const r of results) {
      out += JSON.stringify({ logprobs: r.logprobs.map(r7), attention: r.attention ? r.attention.map((row) => row.map(r7)) : null }) + "\n";
    }
    await writeOut(out);
  }
}

/** Rewrites "pair N:" / "sentence N:" (1-based within a chunk) into the input line number. */
export function relocate(e: unknown, first: number): unknown {
  if (e instanceof S2SError) {
    const m = /^(pair|sentence) (\d+): (.*)$/.exec(e.message);
    if (m) return new S2SError(`line ${first + Number(m[2]) - 1}: ${m[3]}`);
  }
  return e;
}

async function scoreText(v: Values): Promise<void> {
  const model = await loadModelFile(v.model as string, v);
  const p = new Translator(model, undefined, v.model as string).pipeline;
  for await (const { lines, first } of textLineChunks(process.stdin, 256)) {
    const tgts: string[][] = [];
    const pairs: PairIds[] = lines.map((line, i) => {
      const tab = line.indexOf("\t");
      if (tab < 0 || line.indexOf("\t", tab + 1) >= 0) throw new S2SError(`line ${first + i}: expected source<TAB>target (exactly one tab)`);
      const t = p.encodeTarget(line.slice(tab + 1));
      tgts.push(t.ids.map((id) => p.tgtVocab.token(id)));
      return { src: p.encodeSource(line.slice(0, tab)).ids, tgt: t.ids };
    });
    const results = scoreIds(model, pairs, { batchSentences: v["batch-sentences"] as number, attention: false });
    let out = "";
    results.forEach((r, i) => {
      const sum = r.logprobs.reduce((a, b) => a + b, 0);
      out += JSON.stringify({ score: r7(sum), tgt: tgts[i], logprobs: r.logprobs.map(r7) }) + "\n";
    });
    await writeOut(out);
  }
}
