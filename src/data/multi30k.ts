/**
 * Reader for the Multi30k task 1 data as laid out in shared/data/multi30k:
 *
 *   raw/SPLIT.LANG.gz              original captions, gzip, one a line
 *   tok/SPLIT.lc.norm.tok.LANG     lowercased, punctuation-normalized and
 *                                  Moses-tokenized (XML-escaped) captions
 *
 * Splits: train (29,000), val (1,014), test_2016_flickr (1,000); languages
 * en, de, fr. Line n of every language of a split is the same caption.
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readParallel, type SentencePair } from './corpus.js';

/** The splits shipped with the data (other names are accepted if the files exist). */
export const MULTI30K_SPLITS: readonly string[] = ['train', 'val', 'test_2016_flickr'];

/** Options for {@link loadMulti30k}. */
export interface Multi30kOptions {
  /** Read tok/SPLIT.lc.norm.tok.LANG instead of raw/SPLIT.LANG.gz (default false). */
  tokenized?: boolean;
}

/** The path of one side of a split: raw/SPLIT.LANG.gz or tok/SPLIT.lc.norm.tok.LANG under `dir`. */
export function multi30kPath(dir: string, split: string, lang: string, opts: Multi30kOptions = {}): string {
  return opts.tokenized ? join(dir, 'tok', `${split}.lc.norm.tok.${lang}`) : join(dir, 'raw', `${split}.${lang}.gz`);
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function checkFile(file: string): void {
  if (existsSync(file)) return;
  const folder = join(file, '..');
  let listing = '';
  try {
    listing = readdirSync(folder).sort().join(', ');
  } catch {
    /* folder unreadable: no listing */
  }
  throw new Error(`Multi30k file not found: ${file}` + (listing ? ` (files in ${folder}: ${listing})` : ''));
}

/**
 * Loads one split of Multi30k as sentence pairs. Validates that `dir` is a
 * directory and that its `raw/` (or `tok/`) folder and both files exist,
 * throwing an error that names the missing path (and lists the folder's
 * files when the folder exists); split and language names are not otherwise
 * restricted. Throws if the two sides have different line counts.
 */
export function loadMulti30k(
  dir: string,
  split: string,
  srcLang: string,
  tgtLang: string,
  opts: Multi30kOptions = {},
): SentencePair[] {
  if (!isDir(dir)) throw new Error(`Multi30k directory not found: ${dir} (get it with: s2s data multi30k --out ${dir}; then pass it as --data-dir or in S2S_DATA)`);
  const sub = join(dir, opts.tokenized ? 'tok' : 'raw');
  if (!isDir(sub)) throw new Error(`Multi30k directory ${dir} has no ${opts.tokenized ? 'tok' : 'raw'}/ folder (looked for ${sub})`);
  const srcPath = multi30kPath(dir, split, srcLang, opts);
  const tgtPath = multi30kPath(dir, split, tgtLang, opts);
  checkFile(srcPath);
  checkFile(tgtPath);
  return readParallel(srcPath, tgtPath);
}
