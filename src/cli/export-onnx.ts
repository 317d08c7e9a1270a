import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { S2SError } from "../errors.js";
import { loadEngine } from "../engine/load-node.js";
import { exportOnnx, ONNX_FILES } from "../export/onnx/export.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseSafetensors } from "../io/safetensors.js";
import { Model } from "../model/model.js";
import type { CommandSpec, Values } from "./args.js";
import { WASM_OPT } from "./common.js";
import { describeErrno, readFileChecked } from "./io.js";

export const exportOnnxSpec: CommandSpec = {
  name: "export-onnx",
  summary: "Export a model as ONNX graphs (encoder, one decoder step) with a manifest, for any ONNX runtime.",
  usage: "s2s export-onnx MODEL OUTDIR",
  description:
    "Writes OUTDIR/encoder.onnx, OUTDIR/decoder_step.onnx and OUTDIR/manifest.json (OUTDIR is created if\n" +
    "needed; existing files of those names are replaced atomically). Opset 17, float32, the weights inside\n" +
    "the graphs. The manifest names every input and output with its shape and says how to run the decoding\n" +
    "loop; docs/onnx.md describes the graphs. Only float32 models can be exported.",
  positionals: [
    { name: "MODEL", required: true, help: "model file (.safetensors, docs/model.md format)" },
    { name: "OUTDIR", required: true, help: "directory for the three files" },
  ],
  options: [WASM_OPT],
};

/** Creates dir (and its parents) unless it is already a directory; one-line errors. */
async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new S2SError(`cannot create directory ${dir}: ${code === "EEXIST" ? "a file of that name exists" : describeErrno(e)}`);
  }
  if (!(await stat(dir)).isDirectory()) throw new S2SError(`cannot create directory ${dir}: a file of that name exists`);
}

export async function runExportOnnx(v: Values, pos: string[]): Promise<void> {
  const [modelPath, outDir] = pos;
  const bytes = await readFileChecked(modelPath, "model");
  // a clear refusal for quantised or half-precision files before the full load
  const st = parseSafetensors(bytes, modelPath);
  const other = [...new Set([...st.tensors.values()].map((t) => t.dtype).filter((d) => d !== "F32"))];
  if (other.length > 0) throw new S2SError(`${modelPath}: only float32 models can be exported to ONNX (this file has ${other.join(", ")} tensors)`);
  const wasm = v.wasm as string | undefined;
  const engine = await loadEngine({ variant: wasm === "simd" || wasm === "relaxed" ? wasm : undefined });
  const model = Model.fromBytes(engine, bytes, modelPath);
  const out = exportOnnx(model);
  await ensureDir(outDir);
  // the manifest last: when it is there, the graphs it names are complete
  const files: [string, Uint8Array][] = [
    [ONNX_FILES.encoder, out.encoder],
    [ONNX_FILES.decoderStep, out.decoderStep],
    [ONNX_FILES.manifest, new TextEncoder().encode(JSON.stringify(out.manifest, null, 2) + "\n")],
  ];
  for (const [name, data] of files) {
    const path = join(outDir, name);
    await writeFileAtomic(path, data);
    process.stdout.write(`${path}\t${data.length} bytes\n`);
  }
}
