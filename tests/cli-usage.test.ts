// Every usage error of every s2s command exits 2 with one line on stderr
// (other errors, bad files and data, exit 1): generated from the commands'
// own option specs (unknown flag, missing value, bad number, missing
// required flag or argument), plus the flag combinations each command
// refuses. And s2s --version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCli } from "./helpers/cli.js";
import type { CommandSpec } from "../src/cli/args.js";
import { translateSpec } from "../src/cli/translate.js";
import { scoreSpec } from "../src/cli/score.js";
import { trainSpec } from "../src/cli/train.js";
import { prepareSpec } from "../src/cli/prepare.js";
import { evalSpec } from "../src/cli/eval.js";
import { tokenizeSpec } from "../src/cli/tokenize.js";
import { detokenizeSpec } from "../src/cli/detokenize.js";
import { bpeSpec } from "../src/cli/bpe.js";
import { bleuSpec } from "../src/cli/bleu.js";
import { chrfSpec } from "../src/cli/chrf.js";
import { dataSpec } from "../src/cli/data.js";
import { infoSpec } from "../src/cli/info.js";
import { exportOnnxSpec } from "../src/cli/export-onnx.js";
import { quantizeSpec } from "../src/cli/quantize.js";
import { serveSpec } from "../src/cli/serve.js";
import { demoSpec } from "../src/cli/demo.js";

const SPECS: CommandSpec[] = [translateSpec, scoreSpec, trainSpec, prepareSpec, evalSpec, tokenizeSpec, detokenizeSpec, bpeSpec,
  bleuSpec, chrfSpec, dataSpec, infoSpec, exportOnnxSpec, quantizeSpec, serveSpec, demoSpec];
const GOLDEN = fileURLToPath(new URL("fixtures/golden/luong-dot-uni-l1.safetensors", import.meta.url));

async function usage(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, 2, `s2s ${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `s2s ${args.join(" ")}: one line, got ${r.stderr}`);
  assert.match(lines[0], pattern, `s2s ${args.join(" ")}`);
}

test("usage errors from every command's option spec exit 2 with one line", async () => {
  assert.equal(SPECS.length, 16, "every command is listed");
  for (const spec of SPECS) {
    const cmd = spec.name;
    await usage([cmd, "--no-such-flag"], /unknown option --no-such-flag/);
    const num = spec.options.find((o) => o.type === "int" || o.type === "number");
    if (num) await usage([cmd, `--${num.name}`, "abc"], new RegExp(`--${num.name} needs (a number|an integer)`));
    const str = spec.options.find((o) => o.type === "string" && !o.choices);
    if (str) await usage([cmd, `--${str.name}`], new RegExp(`--${str.name} needs a value`));
    const choice = spec.options.find((o) => o.choices);
    if (choice) await usage([cmd, `--${choice.name}`, "nonsense-value"], new RegExp(`--${choice.name}`));
    const required = spec.options.filter((o) => o.required);
    if (required.length > 0) await usage([cmd], /is required|missing/);
  }
});

test("flag combinations a command refuses are usage errors too (exit 2); bad files and data exit 1", async () => {
  const cases: [string[], RegExp][] = [
    [["tokenize", "--lang", "xx"], /--lang "xx" is not an ISO 639-1 language code/],
    [["train", "--out", "x.safetensors"], /no training data: give --train-ids/],
    [["train", "--train-ids", "a.jsonl", "--out", "o.safetensors"], /give exactly one of --init MODEL or --config/],
    [["train", "--train-ids", "a.jsonl", "--config", "c.json", "--lowercase", "--out", "o.safetensors"], /--lowercase is for training on text/],
    [["translate", "--model", GOLDEN, "--ids", "--attention", "a.jsonl"], /--attention is for text input/],
    [["translate", "--model", GOLDEN, "--ids", "--beam", "2", "--nbest", "3"], /--nbest 3 is larger than --beam 2/],
    [["bleu", "--ref", "r.txt", "--by-length"], /--by-length needs --src/],
    [["bleu", "--ref", "r.txt", "--src", "s.txt"], /--src is only used with --by-length/],
    [["bpe", "learn"], /--merges N is required/],
    [["eval", "--model", GOLDEN, "--src", "s.txt"], /--src and --ref go together/],
    [["prepare", "--train-src", "a.de", "--out", "p"], /--train-src and --train-tgt go together/],
    [["--version", "extra"], /--version takes no arguments/],
    [["data", "nosuch", "--out", "d"], /unknown dataset "nosuch" \(available: multi30k\)/],
    [["data", "multi30k", "--out", "d", "--langs", ","], /--langs is empty/],
  ];
  for (const [args, pattern] of cases) await usage(args, pattern);
  // a file that is not there is not a usage error
  const r = await runCli(["info", "--model", "no-such-file.safetensors"]);
  assert.equal(r.code, 1, r.stderr);
});

test("s2s --version prints the package's version", async () => {
  const version = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
  for (const flag of ["--version", "-V"]) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `s2s ${version}\n`);
  }
  const h = await runCli(["--help"]);
  assert.match(h.stdout, /s2s --version prints the version/);
});
