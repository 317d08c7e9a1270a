// HTTP helpers of the serve tests: one request with a JSON answer, and
// `s2s serve` as a child process on port 0 (the address read from its
// startup line).
import { request, type Agent } from "node:http";
import { startCli } from "../helpers/cli.js";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

export function call(url: string, o: { method?: string; body?: string | Buffer; type?: string | null; agent?: Agent; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.type !== null && o.body !== undefined) headers["content-type"] = o.type ?? "application/json";
    const req = request(url, { method: o.method ?? (o.body !== undefined ? "POST" : "GET"), headers, agent: o.agent }, (res) => {
      let data = "";
      res.setEncoding("utf8").on("data", (d) => (data += d)).on("end", () => {
        try {
          resolve({ status: res.statusCode!, headers: res.headers, json: data ? JSON.parse(data) : {} });
        } catch (e) {
          reject(new Error(`not JSON (${res.statusCode}): ${data.slice(0, 200)}`));
        }
      });
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

export const post = (url: string, body: unknown, agent?: Agent) => call(url, { body: JSON.stringify(body), agent });

/** Starts `s2s serve ARGS --port 0`; resolves with the child and its URL once it prints the startup line. */
export async function spawnServe(args: string[]) {
  const s = startCli(["serve", ...args, "--port", "0"], 180000);
  let stderr = "";
  s.child.stderr!.on("data", (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    s.child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    s.done.then((r) => reject(new Error(`s2s serve exited (${r.code}) before listening: ${r.stderr}`)), reject);
  });
  return { ...s, url, stderr: () => stderr };
}
