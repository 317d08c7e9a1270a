import { searchIds, DEFAULT_SEARCH, type Hypothesis } from "../decode/search.js";
import { S2SError, UsageError } from "../errors.js";
import type { CommandSpec, Values } from "./args.js";
import { MODEL_OPT, NO_PACK_OPT, THREADS_OPT, WASM_OPT, loadModelFile } from "./common.js";
import { lineChunks, parseJsonLine, r7, writeOut } from "./io.js";
import { relocate } from "./score.js";
import { Translator } from "../pipeline/translator.js";
import { textLineChunks } from "../pipeline/lines.js";
import { openOutput, TextProgress } from "../pipeline/output.js";

export const translateSpec: CommandSpec = {
  name: "translate",
  summary: "Translate with greedy (--beam 1) or beam search.",
  usage: "s2s translate --model M.safetensors [--beam K] [--nbest N] [--attention FILE] [--replace-unk] < source.txt > translation.txt\n" +
    "       s2s translate --model M.safetensors --ids [--beam K] [--nbest N] < sources.jsonl",
  description:
    "Text (a model with vocabularies and tokenizer metadata, e.g. from s2s train --data): one line of text per input\n" +
    "line, one line per output line, in order, in batches. An empty (or blank) line gives an empty line; a word not\n" +
    "in the vocabulary becomes <unk> (a note on stderr at the end says how many), written as \"<unk>\" unless\n" +
    "--replace-unk copies the source word that got the highest attention weight; a source longer than --max-src-pieces BPE pieces (default: the longest source the\n" +
    "model was trained on, its train_max_src_pieces metadata, else 100) is split at sentence ends, a sentence still\n" +
    "longer into parts of at most that many pieces (cut at word boundaries); the parts' translations are joined by a\n" +
    "space; any Unicode is accepted (invalid UTF-8 becomes U+FFFD).\n" +
    "With --nbest N: up to N lines per input, best first, each \"I ||| translation ||| score\" (Moses n-best format,\n" +
    "I = 0-based input line index). --attention FILE writes one JSON line per output line:\n" +
    '{"line":1,"rank":1,"src":[source pieces + "</s>"],"tgt":[output pieces + "</s>"],"attention":[[weights over src] per tgt]}\n' +
    '(attention null for models without attention).\n\n' +
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
    { name: "attention", type: "string", arg: "FILE", help: "text: write alignments (attention weights) as JSON lines to FILE" },
    { name: "replace-unk", type: "boolean", help: "text: replace <unk> outputs by the most attended source word" },
    { name: "max-src-pieces", type: "int", min: 1, arg: "N", help: "text: split longer sources at sentence ends, then into parts of at most N pieces [default: the model's training length]" },
    { name: "quiet", type: "boolean", help: "text: no progress or notes on stderr" },
    WASM_OPT,
    THREADS_OPT,
    NO_PACK_OPT,
  ],
};

function hypJson(h: Hypothesis): Record<string, unknown> {
  return { ids: h.ids, score: r7(h.score), attention: h.attention ? h.attention.map((row) => row.map(r7)) : null };
}

export async function runTranslate(v: Values): Promise<void> {
  if (!v.ids) return translateText(v);
  for (const k of ["attention", "replace-unk"]) if (v[k] !== undefined) throw new UsageError(`translate: --${k} is for text input (without --ids)`);
  const beam = v.beam as number;
  const nbest = v.nbest as number | undefined;
  if (nbest !== undefined && nbest > beam) throw new UsageError(`translate: --nbest ${nbest} is larger than --beam ${beam}`);
  const model = await loadModelFile(v.model as string, v, true);
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

async function translateText(v: Values): Promise<void> {
  const beam = v.beam as number;
  const nbest = v.nbest as number | undefined;
  if (nbest !== undefined && nbest > beam) throw new UsageError(`translate: --nbest ${nbest} is larger than --beam ${beam}`);
  if (v.attention !== undefined && v["no-attention"]) throw new UsageError("translate: --attention FILE and --no-attention contradict each other");
  const model = await loadModelFile(v.model as string, v, true);
  const tr = new Translator(model, undefined, v.model as string);
  if (v["replace-unk"] && !tr.hasAttention) throw new S2SError("translate: --replace-unk needs a model with attention (this one has attention none)");
  const attnOut = v.attention !== undefined ? await openOutput(v.attention as string, "attention file") : null;
  const progress = new TextProgress("translate", Boolean(v.quiet));
  const unknown = new UnknownWords(tr);
  try {
    // interactive use (a terminal): translate each line as it is typed
    for await (const { lines, first } of textLineChunks(process.stdin, process.stdin.isTTY ? 1 : 256)) {
      const results = tr.translate(lines, {
        beam, nbest: nbest ?? 1, alpha: v.alpha as number,
        maxLenA: v["max-len-a"] as number, maxLenB: v["max-len-b"] as number,
        batchSentences: v["batch-sentences"] as number,
        attention: attnOut !== null, replaceUnk: Boolean(v["replace-unk"]),
        maxSrcPieces: v["max-src-pieces"] as number | undefined,
      });
      let out = "", attn = "";
      results.forEach((r, i) => {
        const lineNo = first + i;
        unknown.add(r.source.unknownWords);
        if (r.parts > 1) progress.warn(`line ${lineNo}: ${r.source.pieces.length} pieces, translated in ${r.parts} parts`);
        const hyps = nbest !== undefined ? r.hyps : r.hyps.slice(0, 1);
        hyps.forEach((h, k) => {
          out += nbest !== undefined ? `${lineNo - 1} ||| ${h.text} ||| ${r7(h.score)}\n` : h.text + "\n";
          if (attnOut) {
            attn += JSON.stringify({
              line: lineNo, rank: k + 1, src: r.srcTokens, tgt: h.steps,
              attention: h.attention ? h.attention.map((row) => row.map(r7)) : null,
            }) + "\n";
          }
        });
      });
      await writeOut(out);
      if (attnOut) await attnOut.write(attn);
      progress.add(lines.length);
    }
  } finally {
    await attnOut?.close();
  }
  const note = unknown.summary();
  if (note && !v.quiet) process.stderr.write(`translate: ${note}\n`);
  progress.done();
}

/** Counts source words the model does not know, for one note at the end of a run. */
class UnknownWords {
  private lines = 0;
  private linesWithUnknown = 0;
  private words = 0;
  private readonly unit: string;

  constructor(tr: Translator) {
    this.unit = tr.pipeline.spec.type === "characters" ? "character" : "word";
  }

  /** One input line with `n` unknown words. */
  add(n: number): void {
    this.lines++;
    if (n > 0) {
      this.linesWithUnknown++;
      this.words += n;
    }
  }

  /** The note, or null when every word was known. */
  summary(): string | null {
    if (this.words === 0) return null;
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
    return `${this.linesWithUnknown} of ${plural(this.lines, "line")} had ${this.unit}s not in the model's vocabulary ` +
      `(${plural(this.words, this.unit)} read as <unk>; such translations are unreliable)`;
  }
}
