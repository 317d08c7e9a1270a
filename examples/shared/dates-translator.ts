// The HTTP API both edge examples serve, on top of seq2seq-wasm: a date
// written in any of the `dates` task's formats → ISO YYYY-MM-DD.
//
//   GET  /                              what this is and how to call it
//   POST /translate  {"text": "3 May 1999", "beam": 5, "attention": true}
//   GET  /translate?text=3%20May%201999
//   → 200 {"text", "translation": "1999-05-03", "tokens": [...], "score", "attention"?: [[...]] per output token}
//
// Errors are JSON {"error": "..."} with 400 (bad JSON, missing or empty
// text, bad beam), 404, 405, 413 (body over 2 KiB or text over 64
// characters), 415 (not JSON) and 500.
//
// This file imports only types from seq2seq-wasm: each example's entry passes
// the library in (`lib`), so the package resolves from that example's own
// node_modules wherever this shared folder sits. The text goes through the
// model file's own pipeline (Translator, the same as s2s translate): the
// `dates` model's tokenizer metadata says characters, a space being "▁".
import type { Engine, Model, loadEngineFromModule } from "seq2seq-wasm";
import type { Translator } from "seq2seq-wasm/text";

/** The parts of seq2seq-wasm the translator uses. */
export interface Library {
  loadEngineFromModule: typeof loadEngineFromModule;
  Model: typeof Model;
  Translator: typeof Translator;
}

export const MAX_BODY_BYTES = 2048;
export const MAX_CHARS = 64;
export const MAX_BEAM = 8;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function base64Bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** A loaded text model (vocabularies and tokenizer metadata), translating with its own pipeline. */
export class DatesTranslator {
  private constructor(readonly engine: Engine, readonly model: Model, private readonly translator: Translator) {}

  /**
   * kernels: the SIMD128 build imported as a WebAssembly.Module; model: the
   * safetensors bytes, or base64 text of them; lib: seq2seq-wasm's functions.
   */
  static async create(lib: Library, kernels: WebAssembly.Module, model: Uint8Array | ArrayBuffer | string): Promise<DatesTranslator> {
    const engine = await lib.loadEngineFromModule(kernels, "simd", { maxMemoryMiB: 64 });
    const bytes = typeof model === "string" ? base64Bytes(model) : new Uint8Array(model);
    const m = lib.Model.fromBytes(engine, bytes, "dates model");
    return new DatesTranslator(engine, m, new lib.Translator(m, undefined, "dates model"));
  }

  translate(text: string, beam = 1, withAttention = false) {
    const [r] = this.translator.translate([text], { beam, maxLenA: 1, maxLenB: 12, attention: withAttention });
    const best = r.hyps[0];
    return {
      text,
      translation: best.text,
      tokens: best.pieces,
      score: round4(best.score),
      ...(withAttention ? { source: r.srcTokens, attention: best.attention?.map((row) => row.map(round4)) ?? null } : {}),
    };
  }
}

async function readBody(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, `request body is over ${MAX_BODY_BYTES} bytes`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw new HttpError(413, `request body is over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

interface Query {
  text: string;
  beam: number;
  attention: boolean;
}

function checkQuery(v: Record<string, unknown>): Query {
  const { text, beam = 1, attention = false } = v;
  if (typeof text !== "string") throw new HttpError(400, 'missing "text": send {"text": "3 May 1999"}');
  if (text.trim() === "") throw new HttpError(400, '"text" is empty');
  if ([...text].length > MAX_CHARS) throw new HttpError(413, `"text" is longer than ${MAX_CHARS} characters`);
  if (typeof beam !== "number" || !Number.isInteger(beam) || beam < 1 || beam > MAX_BEAM) {
    throw new HttpError(400, `"beam" must be an integer from 1 to ${MAX_BEAM}`);
  }
  if (typeof attention !== "boolean") throw new HttpError(400, '"attention" must be true or false');
  return { text, beam, attention };
}

async function parseRequest(req: Request, url: URL): Promise<Query> {
  if (req.method === "GET") {
    const p = url.searchParams;
    const beam = p.get("beam");
    return checkQuery({ text: p.get("text") ?? undefined, beam: beam === null ? 1 : Number(beam), attention: p.get("attention") === "true" });
  }
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, "send the request as application/json");
  const body = await readBody(req);
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new HttpError(400, "the request body is not valid JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new HttpError(400, 'the request body must be a JSON object like {"text": "3 May 1999"}');
  return checkQuery(v as Record<string, unknown>);
}

/**
 * The fetch handler. `load` is called once, on the first request that needs
 * the model (a failed load is retried on the next request).
 */
export function createHandler(load: () => Promise<DatesTranslator>): (req: Request) => Promise<Response> {
  let loading: Promise<DatesTranslator> | null = null;
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    try {
      const path = url.pathname.replace(/^\/api(?=\/)/, "");
      if (path === "/" || path === "") {
        if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "use GET");
        return json(200, {
          name: "seq2seq-wasm dates translator",
          usage: 'POST /translate {"text": "3 May 1999"} or GET /translate?text=3%20May%201999',
          options: { beam: `1..${MAX_BEAM} (default 1)`, attention: "true to get the attention weights" },
        });
      }
      if (path !== "/translate") throw new HttpError(404, `no route ${url.pathname}: use /translate`);
      if (req.method !== "GET" && req.method !== "POST") {
        return json(405, { error: `method ${req.method} is not allowed: use GET or POST` }, { allow: "GET, POST" });
      }
      const q = await parseRequest(req, url);
      loading ??= load().catch((e: unknown) => {
        loading = null;
        throw e;
      });
      const translator = await loading;
      return json(200, translator.translate(q.text, q.beam, q.attention));
    } catch (e) {
      if (e instanceof HttpError) return json(e.status, { error: e.message });
      return json(500, { error: `internal error: ${(e as Error).message}` });
    }
  };
}
