import { open, rename, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { S2SError } from "../errors.js";

/**
 * Writes a file so that readers see either the old content or the new one,
 * never a partial file: write to a temporary file in the same directory,
 * fsync it, then rename over the target (atomic on POSIX file systems).
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  let fh;
  try {
    fh = await open(tmp, "w");
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (e) {
    if (fh) await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOSPC" ? "no space left on the device" : code ?? (e as Error).message;
    throw new S2SError(`cannot write ${path}: ${why}`);
  }
}
