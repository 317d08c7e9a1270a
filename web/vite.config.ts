// npm run web (dev server) / npm run build:web (→ build/web). Two pages: the
// article (index.html, web/src/article/) and the tool page (tool.html,
// web/src/main.ts). They use the package as an application would
// ("seq2seq-wasm", browser condition); Vite copies the kernel builds as
// assets from the library's `new URL("…/kernels.*.wasm", import.meta.url)`.
// The article's results section imports "virtual:results-summary": the few
// numbers of docs/results.json it draws, extracted at build time.
import { defineConfig, type Plugin } from "vite";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { summarizeResults } from "./src/article/results-data.js";

const root = fileURLToPath(new URL(".", import.meta.url));
const resultsJson = fileURLToPath(new URL("../docs/results.json", import.meta.url));

function resultsSummary(): Plugin {
  const id = "virtual:results-summary", resolved = "\0" + id;
  return {
    name: "results-summary",
    resolveId: (source) => (source === id ? resolved : null),
    load(source) {
      if (source !== resolved) return null;
      this.addWatchFile(resultsJson);
      return `export default ${JSON.stringify(summarizeResults(JSON.parse(readFileSync(resultsJson, "utf8"))))};`;
    },
  };
}

export default defineConfig({
  root,
  base: "./",
  plugins: [resultsSummary()],
  build: {
    outDir: fileURLToPath(new URL("../build/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // keep the .wasm files as files (compileStreaming), never data: URLs
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: { index: fileURLToPath(new URL("index.html", import.meta.url)), tool: fileURLToPath(new URL("tool.html", import.meta.url)) },
    },
  },
  worker: { format: "es" },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
