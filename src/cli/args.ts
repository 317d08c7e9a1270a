// A small, strict command-line parser: typed options, defaults, generated
// --help, and one-line errors for unknown flags and bad values.

import { S2SError, UsageError } from "../errors.js";

export type OptType = "string" | "number" | "int" | "boolean";

export interface OptSpec {
  name: string;
  type: OptType;
  help: string;
  /** placeholder shown in help, e.g. FILE */
  arg?: string;
  default?: string | number | boolean;
  required?: boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** string options only: may be given several times; the value is then an array */
  repeat?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: OptSpec[];
  /** allowed positional arguments (names for help); extra ones are an error */
  positionals?: { name: string; required?: boolean; help: string }[];
}

/** Thrown for usage errors (exit code 2). */
export { UsageError };

export type Values = Record<string, string | number | boolean | string[] | undefined>;

export function parseArgs(argv: string[], spec: CommandSpec): { values: Values; positionals: string[]; help: boolean } {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const values: Values = {};
  const positionals: string[] = [];
  const where = spec.name;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return { values, positionals, help: true };
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const o = byName.get(name);
      if (!o) throw new UsageError(`${where}: unknown option --${name} (see s2s ${spec.name} --help)`);
      if (o.type === "boolean") {
        if (eq >= 0) throw new UsageError(`${where}: --${name} takes no value`);
        values[name] = true;
        continue;
      }
      let raw: string;
      if (eq >= 0) raw = a.slice(eq + 1);
      else {
        if (i + 1 >= argv.length) throw new UsageError(`${where}: --${name} needs a value (${o.arg ?? o.type})`);
        raw = argv[++i];
      }
      const value = convert(raw, o, where);
      if (o.repeat) values[name] = [...((values[name] as string[] | undefined) ?? []), String(value)];
      else values[name] = value;
      continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-\d/.test(a)) throw new UsageError(`${where}: unknown option ${a} (see s2s ${spec.name} --help)`);
    positionals.push(a);
  }
  const maxPos = spec.positionals?.length ?? 0;
  if (positionals.length > maxPos) throw new UsageError(`${where}: unexpected argument ${JSON.stringify(positionals[maxPos])} (see s2s ${spec.name} --help)`);
  spec.positionals?.forEach((p, i) => {
    if (p.required && positionals[i] === undefined) throw new UsageError(`${where}: missing ${p.name} (see s2s ${spec.name} --help)`);
  });
  for (const o of spec.options) {
    if (values[o.name] === undefined) {
      if (o.required) throw new UsageError(`${where}: --${o.name} is required (see s2s ${spec.name} --help)`);
      if (o.default !== undefined) values[o.name] = o.default;
    }
  }
  return { values, positionals, help: false };
}

function convert(raw: string, o: OptSpec, where: string): string | number {
  if (o.type === "string") {
    if (o.choices && !o.choices.includes(raw)) throw new UsageError(`${where}: --${o.name} must be one of ${o.choices.join(", ")}, got ${JSON.stringify(raw)}`);
    return raw;
  }
  const v = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`${where}: --${o.name} needs a number, got ${JSON.stringify(raw)}`);
  if (o.type === "int" && !Number.isInteger(v)) throw new UsageError(`${where}: --${o.name} needs an integer, got ${JSON.stringify(raw)}`);
  if (o.min !== undefined && v < o.min) throw new UsageError(`${where}: --${o.name} must be ≥ ${o.min}, got ${raw}`);
  if (o.max !== undefined && v > o.max) throw new UsageError(`${where}: --${o.name} must be ≤ ${o.max}, got ${raw}`);
  return v;
}

export function helpText(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, "", spec.summary];
  if (spec.description) lines.push("", spec.description);
  if (spec.positionals?.length) {
    lines.push("", "arguments:");
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(28)} ${p.help}`);
  }
  lines.push("", "options:");
  for (const o of spec.options) {
    const flag = `--${o.name}${o.type === "boolean" ? "" : " " + (o.arg ?? (o.type === "string" ? "S" : "N"))}`;
    let h = o.help;
    if (o.choices) h += ` (${o.choices.join(" | ")})`;
    if (o.default !== undefined && o.type !== "boolean") h += ` [default: ${o.default}]`;
    if (o.required) h += " (required)";
    lines.push(`  ${flag.padEnd(28)} ${h}`);
  }
  lines.push(`  ${"--help".padEnd(28)} show this help`);
  return lines.join("\n");
}
