// Paths as the report and the run's JSON record them: never this machine's
// absolute paths. A path inside the repository, or beside it (the shared
// checkout layout, ../shared/data/multi30k), is written relative to the
// repository; the data directory named by S2S_DATA is written `$S2S_DATA`;
// any other absolute path is written `$S2S_DATA` when it is the data
// directory, else as `<outside the repository>/NAME`.
import { basename, isAbsolute, relative, resolve, sep } from "node:path";
import type { Summary } from "./files.js";

export interface PortableOptions {
  /** the repository's root */
  root: string;
  /** the value of S2S_DATA, if set */
  dataEnv?: string;
  /** this path is the data directory (written `$S2S_DATA` when it cannot be relative) */
  isData?: boolean;
}

/** One path in the recorded form. Relative paths are kept as they are. */
export function portablePath(p: string, o: PortableOptions): string {
  if (!isAbsolute(p)) return p;
  const abs = resolve(p);
  if (o.dataEnv && isAbsolute(o.dataEnv) && abs === resolve(o.dataEnv)) return "$S2S_DATA";
  const r = relative(o.root, abs);
  if (r === "") return ".";
  const up = r.split(sep).filter((x) => x === "..").length;
  // inside the repository, or one level up (beside it)
  if (!isAbsolute(r) && up <= 1 && (up === 0 || r.startsWith(`..${sep}`))) return r.split(sep).join("/");
  return o.isData ? "$S2S_DATA" : `<outside the repository>/${basename(abs)}`;
}

/** Flags whose value is the data directory. */
const DATA_FLAGS = new Set(["--data-dir"]);

/**
 * A command line in the recorded form: every absolute path argument made
 * portable (`--flag PATH`, `--flag=PATH` and bare paths).
 */
export function portableCommand(command: string, o: PortableOptions): string {
  const words = command.split(" ");
  return words
    .map((w, i) => {
      const eq = w.match(/^(--[\w-]+)=(.*)$/);
      if (eq) return `${eq[1]}=${portablePath(eq[2], { ...o, isData: DATA_FLAGS.has(eq[1]) })}`;
      return portablePath(w, { ...o, isData: i > 0 && DATA_FLAGS.has(words[i - 1]) });
    })
    .join(" ");
}

/** "DIR SPLIT" provenance strings of a prepared corpus (the data directory, then a split name). */
export function portableFrom(from: string, o: PortableOptions): string {
  const i = from.lastIndexOf(" ");
  if (i < 0) return portablePath(from, { ...o, isData: true });
  return `${portablePath(from.slice(0, i), { ...o, isData: true })}${from.slice(i)}`;
}

/** The summary with every recorded command and provenance path in the portable form. */
export function portableSummary(s: Summary, o: PortableOptions): Summary {
  return {
    ...s,
    outDir: portablePath(s.outDir, o),
    run: { ...s.run, commands: s.run.commands.map((c) => ({ ...c, command: portableCommand(c.command, o) })) },
    pairs: s.pairs.map((pp) => {
      const prep = pp.prepared as { from?: Record<string, string> } | null | undefined;
      if (!prep?.from) return pp;
      const from = Object.fromEntries(Object.entries(prep.from).map(([k, v]) => [k, typeof v === "string" ? portableFrom(v, o) : v]));
      return { ...pp, prepared: { ...prep, from } };
    }),
  };
}

/**
 * The commands that wrote a run, each distinct command line once with the
 * times it was started (a resumed training repeats its command).
 */
export function distinctCommands(commands: readonly { command: string; started: string }[]): { command: string; started: string[] }[] {
  const byCommand = new Map<string, string[]>();
  for (const c of commands) {
    const times = byCommand.get(c.command);
    if (times) times.push(c.started);
    else byCommand.set(c.command, [c.started]);
  }
  return [...byCommand].map(([command, started]) => ({ command, started }));
}
