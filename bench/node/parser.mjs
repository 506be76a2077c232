// Signature parsing speed in Node: the product's parseModule against the two npm parsers on the
// same bytes, each peer in its fastest mode that still yields signatures and names (code and data
// sections skipped). Run as a child of bench/run.mjs with --expose-gc; prints one JSON line:
//   node --expose-gc parser.mjs <parser bundle> <module> <rounds> <runs per round> <names> [warm-up runs]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { median } from "../lib/stats.mjs";

const require = createRequire(import.meta.url);
const [, , parserBundle, wasmPath, roundsText, repsText, namesText, warmupText = "1"] = process.argv;
const rounds = Number(roundsText);
const reps = Number(repsText);
const warmups = Number(warmupText);
const { parseModule } = require(parserBundle);
const { decode } = require("@webassemblyjs/wasm-parser");
const { BinaryReader } = require("wasmparser");

const bytes = new Uint8Array(readFileSync(wasmPath));

// Each parser must produce what the explorer shows: the exported functions' signatures and names.
const allParsers = {
  product: () => {
    const result = parseModule(bytes);
    if (!result.ok) throw new Error(`parseModule failed: ${result.error.message}`);
    return result.module.functions.length;
  },
  webassemblyjs: () => {
    const ast = decode(bytes, { ignoreCodeSection: true, ignoreDataSection: true, ignoreCustomNameSection: false });
    return ast.body[0].fields.length;
  },
  wasmparser: () => {
    const reader = new BinaryReader();
    reader.setData(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const kept = [];
    while (reader.read()) {
      if (reader.state === 3 /* BEGIN_SECTION */ && (reader.result.id === 10 || reader.result.id === 11)) reader.skipSection();
      else if (reader.state >= 11 && reader.state <= 19) kept.push(reader.result);
      else if (reader.state === -1) throw reader.error;
    }
    if (reader.state === -1) throw reader.error;
    return kept.length;
  },
};

// Only the parsers asked for run in this process: a slow peer's heap must not tax the others.
const parsers = Object.fromEntries(namesText.split(",").map((name) => [name, allParsers[name]]));

function time(fn) {
  globalThis.gc?.();
  const started = performance.now();
  fn();
  return performance.now() - started;
}

// Warm-up, so that every parser is optimized before it is timed.
for (let k = 0; k < warmups; k++) for (const fn of Object.values(parsers)) fn();
const perRound = [];
for (let r = 0; r < rounds; r++) {
  const ms = {};
  // Interleaved, so that a slow patch of the machine hits all three alike.
  for (const name of Object.keys(parsers)) ms[name] = [];
  for (let k = 0; k < reps; k++) for (const [name, fn] of Object.entries(parsers)) ms[name].push(time(fn));
  perRound.push(Object.fromEntries(Object.entries(ms).map(([name, list]) => [name, median(list)])));
}
process.stdout.write(JSON.stringify({ bytes: bytes.length, perRound }) + "\n");
