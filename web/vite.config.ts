// npm run web (dev server) / npm run build:web (→ build/web). The page uses
// the package as an application would ("seq2seq-wasm", browser condition);
// Vite copies the kernel builds as assets from the library's
// `new URL("…/kernels.*.wasm", import.meta.url)`.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../build/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // keep the .wasm files as files (compileStreaming), never data: URLs
    assetsInlineLimit: 0,
  },
  worker: { format: "es" },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
