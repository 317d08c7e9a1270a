// The README's TypeScript snippets run as written, against the packed
// package: each ```ts block of README.md is compiled (esbuild, the package
// left external so Node resolves it through its "exports") and run with
// Node in a directory holding the files the snippets open, two small
// random models made here. A `.wasm` import becomes a WebAssembly.Module,
// as wrangler makes it for a Cloudflare Worker.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { ROOT, installPacked } from "./helpers.js";
import { loadEngine } from "../../src/engine/load-node.js";
import { Model } from "../../src/model/model.js";
import { parseConfig } from "../../src/model/config.js";
import { initialize } from "../../src/train/init.js";

/** The ```ts blocks of a markdown text, with the line each starts on. */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) blocks.push({ line: markdown.slice(0, m.index).split("\n").length, code: m[1]! });
  return blocks;
}

const README = readFileSync(join(ROOT, "README.md"), "utf8");
let tmp = "";
let app = "";

/** A random model with `words` as both vocabularies (after the four specials). */
async function writeModel(path: string, words: string[], tokenizer?: object): Promise<void> {
  const engine = await loadEngine();
  const vocab = ["<pad>", "<unk>", "<s>", "</s>", ...words];
  const config = parseConfig({ src_vocab_size: vocab.length, tgt_vocab_size: vocab.length, emb_dim: 8, enc_hidden: 8, bidirectional: true, dec_hidden: 16, attn_dim: 8 });
  const metadata: Record<string, string> = { src_vocab: JSON.stringify(vocab), tgt_vocab: JSON.stringify(vocab) };
  if (tokenizer) metadata.tokenizer = JSON.stringify(tokenizer);
  const model = Model.create(engine, config, metadata);
  initialize(model, { kind: "uniform", range: 0.1 }, 1);
  writeFileSync(path, model.toBytes());
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "s2s-readme-"));
  installPacked(tmp);
  app = join(tmp, "app");
  mkdirSync(app);
  // the files the snippets read: an id model (ids up to 9 are used) and a de→en text model
  await writeModel(join(app, "model.safetensors"), ["a", "b", "c", "d", "e", "f", "g", "h"]);
  await writeModel(join(app, "de-en.safetensors"),
    ["ein", "mann", "mit", "einem", "roten", "hut", "sitzt", "auf", "einer", "bank", ".", "a", "man", "sits"],
    { type: "moses", version: 1, src: { lang: "de", lowercase: true }, tgt: { lang: "en", lowercase: true }, bpe: null });
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** `.wasm` imports as WebAssembly.Module default exports (what wrangler does). */
function wasmModules(from: string): Plugin {
  const req = createRequire(join(from, "snippet.mjs"));
  return {
    name: "wasm-module",
    setup(b) {
      b.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: req.resolve(args.path), namespace: "wasm-module" }));
      b.onLoad({ filter: /.*/, namespace: "wasm-module" }, (args) => ({
        contents: `import { readFileSync } from "node:fs"; export default new WebAssembly.Module(readFileSync(${JSON.stringify(args.path)}));`,
        loader: "js",
      }));
    },
  };
}

test("README.md has TypeScript snippets, including a text translation", () => {
  const blocks = tsBlocks(README);
  assert.ok(blocks.length >= 3, `found ${blocks.length} ts blocks`);
  assert.ok(blocks.some((b) => b.code.includes("new Translator(")), "the Library section shows Translator");
});

for (const [i, block] of tsBlocks(README).entries()) {
  test(`README.md snippet ${i + 1} (line ${block.line}) runs`, async () => {
    const src = join(app, `snippet${i + 1}.ts`), out = join(app, `snippet${i + 1}.mjs`);
    writeFileSync(src, block.code);
    await build({
      entryPoints: [src], outfile: out, bundle: true, format: "esm", platform: "node", target: "node20",
      packages: "external", plugins: [wasmModules(app)], logLevel: "silent",
    });
    const r = spawnSync(process.execPath, [out], { cwd: app, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `snippet at README.md line ${block.line} failed:\n${r.stderr}`);
  });
}
