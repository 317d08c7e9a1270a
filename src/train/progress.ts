// Progress on stderr: a single updating line on a terminal, plain log lines
// (at most one every `every` ms) when stderr is a file or pipe.

export interface ProgressInfo {
  epoch: number;
  step: number;
  totalSteps: number | null;
  loss: number;
  tokensPerSec: number;
  etaSec: number | null;
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return "?";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(r).padStart(2, "0")}s` : `${r}s`;
}

/** Where progress goes: process.stderr in Node, any object with write() elsewhere. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A sink that drops everything (runtimes without process.stderr: browsers, workers, edge). */
const NULL_SINK: ProgressSink = { write: () => true };

function defaultSink(): ProgressSink {
  const p = (globalThis as { process?: { stderr?: ProgressSink } }).process;
  return p?.stderr ?? NULL_SINK;
}

export class Progress {
  private last = 0;
  private drawn = false;
  private readonly out: ProgressSink;

  constructor(
    out?: ProgressSink,
    private readonly every = 5000,
    private readonly quiet = false,
  ) {
    this.out = out ?? defaultSink();
  }

  get tty(): boolean {
    return Boolean(this.out.isTTY);
  }

  update(p: ProgressInfo): void {
    if (this.quiet) return;
    const now = Date.now();
    const total = p.totalSteps ? `/${p.totalSteps}` : "";
    const bar = p.totalSteps ? " " + this.bar(p.step / p.totalSteps) : "";
    const text = `epoch ${p.epoch} step ${p.step}${total}${bar} loss ${p.loss.toFixed(4)} ${Math.round(p.tokensPerSec)} tgt tok/s ETA ${p.etaSec === null ? "?" : formatDuration(p.etaSec)}`;
    if (this.tty) {
      if (now - this.last < 100) return;
      this.out.write(`\r${text}\x1b[K`);
      this.drawn = true;
    } else {
      if (now - this.last < this.every) return;
      this.out.write(text + "\n");
    }
    this.last = now;
  }

  /** A line that stays (epoch summaries, warnings). */
  log(line: string): void {
    if (this.quiet) return;
    if (this.tty && this.drawn) this.out.write("\r\x1b[K");
    this.drawn = false;
    this.out.write(line + "\n");
  }

  private bar(f: number): string {
    const w = 20, n = Math.max(0, Math.min(w, Math.round(f * w)));
    return `[${"#".repeat(n)}${".".repeat(w - n)}]`;
  }
}
