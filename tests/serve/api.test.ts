// s2s serve's API in process, over real HTTP on 127.0.0.1 (port 0): answers,
// every refused request (status, one JSON error, one log line), slow and
// vanishing clients, batched answers equal to one-at-a-time answers, and the
// batcher alone without HTTP.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "node:http";
import { loadEngine } from "../../src/engine/load-node.js";
import { loadModelFromFile } from "../../src/model/load-file.js";
import { Translator } from "../../src/pipeline/translator.js";
import { Batcher } from "../../src/serve/batcher.js";
import { TranslationService } from "../../src/serve/service.js";
import { startServer, type RunningServer } from "../../src/serve/server.js";
import { synthetic } from "../cli-text/synthetic.js";
import { writeServeModel } from "./model.js";
import { call, post } from "./client.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-serve-api-"));
const MODEL = join(tmp, "m.safetensors"), PLAIN = join(tmp, "plain.safetensors");
const logs: string[] = [];
let srv: RunningServer, unbatched: RunningServer, tr: Translator;
const servers: RunningServer[] = [];

async function serve(maxBatch: number, maxWaitMs: number, timeoutMs = 30000): Promise<RunningServer> {
  const engine = await loadEngine();
  const service = new TranslationService([
    { name: "m", model: loadModelFromFile(engine, MODEL), fileBytes: statSync(MODEL).size },
    { name: "plain", model: loadModelFromFile(engine, PLAIN), fileBytes: statSync(PLAIN).size },
  ], { maxTexts: 8, maxTokens: 200 }, { maxBatch, maxWaitMs });
  const s = await startServer(service, { host: "127.0.0.1", port: 0, timeoutMs, maxBody: 4096, log: (l) => logs.push(l) });
  servers.push(s);
  return s;
}

before(async () => {
  await writeServeModel(MODEL);
  await writeServeModel(PLAIN, { attention: "none", seed: 6 });
  srv = await serve(32, 20, 600);
  unbatched = await serve(1, 0);
  tr = new Translator(loadModelFromFile(await loadEngine(), MODEL));
});

after(async () => {
  for (const s of servers) await s.drain();
});

test("translate, health, models: answers as documented", async () => {
  let r = await post(srv.url + "/translate", { text: "Der Hund sieht eine Katze.", beam: 3, nbest: 2, attention: true });
  assert.equal(r.status, 200);
  const want = tr.translate(["Der Hund sieht eine Katze."], { beam: 3, nbest: 2 })[0];
  assert.equal(r.json.model, "m");
  assert.equal(r.json.translation, want.hyps[0].text);
  assert.deepEqual(r.json.src, want.srcTokens);
  assert.equal((r.json.nbest as unknown[]).length, 2);
  assert.equal((r.json.attention as number[][]).length, want.hyps[0].steps.length);
  r = await post(srv.url + "/translate", { texts: ["Ein Mann ruft.", "", "Die Frau mag den Vogel."], model: "plain" });
  assert.equal(r.status, 200);
  assert.equal((r.json.translations as unknown[]).length, 3);
  assert.deepEqual((r.json.translations as Record<string, unknown>[])[1], { translation: "", score: 0 });
  r = await call(srv.url + "/health");
  assert.equal(r.status, 200);
  assert.equal(r.json.status, "ok");
  r = await call(srv.url + "/models");
  const ms = r.json.models as Record<string, unknown>[];
  assert.deepEqual(ms.map((m) => [m.name, m.default, m.int8, m.attention]), [["m", true, false, true], ["plain", false, false, false]]);
  assert.deepEqual(ms[0].languages, { src: "de", tgt: "en" });
  assert.equal(ms[0].fileBytes, statSync(MODEL).size);
});

test("bad requests: each one JSON error with its status, logged once, and the server still answers correctly", async () => {
  const u = srv.url;
  const cases: [string, Promise<import("./client.js").Answer>, number, RegExp][] = [
    ["malformed JSON", call(u + "/translate", { body: '{"text": ' }), 400, /malformed JSON/],
    ["not an object", call(u + "/translate", { body: "[1]" }), 400, /JSON object/],
    ["text not a string", post(u + "/translate", { text: 5 }), 400, /"text" must be a string/],
    ["texts not strings", post(u + "/translate", { texts: ["a", 1] }), 400, /array of strings/],
    ["both text and texts", post(u + "/translate", { text: "a", texts: ["b"] }), 400, /either "text"/],
    ["beam out of range", post(u + "/translate", { text: "a", beam: 0 }), 400, /"beam" must be an integer from 1 to 32/],
    ["nbest over beam", post(u + "/translate", { text: "a", beam: 2, nbest: 3 }), 400, /"nbest" must be an integer from 1 to 2/],
    ["attention not boolean", post(u + "/translate", { text: "a", attention: "yes" }), 400, /true or false/],
    ["attention without attention", post(u + "/translate", { text: "a", attention: true, model: "plain" }), 400, /no attention/],
    ["unknown field", post(u + "/translate", { text: "a", beams: 2 }), 400, /unknown field "beams"/],
    ["too many texts", post(u + "/translate", { texts: Array(9).fill("a") }), 413, /9 texts in one request, more than the limit of 8/],
    ["too many pieces", post(u + "/translate", { text: "Hund ".repeat(201) }), 413, /201 source pieces, more than the limit of 200/],
    ["pieces × nbest with attention", post(u + "/translate", { text: "Hund ".repeat(60), beam: 4, nbest: 4, attention: true }), 413, /× nbest 4/],
    ["oversized body", call(u + "/translate", { body: JSON.stringify({ text: "x".repeat(5000) }) }), 413, /more than the limit of 4096/],
    ["unknown model", post(u + "/translate", { text: "a", model: "fr-en" }), 404, /unknown model "fr-en" \(models: m, plain\)/],
    ["wrong method", call(u + "/translate"), 405, /use POST/],
    ["wrong method on /health", call(u + "/health", { method: "POST", body: "{}" }), 405, /use GET/],
    ["wrong content type", call(u + "/translate", { body: '{"text":"a"}', type: "text/plain" }), 415, /send application\/json/],
    ["no content type", call(u + "/translate", { body: '{"text":"a"}', type: null }), 415, /\(none\)/],
    ["unknown path", call(u + "/translat"), 404, /no such path "\/translat"/],
  ];
  for (const [what, p, status, pattern] of cases) {
    const before = logs.length;
    const r = await p.catch((e) => assert.fail(`${what}: ${e}`));
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.json)}`);
    assert.deepEqual(Object.keys(r.json), ["error"], what);
    assert.match(String(r.json.error), pattern, what);
    assert.ok(!String(r.json.error).includes("\n"), `${what}: one line`);
    assert.equal(logs.length - before, 1, `${what}: logged once`);
    assert.ok(logs[logs.length - 1].startsWith(String(status)), `${what}: ${logs[logs.length - 1]}`);
  }
  assert.equal((await call(u + "/translate")).headers.allow, "POST");
  const r = await post(u + "/translate", { text: "Der Hund sieht eine Katze." });
  assert.equal(r.json.translation, tr.translate(["Der Hund sieht eine Katze."])[0].hyps[0].text);
});

test("a slow client gets 408 and does not hold up the others; a client that vanishes is logged once", async () => {
  const before = logs.length;
  const slow = connect(Number(new URL(srv.url).port), "127.0.0.1");
  let got = "";
  slow.setEncoding("utf8").on("data", (d) => (got += d));
  const closed = new Promise((r) => slow.on("close", r));
  slow.write("POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"te");
  // meanwhile another client is answered
  const r = await post(srv.url + "/translate", { text: "Ein Mann ruft." });
  assert.equal(r.status, 200);
  await closed;
  assert.match(got, /^HTTP\/1\.1 408 /);
  assert.match(got, /\{"error":"the request was not received within 600 ms/);
  // a client that sends half a body and disconnects
  const gone = connect(Number(new URL(srv.url).port), "127.0.0.1");
  await new Promise((r) => gone.on("connect", r));
  gone.write("POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"te");
  await new Promise((r) => setTimeout(r, 50));
  gone.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const mine = logs.slice(before);
  assert.equal(mine.filter((l) => l.startsWith("408")).length, 1, mine.join("\n"));
  assert.equal(mine.filter((l) => /disconnected before sending/.test(l)).length, 1, mine.join("\n"));
  assert.equal(mine.length, 2, mine.join("\n"));
  assert.equal((await post(srv.url + "/translate", { text: "Ein Mann ruft." })).json.translation, r.json.translation);
});

test("batched answers equal one-at-a-time answers (and the Translator's), for every search option", async () => {
  const lines = synthetic(24, 11).map((p) => p.src);
  const opts = [{}, { beam: 1 }, { beam: 3, nbest: 2 }, { beam: 2, attention: true }];
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  for (const o of opts) {
    // all at once: shared batches on `srv`; one at a time on `unbatched`
    const together = await Promise.all(lines.map((text) => post(srv.url + "/translate", { text, ...o }, agent)));
    const alone: typeof together = [];
    for (const text of lines) alone.push(await post(unbatched.url + "/translate", { text, ...o }));
    together.forEach((r, i) => {
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, alone[i].json, `${JSON.stringify(o)} line ${i}`);
    });
    const direct = tr.translate(lines, { ...o, attention: false });
    together.forEach((r, i) => assert.equal(r.json.translation, direct[i].hyps[0].text));
  }
  agent.destroy();
});

test("the server's maximum output length applies to every request", async () => {
  const engine = await loadEngine();
  const service = new TranslationService([{ name: "m", model: loadModelFromFile(engine, MODEL), fileBytes: 0 }], { maxTexts: 8, maxTokens: 200 },
    { maxBatch: 8, maxWaitMs: 0 }, { maxLenA: 0, maxLenB: 2 });
  const r = await service.translate(service.parse({ texts: synthetic(8, 12).map((p) => p.src), beam: 2, attention: true }));
  for (const t of r.translations as { tgt: string[] }[]) assert.ok(t.tgt.length <= 2, JSON.stringify(t.tgt));
});

test("batcher without HTTP: groups by key, at most maxBatch per run, each request its own results in order", async () => {
  const runs: [string, number[]][] = [];
  const b = new Batcher<string, number, number>({ maxBatch: 4, maxWaitMs: 10 }, (key, items) => {
    runs.push([key, items]);
    if (items.includes(-1)) throw new Error("bad item");
    return items.map((x) => x * 10);
  });
  const p1 = b.submit("a", [1, 2, 3]), p2 = b.submit("b", [7]), p3 = b.submit("a", [4, 5]), p4 = b.submit("a", [-1]), p5 = b.submit("a", [6]);
  assert.deepEqual(await p1, [10, 20, 30]);
  assert.deepEqual(await p2, [70]);
  assert.deepEqual(await p3, [40, 50]);
  await assert.rejects(p4, /bad item/);
  assert.deepEqual(await p5, [60]);
  assert.deepEqual(runs[0], ["a", [1, 2, 3, 4]], "full batch first, across requests");
  assert.ok(runs.every(([, items]) => items.length <= 4));
  assert.ok(runs.some(([k, items]) => k === "b" && items.length === 1));
  assert.equal(b.pending, 0);
  // maxBatch 1: one item per run
  const one = new Batcher<string, number, number>({ maxBatch: 1, maxWaitMs: 0 }, (_k, items) => (assert.equal(items.length, 1), items));
  assert.deepEqual(await Promise.all([one.submit("k", [1, 2]), one.submit("k", [3])]), [[1, 2], [3]]);
});
