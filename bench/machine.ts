// What every benchmark's JSON records about where it ran: the CPU (model and
// the SIMD extensions that matter), cores, platform, Node and V8, the load
// average, and the versions of the libraries measured.

import { readFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Version of an installed package, "unknown" when it is not installed. */
export function pkgVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** CPU model line of /proc/cpuinfo, with family/model and the SIMD extensions of interest. */
export function cpuModel(): string {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(info)?.[1].trim();
    const flags = new Set((field("flags") ?? "").split(/\s+/));
    const ext = ["avx2", "fma", "avx512f"].filter((f) => flags.has(f)).join(", ");
    const model = field("model name");
    if (model) return `${model} (family ${field("cpu family")}, model ${field("model")}${ext ? `; ${ext}` : ""})`;
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? "unknown";
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  platform: string;
  node: string;
  v8: string;
  loadavgStart: number[];
  loadavgEnd: number[];
}

/** The machine, with the load average at the start (taken by the caller) and now. */
export function machineInfo(loadavgStart: number[]): MachineInfo {
  return {
    cpu: cpuModel(), cores: os.cpus().length, platform: `${os.platform()} ${os.arch()}`,
    node: process.version, v8: process.versions.v8, loadavgStart, loadavgEnd: os.loadavg(),
  };
}
