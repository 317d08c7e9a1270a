// Compiles assembly/index.ts into the kernel builds the host chooses from
// (targets of asconfig.json):
//   build/kernels.simd.wasm        SIMD128 only (runs everywhere wasm SIMD runs)
//   build/kernels.relaxed.wasm     SIMD128 + relaxed SIMD (fused multiply-add)
//   build/kernels.simd-mt.wasm     the same two, importing a *shared* memory
//   build/kernels.relaxed-mt.wasm  (threads feature), for the worker pool
// All import their memory from the host ("env" "memory") and use the stub
// runtime: the kernels never allocate. The -mt builds differ from the others
// only in the memory import (checked by tests/threads.test.ts); they have no
// globals and no shadow stack, so N instances may share one memory.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
mkdirSync(join(root, "build"), { recursive: true });

for (const target of ["simd", "relaxed", "simd-mt", "relaxed-mt"]) {
  const r = spawnSync(process.execPath, [asc, "--config", "asconfig.json", "--target", target], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`build-wasm: asc failed for the ${target} build`);
    process.exit(r.status ?? 1);
  }
  console.log(`build-wasm: wrote build/kernels.${target}.wasm`);
}
