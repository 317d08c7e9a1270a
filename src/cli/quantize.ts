import { resolve } from "node:path";
import { stat } from "node:fs/promises";
import { S2SError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { quantizeModel } from "../model/quant.js";
import { UsageError, type CommandSpec, type Values } from "./args.js";
import { WASM_OPT, loadModelFile } from "./common.js";

export const quantizeSpec: CommandSpec = {
  name: "quantize",
  summary: "Write an int8 copy of a model (row-wise weights, ~4x smaller, for translation only).",
  usage: "s2s quantize IN.safetensors OUT.safetensors",
  description:
    "Stores every weight matrix and both embedding tables as int8 with one f32 scale per row (s = max|row|/127,\n" +
    "q = round(w/s)); biases stay f32 (docs/model.md \"int8 models\"). The result translates, scores and evaluates like\n" +
    "the original with int8 kernels, but cannot be trained: keep IN. OUT must differ from IN; it is written atomically.",
  options: [WASM_OPT],
  positionals: [
    { name: "IN", required: true, help: "f32 model file" },
    { name: "OUT", required: true, help: "int8 model file to write" },
  ],
};

/** Files above this get a progress line first (quantising takes about a second per 100 MiB). */
const SLOW_BYTES = 64 * 2 ** 20;

const mib = (n: number) => (n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

export async function runQuantize(v: Values, positionals: string[]): Promise<void> {
  const [input, output] = positionals;
  if (input === undefined || output === undefined) throw new UsageError("quantize: give IN and OUT model files");
  if (resolve(input) === resolve(output)) throw new UsageError(`quantize: OUT is IN (${input}); write the int8 model to another file and keep the f32 one`);
  const started = Date.now();
  const inSize = await stat(input).then((s) => s.size, () => -1); // a missing file: loadModelFile says so
  if (inSize > SLOW_BYTES) process.stderr.write(`quantize: reading and quantising ${input} (${mib(inSize)}) ...\n`);
  const model = await loadModelFile(input, v);
  if (model.quantized) throw new S2SError(`${input}: already int8-quantised`);
  const bytes = quantizeModel(model);
  await writeFileAtomic(output, bytes);
  const secs = (Date.now() - started) / 1000;
  process.stdout.write(`${input} (f32, ${mib(inSize)}) → ${output} (int8, ${mib(bytes.length)}): ${(inSize / bytes.length).toFixed(2)}× smaller, ${secs.toFixed(1)} s\n`);
}
