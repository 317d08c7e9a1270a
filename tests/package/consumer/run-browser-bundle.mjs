// Runs the browser bundle in Node with the only thing it needs from a browser
// that Node lacks: fetch of file: URLs (served as application/wasm, so the
// bundle takes the compileStreaming path). Prints the result as JSON.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const [bundle, text] = process.argv.slice(2);
const fetched = [];
globalThis.fetch = async (url) => {
  const u = new URL(String(url));
  if (u.protocol !== "file:") throw new Error(`unexpected fetch of ${u}`);
  fetched.push(u.pathname.split("/").pop());
  return new Response(await readFile(fileURLToPath(u)), { headers: { "content-type": "application/wasm" } });
};
let streamed = 0;
const compileStreaming = WebAssembly.compileStreaming;
WebAssembly.compileStreaming = (r) => (streamed++, compileStreaming(r));
const { main } = await import(pathToFileURL(bundle).href);
console.log(JSON.stringify({ ...(await main(text)), fetched, streamed }));
