// The wmt-deen report's section on real long sentences: BLEU and perplexity
// by source length over the test set alone (its own sentences, no joined
// pairs), and what training on pairs of at most 30 words costs against at
// most 50 (RNNsearch-30/-50, RNNencdec-30/-50: Bahdanau et al. 2014's
// Figure 2). Every number is read from the models' eval.json.

import type { EvalFile, LengthRow, PplRow } from "./files.js";
import { linePlotSvg, type Series } from "./plots.js";
import { modelSpec } from "./plan.js";
import { f2, fmtRange, int, signed } from "./format.js";

/** One evaluated model of the section; trainPairs: the pairs it trained on (train.json). */
export interface RealModel {
  name: string;
  eval: EvalFile;
  trainPairs?: number;
}

/** Buckets with fewer segments are not drawn or compared. */
const MIN_SEGMENTS = 5;
/** The length limit of the short-trained models (their maxWords), the boundary of the comparison. */
const LIMIT = 30;

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const label = (name: string) => modelSpec(name).label;

/** BLEU by length of the test set alone, at one beam (null for runs without per-set tables). */
export function realRows(e: EvalFile, beam: number): LengthRow[] | null {
  return e.byLengthPerSet?.test?.[String(beam)]?.rows ?? null;
}

/** Teacher-forced perplexity by length of the test set alone. */
export function realPplRows(e: EvalFile): PplRow[] | null {
  return e.pplByLength?.test?.rows ?? null;
}

export interface BucketDiff {
  row: LengthRow;
  a: number;
  b: number;
  /** a − b, BLEU points */
  d: number;
  bpA: number | null;
  bpB: number | null;
}

/** a minus b on the buckets of the test set where both have a score and at least MIN_SEGMENTS segments. */
function diffsOf(a: EvalFile, b: EvalFile, beam: number): BucketDiff[] {
  return rowDiffs(realRows(a, beam) ?? [], realRows(b, beam) ?? []);
}

/** a minus b, bucket by bucket, where both rows have a score and the bucket at least MIN_SEGMENTS segments. */
export function rowDiffs(ra: readonly LengthRow[], rb: readonly LengthRow[]): BucketDiff[] {
  const out: BucketDiff[] = [];
  ra.forEach((r, i) => {
    const y = rb[i];
    if (r.bleu === null || !y || y.bleu === null || r.sentences < MIN_SEGMENTS) return;
    out.push({ row: r, a: r.bleu, b: y.bleu, d: r.bleu - y.bleu, bpA: r.bp, bpB: y.bp });
  });
  return out;
}

const list = (v: BucketDiff[]) => v.map((x) => `${x.row.label} ${signed(x.d)}`).join(", ");
const isShort = (r: { max: number | null }) => r.max !== null && r.max <= LIMIT;
const isLong = (r: { min: number }) => r.min > LIMIT;

/**
 * The generated paragraph on the training length limit: for each
 * architecture with both a -30 and a -50 model, the -50 model's lead bucket
 * by bucket up to 30 words and beyond, where the lead is, the brevity
 * penalty of both beyond 30 words and their teacher-forced perplexity there
 * (is the loss in modelling the long sentences or in stopping early?); then
 * Bahdanau et al.'s comparison, RNNsearch-30 against RNNencdec-50 beyond 30.
 */
export function trainLimitParagraph(models: RealModel[], beam: number): string {
  const get = (n: string) => models.find((x) => x.name === n);
  const s: string[] = [];
  for (const arch of ["rnnsearch", "rnnencdec"]) {
    const lo = get(`${arch}-30`), hi = get(`${arch}-50`);
    if (!lo || !hi) continue;
    const A = label(lo.name), B = label(hi.name);
    const d = diffsOf(hi.eval, lo.eval, beam);
    const short = d.filter((x) => isShort(x.row)), long = d.filter((x) => isLong(x.row));
    const pairs = lo.trainPairs !== undefined && hi.trainPairs !== undefined ? ` (${int(hi.trainPairs)} training pairs against ${int(lo.trainPairs)})` : "";
    s.push(`${B} minus ${A}${pairs}, by source length: up to ${LIMIT} words ${short.length ? list(short) : "no bucket"}; beyond ${LIMIT} words ${long.length ? list(long) : "no bucket"}.`);
    if (short.length && long.length) {
      const ms = mean(short.map((x) => x.d)), ml = mean(long.map((x) => x.d));
      if (ml > ms + 1) {
        s.push(`The limit costs mostly where ${A} saw no training pair: ${signed(ml)} BLEU a bucket on average beyond ${LIMIT} words against ${signed(ms)} up to ${LIMIT}.`);
      } else if (ml < ms - 1) {
        s.push(`The limit costs less beyond ${LIMIT} words than within them (${signed(ml)} against ${signed(ms)} BLEU a bucket on average).`);
      } else {
        s.push(`The limit costs about as much up to ${LIMIT} words as beyond (${signed(ms)} and ${signed(ml)} BLEU a bucket on average): what the longer pairs add is more training data as much as longer inputs.`);
      }
    }
    const bpLo = long.map((x) => x.bpB).filter((x): x is number => x !== null);
    const bpHi = long.map((x) => x.bpA).filter((x): x is number => x !== null);
    let stopsEarly = false;
    if (bpLo.length && bpHi.length) {
      stopsEarly = Math.min(...bpLo) < 0.9 && mean(bpLo) < mean(bpHi) - 0.03;
      s.push(`Beyond ${LIMIT} words the brevity penalty is ${fmtRange(bpLo)} for ${A} and ${fmtRange(bpHi)} for ${B}` +
        (stopsEarly ? `: ${A}'s outputs are the shorter, it stops early on sources longer than any it was trained on.` : "."));
    }
    const pl = realPplRows(lo.eval), ph = realPplRows(hi.eval);
    if (pl && ph) {
      const both = pl.map((r, i) => ({ r, a: r.ppl, b: ph[i]?.ppl ?? null })).filter((x): x is { r: PplRow; a: number; b: number } => isLong(x.r) && x.a !== null && x.b !== null && x.r.sentences >= MIN_SEGMENTS);
      if (both.length) {
        const ratio = mean(both.map((x) => x.a / x.b));
        const text = `Fed the reference word by word (teacher forcing), their perplexity beyond ${LIMIT} words is ${both.map((x) => `${x.r.label} ${x.a.toFixed(1)} against ${x.b.toFixed(1)}`).join(", ")} (${A} against ${B})`;
        if (ratio > 1.2) s.push(`${text}: ${A} also models the long references worse, so its loss there is not only where it stops.`);
        else if (stopsEarly) s.push(`${text}, within ${Math.round(100 * Math.abs(ratio - 1))}% on average: it models the long references about as well, so what it loses beyond ${LIMIT} words is mostly in decoding, where it ends the output too soon.`);
        else s.push(`${text}, within ${Math.round(100 * Math.abs(ratio - 1))}% on average.`);
      }
    }
  }
  const s30 = get("rnnsearch-30"), e50 = get("rnnencdec-50");
  if (s30 && e50) {
    const d = diffsOf(s30.eval, e50.eval, beam).filter((x) => isLong(x.row));
    if (d.length) {
      const ahead = d.filter((x) => x.d > 0).length;
      s.push(`Bahdanau et al. found RNNsearch-30 better than RNNencdec-50 even on sentences longer than 30 words. Here, beyond ${LIMIT} words, RNNsearch-30 minus RNNencdec-50 is ${list(d)}: ` +
        (ahead === d.length ? "ahead in every bucket, as in the paper." : ahead === 0 ? "behind in every bucket, unlike the paper." : `ahead in ${ahead} of ${d.length} buckets.`));
    }
  }
  return s.length ? s.join(" ") : `Needs a -${LIMIT} and a -50 model of the same architecture; not both are evaluated yet.`;
}

/**
 * The section: a line plot and a table of BLEU (brevity penalty) by source
 * length on the test set alone, a table of perplexity by length, and the
 * training-limit paragraph.
 */
export function realLengthSection(models: RealModel[], beam: number, pair: string, testName: string, p: (...l: string[]) => void, fig: (name: string, svg: string) => string): void {
  const evald = models.filter((x) => realRows(x.eval, beam));
  if (!evald.length) return;
  const rows0 = realRows(evald[0].eval, beam)!;
  p(`### Real long sentences: BLEU by source length on ${testName} alone (beam ${beam})`, "");
  p(`The buckets above mix in made-up joined pairs. These are the test set's own sentences, nothing joined: ${rows0.map((r) => `${r.sentences} of ${r.label} words`).join(", ")} ` +
    `(words as everywhere in this report: Moses tokens of the source). This is the measurement of Bahdanau et al. 2014's Figure 2. Buckets with fewer than ${MIN_SEGMENTS} sentences are not drawn or compared.`, "");
  const series: Series[] = evald.map((x) => ({ name: label(x.name), values: realRows(x.eval, beam)!.map((r) => (r.sentences >= MIN_SEGMENTS ? r.bleu : null)), dashed: (modelSpec(x.name).maxWords ?? 0) <= LIMIT && modelSpec(x.name).maxWords !== undefined }));
  p(`![BLEU by source length, real sentences](${fig(`bleu-by-length-real-${pair}.svg`, linePlotSvg({
    title: `${pair}: BLEU by source length, ${testName} alone (beam ${beam})`, xLabel: "source length (Moses tokens)", yLabel: "BLEU",
    x: rows0.map((r) => r.label), xSubLabels: rows0.map((r) => `n=${r.sentences}`), series, yMin: 0,
  }))})`, "");
  if (series.some((x) => x.dashed)) p(`Dashed: the models trained on pairs of at most ${LIMIT} words.`, "");
  p(`| source length | sentences | ${evald.map((x) => label(x.name)).join(" | ")} |`);
  p(`| --- | ---: | ${evald.map(() => "---:").join(" | ")} |`);
  rows0.forEach((r, i) => {
    p(`| ${r.label} | ${r.sentences} | ${evald.map((x) => { const row = realRows(x.eval, beam)![i]; return row?.bleu === null || row?.bleu === undefined ? "–" : `${row.bleu.toFixed(2)} (${f2(row.bp)})`; }).join(" | ")} |`);
  });
  p("", "Each cell: BLEU (brevity penalty: below 1 when the bucket's outputs are shorter than its references).", "");
  const withPpl = evald.filter((x) => realPplRows(x.eval));
  if (withPpl.length) {
    const pr0 = realPplRows(withPpl[0].eval)!;
    p(`Teacher-forced perplexity of the references by source length (the model fed the reference, no search):`, "");
    p(`| source length | sentences | reference tokens | ${withPpl.map((x) => label(x.name)).join(" | ")} |`);
    p(`| --- | ---: | ---: | ${withPpl.map(() => "---:").join(" | ")} |`);
    pr0.forEach((r, i) => p(`| ${r.label} | ${r.sentences} | ${int(r.tokens)} | ${withPpl.map((x) => f2(realPplRows(x.eval)![i]?.ppl)).join(" | ")} |`));
    p("");
  }
  p("**What the training length limit costs.** " + trainLimitParagraph(evald, beam), "");
}
