/**
 * Reader for the wmt-deen corpus (German–English news and parliament
 * sentences of natural length) as laid out in shared/data/wmt-deen:
 *
 *   train.{de,en}.gz          54,743 training pairs
 *   newstest2013.{de,en}.gz   3,000 pairs: the development set
 *   newstest2014.{de,en}.gz   3,003 pairs: the WMT'14 test set
 *
 * Raw, cased text, gzip, one sentence a line; line n of `.de` and `.en` is
 * one pair. Pairs with an empty side are left out and reported (see
 * readAligned); other split names are accepted if their files exist.
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readAligned, type AlignedPairs } from './corpus.js';

export const WMT_DEEN = {
  name: 'wmt-deen',
  langs: ['de', 'en'] as readonly string[],
  train: 'train',
  dev: 'newstest2013',
  test: 'newstest2014',
  /** upper edges of its source-length buckets: 1-10, ..., 51-60, 61+ words (Bahdanau et al.'s Figure 2 goes to 60) */
  lengthEdges: [10, 20, 30, 40, 50, 60] as readonly number[],
} as const;

/** The path of one side of a split: SPLIT.LANG.gz under `dir`. */
export function wmtDeenPath(dir: string, split: string, lang: string): string {
  return join(dir, `${split}.${lang}.gz`);
}

/**
 * Loads one split of wmt-deen, source side `srcLang` (de or en), target side
 * the other. Throws an error naming the path when the directory or a file is
 * missing (listing the directory's files), when the languages are not de and
 * en, or when the two files' line counts differ.
 */
export function loadWmtDeen(dir: string, split: string, srcLang: string, tgtLang: string): AlignedPairs {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* missing */
  }
  if (!isDir) throw new Error(`wmt-deen directory not found: ${dir} (it holds train, newstest2013 and newstest2014 .de.gz/.en.gz; pass it as --data-dir or in S2S_DATA)`);
  if (!WMT_DEEN.langs.includes(srcLang) || !WMT_DEEN.langs.includes(tgtLang) || srcLang === tgtLang) {
    throw new Error(`wmt-deen is German–English: the languages are de and en (one each way), got ${srcLang}-${tgtLang}`);
  }
  const paths = [wmtDeenPath(dir, split, srcLang), wmtDeenPath(dir, split, tgtLang)];
  for (const p of paths) {
    if (existsSync(p)) continue;
    let listing = '';
    try {
      listing = readdirSync(dir).sort().join(', ');
    } catch {
      /* unreadable: no listing */
    }
    throw new Error(`wmt-deen file not found: ${p}` + (listing ? ` (files in ${dir}: ${listing})` : ''));
  }
  return readAligned(paths[0]!, paths[1]!);
}
