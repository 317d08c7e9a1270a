// One phrase for a failed file operation's errno, for one-line errors.

export function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT": return "no such file";
    case "EACCES": case "EPERM": return "permission denied";
    case "EISDIR": return "it is a directory";
    case "ENOTDIR": return "a part of the path is not a directory";
    default: return code ?? (e as Error).message;
  }
}
