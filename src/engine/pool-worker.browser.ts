// Entry of a pool worker in a browser (a module Worker, which needs the page
// to be crossOriginIsolated for the shared memory): one init message, then the
// serve loop of pool-protocol.ts until the pool closes.
import { serve, type WorkerInit } from "./pool-protocol.js";

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerInit>) => void) | null;
  postMessage(m: unknown): void;
};
scope.onmessage = (e) => {
  scope.onmessage = null;
  serve(e.data, (r) => scope.postMessage(r));
};
