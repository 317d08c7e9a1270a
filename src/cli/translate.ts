import { searchIds, DEFAULT_SEARCH, type Hypothesis } from "../decode/search.js";
import { S2SError } from "../errors.js";
import type { CommandSpec, Values } from "./args.js";
import { MODEL_OPT, WASM_OPT, loadModelFile } from "./common.js";
import { lineChunks, parseJsonLine, r7, writeOut } from "./io.js";
import { relocate } from "./score.js";

export const translateSpec: CommandSpec = {
  name: "translate",
  summary: "Translate with greedy (--beam 1) or beam search.",
  usage: "s2s translate --model M.safetensors --ids [--beam K] [--nbest N] < sources.jsonl",
  description:
    'With --ids, reads JSON lines {"src":[ids]} (ending with EOS = 3) and writes one line per input:\n' +
    '{"ids":[...],"score":x,"attention":[[...]]} — ids end with EOS unless the maximum length stopped the search;\n' +
    'score = Σ log p / ((5 + |ids|) / 6)^alpha; attention is null for models without attention.\n' +
    'With --nbest N: {"hyps":[{"ids","score","attention"}, ...]} best first.',
  options: [
    MODEL_OPT,
    { name: "ids", type: "boolean", help: "input and output are token ids (JSON lines)" },
    { name: "beam", type: "int", min: 1, max: 1000, default: DEFAULT_SEARCH.beam, help: "beam size (1 = greedy)" },
    { name: "nbest", type: "int", min: 1, help: "output the N best hypotheses per input (N ≤ beam)" },
    { name: "max-len-a", type: "number", min: 0, default: DEFAULT_SEARCH.maxLenA, help: "maximum output length is ⌊a·S + b⌋, S = source length with EOS" },
    { name: "max-len-b", type: "number", min: 0, default: DEFAULT_SEARCH.maxLenB, help: "see --max-len-a" },
    { name: "alpha", type: "number", min: 0, default: DEFAULT_SEARCH.alpha, help: "length normalisation exponent (GNMT); 0 = raw log-probability" },
    { name: "no-attention", type: "boolean", help: "do not output attention matrices" },
    { name: "batch-sentences", type: "int", min: 1, default: 32, help: "sentences per batch" },
    WASM_OPT,
  ],
};

function hypJson(h: Hypothesis): Record<string, unknown> {
  return { ids: h.ids, score: r7(h.score), attention: h.attention ? h.attention.map((row) => row.map(r7)) : null };
}

export async function runTranslate(v: Values): Promise<void> {
  if (!v.ids) throw new S2SError("translate: text input is not supported yet; pass --ids with JSON lines of token ids");
  const beam = v.beam as number;
  const nbest = v.nbest as number | undefined;
  if (nbest !== undefined && nbest > beam) throw new S2SError(`translate: --nbest ${nbest} is larger than --beam ${beam}`);
  const model = await loadModelFile(v.model as string, v.wasm as string);
  for await (const { lines, first } of lineChunks(process.stdin, 256)) {
    const srcs = lines.map((line, i) => parseJsonLine(line, first + i).src as number[]);
    let results;
    try {
      results = searchIds(model, srcs, {
        beam, nbest: nbest ?? 1, alpha: v.alpha as number,
        maxLenA: v["max-len-a"] as number, maxLenB: v["max-len-b"] as number,
        batchSentences: v["batch-sentences"] as number, attention: !v["no-attention"],
      });
    } catch (e) {
      throw relocate(e, first);
    }
    let out = "";
    for (const hyps of results) {
      out += JSON.stringify(nbest !== undefined ? { hyps: hyps.map(hypJson) } : hypJson(hyps[0])) + "\n";
    }
    await writeOut(out);
  }
}
