import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the built CLI (dist/, made by `npm run build`, which `npm test` runs
 * first) with stdin, and a timeout that kills it: a hang fails the test.
 */
export function runCli(args: string[], stdin = "", timeoutMs = 60000, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`s2s ${args.join(" ")} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(stdin);
  });
}

/** A user-facing failure: non-zero exit, exactly one line on stderr, no stack trace. */
export function assertCleanFailure(r: RunResult, pattern: RegExp): void {
  if (r.code === 0 || r.code === null) throw new Error(`expected a non-zero exit, got ${r.code} (stderr: ${r.stderr})`);
  const lines = r.stderr.trimEnd().split("\n");
  if (lines.length !== 1) throw new Error(`expected one stderr line, got:\n${r.stderr}`);
  if (/\n\s+at |internal error/.test(r.stderr)) throw new Error(`stack trace or internal error: ${r.stderr}`);
  if (!pattern.test(lines[0])) throw new Error(`stderr ${JSON.stringify(lines[0])} does not match ${pattern}`);
}

/** Starts the CLI and returns the child (to signal it) and a promise of its result. */
export function startCli(args: string[], timeoutMs = 120000): { child: import("node:child_process").ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`s2s ${args.join(" ")} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
  });
  return { child, done };
}
