#!/usr/bin/env node
// s2s: the command-line interface. Each command is a module with a spec
// (options and help) and a run function; errors are one line on stderr.

import { readFileSync } from "node:fs";
import { S2SError } from "../errors.js";
import { helpText, parseArgs, UsageError, type CommandSpec, type Values } from "./args.js";
import { infoSpec, runInfo } from "./info.js";
import { runScore, scoreSpec } from "./score.js";
import { runTranslate, translateSpec } from "./translate.js";
import { runTrain, trainSpec } from "./train.js";
import { prepareSpec, runPrepare } from "./prepare.js";
import { evalSpec, runEval } from "./eval.js";
import { runTokenize, tokenizeSpec } from "./tokenize.js";
import { detokenizeSpec, runDetokenize } from "./detokenize.js";
import { bpeSpec, runBpe } from "./bpe.js";
import { bleuSpec, runBleu } from "./bleu.js";
import { chrfSpec, runChrf } from "./chrf.js";
import { dataSpec, runData } from "./data.js";
import { demoSpec, runDemo } from "./demo.js";
import { exportOnnxSpec, runExportOnnx } from "./export-onnx.js";
import { quantizeSpec, runQuantize } from "./quantize.js";
import { runServe, serveSpec } from "./serve.js";

interface Command {
  spec: CommandSpec;
  run(values: Values, positionals: string[]): Promise<void>;
}

const COMMANDS: Command[] = [
  { spec: translateSpec, run: runTranslate },
  { spec: scoreSpec, run: runScore },
  { spec: trainSpec, run: runTrain },
  { spec: prepareSpec, run: runPrepare },
  { spec: evalSpec, run: runEval },
  { spec: tokenizeSpec, run: runTokenize },
  { spec: detokenizeSpec, run: runDetokenize },
  { spec: bpeSpec, run: runBpe },
  { spec: bleuSpec, run: runBleu },
  { spec: chrfSpec, run: runChrf },
  { spec: dataSpec, run: runData },
  { spec: infoSpec, run: runInfo },
  { spec: exportOnnxSpec, run: runExportOnnx },
  { spec: quantizeSpec, run: runQuantize },
  { spec: serveSpec, run: runServe },
  { spec: demoSpec, run: runDemo },
];

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    "usage: s2s COMMAND [options]",
    "",
    "Recurrent encoder-decoder translation (LSTM, GRU or RNN cells, with and without attention) in SIMD WebAssembly.",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(w)} ${c.spec.summary}`),
    "",
    "s2s COMMAND --help describes each command's options; s2s --version prints the version.",
  ].join("\n");
}

/** The version in the package's package.json (beside dist/ and src/). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp() + "\n");
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    if (rest.length > 0) throw new UsageError(`--version takes no arguments, got ${JSON.stringify(rest[0])}`);
    process.stdout.write(`s2s ${packageVersion()}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.spec.name === name);
  if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.spec.name).join(", ")})`);
  const { values, positionals, help } = parseArgs(rest, cmd.spec);
  if (help) {
    process.stdout.write(helpText(cmd.spec) + "\n");
    return 0;
  }
  await cmd.run(values, positionals);
  return 0;
}

// A closed stdout (e.g. `| head`) ends the program quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    // a command may have set its own exit code (e.g. 130 after an interrupt)
    if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof S2SError) {
      process.stderr.write(`s2s: ${e.message}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      process.stderr.write(`s2s: internal error: ${msg.split("\n")[0]} (set S2S_DEBUG=1 for details)\n`);
      if (process.env.S2S_DEBUG) console.error(e);
      process.exitCode = 70;
    }
  },
);
