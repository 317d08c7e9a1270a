// Other systems' published numbers, set beside ours at the end of the
// reports: cited from the papers' tables (these are the only numbers of the
// reports that are typed in, and they are not ours), each with its test set
// and its BLEU convention, which are not the reports' own.

export interface PublishedPaper {
  cite: string;
  url: string;
  table: string;
  /** direction, test set */
  test: string;
  /** tokenization, case, script, vocabulary: how the score was computed */
  convention: string;
  /** column names of the scores */
  columns: string[];
  /** as printed in the paper (its digits); null: no entry */
  rows: { system: string; scores: (string | null)[] }[];
}

export const PUBLISHED: readonly PublishedPaper[] = [
  {
    cite: "Bahdanau, Cho and Bengio, ICLR 2015 (arXiv:1409.0473)",
    url: "https://arxiv.org/abs/1409.0473",
    table: "Table 1",
    test: "English → French, WMT'14 news-test-2014 (3,003 sentences)",
    convention: "cased, Moses-tokenized BLEU; 30,000-word vocabularies with [UNK]; “no UNK”: the sentences without unknown words in source and reference; models trained on 348 M words; Moses (a phrase-based system) also used a 418 M-word monolingual corpus",
    columns: ["all", "no UNK"],
    rows: [
      { system: "RNNencdec-30", scores: ["13.93", "24.19"] },
      { system: "RNNsearch-30", scores: ["21.50", "31.44"] },
      { system: "RNNencdec-50", scores: ["17.82", "26.71"] },
      { system: "RNNsearch-50", scores: ["26.75", "34.16"] },
      { system: "RNNsearch-50* (trained much longer)", scores: ["28.45", "36.15"] },
      { system: "Moses", scores: ["33.30", "35.63"] },
    ],
  },
  {
    cite: "Luong, Pham and Manning, EMNLP 2015 (D15-1166)",
    url: "https://aclanthology.org/D15-1166",
    table: "Table 1",
    test: "English → German, WMT'14 newstest2014 (2,737 sentences)",
    convention: "cased BLEU on tokenized text (tokenizer.perl, multi-bleu.perl); 50,000-word vocabularies; 4-layer LSTMs of 1,000 cells trained on 4.5 M sentence pairs; each row adds to the one above",
    columns: ["perplexity", "BLEU"],
    rows: [
      { system: "base", scores: ["10.6", "11.3"] },
      { system: "+ reverse", scores: ["9.9", "12.6"] },
      { system: "+ dropout", scores: ["8.1", "14.0"] },
      { system: "+ global attention (location)", scores: ["7.3", "16.8"] },
      { system: "+ feed input", scores: ["6.4", "18.1"] },
      { system: "+ local-p attention (general) + feed input", scores: ["5.9", "19.0"] },
      { system: "+ unk replace", scores: [null, "20.9"] },
      { system: "ensemble of 8 models + unk replace", scores: [null, "23.0"] },
    ],
  },
];

/** The section: one table per paper, labelled as other systems' numbers under other conventions. */
export function publishedSection(p: (...l: string[]) => void, ours: string): void {
  p("## Published results, under their own conventions", "");
  p(`Other systems' numbers, cited from the papers: other data sizes, vocabularies, model sizes and training times, other test sets or directions, and BLEU computed another way (tokenized, cased). They are here to place the questions, not to be compared digit by digit with ${ours}.`, "");
  for (const x of PUBLISHED) {
    p(`**[${x.cite}](${x.url}), ${x.table}**: ${x.test}; ${x.convention}.`, "");
    p(`| system | ${x.columns.join(" | ")} |`, `| --- | ${x.columns.map(() => "---:").join(" | ")} |`);
    for (const r of x.rows) p(`| ${r.system} | ${r.scores.map((v) => v ?? "–").join(" | ")} |`);
    p("");
  }
}
