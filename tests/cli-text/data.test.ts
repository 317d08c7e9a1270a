// s2s data multi30k against a local HTTP server on 127.0.0.1 serving fixture
// files laid out like the dataset's repository (data/task1/raw, data/task1/tok).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { runCli, assertCleanFailure } from "../helpers/cli.js";
import { loadMulti30k } from "../../src/data/multi30k.js";

const tmp = mkdtempSync(join(tmpdir(), "s2s-data-"));
const SENT: Record<string, string[]> = {
  en: ["Two dogs play in the snow.", "A man rides a bike."],
  de: ["Zwei Hunde spielen im Schnee.", "Ein Mann fährt Fahrrad."],
  fr: ["Deux chiens jouent dans la neige.", "Un homme fait du vélo."],
};
const files = new Map<string, Buffer>();
const requests: string[] = [];
let server: Server;
let base = "";

before(async () => {
  for (const split of ["train", "val", "test_2016_flickr"]) {
    for (const [lang, lines] of Object.entries(SENT)) {
      const text = lines.map((l) => `${l} (${split})`).join("\n") + "\n";
      files.set(`/dataset/data/task1/raw/${split}.${lang}.gz`, gzipSync(text));
      files.set(`/dataset/data/task1/tok/${split}.lc.norm.tok.${lang}`, Buffer.from(text.toLowerCase()));
    }
  }
  files.set("/broken/data/task1/raw/train.en.gz", Buffer.from("this is not gzip"));
  files.set("/short/data/task1/raw/train.en.gz", gzipSync("one\ntwo\n"));
  files.set("/short/data/task1/raw/train.de.gz", gzipSync("eins\n"));
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url?.startsWith("/error/")) {
      res.writeHead(500, "Internal Server Error").end();
      return;
    }
    const body = files.get(req.url ?? "");
    if (!body) {
      res.writeHead(404, "Not Found").end("404: Not Found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
});

test("s2s data multi30k downloads raw/ and tok/ into the reader's layout", async () => {
  const out = join(tmp, "m30k");
  let r = await runCli(["data", "multi30k", "--out", out, "--base-url", `${base}/dataset/data/task1/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /data: 18 files downloaded, 0 kept/);
  assert.equal(readdirSync(join(out, "raw")).length, 9);
  assert.equal(readdirSync(join(out, "tok")).length, 9);
  assert.equal(gunzipSync(readFileSync(join(out, "raw", "val.de.gz"))).toString(), "Zwei Hunde spielen im Schnee. (val)\nEin Mann fährt Fahrrad. (val)\n");
  const pairs = loadMulti30k(out, "test_2016_flickr", "de", "en");
  assert.deepEqual(pairs[1], { src: "Ein Mann fährt Fahrrad. (test_2016_flickr)", tgt: "A man rides a bike. (test_2016_flickr)" });
  assert.ok(existsSync(join(out, "tok", "train.lc.norm.tok.fr")));
  // a second run keeps what is there, --force fetches again
  const before = requests.length;
  r = await runCli(["data", "multi30k", "--out", out, "--base-url", `${base}/dataset/data/task1`, "--langs", "en,de", "--splits", "val"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /0 files downloaded, 4 kept/);
  assert.equal(requests.length, before);
  r = await runCli(["data", "multi30k", "--out", out, "--base-url", `${base}/dataset/data/task1`, "--langs", "en", "--splits", "val", "--no-tok", "--force", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.deepEqual(requests.slice(before), ["/dataset/data/task1/raw/val.en.gz"]);
});

test("s2s data multi30k: HTTP and content failures are one clear line", async () => {
  // a port nobody listens on
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const cases: [string, string[], RegExp][] = [
    ["404", ["--base-url", `${base}/nothing-here`], /cannot download http:\/\/127\.0\.0\.1:\d+\/nothing-here\/raw\/train\.en\.gz: HTTP 404 Not Found/],
    ["500", ["--base-url", `${base}/error`], /cannot download .*\/error\/raw\/train\.en\.gz: HTTP 500 Internal Server Error/],
    ["not gzip", ["--base-url", `${base}/broken/data/task1`, "--langs", "en", "--splits", "train"], /raw\/train\.en\.gz: the download is not a valid gzip file/],
    ["misaligned", ["--base-url", `${base}/short/data/task1`, "--langs", "en,de", "--splits", "train", "--no-tok"], /raw\/train\.de\.gz has 1 lines but raw\/train\.en\.gz has 2: the files do not belong together/],
    ["refused", ["--base-url", `http://127.0.0.1:${deadPort}`], /cannot download http:\/\/127\.0\.0\.1:\d+\/raw\/train\.en\.gz: ECONNREFUSED/],
  ];
  for (const [what, args, pattern] of cases) {
    const out = join(tmp, `bad-${what}`);
    const r = await runCli(["data", "multi30k", "--out", out, "--quiet", ...args]);
    assert.doesNotThrow(() => assertCleanFailure(r, pattern), `${what}: ${r.stderr}`);
    if (what !== "misaligned") {
      assert.ok(!existsSync(join(out, "raw", "train.en.gz")), "nothing is written for a failed download");
      // offline or a bad URL before any file arrived: no empty folders left behind (--out included)
      assert.ok(!existsSync(out), `${what}: ${out} was left behind`);
    } else {
      assert.ok(existsSync(join(out, "raw", "train.en.gz")), "a good file that arrived is kept");
    }
  }
  // an --out that existed before stays
  const kept = join(tmp, "kept");
  mkdirSync(kept);
  const r = await runCli(["data", "multi30k", "--out", kept, "--quiet", "--base-url", `http://127.0.0.1:${deadPort}`]);
  assert.equal(r.code, 1);
  assert.ok(existsSync(kept) && readdirSync(kept).length === 0, "the existing --out is kept, with nothing made in it");
});
