// Output files and progress lines of the text commands.

import { open, type FileHandle } from "node:fs/promises";
import { S2SError } from "../errors.js";
import { describeErrno } from "../io/errno.js";

export interface OutputFile {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a file for writing (truncating it), with one-line errors. */
export async function openOutput(path: string, what: string): Promise<OutputFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, "w");
  } catch (e) {
    throw new S2SError(`cannot write ${what} ${path}: ${describeErrno(e)}`);
  }
  return {
    async write(text: string) {
      try {
        await fh.write(text);
      } catch (e) {
        throw new S2SError(`cannot write ${what} ${path}: ${describeErrno(e)}`);
      }
    },
    async close() {
      await fh.close().catch(() => {});
    },
  };
}

/** "N lines (x lines/s)" on stderr at most every 5 s, and a summary at the end if the work took that long. */
export class TextProgress {
  private n = 0;
  private readonly t0 = Date.now();
  private last = Date.now();
  private warnings = 0;

  constructor(private readonly what: string, private readonly quiet: boolean, private readonly every = 5000) {}

  add(lines: number): void {
    this.n += lines;
    const now = Date.now();
    if (!this.quiet && now - this.last >= this.every) {
      this.last = now;
      process.stderr.write(`${this.what}: ${this.n} lines (${this.rate()} lines/s)\n`);
    }
  }

  /** A note about one line; at most 10 are printed. */
  warn(msg: string): void {
    if (this.quiet) return;
    this.warnings++;
    if (this.warnings <= 10) process.stderr.write(`${this.what}: ${msg}\n`);
    else if (this.warnings === 11) process.stderr.write(`${this.what}: (further notes not shown)\n`);
  }

  done(): void {
    if (!this.quiet && Date.now() - this.t0 >= this.every) process.stderr.write(`${this.what}: ${this.n} lines in ${((Date.now() - this.t0) / 1000).toFixed(1)} s (${this.rate()} lines/s)\n`);
  }

  private rate(): string {
    const s = (Date.now() - this.t0) / 1000;
    return s > 0 ? (this.n / s).toFixed(1) : "-";
  }
}
