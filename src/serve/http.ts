// The HTTP layer of `s2s serve` on node:http: routes, body limits, content
// type, JSON answers and JSON errors. Every refused or failed request is
// answered `{"error": "..."}` with its status and logged as one line.

import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, type TranslationService } from "./service.js";

export interface HttpOptions {
  /** largest request body in bytes (more: 413) */
  maxBody: number;
  /** one line per refused or failed request */
  log(line: string): void;
  /** the transport already answered (and logged) on this socket, e.g. 408 for a slow body */
  answered?(socket: import("node:net").Socket): boolean;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(data), ...headers });
  res.end(data);
}

/** Reads the body, at most max bytes; rejects with ApiError 413, or with null when the client went away. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (declared > max) {
      reject(new ApiError(413, `the body is ${declared} bytes, more than the limit of ${max} (--max-body)`));
      return;
    }
    const chunks: Buffer[] = [];
    let n = 0, done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      n += c.length;
      if (n > max) {
        done = true;
        reject(new ApiError(413, `the body is more than the limit of ${max} bytes (--max-body)`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on("close", () => {
      if (!done) {
        done = true;
        reject(null);
      }
    });
  });
}

/** The request handler of the server. */
export function createHandler(service: TranslationService, o: HttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const fail = (req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    o.log(`${status} ${req.method} ${req.url}: ${message}`);
    sendJson(res, status, { error: message }, headers);
  };
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/health" || path === "/models") {
      if (req.method !== "GET" && req.method !== "HEAD") return fail(req, res, 405, `${req.method} ${path}: use GET`, { allow: "GET, HEAD" });
      req.resume();
      if (path === "/health") return sendJson(res, 200, { status: "ok", models: service.models.map((m) => m.name), pending: service.pendingSentences, rssBytes: process.memoryUsage.rss() });
      return sendJson(res, 200, { models: service.describeModels() });
    }
    if (path !== "/translate") return fail(req, res, 404, `no such path ${JSON.stringify(path)} (paths: POST /translate, GET /health, GET /models)`);
    if (req.method !== "POST") return fail(req, res, 405, `${req.method} /translate: use POST`, { allow: "POST" });
    const type = String(req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") return fail(req, res, 415, `content type ${JSON.stringify(type || "(none)")}: send application/json`);
    let body: Buffer;
    try {
      body = await readBody(req, o.maxBody);
    } catch (e) {
      if (e === null) {
        if (!o.answered?.(req.socket)) o.log(`${req.method} ${req.url}: the client disconnected before sending the whole request`);
        return;
      }
      // answer and close: the rest of the body is not read
      return fail(req, res, (e as ApiError).status, (e as ApiError).message, { connection: "close" });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (e) {
      return fail(req, res, 400, `malformed JSON: ${(e as Error).message}`);
    }
    try {
      const answer = await service.translate(service.parse(parsed));
      if (res.destroyed || req.socket.destroyed) {
        o.log(`${req.method} ${req.url}: the client disconnected before its answer`);
        return;
      }
      sendJson(res, 200, answer);
    } catch (e) {
      if (e instanceof ApiError) return fail(req, res, e.status, e.message);
      throw e;
    }
  };
  return (req, res) => {
    route(req, res).catch((e: unknown) => fail(req, res, 500, `internal error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`));
  };
}
