// The part of docs/results.json the article draws (no DOM; the Vite config
// runs it at build time so the page ships these few numbers, not the whole
// 300 KB report): per language pair, each model's headline scores on the
// test set and its BLEU by source length over the test set and its joined
// versions.

export interface ResultsModel {
  label: string;
  attention: string;
  description: string;
  bleuGreedy: number | null;
  bleuBeam5: number | null;
  chrfBeam5: number | null;
  ppl: number | null;
  /** BLEU (beam 5) by source-length bucket: [bucket], null where the bucket is empty */
  byLength: (number | null)[];
}

export interface ResultsPair {
  pair: string;
  src: string;
  tgt: string;
  testSentences: number;
  /** bucket labels, e.g. "1-10", in source words */
  buckets: string[];
  /** sentences per bucket (the same for every model) */
  bucketSentences: number[];
  models: ResultsModel[];
}

export interface ResultsSummary {
  generated: string;
  pairs: ResultsPair[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown, what: string): Json => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`results.json: ${what} is not an object`);
  return v as Json;
};
const arr = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`results.json: ${what} is not an array`);
  return v;
};
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The summary of a parsed docs/results.json; throws a one-line error on a file of another shape. */
export function summarizeResults(json: unknown): ResultsSummary {
  const root = obj(json, "the file");
  if (root.format !== "s2s-experiments-summary") throw new Error(`results.json: format is ${JSON.stringify(root.format)}, not s2s-experiments-summary`);
  const pairs = arr(root.pairs, "pairs").map((p, pi): ResultsPair => {
    const pair = obj(p, `pairs[${pi}]`);
    let buckets: string[] = [], bucketSentences: number[] = [], testSentences = 0;
    const models = arr(pair.models, "models").flatMap((m, mi): ResultsModel[] => {
      const model = obj(m, `models[${mi}]`);
      if (!model.eval) return []; // not evaluated yet
      const info = obj(obj(model.train, "train").model, "train.model");
      const ev = obj(model.eval, "eval");
      const test = arr(ev.sets, "eval.sets").map((s) => obj(s, "set")).find((s) => s.set === "test");
      const decode = test ? obj(test.decode, "decode") : {};
      const at = (beam: string) => (decode[beam] ? obj(decode[beam], `decode ${beam}`) : null);
      const g = at("1"), b5 = at("5");
      const rows = ev.byLength ? arr(obj(obj(ev.byLength, "byLength")["5"] ?? {}, "byLength 5").rows ?? [], "rows").map((r) => obj(r, "row")) : [];
      if (rows.length > buckets.length) {
        buckets = rows.map((r) => String(r.label));
        bucketSentences = rows.map((r) => num(r.sentences) ?? 0);
      }
      testSentences = num(test?.sentences) ?? testSentences;
      return [{
        label: String(info.label), attention: String(info.attention), description: String(info.description ?? ""),
        bleuGreedy: num(g && obj(g.bleu, "bleu").score), bleuBeam5: num(b5 && obj(b5.bleu, "bleu").score),
        chrfBeam5: num(b5?.chrf), ppl: num(test?.ppl),
        byLength: rows.map((r) => (num(r.sentences) ? num(r.bleu) : null)),
      }];
    });
    return { pair: String(pair.pair), src: String(pair.src), tgt: String(pair.tgt), testSentences, buckets, bucketSentences, models };
  });
  return { generated: String(root.generated ?? ""), pairs };
}
