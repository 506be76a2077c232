// A diagnostic, not part of the table: records a CPU profile of the real page's main thread
// (Chromium's CDP Profiler) during one scenario and prints the functions with the most self time.
//   node bench/browser/profile.mjs ui|load|memoryView
// The profile is written to bench/.tmp/<scenario>.cpuprofile (open it in Chrome's DevTools).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, tmpDir } from "../lib/bundle.mjs";
import { startBrowserBench } from "./server.mjs";
import { withNonce, writeLargeModule } from "../genLargeModule.mjs";
import { writeMemoryModule } from "../genMemoryModule.mjs";
import { enterTaggedRows } from "../../test/workedExample.mjs";

const scenario = process.argv[2] ?? "ui";
// With --trace, a timeline trace is recorded as well, and the main thread's time is summed by event name.
const isTrace = process.argv.includes("--trace");
const bench = await startBrowserBench();
const page = await bench.newPage("/");
const cdp = await page.context().newCDPSession(page);
const stage = (key, bytes) => page.evaluate(([k, b]) => window.__probe.stage(k, b), [key, Buffer.from(bytes).toString("base64")]);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
let measured;
if (scenario === "ui") {
  await stage("t", readFileSync(join(root, "test/fixtures/wasm/tagged.wasm")));
  await page.evaluate(() => window.__probe.load("t", "tagged.wasm", 10));
  await page.getByRole("button", { name: "echo", exact: true }).click();
  await page.getByLabel("Convention").selectOption("tagged");
  await enterTaggedRows(page);
  const call = page.getByRole("button", { name: "Call", exact: true });
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => window.__probe.armCall());
    await call.click();
    await page.evaluate(() => window.__probe.callOutcome());
  }
  await cdp.send("Profiler.start");
  if (isTrace)
    await cdp.send("Tracing.start", {
      traceConfig: { includedCategories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"] },
      transferMode: "ReturnAsStream",
    });
  measured = [];
  for (let i = 0; i < 30; i++) {
    await page.evaluate(() => window.__probe.armCall());
    await call.click();
    measured.push(await page.evaluate(() => window.__probe.callOutcome()));
  }
} else if (scenario === "load") {
  const module = writeLargeModule(20 * 1024 * 1024);
  await stage("p", withNonce(module, Date.now()));
  await cdp.send("Profiler.start");
  if (isTrace)
    await cdp.send("Tracing.start", {
      traceConfig: { includedCategories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "v8.wasm", "v8"] },
      transferMode: "ReturnAsStream",
    });
  measured = await page.evaluate(([n]) => window.__probe.load("p", "large.wasm", n), [module.exportedFunctions]);
} else {
  await stage("m", readFileSync(await writeMemoryModule(16384)));
  await cdp.send("Profiler.start");
  if (isTrace)
    await cdp.send("Tracing.start", {
      traceConfig: { includedCategories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"] },
      transferMode: "ReturnAsStream",
    });
  measured = await page.evaluate(() => window.__probe.openForMemoryView("m", "memory.wasm"));
}
let trace;
if (isTrace) {
  const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.end");
  const { stream } = await done;
  let text = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle: stream, size: 1 << 20 });
    text += chunk.data;
    if (chunk.eof) break;
  }
  trace = JSON.parse(text);
}
const { profile } = await cdp.send("Profiler.stop");
await bench.close();
writeFileSync(join(tmpDir, `${scenario}.cpuprofile`), JSON.stringify(profile));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
profile.samples.forEach((id, i) => {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]);
});
const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify(
    Array.isArray(measured)
      ? measured.map((m) => [m.domMs, m.handlerToPostMs, m.rpcMs, m.answerToDomMs].map((v) => v.toFixed(1)).join("/")).join(" ")
      : measured,
  ),
);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);

if (trace) {
  const events = trace.traceEvents ?? trace;
  const threads = new Map(events.filter((e) => e.name === "thread_name").map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const sums = new Map();
  for (const e of events) {
    if (e.ph !== "X" || !e.dur) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? "?";
    if (!/CrRendererMain|DedicatedWorker/.test(thread)) continue;
    const key = `${thread.replace(/ thread$/, "")}: ${e.name}`;
    sums.set(key, (sums.get(key) ?? 0) + e.dur);
  }
  const n = Array.isArray(measured) ? measured.length : 1;
  console.log(`timeline, per ${Array.isArray(measured) ? "click" : "run"} (nested events overlap):`);
  for (const [key, us] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${(us / 1000 / n).toFixed(2).padStart(8)} ms  ${key}`);
}
