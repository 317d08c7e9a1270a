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

/**
 * A mistake in how a command was called (an unknown or missing flag, a bad
 * value, flags that do not go together): the CLI exits 2, as for any usage
 * error, where other S2SErrors (a bad file, bad data) exit 1.
 */
export class UsageError extends S2SError {}

/** Throws an S2SError when the condition is false. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new S2SError(typeof message === "string" ? message : message());
}
