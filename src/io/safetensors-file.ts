// Node: a safetensors file read from disk on demand. Only the header is read
// when the file is opened; Model.fromSafetensors then reads each tensor
// straight into the engine's memory, so loading a model never holds the whole
// file in JavaScript memory as well (peak memory ≈ the weights once).

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { S2SError } from "../errors.js";
import { describeErrno } from "./errno.js";
import { headerLength, parseHeader, SafeTensors } from "./safetensors.js";

/** Opens and validates `path`; call close() when the tensors have been read. */
export function openSafetensors(path: string, what = "model"): { st: SafeTensors; close(): void } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new S2SError(`cannot read ${what} ${path}: ${describeErrno(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new S2SError(`cannot read ${what} ${path}: it is a directory`);
    const size = stat.size;
    const read = (begin: number, end: number, dest: Uint8Array) => {
      let done = 0;
      while (done < end - begin) {
        let n: number;
        try {
          n = readSync(fd, dest, done, end - begin - done, begin + done);
        } catch (e) {
          throw new S2SError(`cannot read ${what} ${path}: ${describeErrno(e)}`);
        }
        if (n === 0) throw new S2SError(`${path}: the file shrank while it was read (at byte ${begin + done} of ${size})`);
        done += n;
      }
    };
    const first = new Uint8Array(Math.min(8, size));
    read(0, first.length, first);
    const n = headerLength(first, size, path);
    const header = new Uint8Array(n);
    read(8, 8 + n, header);
    const { tensors, metadata } = parseHeader(header, size, path);
    return { st: new SafeTensors(read, tensors, metadata, path), close: () => closeSync(fd) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
