// s2s serve as a child process: 2,000 requests from 32 concurrent clients
// with every answer equal to the offline `s2s translate`'s and RSS flat;
// clients killed mid-request while others run; SIGTERM drains; startup
// errors are one line.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "node:http";
import { runCli, assertCleanFailure } from "../helpers/cli.js";
import { synthetic } from "../cli-text/synthetic.js";
import { writeServeModel } from "./model.js";
import { call, post, spawnServe } from "./client.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-serve-load-"));
const MODEL = join(tmp, "m.safetensors");
const LINES = synthetic(200, 21).map((p) => p.src);
/** line → [translation, score] from `s2s translate --nbest 1` (beam 5, unpacked weights as serve loads them) */
const offline = new Map<string, [string, number]>();

before(async () => {
  await writeServeModel(MODEL);
  writeFileSync(join(tmp, "in.de"), LINES.join("\n") + "\n");
  const r = await runCli(["translate", "--model", MODEL, "--no-pack", "--nbest", "1", "--quiet"], LINES.join("\n") + "\n");
  assert.equal(r.code, 0, r.stderr);
  for (const l of r.stdout.trimEnd().split("\n")) {
    const [i, text, score] = l.split(" ||| ");
    offline.set(LINES[Number(i)], [text, Number(score)]);
  }
  assert.equal(offline.size, new Set(LINES).size);
});

async function clients(url: string, n: number, requests: number, agent: Agent): Promise<{ errors: string[]; done: number }> {
  const errors: string[] = [];
  let next = 0, done = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < requests) {
      const k = next++;
      const text = LINES[k % LINES.length];
      try {
        const r = await post(url + "/translate", { text }, agent);
        const [want, score] = offline.get(text)!;
        if (r.status !== 200 || r.json.translation !== want || r.json.score !== score) errors.push(`${k}: ${r.status} ${JSON.stringify(r.json)}`);
      } catch (e) {
        errors.push(`${k}: ${e}`);
      }
      done++;
    }
  }));
  return { errors, done };
}

test("load: 2,000 requests from 32 clients, zero errors, every answer the offline CLI's, RSS flat", async () => {
  const s = await spawnServe(["--model", MODEL]);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    const warm = await clients(s.url, 32, 400, agent);
    assert.deepEqual(warm.errors, []);
    const rss0 = (await call(s.url + "/health")).json.rssBytes as number;
    const t0 = Date.now();
    const r = await clients(s.url, 32, 2000, agent);
    const ms = Date.now() - t0;
    const rss1 = (await call(s.url + "/health")).json.rssBytes as number;
    assert.equal(r.done, 2000);
    assert.deepEqual(r.errors.slice(0, 5), [], `${r.errors.length} errors`);
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    console.log(`load: 2000 requests, 32 clients, ${r.errors.length} errors, ${ms} ms; RSS after warm-up ${mib(rss0)} MiB, at end ${mib(rss1)} MiB`);
    // flat: at most 16 MiB (or 25 %) more than after warm-up
    assert.ok(rss1 - rss0 < Math.max(16 * 2 ** 20, rss0 / 4), `RSS grew from ${mib(rss0)} to ${mib(rss1)} MiB`);
  } finally {
    agent.destroy();
    s.child.kill("SIGTERM");
    await s.done;
  }
});

test("fault: clients killed mid-request while others run; the others get correct answers", async () => {
  const s = await spawnServe(["--model", MODEL]);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const port = Number(new URL(s.url).port);
    const body = JSON.stringify({ texts: LINES.slice(0, 8) });
    let killed = 0;
    const killers = Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 10; i++) {
        const sock = connect(port, "127.0.0.1");
        await new Promise((r) => sock.on("connect", r));
        // half of them mid-body, half with a whole request waiting for its answer
        const whole = i % 2 === 1;
        sock.write(`POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` + (whole ? body : body.slice(0, 20)));
        await new Promise((r) => setTimeout(r, whole ? 2 : 10));
        sock.destroy();
        killed++;
      }
    });
    const [r] = await Promise.all([clients(s.url, 16, 400, agent), ...killers]);
    assert.equal(killed, 40);
    assert.deepEqual(r.errors, []);
    assert.equal((await call(s.url + "/health")).json.pending, 0);
  } finally {
    agent.destroy();
    s.child.kill("SIGTERM");
    const end = await s.done;
    assert.equal(end.code, 0, end.stderr);
  }
});

test("SIGTERM drains: requests in flight are answered, then exit 0; a second SIGTERM exits at once", async () => {
  const s = await spawnServe(["--model", MODEL, "--max-wait-ms", "200"]);
  const inflight = Array.from({ length: 6 }, (_, i) => post(s.url + "/translate", { text: LINES[i] }));
  await new Promise((r) => setTimeout(r, 50));
  s.child.kill("SIGTERM");
  const answers = await Promise.all(inflight);
  answers.forEach((a, i) => {
    assert.equal(a.status, 200);
    assert.equal(a.json.translation, offline.get(LINES[i])![0]);
  });
  const end = await s.done;
  assert.equal(end.code, 0, end.stderr);
  assert.match(s.stderr(), /SIGTERM: finishing \d+ request\(s\) in flight/);
  // a second SIGTERM while a slow request holds the drain
  const t = await spawnServe(["--model", MODEL]);
  const sock = connect(Number(new URL(t.url).port), "127.0.0.1");
  await new Promise((r) => sock.on("connect", r));
  sock.on("error", () => {});
  sock.write("POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{");
  await new Promise((r) => setTimeout(r, 100));
  t.child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 100));
  t.child.kill("SIGTERM");
  const end2 = await t.done;
  sock.destroy();
  assert.equal(end2.code, 143);
  assert.match(t.stderr(), /SIGTERM again: exiting without waiting for 1 request/);
});

test("startup errors: one line, non-zero exit", async () => {
  assertCleanFailure(await runCli(["serve", "--model", join(tmp, "missing.safetensors"), "--port", "0"]), /missing\.safetensors/);
  assertCleanFailure(await runCli(["serve", "--model", MODEL, "--port", "70000"]), /--port must be ≤ 65535/);
  const s = await spawnServe(["--model", MODEL]);
  const r = await runCli(["serve", "--model", MODEL, "--port", new URL(s.url).port]);
  assertCleanFailure(r, /cannot listen on 127\.0\.0\.1:\d+: the address is in use/);
  s.child.kill("SIGTERM");
  await s.done;
  const h = await runCli(["serve", "--help"]);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /POST \/translate/);
});
