import { scoreIds, type PairIds } from "../decode/score.js";
import { S2SError } from "../errors.js";
import type { CommandSpec, Values } from "./args.js";
import { MODEL_OPT, WASM_OPT, loadModelFile } from "./common.js";
import { lineChunks, parseJsonLine, r7, writeOut } from "./io.js";

export const scoreSpec: CommandSpec = {
  name: "score",
  summary: "Teacher-forced log-probabilities of given targets (the gold score).",
  usage: "s2s score --model M.safetensors --ids < pairs.jsonl",
  description:
    'Reads JSON lines {"src":[ids],"tgt":[ids]} (each ending with EOS = 3) on stdin and writes one line per input:\n' +
    '{"logprobs":[log p of each tgt token],"attention":[[S weights] per tgt token]} ("attention":null for attention none).',
  options: [
    MODEL_OPT,
    { name: "ids", type: "boolean", help: "input and output are token ids (JSON lines)" },
    { name: "batch-sentences", type: "int", min: 1, default: 64, help: "sentences per batch" },
    WASM_OPT,
  ],
};

export async function runScore(v: Values): Promise<void> {
  if (!v.ids) throw new S2SError("score: text input is not supported yet; pass --ids with JSON lines of token ids");
  const model = await loadModelFile(v.model as string, v.wasm as string);
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
