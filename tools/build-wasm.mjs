// Compiles assembly/index.ts into the two kernel builds the host chooses from:
//   build/kernels.simd.wasm     SIMD128 only (runs everywhere wasm SIMD runs)
//   build/kernels.relaxed.wasm  SIMD128 + relaxed SIMD (fused multiply-add)
// Both import their memory from the host ("env" "memory") and use the stub
// runtime: the kernels never allocate.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
mkdirSync(join(root, "build"), { recursive: true });

const common = [
  "assembly/index.ts",
  "--runtime", "stub",
  "--importMemory",
  "--initialMemory", "1",
  "--maximumMemory", "65536",
  "--enable", "simd",
  "-O3",
  "--noAssert",
  "--converge",
];
const builds = [
  { name: "simd", extra: [] },
  { name: "relaxed", extra: ["--enable", "relaxed-simd"] },
];
for (const b of builds) {
  const out = join("build", `kernels.${b.name}.wasm`);
  const args = [asc, ...common, ...b.extra, "-o", out, "-t", out.replace(/\.wasm$/, ".wat")];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build-wasm: asc failed for the ${b.name} build`);
    process.exit(r.status ?? 1);
  }
  console.log(`build-wasm: wrote ${out}`);
}
