/**
 * An error caused by the user's input (a file, a flag, a line of JSON), as
 * opposed to a bug. Its message is one line that names the problem; the CLI
 * prints it without a stack trace and exits non-zero.
 */
export class S2SError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "S2SError";
  }
}

/** Throws an S2SError when the condition is false. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new S2SError(typeof message === "string" ? message : message());
}
