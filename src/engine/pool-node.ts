// Workers for the pool under Node: worker_threads running pool-worker.node.
// Workers are unref'd, so a process that never closes its engine still exits.

import { Worker } from "node:worker_threads";
import type { PoolWorker } from "./pool.js";

/**
 * A worker on the entry beside this file: dist/engine/pool-worker.node.js, or
 * from src/ under tsx (tests, benchmarks) the .ts source, with tsx's loader
 * registered in the worker first (tsx's --import hooks only the main thread).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./pool-worker.node.js", import.meta.url));
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL("./pool-worker.node.ts", import.meta.url).href);
  return new Worker(`import(${api}).then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true });
}

export function spawnNodeWorker(): PoolWorker {
  const w = startWorker();
  w.unref();
  return {
    post: (init) => w.postMessage(init),
    onReply: (cb) => w.once("message", cb),
    onError: (cb) => void w.on("error", cb),
    terminate: () => void w.terminate(),
  };
}
