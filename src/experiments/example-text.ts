// What the report says about its example sentences: measurements of one
// output, its attention matrix and the references' log-probabilities, and
// sentences whose claims follow those numbers (never the same sentence
// whatever the numbers say).

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`;

/** How the report picks its examples (src/experiments/runner.ts pickExamples), for the reader. */
export const EXAMPLE_RULE =
  "The examples are chosen by source length alone, before any model is trained, and are the same for every model " +
  "(`pickExamples` in src/experiments/runner.ts): the test sentence of median length, the longest test sentence of at most 30 words, " +
  "and the pair of the most joined test set closest to 50 words. They are not chosen for what the models do on them.";

/** Words of a text for phrase counting: lowercase, punctuation dropped. */
function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/u).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "")).filter((w) => w !== "");
}

/**
 * The longest phrase of at least 3 words that occurs at least 3 times in the
 * text (most occurrences first among equally long ones), or null.
 */
export function repeatedPhrase(text: string): { phrase: string; count: number } | null {
  const w = words(text);
  for (let n = Math.min(8, Math.floor(w.length / 3)); n >= 3; n--) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= w.length; i++) {
      const k = w.slice(i, i + n).join(" ");
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let best: { phrase: string; count: number } | null = null;
    for (const [phrase, count] of counts) if (count >= 3 && (!best || count > best.count)) best = { phrase, count };
    if (best) return best;
  }
  return null;
}

/** Where an attention matrix (word level) looks: the source word with the highest weight at each output word. */
export interface AttentionPath {
  /** source words, "</s>" excluded */
  srcWords: number;
  /** output words, "</s>" excluded */
  outWords: number;
  /** distinct source words that are the most attended one of some output word */
  covered: number;
  /** output steps where the most attended source word lies more than 3 words before the previous step's */
  backJumps: number;
}

/** Measures an attention matrix: rows = output words, columns = source words; "</s>" rows and columns are left out. */
export function attentionPath(src: readonly string[], tgt: readonly string[], weights: readonly (readonly number[])[]): AttentionPath {
  const cols = src.map((s, j) => [s, j] as const).filter(([s]) => s !== "</s>").map(([, j]) => j);
  const argmax: number[] = [];
  tgt.forEach((t, i) => {
    if (t === "</s>" || !weights[i]) return;
    let best = -1, bj = -1;
    for (const j of cols) if (weights[i][j] > best) { best = weights[i][j]; bj = j; }
    if (bj >= 0) argmax.push(bj);
  });
  let back = 0;
  for (let k = 1; k < argmax.length; k++) if (argmax[k] < argmax[k - 1] - 3) back++;
  return { srcWords: cols.length, outWords: argmax.length, covered: new Set(argmax).size, backJumps: back };
}

/** One sentence on an attention path: does it walk down the diagonal or not, with the numbers. */
export function attentionPathText(model: string, a: AttentionPath): string {
  const share = a.srcWords > 0 ? a.covered / a.srcWords : 0;
  const jumps = a.backJumps === 0 ? "never moves back by more than 3 words" : `moves back by more than 3 words ${a.backJumps === 1 ? "once" : `${a.backJumps} times`}`;
  const nums = `its ${a.outWords} output words attend most to ${a.covered} of the ${a.srcWords} source words, and the most attended position ${jumps}`;
  if (a.backJumps === 0 && share >= 0.6) return `${model}'s weights move through the source in order (${nums}).`;
  if (a.backJumps <= 1 && share >= 0.4) return `${model}'s weights mostly move through the source in order (${nums}).`;
  return `${model}'s weights do not simply walk down the diagonal: ${nums}.`;
}

const mean = (v: readonly number[]) => (v.length ? v.reduce((q, r) => q + r, 0) / v.length : NaN);

/**
 * Teacher-forced log-probabilities of the reference pieces of two models
 * (A with attention, B without), first and second half of the reference,
 * and what they say about the fixed vector.
 */
export function halvesText(A: string, B: string, a: readonly number[], b: readonly number[]): string {
  const h = Math.floor(a.length / 2);
  const a1 = mean(a.slice(0, h)), a2 = mean(a.slice(h)), b1 = mean(b.slice(0, h)), b2 = mean(b.slice(h));
  const cA = a2 - a1, cB = b2 - b1;
  const nums = `${A} ${f2(a1)} → ${f2(a2)} (${signed(cA)}), ${B} ${f2(b1)} → ${f2(b2)} (${signed(cB)})`;
  const head = `Mean teacher-forced log-probability of the reference pieces, first half → second half of the reference: ${nums}.`;
  if (cB < cA - 0.25) return `${head} ${B}, which sees the source only through the fixed vector m̄, does relatively worse on the second half.`;
  if (cA < cB - 0.25) return `${head} Here it is ${A} that does relatively worse on the second half: this sentence does not show the fixed vector losing track.`;
  return `${head} Both change by about as much: no sign on this sentence of the fixed vector losing track.`;
}

/** Sentence BLEU of the attention model and RNNenc on one example, said the way the numbers go. */
export function exampleBleuText(A: string, B: string, a: number, b: number): string {
  if (a > b + 1) return `${A}'s output scores higher than ${B}'s (sentence BLEU ${f1(a)} vs ${f1(b)}).`;
  if (b > a + 1) return `On this sentence ${B}'s output scores higher than ${A}'s (sentence BLEU ${f1(b)} vs ${f1(a)}).`;
  return `${A} and ${B} score about the same on this sentence (sentence BLEU ${f1(a)} and ${f1(b)}).`;
}

/**
 * Sentence boundaries of a joined reference: the piece positions (0-based)
 * that start a new sentence, i.e. follow a "." piece (the last piece, EOS,
 * never starts one).
 */
export function sentenceStarts(refPieces: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < refPieces.length - 1; i++) if (refPieces[i - 1] === "." && refPieces[i] !== "</s>") out.push(i);
  return out;
}

/**
 * Mean log p per sentence of a joined reference for A (attention) and B,
 * and whether A's lead grows along the input.
 */
export function sentencesText(A: string, B: string, a: readonly number[], b: readonly number[], starts: readonly number[]): string {
  const bounds = [0, ...starts, a.length];
  const per = (v: readonly number[]) => bounds.slice(0, -1).map((s, k) => mean(v.slice(s, bounds[k + 1])));
  const ma = per(a), mb = per(b);
  const gaps = ma.map((x, k) => x - mb[k]);
  const n = gaps.length;
  const nums = `${A} ${ma.map(f2).join(" / ")}, ${B} ${mb.map(f2).join(" / ")}`;
  const head = `Mean log p of the reference pieces of each of the ${n} joined sentences: ${nums}.`;
  if (n < 2) return head;
  const ahead = gaps.filter((g) => g > 0).length;
  const first = gaps[0], last = gaps[n - 1];
  const lead = ahead === n ? `${A} is ahead on every sentence` : `${A} is ahead on ${ahead} of the ${n} sentences`;
  if (last > first + 0.25) return `${head} ${lead}, and its lead grows from ${f2(first)} on the first sentence to ${f2(last)} on the last: without attention the model falls further behind as the input goes on.`;
  if (last < first - 0.25) return `${head} ${lead}, but its lead shrinks from ${f2(first)} on the first sentence to ${f2(last)} on the last: this example does not show the model without attention falling behind along the input.`;
  return `${head} ${lead}, by about as much on the last sentence (${f2(last)}) as on the first (${f2(first)}): the lead does not grow along this input.`;
}
