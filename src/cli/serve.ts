// s2s serve: translation over HTTP (docs/serve.md). Loads the models on one
// engine, starts the server, prints the address it listens on, and drains on
// SIGTERM / SIGINT (a second signal exits at once).

import { statSync } from "node:fs";
import { basename } from "node:path";
import { S2SError } from "../errors.js";
import { loadEngine } from "../engine/load-node.js";
import { DEFAULT_SEARCH } from "../decode/search.js";
import { loadModelFromFile } from "../model/load-file.js";
import { MAX_BEAM, TranslationService, type ServedModel } from "../serve/service.js";
import { startServer } from "../serve/server.js";
import type { CommandSpec, Values } from "./args.js";
import { engineOptions, THREADS_OPT, WASM_OPT } from "./common.js";

export const serveSpec: CommandSpec = {
  name: "serve",
  summary: "Translate over HTTP: a JSON API with dynamic batching.",
  usage: "s2s serve --model M.safetensors [--model NAME=M2.safetensors ...] [--host 127.0.0.1] [--port 8080] [--threads N]\n" +
    "       [--max-batch N] [--max-wait-ms N] [--max-body BYTES] [--max-texts N] [--max-tokens N] [--timeout-ms N]",
  description:
    'POST /translate {"text": "..."} or {"texts": ["...", ...]}, optional "beam" (default 5, at most ' + MAX_BEAM + '), "nbest",\n' +
    '"attention" (alignments), "model" (a NAME; default: the first model) → {"model","translation","score"} or\n' +
    '{"model","translations":[...]}. GET /health, GET /models (config, languages, size, int8). Errors are JSON\n' +
    '{"error": "..."} with status 400 (bad JSON or fields), 404 (path or model), 405, 408 (slow client), 413 (body, texts\n' +
    "or pieces over the limits), 415 (not application/json). Sentences of requests that arrive together are decoded in\n" +
    "one batch (--max-batch, --max-wait-ms); answers do not depend on the batching. A model without NAME= is named by its\n" +
    "file name without .safetensors. Prints \"s2s serve: listening on http://HOST:PORT\" once ready (--port 0: any free\n" +
    "port). SIGTERM or Ctrl-C finishes the requests in flight and exits 0; a second one exits at once. See docs/serve.md.",
  options: [
    { name: "model", type: "string", arg: "[NAME=]FILE", required: true, repeat: true, help: "model file (.safetensors with vocabularies); repeat for several models" },
    { name: "host", type: "string", default: "127.0.0.1", help: "address to listen on (0.0.0.0: every interface)" },
    { name: "port", type: "int", min: 0, max: 65535, default: 8080, help: "port (0: any free port, printed on startup)" },
    { name: "max-batch", type: "int", min: 1, max: 1024, default: 32, help: "sentences decoded together at most (1: one request at a time)" },
    { name: "max-wait-ms", type: "number", min: 0, max: 10000, default: 5, help: "how long a sentence may wait for others to share its batch" },
    { name: "max-body", type: "int", min: 1, default: 1 << 20, help: "largest request body in bytes (413 beyond)" },
    { name: "max-texts", type: "int", min: 1, default: 64, help: "texts per request at most (413 beyond)" },
    { name: "max-tokens", type: "int", min: 1, default: 4096, help: "source BPE pieces per request at most; with attention, pieces × nbest (413 beyond)" },
    { name: "timeout-ms", type: "int", min: 100, default: 30000, help: "time a client has to send its headers and body (408 beyond)" },
    { name: "max-len-a", type: "number", min: 0, default: DEFAULT_SEARCH.maxLenA, help: "maximum output length is ⌊a·S + b⌋, S = source pieces with EOS (as s2s translate)" },
    { name: "max-len-b", type: "number", min: 0, default: DEFAULT_SEARCH.maxLenB, help: "see --max-len-a" },
    { name: "pack", type: "boolean", help: "pack decoder weights for few-row products (faster for one sentence at a time; scores may then differ in the last digits with the batching)" },
    WASM_OPT,
    THREADS_OPT,
  ],
};

function parseModelArg(arg: string): { name: string; path: string } {
  const eq = arg.indexOf("=");
  // NAME=FILE, unless the whole thing is an existing file with "=" in its name
  if (eq > 0 && !arg.slice(0, eq).includes("/")) return { name: arg.slice(0, eq), path: arg.slice(eq + 1) };
  return { name: basename(arg).replace(/\.safetensors$/, ""), path: arg };
}

export async function runServe(v: Values): Promise<void> {
  const specs = (v.model as string[]).map(parseModelArg);
  const engine = await loadEngine(engineOptions(v));
  const models: ServedModel[] = specs.map(({ name, path }) => {
    const model = loadModelFromFile(engine, path);
    if (v.pack) model.packForDecoding();
    return { name, model, fileBytes: statSync(path).size };
  });
  const log = (line: string) => process.stderr.write(`s2s serve: ${line}\n`);
  const service = new TranslationService(models, { maxTexts: v["max-texts"] as number, maxTokens: v["max-tokens"] as number },
    { maxBatch: v["max-batch"] as number, maxWaitMs: v["max-wait-ms"] as number },
    { maxLenA: v["max-len-a"] as number, maxLenB: v["max-len-b"] as number });
  const running = await startServer(service, {
    host: v.host as string, port: v.port as number, timeoutMs: v["timeout-ms"] as number, maxBody: v["max-body"] as number, log,
  });
  process.stdout.write(`s2s serve: listening on ${running.url} (models: ${models.map((m) => m.name).join(", ")})\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: exiting without waiting for ${running.inFlight} request(s)`);
        process.exit(signal === "SIGINT" ? 130 : 143);
      }
      stopping = true;
      log(`${signal}: finishing ${running.inFlight} request(s) in flight, then exiting`);
      void running.drain().then(resolve);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  engine.close();
  if (service.pendingSentences !== 0) throw new S2SError(`serve: ${service.pendingSentences} sentences left undecoded`);
}
