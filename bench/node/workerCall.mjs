// A diagnostic, not a benchmark of the table: the worker's `call` handler (webview/worker/handlers.ts,
// bundled as the worker is) driven directly in Node, to split the pipeline's cost into the handler
// itself and the structured clone of its result. Run it under `node --cpu-prof` to profile:
//   node bench/node/workerCall.mjs [calls]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { bundleForNode, root } from "../lib/bundle.mjs";
import { median, percentile } from "../lib/stats.mjs";
import { workedExampleArgs } from "../../test/workedExample.mjs";

const require = createRequire(import.meta.url);
const calls = Number(process.argv[2] ?? 5000);
const { createHandlers } = require(await bundleForNode("webview/worker/handlers.ts", "handlers"));
const handlers = createHandlers();
// The load reports its progress (the parsed module) before it answers; nothing listens here.
await handlers.load({ bytes: new Uint8Array(readFileSync(join(root, "test", "fixtures", "wasm", "tagged.wasm"))) }, () => {});
const params = {
  exportName: "echo",
  call: {
    convention: "tagged",
    args: workedExampleArgs,
    options: { startOffset: 8, tagWidth: 1, padStringsTo4: false },
  },
  watchAllMemory: false,
};
const handlerMs = [];
const runMs = [];
const cloneMs = [];
let size = 0;
for (let i = 0; i < calls; i++) {
  let started = performance.now();
  const outcome = await handlers.call(params);
  handlerMs.push(performance.now() - started);
  runMs.push(outcome.durationMs);
  started = performance.now();
  const wire = serialize({ kind: "response", id: i, ok: true, result: outcome });
  deserialize(wire);
  cloneMs.push(performance.now() - started);
  size = wire.length;
}
const f = (list) => `median ${(median(list) * 1000).toFixed(1)} µs, p95 ${(percentile(list, 95) * 1000).toFixed(1)} µs`;
console.log(
  `call handler: ${f(handlerMs)}\n  of which Reactor.run (durationMs): ${f(runMs)}\nv8 serialize+deserialize of the response (${size} bytes): ${f(cloneMs)}`,
);
