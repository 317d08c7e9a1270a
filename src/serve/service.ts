// What `s2s serve` serves, without HTTP: the loaded models, the checking of
// a translate request (types, limits), and translation through the dynamic
// batcher and the text pipeline's Translator. Errors are ApiErrors carrying
// the HTTP status the transport should answer with.

import { S2SError } from "../errors.js";
import { DEFAULT_SEARCH } from "../decode/search.js";
import type { Model } from "../model/model.js";
import { Translator, type LineTranslation } from "../pipeline/translator.js";
import { Batcher, type BatcherOptions } from "./batcher.js";

/** A refused or failed request: the status and a one-line message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

/** Largest beam a request may ask for (wider beams cost memory and time in proportion). */
export const MAX_BEAM = 32;

export interface ServiceLimits {
  /** texts per request (more: 413) */
  maxTexts: number;
  /** source BPE pieces per request, summed over its texts; with attention, pieces × nbest (more: 413) */
  maxTokens: number;
}

/** Search settings of the server (not per request): the maximum output length ⌊a·S + b⌋. */
export interface ServeSearch {
  maxLenA?: number;
  maxLenB?: number;
}

export interface ServedModel {
  name: string;
  model: Model;
  /** file size in bytes */
  fileBytes: number;
}

interface Key {
  model: string;
  beam: number;
  nbest: number;
  attention: boolean;
}

export interface TranslateRequest {
  key: Key;
  texts: string[];
  /** the request gave `text` (one answer object) rather than `texts` (a list) */
  single: boolean;
  /** nbest was given: answers list their hypotheses */
  withNbest: boolean;
}

/** Scores rounded to 7 significant digits, as `s2s translate --nbest` prints them. */
const r7 = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(7)) : x);

const KNOWN_FIELDS = new Set(["text", "texts", "beam", "nbest", "attention", "model"]);

export class TranslationService {
  private readonly translators = new Map<string, Translator>();
  private readonly batcher: Batcher<Key, string, LineTranslation>;
  readonly defaultModel: string;

  constructor(readonly models: readonly ServedModel[], readonly limits: ServiceLimits, batching: BatcherOptions, search: ServeSearch = {}) {
    if (models.length === 0) throw new S2SError("serve: no model");
    for (const m of models) {
      if (this.translators.has(m.name)) throw new S2SError(`serve: two models named ${JSON.stringify(m.name)} (name them: --model NAME=FILE)`);
      this.translators.set(m.name, new Translator(m.model, undefined, m.name));
    }
    this.defaultModel = models[0].name;
    this.batcher = new Batcher<Key, string, LineTranslation>(batching, (key, texts) =>
      this.translators.get(key.model)!.translate(texts, { ...search, beam: key.beam, nbest: key.nbest, attention: key.attention }));
  }

  get batchStats() {
    return this.batcher.stats;
  }

  /** Sentences waiting for a batch. */
  get pendingSentences(): number {
    return this.batcher.pending;
  }

  /** GET /models: one entry per model. */
  describeModels(): Record<string, unknown>[] {
    return this.models.map((m) => {
      const spec = this.translators.get(m.name)!.pipeline.spec;
      return {
        name: m.name, default: m.name === this.defaultModel,
        languages: { src: spec.src.lang, tgt: spec.tgt.lang },
        int8: m.model.quantized, fileBytes: m.fileBytes, params: m.model.paramCount,
        attention: m.model.config.attention !== "none", config: m.model.config,
      };
    });
  }

  /** Checks a parsed JSON body; throws ApiError (400, 404, 413). */
  parse(body: unknown): TranslateRequest {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "the body must be a JSON object");
    const o = body as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!KNOWN_FIELDS.has(k)) throw new ApiError(400, `unknown field ${JSON.stringify(k)} (fields: ${[...KNOWN_FIELDS].join(", ")})`);
    const name = o.model ?? this.defaultModel;
    if (typeof name !== "string") throw new ApiError(400, '"model" must be a string');
    const tr = this.translators.get(name);
    if (!tr) throw new ApiError(404, `unknown model ${JSON.stringify(name)} (models: ${[...this.translators.keys()].join(", ")})`);
    if ((o.text === undefined) === (o.texts === undefined)) throw new ApiError(400, 'give either "text" (a string) or "texts" (an array of strings)');
    let texts: string[];
    if (o.text !== undefined) {
      if (typeof o.text !== "string") throw new ApiError(400, '"text" must be a string');
      texts = [o.text];
    } else {
      if (!Array.isArray(o.texts) || o.texts.some((t) => typeof t !== "string")) throw new ApiError(400, '"texts" must be an array of strings');
      texts = o.texts as string[];
      if (texts.length > this.limits.maxTexts) throw new ApiError(413, `${texts.length} texts in one request, more than the limit of ${this.limits.maxTexts}`);
    }
    const int = (k: string, dflt: number, max: number): number => {
      const v = o[k] ?? dflt;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) throw new ApiError(400, `"${k}" must be an integer from 1 to ${max}`);
      return v;
    };
    const beam = int("beam", DEFAULT_SEARCH.beam, MAX_BEAM);
    const nbest = int("nbest", 1, beam);
    const attention = o.attention ?? false;
    if (typeof attention !== "boolean") throw new ApiError(400, '"attention" must be true or false');
    if (attention && !tr.hasAttention) throw new ApiError(400, `model ${JSON.stringify(name)} has no attention, so it has no alignments`);
    let pieces = 0;
    for (const t of texts) pieces += tr.pipeline.encodeSource(t).pieces.length;
    const cost = attention ? pieces * nbest : pieces;
    if (cost > this.limits.maxTokens) {
      throw new ApiError(413, `the request has ${pieces} source pieces${attention ? ` × nbest ${nbest} with attention` : ""}, more than the limit of ${this.limits.maxTokens} (--max-tokens)`);
    }
    return { key: { model: name, beam, nbest, attention }, texts, single: o.text !== undefined, withNbest: o.nbest !== undefined };
  }

  /** Translates a checked request through the batcher; the JSON answer. */
  async translate(req: TranslateRequest): Promise<Record<string, unknown>> {
    let results: LineTranslation[];
    try {
      results = await this.batcher.submit(req.key, req.texts);
    } catch (e) {
      if (e instanceof S2SError) throw new ApiError(400, e.message);
      throw new ApiError(500, `translation failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
    const answers = results.map((r) => {
      const hyp = (h: LineTranslation["hyps"][number]) => {
        const a: Record<string, unknown> = { translation: h.text, score: r7(h.score) };
        if (req.key.attention) {
          a.tgt = h.steps;
          a.attention = h.attention ? h.attention.map((row) => row.map(r7)) : null;
        }
        return a;
      };
      const best: Record<string, unknown> = hyp(r.hyps[0]);
      if (req.key.attention) best.src = r.srcTokens;
      if (req.withNbest) best.nbest = r.hyps.map(hyp);
      return best;
    });
    return req.single ? { model: req.key.model, ...answers[0] } : { model: req.key.model, translations: answers };
  }
}
