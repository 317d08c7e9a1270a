// Downloading the official Multi30k (task 1) files into the layout the
// Multi30k reader expects: DIR/raw/SPLIT.LANG.gz and DIR/tok/SPLIT.lc.norm.tok.LANG.

import { existsSync } from "node:fs";
import { mkdir, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { S2SError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic.js";

/** The dataset's own repository (github.com/multi30k/dataset), data/task1. */
export const MULTI30K_BASE_URL = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1";
export const MULTI30K_DEFAULT_SPLITS = ["train", "val", "test_2016_flickr"] as const;
export const MULTI30K_DEFAULT_LANGS = ["en", "de", "fr"] as const;

export interface DownloadOptions {
  out: string;
  baseUrl?: string;
  splits?: readonly string[];
  langs?: readonly string[];
  /** also fetch tok/ (default true) */
  tok?: boolean;
  /** re-download files that exist */
  force?: boolean;
  timeoutMs?: number;
  log?: (msg: string) => void;
}

/** The relative paths of the files to fetch (also their paths under the base URL). */
export function multi30kFiles(splits: readonly string[], langs: readonly string[], tok = true): string[] {
  const files: string[] = [];
  for (const s of splits) for (const l of langs) files.push(`raw/${s}.${l}.gz`);
  if (tok) for (const s of splits) for (const l of langs) files.push(`tok/${s}.lc.norm.tok.${l}`);
  return files;
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === "TimeoutError" ? `no answer in ${timeoutMs / 1000} s` : err.cause?.code ?? err.cause?.message ?? err.message;
    throw new S2SError(`cannot download ${url}: ${why}`);
  }
  if (!res.ok) throw new S2SError(`cannot download ${url}: HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}`);
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new S2SError(`cannot download ${url}: connection lost (${(e as Error).message})`);
  }
}

function countLines(text: string): number {
  if (text === "") return 0;
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return text.endsWith("\n") ? n : n + 1;
}

/** Downloads the files; checks that each .gz decompresses, that text is UTF-8, and that the languages of a split agree in line count. */
export async function downloadMulti30k(o: DownloadOptions): Promise<{ fetched: string[]; skipped: string[] }> {
  const base = (o.baseUrl ?? MULTI30K_BASE_URL).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(base)) throw new S2SError(`--base-url must start with http:// or https://, got ${JSON.stringify(base)}`);
  const log = o.log ?? (() => {});
  const files = multi30kFiles(o.splits ?? MULTI30K_DEFAULT_SPLITS, o.langs ?? MULTI30K_DEFAULT_LANGS, o.tok ?? true);
  // folders are made when their first file has downloaded, and the ones this run made are removed again
  // if it fails while they are still empty (offline, a bad URL): a failed run leaves no empty folders
  const made: { dir: string; top: string }[] = [];
  const ensureDir = async (dir: string) => {
    try {
      const top = await mkdir(dir, { recursive: true });
      if (top !== undefined) made.push({ dir, top });
    } catch (e) {
      throw new S2SError(`cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const removeEmptyMade = async () => {
    for (const { dir, top } of made.reverse()) {
      for (let d = dir; ; d = dirname(d)) {
        try {
          await rmdir(d); // only succeeds on an empty folder
        } catch {
          break;
        }
        if (d === top || dirname(d) === d) break;
      }
    }
  };
  try {
    return await fetchAll(o, base, files, log, ensureDir);
  } catch (e) {
    await removeEmptyMade();
    throw e;
  }
}

async function fetchAll(
  o: DownloadOptions, base: string, files: string[], log: (line: string) => void, ensureDir: (dir: string) => Promise<void>,
): Promise<{ fetched: string[]; skipped: string[] }> {
  const fetched: string[] = [], skipped: string[] = [];
  const lineCounts = new Map<string, { file: string; n: number }>();
  for (let i = 0; i < files.length; i++) {
    const rel = files[i];
    const dest = join(o.out, rel);
    if (!o.force && existsSync(dest)) {
      skipped.push(rel);
      log(`[${i + 1}/${files.length}] ${rel}: exists, kept (--force downloads it again)`);
      continue;
    }
    const url = `${base}/${rel}`;
    const bytes = await fetchBytes(url, o.timeoutMs ?? 120000);
    let text: string;
    try {
      const raw = rel.endsWith(".gz") ? gunzipSync(bytes) : bytes;
      text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch {
      throw new S2SError(`${url}: the download is not ${rel.endsWith(".gz") ? "a valid gzip file" : "UTF-8 text"}`);
    }
    const n = countLines(text);
    if (n === 0) throw new S2SError(`${url}: the download is empty`);
    const key = rel.replace(/\.[^./]+(\.gz)?$/, "") + (rel.startsWith("raw/") ? "@raw" : "@tok");
    const prev = lineCounts.get(key);
    if (prev && prev.n !== n) throw new S2SError(`${rel} has ${n} lines but ${prev.file} has ${prev.n}: the files do not belong together`);
    lineCounts.set(key, { file: rel, n });
    await ensureDir(dirname(dest));
    await writeFileAtomic(dest, bytes);
    fetched.push(rel);
    log(`[${i + 1}/${files.length}] ${rel}: ${n} lines, ${(bytes.length / 1024).toFixed(0)} KiB`);
  }
  return { fetched, skipped };
}
