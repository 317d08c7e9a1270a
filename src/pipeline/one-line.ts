// One output line: what every text output goes through so that N input
// lines always give N output lines. No Node imports: the text entry uses it.

/** One output line: line breaks inside become spaces. */
export function oneLine(s: string): string {
  return s.includes("\n") || s.includes("\r") ? s.replace(/\r\n|[\r\n]/g, " ") : s;
}
