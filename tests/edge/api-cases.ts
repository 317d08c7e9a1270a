// The HTTP checks both edge examples must pass (examples/shared/dates-translator.ts),
// sent as real requests to a server on 127.0.0.1.
import type { TestContext } from "node:test";
import assert from "node:assert/strict";

async function call(base: string, path: string, init?: RequestInit): Promise<{ status: number; type: string; body: Record<string, unknown>; headers: Headers }> {
  // a hung request fails this test in seconds instead of stalling the run
  const r = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await r.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    assert.fail(`${init?.method ?? "GET"} ${path}: answer is not JSON (HTTP ${r.status}): ${text.slice(0, 200)}`);
  }
  return { status: r.status, type: r.headers.get("content-type") ?? "", body, headers: r.headers };
}

const post = (body: string, type = "application/json"): RequestInit => ({ method: "POST", headers: { "content-type": type }, body });

async function expectError(base: string, path: string, init: RequestInit | undefined, status: number, message: RegExp): Promise<void> {
  const r = await call(base, path, init);
  assert.equal(r.status, status, `expected HTTP ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  assert.match(r.type, /^application\/json/, "errors are JSON");
  assert.equal(typeof r.body.error, "string", `error body has an "error" string: ${JSON.stringify(r.body)}`);
  assert.match(r.body.error as string, message);
}

/** Runs every API case as a subtest against `base` (e.g. "http://127.0.0.1:1234/api/"). */
export async function apiCases(t: TestContext, base: string): Promise<void> {
  await t.test("GET / describes the API", async () => {
    const r = await call(base, "./");
    assert.equal(r.status, 200);
    assert.match(String(r.body.usage), /POST \/translate/);
  });
  await t.test("POST /translate translates dates in several formats", async () => {
    const cases: [string, string][] = [["Monday, May 3, 1999", "1999-05-03"], ["12/25/84", "1984-12-25"], ["3rd of May 1999", "1999-05-03"], ["2050-01-31", "2050-01-31"]];
    // all at once: concurrent requests share one loaded model
    const rs = await Promise.all(cases.map(([text]) => call(base, "translate", post(JSON.stringify({ text })))));
    rs.forEach((r, i) => {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.translation, cases[i][1], `${cases[i][0]} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.text, cases[i][0]);
      assert.ok(typeof r.body.score === "number" && r.body.score <= 0, "score is a log-probability");
    });
  });
  await t.test("GET /translate?text=… with beam and attention weights", async () => {
    const r = await call(base, "translate?text=" + encodeURIComponent("17.11.2026") + "&beam=4&attention=true");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.translation, "2026-11-17");
    const src = r.body.source as string[], att = r.body.attention as number[][], tokens = r.body.tokens as string[];
    assert.equal(src.length, "17.11.2026".length + 1, "source characters and </s>");
    assert.equal(att.length, tokens.length + 1, "one attention row per output token and </s>");
    for (const row of att) {
      assert.equal(row.length, src.length);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-2, `weights sum to 1: ${row}`);
    }
  });
  await t.test("bad requests are 4xx JSON errors", async () => {
    await expectError(base, "translate", post("{not json"), 400, /not valid JSON/);
    await expectError(base, "translate", post("[1,2]"), 400, /JSON object/);
    await expectError(base, "translate", post(JSON.stringify({ txt: "3 May 1999" })), 400, /missing "text"/);
    await expectError(base, "translate", post(JSON.stringify({ text: "   " })), 400, /empty/);
    await expectError(base, "translate", post(JSON.stringify({ text: "3 May 1999", beam: 99 })), 400, /"beam" must be an integer from 1 to 8/);
    await expectError(base, "translate?text=3%20May%201999&beam=x", undefined, 400, /"beam"/);
    await expectError(base, "translate", post("text=3 May 1999", "application/x-www-form-urlencoded"), 415, /application\/json/);
    await expectError(base, "nowhere", undefined, 404, /no route/);
    const put = await call(base, "translate", { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, POST");
  });
  await t.test("oversized requests are 413", async () => {
    await expectError(base, "translate", post(JSON.stringify({ text: "1".repeat(5000) })), 413, /body is over 2048 bytes/);
    await expectError(base, "translate", post(JSON.stringify({ text: "9".repeat(65) })), 413, /longer than 64 characters/);
    // no content-length: the limit holds while the body streams in
    const chunk = new TextEncoder().encode(" ".repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 8) c.enqueue(chunk);
        else c.close();
      },
    });
    await expectError(base, "translate", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit, 413, /over 2048 bytes/);
  });
}
