// A diagnostic, not a benchmark of the table: where the call pipeline's time goes, as CPU time per
// call of each Chromium thread, with Chromium kept to one CPU (so every microsecond is someone's
// work, not a wake-up on another core). It loops `echo` of tagged.wasm four ways on the bench page,
// the bare round trip, the floor (the tagged call's request and answer alone, answered at once by the
// same worker), a plain call through the product and the tagged call of the pipeline row, and reads each
// thread's CPU time from /proc before and after (Linux, with `taskset`):
//   node bench/browser/callCpu.mjs [seconds per way]
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { root } from "../lib/bundle.mjs";
import { canPinToOneCpu, startBrowserBench } from "./server.mjs";

const seconds = Number(process.argv[2] ?? 4);
if (!canPinToOneCpu) throw new Error("callCpu needs `taskset` (util-linux) to keep Chromium to one CPU.");
const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString());

/** CPU seconds so far of every thread of every Chromium process, by thread name. */
function cpuByThreadName() {
  const byName = new Map();
  const pids = execFileSync("pgrep", ["-f", "chromium"]).toString().trim().split("\n");
  for (const pid of pids) {
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime and stime, fields 14 and 15 of proc(5), are the 12th and 13th after the name.
        const cpu = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
        byName.set(name, (byName.get(name) ?? 0) + cpu);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  }
  return byName;
}

const browser = await startBrowserBench({ oneCpu: true });
try {
  const page = await browser.newPage("/bench.html");
  const wasm = readFileSync(join(root, "test", "fixtures", "wasm", "tagged.wasm")).toString("base64");
  await page.evaluate((o) => window.bench.prepareCallLoop(o), { wasm });
  for (const kind of ["bare", "floor", "plain", "tagged"]) {
    // Warm up first, so that the loop measures optimized code.
    await page.evaluate((o) => window.bench.callLoop(o), { kind, ms: 1500 });
    const before = cpuByThreadName();
    const calls = await page.evaluate((o) => window.bench.callLoop(o), { kind, ms: seconds * 1000 });
    const after = cpuByThreadName();
    const perCall = [...after]
      .map(([name, cpu]) => [name, ((cpu - (before.get(name) ?? 0)) * 1e6) / calls])
      .filter(([, us]) => us >= 0.5)
      .sort((a, b) => b[1] - a[1]);
    const total = perCall.reduce((sum, [, us]) => sum + us, 0);
    console.log(
      `${kind}: ${calls} calls, ${((seconds * 1e6) / calls).toFixed(1)} µs each; CPU per call ${total.toFixed(1)} µs: ${perCall.map(([name, us]) => `${name} ${us.toFixed(1)}`).join(", ")}`,
    );
  }
} finally {
  await browser.close();
}
