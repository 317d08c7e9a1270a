// The node:http server of `s2s serve`: listening, header and body timeouts
// (a slow client gets 408 and does not hold the others up), malformed
// requests answered as JSON, and draining: stop accepting, finish what is in
// flight, then resolve.

import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { S2SError } from "../errors.js";
import { createHandler, type HttpOptions } from "./http.js";
import type { TranslationService } from "./service.js";

export interface ServerOptions extends HttpOptions {
  host: string;
  port: number;
  /** the client must send its headers, and the whole request, within this many ms (408 otherwise) */
  timeoutMs: number;
}

export interface RunningServer {
  server: Server;
  /** the address it listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  /** requests being handled */
  readonly inFlight: number;
  /** stops accepting connections, finishes the requests in flight, then resolves */
  drain(): Promise<void>;
}

export async function startServer(service: TranslationService, o: ServerOptions): Promise<RunningServer> {
  // sockets with a request being handled (its handler logs a disconnect), and those answered here
  const busy = new WeakSet<Socket>(), answered = new WeakSet<Socket>();
  const handler = createHandler(service, { ...o, answered: (s) => answered.has(s) });
  let inFlight = 0, draining = false;
  let idle: (() => void) | null = null;
  const server = createServer({
    headersTimeout: o.timeoutMs, requestTimeout: o.timeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(o.timeoutMs / 4))),
  }, (req, res) => {
    inFlight++;
    busy.add(req.socket);
    if (draining) res.setHeader("connection", "close");
    res.on("close", () => {
      busy.delete(req.socket);
      // draining: a keep-alive connection that just became idle is closed too
      if (draining) setImmediate(() => server.closeIdleConnections());
      if (--inFlight === 0 && idle) idle();
    });
    handler(req, res);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "ERR_HTTP_HEADERS_TIMEOUT";
    // a reset, or a client that left in the middle of a request (its handler logs that)
    if (err.code === "ECONNRESET" || !socket.writable || (busy.has(socket) && !timeout)) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const status = timeout ? 408 : 400;
    const message = timeout ? `the request was not received within ${o.timeoutMs} ms (--timeout-ms)` : `bad HTTP request (${err.code ?? err.message})`;
    o.log(`${status}: ${message}`);
    const body = JSON.stringify({ error: message });
    socket.end(`HTTP/1.1 ${status} ${timeout ? "Request Timeout" : "Bad Request"}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      reject(new S2SError(`serve: cannot listen on ${o.host}:${o.port}: ${e.code === "EADDRINUSE" ? "the address is in use" : e.code === "EACCES" ? "permission denied" : e.message}`));
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    get inFlight() {
      return inFlight;
    },
    drain() {
      draining = true;
      return new Promise<void>((resolve) => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        const allDone = inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (idle = r));
        void allDone.then(() => {
          server.closeIdleConnections();
          return closed;
        }).then(resolve);
      });
    },
  };
}
