// Runs every benchmark and prints one table, written to bench/RESULTS.md (with --quick: tiny sizes
// and few repetitions, only to prove that each still runs; its table goes to bench/.tmp/). Every
// figure is a ratio against a baseline measured in the same run: the median over repeated runs,
// with min and max; absolute times are context. Benchmarks never fail a build: the exit code is 1
// only when a benchmark crashed. `--only=name,name` runs a subset. Quick mode also runs each
// diagnostic (bench/README.md) once with tiny sizes, so that they cannot rot unseen either.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { benchDir, root, tmpDir } from "./lib/bundle.mjs";
import { summarize } from "./lib/stats.mjs";
import { canPinToOneCpu, startBrowserBench } from "./browser/server.mjs";
import { changeDetection, memorySize, pipeline } from "./browser/callBenches.mjs";
import { callWithUi, load, memoryView } from "./browser/pageBenches.mjs";
import { activation, parser, vsix } from "./node/nodeBenches.mjs";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");

/** In table order; `browser` marks those that need Chromium. */
const benchmarks = [
  { name: "pipeline", run: pipeline, browser: true },
  { name: "ui", run: callWithUi, browser: true },
  { name: "load", run: load, browser: true },
  { name: "parser", run: parser },
  { name: "memorySize", run: memorySize, browser: true },
  { name: "changeDetection", run: changeDetection, browser: true },
  { name: "memoryView", run: memoryView, browser: true },
  { name: "activation", run: activation },
  { name: "vsix", run: vsix },
];

function fmt(v) {
  if (!Number.isFinite(v)) return "–";
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function verdict(row, s) {
  if (!row.target || !Number.isFinite(s.median)) return "–";
  const value = row.target.on === "absolute" ? row.absolute : s.median;
  const ok = row.target.op === "<=" ? value <= row.target.value : value >= row.target.value;
  return ok ? "met" : "**missed**";
}

const started = performance.now();
const ctx = { quick, browser: undefined };
const rows = [];
let crashed = false;
const load0 = loadavg()[0];
try {
  for (const b of benchmarks) {
    if (only && !only.includes(b.name)) continue;
    const t = performance.now();
    process.stderr.write(`bench: ${b.name}… `);
    try {
      if (b.browser && !ctx.browser) ctx.browser = await startBrowserBench();
      rows.push(...(await b.run(ctx)));
      process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      crashed = true;
      process.stderr.write(`CRASHED\n${error?.stack ?? error}\n`);
      rows.push({ what: `${b.name}: crashed — ${String(error?.message ?? error).split("\n")[0]}`, baseline: "", ratios: [], context: "" });
    }
  }
  if (ctx.browser?.errors.length)
    process.stderr.write(`bench: page errors:\n  ${[...new Set(ctx.browser.errors)].slice(0, 10).join("\n  ")}\n`);
} finally {
  await ctx.browser?.close();
}

if (quick && !only) {
  // The diagnostics with tiny sizes, and what each needs of the machine.
  const hasGitHistory = spawnSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: root }).status === 0;
  const diagnostics = [
    { args: ["node/workerCall.mjs", "20"] },
    { args: ["node/compareKernels.mjs", "1"] },
    { args: ["browser/profile.mjs", "memoryView"] },
    { args: ["browser/callCpu.mjs", "0.2"], needs: canPinToOneCpu ? undefined : "taskset" },
    { args: ["browser/callAB.mjs", "HEAD", "1"], needs: !canPinToOneCpu ? "taskset" : hasGitHistory ? undefined : "a git checkout" },
  ];
  for (const { args, needs } of diagnostics) {
    process.stderr.write(`bench: diagnostic ${args.join(" ")}… `);
    if (needs) {
      process.stderr.write(`skipped: needs ${needs}\n`);
      continue;
    }
    const t = performance.now();
    const result = spawnSync(process.execPath, [join(benchDir, ...args[0].split("/")), ...args.slice(1)], { cwd: root, encoding: "utf8" });
    if (result.status === 0) {
      process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    } else {
      crashed = true;
      process.stderr.write(`CRASHED (exit ${result.status ?? result.signal})\n${result.stdout}${result.stderr}\n`);
    }
  }
}

const lines = [
  "| what | baseline (same run, same machine) | ratio: median [min – max] (runs) | target | verdict | absolute values (context only) |",
  "| --- | --- | --- | --- | --- | --- |",
];
for (const row of rows) {
  const s = row.ratios.length ? summarize(row.ratios) : { median: NaN, min: NaN, max: NaN, runs: 0 };
  const unit = row.unit ? ` ${row.unit}` : "×";
  const figure = s.runs ? `${fmt(s.median)}${unit} [${fmt(s.min)} – ${fmt(s.max)}] (${s.runs})` : "–";
  lines.push(`| ${row.what} | ${row.baseline} | ${figure} | ${row.target?.text ?? "–"} | ${verdict(row, s)} | ${row.context} |`);
}
const seconds = (performance.now() - started) / 1000;
const header = [
  `Benchmarks of WASI Reactor Explorer — ${quick ? "QUICK MODE (tiny sizes, few repetitions: proves the benchmarks run; the figures mean nothing)" : "full run"}`,
  `${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average ${load0.toFixed(2)} at the start and ${loadavg()[0].toFixed(2)} at the end, ${seconds.toFixed(0)} s.`,
];
const table = lines.join("\n");
console.log(`${header.join("\n")}\n\n${table}`);
const notes = (await import("./notes.mjs")).notes;
// Only a full run of everything replaces bench/RESULTS.md; quick and partial runs go to bench/.tmp/.
const out = quick ? join(tmpDir, "RESULTS-quick.md") : only ? join(tmpDir, "RESULTS-partial.md") : join(benchDir, "RESULTS.md");
mkdirSync(tmpDir, { recursive: true });
writeFileSync(out, `# Benchmark results\n\n${header.join("\n\n")}\n\n${table}\n\n${notes}\n`);
process.stderr.write(`bench: wrote ${out}\n`);
process.exitCode = crashed ? 1 : 0;
