// Entry of a pool worker under Node (worker_threads): one init message, then
// the serve loop of pool-protocol.ts until the pool closes.
import { parentPort } from "node:worker_threads";
import { serve, type WorkerInit } from "./pool-protocol.js";

parentPort!.once("message", (init: WorkerInit) => serve(init, (r) => parentPort!.postMessage(r)));
