// The tool page (web/tool.html; the article is web/index.html, tests/web/article.test.ts) built with Vite, served on 127.0.0.1 under a strict
// Content-Security-Policy (no 'unsafe-eval'), driven in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core): train in the worker
// for a few seconds, stop a run, translate as you type, the heatmap and its
// keyboard use, downloading the trained model and translating with it in the
// CLI (s2s translate reads it as the page does: characters in, characters
// joined out), loading a model file and refusing a bad one. A screenshot
// stays in a temporary directory (its path is printed); any console error,
// failed request or HTTP error fails the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM_ARGS, collectErrors, serve } from "./serve.js";
import { runCli } from "../helpers/cli.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import { serializeTokenizerSpec, taskTokenizerSpec } from "../../src/pipeline/tokenizer.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.S2S_CHROMIUM ?? "/usr/bin/chromium";

let missing: string | null = null;
if (!existsSync(CHROMIUM)) missing = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set S2S_CHROMIUM)`;
else {
  try {
    await import("playwright-core");
    await import("vite");
  } catch (e) {
    missing = `playwright-core or vite is not installed (${(e as Error).message.split("\n")[0]}); run npm ci`;
  }
}
if (missing) console.log(`# skipping the browser tests: ${missing}`);

/** The example model (a safetensors file, base64 in a JS module). */
function exampleModel(): Buffer {
  const src = readFileSync(join(ROOT, "examples/models/dates-model.js"), "utf8");
  const m = /export default "([A-Za-z0-9+/=]+)"/.exec(src);
  assert.ok(m, "examples/models/dates-model.js holds a base64 string");
  return Buffer.from(m[1], "base64");
}

test("demo page in Chromium: train in a worker, stop, translate as you type, heatmap, download and translate in the CLI, load a model file; strict CSP, no console errors", { skip: missing ?? false, timeout: 120_000 }, async (t) => {
  const { build } = await import("vite");
  const { chromium } = await import("playwright-core");
  const tmp = mkdtempSync(join(tmpdir(), "s2s-web-"));
  const out = join(tmp, "site");
  const t0 = Date.now();
  const loaded = new Set<string>();
  await build({
    configFile: join(ROOT, "web/vite.config.ts"), logLevel: "silent", build: { outDir: out, emptyOutDir: true },
    plugins: [{ name: "record", load(id) { loaded.add(id); return null; } }],
  });
  t.diagnostic(`vite build: ${Date.now() - t0} ms`);
  // the page uses the package as an application would: its browser entry, not the sources
  assert.ok([...loaded].some((id) => id.endsWith("/dist/index.browser.js")), "Vite bundled the package's browser entry");
  assert.ok(![...loaded].some((id) => /\/dist\/engine\/load-node\.js$/.test(id)), "no Node loader in the page");
  const html = readFileSync(join(out, "tool.html"), "utf8");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, "no inline scripts");
  assert.doesNotMatch(html, /<style|\sstyle=/, "no inline styles");
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /unsafe-eval'(?<!wasm-unsafe-eval')/, "the policy allows no eval");

  const server = await serve(out);
  const context = await chromium.launchPersistentContext(join(tmp, "profile"), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1100, height: 1400 },
    args: CHROMIUM_ARGS,
  });
  let errors: string[] = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    errors = collectErrors(page);
    await page.goto(`${server.url}tool.html`);
    await page.getByText(/^Kernels: /).waitFor({ timeout: 15_000 });
    const variant = await page.locator("#engine-status").textContent();
    t.diagnostic(`page: ${variant}`);

    // ---- accessible names of the controls ----
    for (const name of ["Updates", "Encoder size", "Cell", "Model file", "Source text", "Beam", "Training progress"]) {
      assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, `a control labelled "${name}"`);
    }

    // ---- train for a few seconds ----
    const start = page.getByRole("button", { name: "Start training" });
    await start.waitFor();
    await page.waitForFunction(() => !(document.getElementById("train-start") as HTMLButtonElement).disabled, null, { timeout: 15_000 });
    await page.getByLabel("Updates", { exact: true }).fill("700");
    await page.getByLabel("Encoder size", { exact: true }).selectOption("24");
    const trainStart = Date.now();
    await start.click();
    await page.getByText(/^Done after 700 updates/).waitFor({ timeout: 60_000 });
    const status = await page.locator("#train-status").textContent();
    t.diagnostic(`training: ${status} (${((Date.now() - trainStart) / 1000).toFixed(1)} s with page overhead)`);
    assert.equal(await page.locator("#train-progress").evaluate((p) => (p as HTMLProgressElement).value), 1);
    const points = await page.locator("polyline.loss-line").getAttribute("points");
    assert.ok((points ?? "").trim().split(" ").length >= 3, `the loss curve has points: ${points}`);
    assert.ok(await page.getByRole("button", { name: "Download the trained model" }).isEnabled());

    // ---- translate as you type ----
    const source = page.getByLabel("Source text", { exact: true });
    await source.click();
    await source.pressSequentially("3rd of May 1999", { delay: 5 });
    // the page translated the whole input (not a prefix typed so far): 15 characters and </s> across the heatmap
    await page.waitForFunction(() => document.querySelectorAll("#heatmap thead th").length === 16, null, { timeout: 10_000 });
    const translation = await page.locator("#translation").textContent();
    assert.match(translation ?? "", /^\d{4}-\d\d-\d\d$/, "an ISO date after 700 updates");
    t.diagnostic(`"3rd of May 1999" → "${translation}" after 700 updates`);
    // heatmap: (15 characters + </s>) columns × (10 characters + </s>) rows
    const cells = page.locator("#heatmap table.heatmap td[data-row]");
    assert.equal(await cells.count(), 16 * 11, "one heatmap cell per (output, source) pair");
    assert.equal(await page.locator("#heatmap thead th").count(), 16);
    const title = await cells.first().getAttribute("title");
    assert.match(title ?? "", /^. ← .: \d\.\d{3}$/, `cells say their weight on hover: ${title}`);
    await cells.nth(20).hover();
    assert.match((await page.locator("#cell-info").textContent()) ?? "", /weight \d\.\d{3}/);
    // keyboard: one tab stop for the grid, arrows move
    await cells.first().focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement).dataset);
    assert.deepEqual([focused.row, focused.col], ["1", "1"], "arrow keys move between cells");
    assert.equal(await page.locator("#heatmap td[tabindex='0']").count(), 1);
    // ---- the downloaded model works in the CLI, reading the text as the page does ----
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 10_000 }),
      page.getByRole("button", { name: "Download the trained model" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "dates.safetensors");
    const downloaded = join(tmp, "dates.safetensors");
    await download.saveAs(downloaded);
    assert.equal(parseSafetensors(readFileSync(downloaded), downloaded).metadata.tokenizer, serializeTokenizerSpec(taskTokenizerSpec("dates")),
      "the file says the dates task's tokenizer (characters)");
    const beam = await page.locator("#beam").inputValue();
    const cli = await runCli(["translate", "--model", downloaded, "--beam", beam, "--attention", join(tmp, "attn.jsonl")], "3rd of May 1999\n");
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^\d{4}-\d\d-\d\d\n$/, `s2s translate with the downloaded model gives joined characters: ${JSON.stringify(cli.stdout)}`);
    assert.equal(cli.stderr, "", "every character of the input is in the model's vocabulary");
    const alignment = JSON.parse(readFileSync(join(tmp, "attn.jsonl"), "utf8"));
    assert.deepEqual(alignment.src, [..."3rd▁of▁May▁1999", "</s>"], "the CLI reads the source character by character");
    t.diagnostic(`s2s translate with the downloaded model: "3rd of May 1999" → "${cli.stdout.trim()}" (page: "${translation}", beam ${beam})`);

    // the translation follows the input
    await source.fill("12/25/84");
    await page.waitForFunction(() => document.querySelectorAll("#heatmap thead th").length === 9, null, { timeout: 10_000 });
    assert.equal(await cells.count(), 9 * 11, "the heatmap follows the input");
    assert.match((await page.locator("#translation").textContent()) ?? "", /^\d{4}-\d\d-\d\d$/);
    // kept after the test (the rest of the temporary files are removed)
    const shot = join(mkdtempSync(join(tmpdir(), "s2s-web-screenshot-")), "demo.png");
    await page.screenshot({ path: shot, fullPage: true });

    // ---- stop a long run (of GRU cells) ----
    await page.getByLabel("Updates", { exact: true }).fill("100000");
    await page.getByLabel("Cell", { exact: true }).selectOption("gru");
    await start.click();
    assert.ok(await page.getByLabel("Cell", { exact: true }).isDisabled(), "the cell is fixed while training");
    await page.getByText(/^Update \d+ of 100000/).waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByText(/^Stopped after \d+ updates/).waitFor({ timeout: 20_000 });
    assert.ok(await start.isEnabled(), "training can start again after a stop");
    await page.locator("#model-status").getByText(/GRU cells/).waitFor({ timeout: 10_000 });

    // ---- a model file: the example model translates exactly ----
    await page.getByLabel("Model file", { exact: true }).setInputFiles({ name: "dates.safetensors", mimeType: "application/octet-stream", buffer: exampleModel() });
    await page.getByText(/^Using dates\.safetensors: 43,551 parameters/).waitFor({ timeout: 10_000 });
    await source.fill("Monday, May 3, 1999");
    await page.waitForFunction(() => (document.getElementById("translation") as HTMLOutputElement).value === "1999-05-03", null, { timeout: 10_000 });
    // a bad file is refused with an alert, and the model in use stays
    await page.getByLabel("Model file", { exact: true }).setInputFiles({ name: "broken.safetensors", mimeType: "application/octet-stream", buffer: Buffer.from("not a model") });
    await page.getByRole("alert").getByText(/^Cannot use broken\.safetensors: /).waitFor({ timeout: 10_000 });
    await source.fill("17.11.2026");
    await page.waitForFunction(() => (document.getElementById("translation") as HTMLOutputElement).value === "2026-11-17", null, { timeout: 10_000 });

    // readable at phone width: nothing wider than a 360 px viewport
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `the page is ${overflow} px wider than a 360 px viewport`);
    await page.setViewportSize({ width: 1100, height: 1400 });
    assert.ok(server.requests.some((p) => /kernels\.(simd|relaxed)-.*\.wasm$/.test(p)), `the page fetched a kernel build: ${server.requests.join(" ")}`);
    assert.deepEqual(errors, [], "no console errors");
    t.diagnostic(`screenshot: ${shot}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
