// The PyTorch trainer (tools/torch): DDP under torchrun with gloo equals one
// process, the replicas stay identical, the engine scores and decodes its
// model exactly as PyTorch does, it reproduces s2s train's own runs, and a
// run killed mid-way resumes to the same bytes. Skipped without PyTorch.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli, type RunResult } from "../helpers/cli.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import { getTask, makeSplits } from "../../src/tasks/index.js";

const PY = "/usr/bin/python3";
const TRAIN = join(ROOT, "tools/torch/train.py");
const REFERENCE = join(ROOT, "tools/torch/reference.py");
const ENV = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", PYTHONDONTWRITEBYTECODE: "1" };
const probe = existsSync(PY) ? spawnSync(PY, ["-c", "import torch, torch.distributed"], { env: ENV }) : null;
const missing = !probe ? `${PY} not found` : probe.status !== 0 ? `${PY} -c "import torch" failed (apt-get install python3-torch libopenblas0-pthread)` : null;
if (missing) console.log(`# skipping the PyTorch trainer tests: ${missing}`);
const skip = missing ?? false;

const tmp = mkdtempSync(join(tmpdir(), "s2s-torch-"));
const PREP = join(tmp, "prep");
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], timeoutMs = 120_000, onStderr?: (text: string, kill: () => void) => void, stdin = ""): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: ENV, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr += d;
      onStderr?.(stderr, () => child.kill("SIGKILL"));
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(stdin);
  });
}

const python = (args: string[], onStderr?: (text: string, kill: () => void) => void) => run(PY, [TRAIN, ...args], 120_000, onStderr);
let torchrunLogs = 0;
/** A TCP port free on localhost now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * torchrun on this machine, one node; --redirects/--tee 1 because torchrun 1.13 on Python 3.11 cannot parse
 * their default "0". Each launch gets its own rendezvous port: 1.13's --standalone always uses localhost:29400,
 * so two launches at once share one rendezvous store and the first to finish breaks the other's.
 */
async function torchrun(nproc: number, args: string[]): Promise<RunResult> {
  const launcher = existsSync("/usr/bin/torchrun") ? ["/usr/bin/torchrun"] : [PY, "-m", "torch.distributed.run"];
  const n = torchrunLogs++;
  return run(launcher[0], [...launcher.slice(1), "--rdzv_backend", "c10d", "--rdzv_endpoint", `localhost:${await freePort()}`, "--rdzv_id", `s2s-test-${n}`,
    "--nnodes", "1", "--nproc_per_node", String(nproc), "--redirects", "1", "--tee", "1", "--log_dir", join(tmp, `logs${n}`), TRAIN, ...args]);
}

const SMALL = ["--emb-dim", "12", "--enc-hidden", "12", "--dec-hidden", "24", "--batch-sentences", "16", "--threads", "1", "--log-every", "10"];

function tensors(path: string) {
  return parseSafetensors(new Uint8Array(readFileSync(path)), path);
}

function maxDiff(a: string, b: string): number {
  const x = tensors(a), y = tensors(b);
  assert.deepEqual([...x.tensors.keys()], [...y.tensors.keys()]);
  let d = 0;
  for (const name of x.tensors.keys()) {
    const p = x.f32(name), q = y.f32(name);
    for (let i = 0; i < p.length; i++) d = Math.max(d, Math.abs(p[i] - q[i]));
  }
  return d;
}

function ok(r: RunResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed:\n${r.stderr.slice(-3000)}`);
}

function losses(stderr: string): number[] {
  return [...stderr.matchAll(/step \d+\/\d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
}

/**
 * The engine's numbers for a model file equal PyTorch's (tools/torch/reference.py) on the validation pairs:
 * teacher-forced log-probabilities to 1e-4, greedy and beam (4, 2-best) ids. Returns the number of pairs.
 */
async function assertEngineMatchesTorch(model: string): Promise<number> {
  const pairs = readFileSync(join(PREP, "valid.ids.jsonl"), "utf8");
  const ref = await run(PY, [REFERENCE, "--model", model, "--beam", "4", "--nbest", "2"], 60_000, undefined, pairs);
  ok(ref, "reference.py");
  const want = ref.stdout.trim().split("\n").map((x) => JSON.parse(x));
  const score = await runCli(["score", "--model", model, "--ids"], pairs);
  ok(score, "s2s score --ids");
  const greedy = await runCli(["translate", "--model", model, "--ids", "--beam", "1", "--no-attention"], pairs);
  ok(greedy, "s2s translate --beam 1");
  const beam = await runCli(["translate", "--model", model, "--ids", "--beam", "4", "--nbest", "2", "--no-attention"], pairs);
  ok(beam, "s2s translate --beam 4");
  const [sc, gr, bm] = [score, greedy, beam].map((r) => r.stdout.trim().split("\n").map((x) => JSON.parse(x)));
  assert.equal(sc.length, want.length);
  let compared = 0, worst = 0;
  want.forEach((w, i) => {
    w.logprobs.forEach((lp: number, t: number) => (worst = Math.max(worst, Math.abs(lp - sc[i].logprobs[t]))));
    if (w.gap < 1e-4) return; // a near-tie: float32 engines may break it either way
    compared++;
    assert.deepEqual(gr[i].ids, w.greedy.ids, `greedy, sentence ${i}`);
    assert.deepEqual(bm[i].hyps.map((h: { ids: number[] }) => h.ids), w.beam.map((h: { ids: number[] }) => h.ids), `beam, sentence ${i}`);
  });
  assert.ok(worst <= 1e-4, `teacher-forced log-probabilities differ by ${worst}`);
  assert.ok(compared >= want.length * 0.8, `only ${compared}/${want.length} sentences without near-ties`);
  return want.length;
}

test("setup: a prepared directory of the built-in dates task (s2s prepare, whitespace tokens)", { skip }, async () => {
  const s = makeSplits(getTask("dates"), { train: 320, valid: 24, test: 0 }, 11);
  const tsv = (xs: { src: string[]; tgt: string[] }[]) => xs.map((e) => `${e.src.join(" ")}\t${e.tgt.join(" ")}\n`).join("");
  writeFileSync(join(tmp, "train.tsv"), tsv(s.train));
  writeFileSync(join(tmp, "valid.tsv"), tsv(s.valid));
  const r = await runCli(["prepare", "--train-tsv", join(tmp, "train.tsv"), "--valid-tsv", join(tmp, "valid.tsv"),
    "--src-lang", "en", "--tgt-lang", "en", "--tokenizer", "whitespace", "--bpe", "none", "--out", PREP, "--quiet"]);
  ok(r, "s2s prepare");
});

test("torchrun 2 processes (gloo) = 1 process with the same global batch; identical replicas; s2s train's metadata; the engine scores and decodes the model as PyTorch does", { skip, timeout: 180_000 }, async () => {
  // SGD: the global gradient is the same up to summation order, so the weights agree to ~1e-7 (Adam divides
  // each gradient entry by its own running size, which turns roundoff-sized entries into lr-sized steps)
  const args = ["--data", PREP, ...SMALL, "--steps", "40", "--optimizer", "sgd", "--lr", "1", "--label-smoothing", "0.1"];
  const two = join(tmp, "ddp2.safetensors"), one = join(tmp, "ddp1.safetensors");
  const replicas = join(tmp, "replicas");
  mkdirSync(replicas);
  const [r2, r1] = await Promise.all([torchrun(2, [...args, "--out", two, "--save-replicas", replicas]), python([...args, "--out", one])]);
  ok(r2, "torchrun --nproc_per_node 2");
  ok(r1, "one process");
  assert.match(r2.stderr, /2 process\(es\), backend gloo/);
  assert.match(r2.stderr, /weights identical on all 2 processes/);
  // each process's own final weights, byte for byte the same
  const [w0, w1] = [0, 1].map((r) => readFileSync(join(replicas, `rank-${r}.safetensors`)));
  assert.ok(Buffer.compare(w0, w1) === 0, `the ranks' weights differ (max ${maxDiff(join(replicas, "rank-0.safetensors"), join(replicas, "rank-1.safetensors"))})`);
  const d = maxDiff(one, two);
  assert.ok(d <= 1e-5, `2 processes vs 1: max weight difference ${d}`);
  const l = losses(r1.stderr);
  assert.ok(l.length >= 4 && l[l.length - 1] < l[0], `the loss goes down: ${l}`);

  // the file carries what s2s train --data PREP writes, in the same order
  const md = tensors(two).metadata;
  assert.deepEqual(Object.keys(md), ["src_vocab", "tgt_vocab", "tokenizer", "train_max_src_pieces", "config"]);
  const longest = Math.max(...readFileSync(join(PREP, "train.ids.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l).src.length - 1));
  assert.equal(md.train_max_src_pieces, String(longest), "the longest training source, as s2s train records it");
  for (const [key, file] of [["src_vocab", "src_vocab.json"], ["tgt_vocab", "tgt_vocab.json"], ["tokenizer", "tokenizer.json"]]) {
    assert.equal(md[key], readFileSync(join(PREP, file), "utf8").trim(), key);
  }
  const info = await runCli(["info", "--model", two]);
  ok(info, "s2s info");

  const n = await assertEngineMatchesTorch(two);
  // and the text commands take it unchanged
  const tr = await runCli(["translate", "--model", two, "--quiet"], readFileSync(join(PREP, "valid.src.txt"), "utf8"));
  ok(tr, "s2s translate (text)");
  assert.equal(tr.stdout.split("\n").length - 1, n);
});

test("the trainer reproduces s2s train: a fresh model from the same seed, and --init of an engine-trained model (1e-5)", { skip, timeout: 120_000 }, async () => {
  const common = ["--data", PREP, "--emb-dim", "12", "--enc-hidden", "12", "--dec-hidden", "24", "--batch-sentences", "16", "--steps", "30", "--seed", "5", "--quiet"];
  const eng = join(tmp, "engine.safetensors"), tor = join(tmp, "torch.safetensors");
  const [re, rt] = await Promise.all([
    runCli(["train", ...common, "--decoder-style", "bahdanau", "--attention", "general", "--no-bleu", "--out", eng]),
    python([...common, "--decoder-style", "bahdanau", "--attention", "general", "--threads", "1", "--out", tor]),
  ]);
  ok(re, "s2s train");
  ok(rt, "train.py");
  let d = maxDiff(eng, tor);
  assert.ok(d <= 1e-5, `fresh: max weight difference ${d}`);
  assert.deepEqual(tensors(tor).metadata, tensors(eng).metadata);
  // continue the engine's model in both
  const cont = ["--data", PREP, "--init", eng, "--batch-sentences", "8", "--steps", "10", "--seed", "6", "--quiet"];
  const eng2 = join(tmp, "engine2.safetensors"), tor2 = join(tmp, "torch2.safetensors");
  const [re2, rt2] = await Promise.all([runCli(["train", ...cont, "--no-bleu", "--out", eng2]), python([...cont, "--threads", "1", "--out", tor2])]);
  ok(re2, "s2s train --init");
  ok(rt2, "train.py --init");
  d = maxDiff(eng2, tor2);
  assert.ok(d <= 1e-5, `--init: max weight difference ${d}`);
  assert.ok(maxDiff(eng, tor2) > 1e-3, "the continued model moved");
});

test("a run killed mid-way resumes from its checkpoint to the bytes of an uninterrupted run (with dropout); the engine runs that 2-layer model as PyTorch does", { skip, timeout: 120_000 }, async () => {
  const args = ["--data", PREP, ...SMALL, "--steps", "40", "--dropout", "0.2", "--enc-layers", "2", "--dec-layers", "2",
    "--checkpoint-every", "10", "--log-every", "5"];
  const full = join(tmp, "full.safetensors"), cut = join(tmp, "cut.safetensors");
  ok(await python([...args, "--out", full]), "uninterrupted run");
  const killed = await python([...args, "--out", cut], (text, kill) => {
    if (/step 25\/40/.test(text)) kill();
  });
  assert.equal(killed.signal, "SIGKILL", `the run was not killed mid-way:\n${killed.stderr.slice(-1000)}`);
  assert.ok(existsSync(join(tmp, "cut.ckpt.pt")), "a checkpoint was written before the kill");
  const resumed = await python([...args, "--out", cut, "--resume"]);
  ok(resumed, "--resume");
  assert.match(resumed.stderr, /resuming from .* at epoch \d+, step (20|30)/);
  assert.ok(Buffer.compare(readFileSync(full), readFileSync(cut)) === 0, `resumed weights differ (max ${maxDiff(full, cut)})`);
  await assertEngineMatchesTorch(full); // two layers each side, trained with dropout

});

test("gru and rnn cells: trained under torchrun with 2 processes, identical replicas, equal to 1 process; engine parity once the engine runs these cells", { skip, timeout: 180_000 }, async (t) => {
  const cells = [
    ["gru", ["--decoder-style", "bahdanau", "--attention", "additive", "--dec-layers", "2"]],
    ["rnn", ["--attention", "dot", "--enc-hidden", "24", "--unidirectional", "--no-input-feed"]],
  ] as const;
  // both cells at once: the launches mostly wait on each other's start-up
  await Promise.all(cells.map(async ([cell, extra]) => {
    const args = ["--data", PREP, ...SMALL, ...extra, "--cell", cell, "--steps", "30", "--optimizer", "sgd", "--lr", "1"];
    const two = join(tmp, `${cell}2.safetensors`), one = join(tmp, `${cell}1.safetensors`);
    const [r2, r1] = await Promise.all([torchrun(2, [...args, "--out", two]), python([...args, "--out", one])]);
    ok(r2, `${cell}: torchrun`);
    ok(r1, `${cell}: one process`);
    assert.match(r2.stderr, /weights identical on all 2 processes/);
    const d = maxDiff(one, two);
    assert.ok(d <= 1e-5, `${cell}: 2 processes vs 1: max weight difference ${d}`);
    const l = losses(r2.stderr);
    assert.ok(l.length >= 3 && l[l.length - 1] < l[0], `${cell}: the loss goes down: ${l}`);
    const st = tensors(two);
    assert.equal(JSON.parse(st.metadata.config).cell, cell);
    const G = cell === "gru" ? 3 : 1;
    assert.deepEqual(st.info("decoder.weight_hh_l0").shape, [G * 24, 24]);
    // the engine's side: an engine that runs the cell must give PyTorch's numbers; one that does not refuses it by name
    const info = await runCli(["info", "--model", two]);
    if (info.code === 0) {
      await assertEngineMatchesTorch(two);
    } else {
      assert.match(info.stderr, new RegExp(`cell = "${cell}": this version runs only lstm`));
      t.diagnostic(`${cell}: engine parity not checked: this engine runs only lstm cells`);
    }
  }));
});

test("bad input: one line on stderr, exit 2 for usage, 1 for bad data", { skip }, async () => {
  const [usage, data, resume] = await Promise.all([
    python(["--data", PREP, "--out", join(tmp, "x.safetensors"), "--dropout", "2"]),
    python(["--data", join(tmp, "nope"), "--out", join(tmp, "x.safetensors")]),
    python(["--data", PREP, "--out", join(tmp, "fresh.safetensors"), "--resume"]),
  ]);
  assert.equal(usage.code, 2);
  assert.equal(usage.stderr.trim().split("\n").length, 1, usage.stderr);
  assert.equal(data.code, 1);
  assert.match(data.stderr.trim(), /^train\.py: prepared directory .*nope: no such directory/);
  assert.equal(data.stderr.trim().split("\n").length, 1, data.stderr);
  assert.equal(resume.code, 1);
  assert.match(resume.stderr.trim(), /^train\.py: --resume: no checkpoint/);
});
