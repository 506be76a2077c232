// `npm test`: everything a fresh clone needs to prove itself, in order: dependencies, tools,
// build, typecheck, lint, fixture check, the unit and webview suites, packaging, and the
// extension-host and UI suites in one code-server. It is not a test framework: each suite runs
// as its own process and reports its counts through TEST_SUMMARY_FILE. Node built-ins only
// (plus our own built-ins-only modules), because it runs before `npm ci`.
//
//   npm test [-- --only unit,webview,bench,vscode,ui,typecheck,lint,fixtures]
//
// A failing stage does not stop the later ones (except the build); the exit code is non-zero
// when anything failed. The last line is `N passed, N failed` over all suites, where a suite
// that crashed or wrote no summary, and a failed check stage, each count as 1 failed.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cleanEnv } from "./cleanEnv.mjs";
import { installExtension, startCodeServer, testSettings } from "./codeServer.mjs";
import { ensureNodeModules, ensureTools } from "./tools.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const resultsDir = join(root, "test-results");
const vsix = join(root, "dist", "wasi-reactor-explorer.vsix");
const allSelectable = ["typecheck", "lint", "fixtures", "unit", "webview", "bench", "vscode", "ui"];

const { values } = parseArgs({ options: { only: { type: "string" } } });
const only = values.only
  ? values.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
  : undefined;
for (const name of only ?? []) {
  if (!allSelectable.includes(name)) {
    console.error(`unknown --only entry "${name}"; choose from ${allSelectable.join(", ")}`);
    process.exit(2);
  }
}
const isSelected = (name) => !only || only.includes(name);

/** @type {{ name: string, passed: number, failed: number, note: string, seconds: number }[]} */
const rows = [];
const startedAt = performance.now();
let hasFailed = false;

// Ctrl-C: stop the running stage, and exit through process.exit so that exit handlers (which
// kill code-server) run.
const children = new Set();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill("SIGTERM");
    process.exit(130);
  });
}

function header(name) {
  console.log(`\n━━━━ ${name} ${"━".repeat(Math.max(4, 70 - name.length))}`);
}

function footer(name, start, ok) {
  console.log(`──── ${name}: ${ok ? "ok" : "FAILED"} (${seconds(start)}s)`);
}

function seconds(start) {
  return ((performance.now() - start) / 1000).toFixed(1);
}

/**
 * Runs a command with inherited output; resolves to its exit code (or 1 when it cannot start).
 * Each stage starts from `cleanEnv()`, so that it sees the same environment under `npm test` as
 * under `node scripts/test.mjs` (a nested `npm run` adds npm's variables for itself again).
 */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: cleanEnv(process.env, env) });
    children.add(child);
    child.on("close", () => children.delete(child));
    child.on("error", (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** A stage that is a check, not a suite: it adds a row only when it fails (1 failed). */
async function check(name, fn) {
  header(name);
  const start = performance.now();
  let ok;
  try {
    ok = (await fn()) !== false;
  } catch (error) {
    console.error(error.message);
    ok = false;
  }
  footer(name, start, ok);
  rows.push({ name, passed: 0, failed: ok ? 0 : 1, note: ok ? "ok" : "FAILED", seconds: Number(seconds(start)) });
  if (!ok) hasFailed = true;
  return ok;
}

function skip(name, why) {
  header(name);
  console.log(`skipped: ${why}`);
  rows.push({ name, passed: 0, failed: 0, note: `skipped: ${why}`, seconds: 0 });
}

/** A suite: runs a process with TEST_SUMMARY_FILE and reads its counts. */
async function suite(name, command, args, env = {}) {
  header(name);
  const start = performance.now();
  const summaryFile = join(resultsDir, `summary-${name}.json`);
  rmSync(summaryFile, { force: true });
  const code = await run(command, args, { ...env, TEST_SUMMARY_FILE: summaryFile });
  let counts;
  try {
    counts = JSON.parse(readFileSync(summaryFile, "utf8"));
  } catch {
    counts = undefined;
  }
  let note = "";
  let passed = counts?.passed ?? 0;
  let failed = counts?.failed ?? 0;
  if (!counts) {
    note = `no summary (exit ${code})`;
    failed = Math.max(failed, 1);
  } else if (code !== 0 && failed === 0) {
    note = `exit ${code}`;
    failed = 1;
  } else if (counts.pending) {
    note = `${counts.pending} pending`;
  }
  const ok = failed === 0 && code === 0;
  footer(name, start, ok);
  rows.push({ name, passed, failed, note, seconds: Number(seconds(start)) });
  if (!ok) hasFailed = true;
}

function failSuite(name, why) {
  header(name);
  console.log(`not run: ${why}`);
  rows.push({ name, passed: 0, failed: 1, note: `not run: ${why}`, seconds: 0 });
  hasFailed = true;
}

function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

function printTable() {
  const total = { passed: 0, failed: 0 };
  const lines = [["stage", "passed", "failed", "time", "note"]];
  for (const row of rows) {
    total.passed += row.passed;
    total.failed += row.failed;
    lines.push([row.name, String(row.passed), String(row.failed), `${row.seconds.toFixed(1)}s`, row.note]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  header(`summary (${seconds(startedAt)}s)`);
  for (const line of lines) {
    console.log(
      line
        .map((cell, i) => (i >= 1 && i <= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join("  ")
        .trimEnd(),
    );
  }
  return total;
}

async function main() {
  // Screenshots and logs in test-results/ belong to this run only.
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const mocha = join(root, "node_modules/mocha/bin/mocha.js");
  const reporter = "./test/mochaSummary.cjs";
  const needsServer = isSelected("vscode") || isSelected("ui");

  if (!(await check("dependencies", () => ensureNodeModules(root)))) return;
  let tools;
  if (needsServer) {
    await check("tools", async () => {
      tools = await ensureTools();
    });
  }
  if (!(await check("build", async () => (await run("npm", ["run", "-s", "build"])) === 0))) return;

  if (!only || only.includes("typecheck")) await check("typecheck", async () => (await run("npm", ["run", "-s", "typecheck"])) === 0);
  if (!only || only.includes("lint")) await check("lint", async () => (await run("npm", ["run", "-s", "lint"])) === 0);

  if (!only || only.includes("fixtures")) {
    if (!existsSync(join(root, "test/fixtures/build.mjs"))) skip("fixtures", "test/fixtures/build.mjs does not exist");
    else if (!hasCommand("clang-16")) skip("fixtures", "clang-16 is not installed");
    else await check("fixtures", async () => (await run("npm", ["run", "-s", "fixtures", "--", "--check"])) === 0);
  }

  if (isSelected("unit")) await suite("unit", process.execPath, [mocha, "--reporter", reporter]);

  if (isSelected("webview")) {
    const config = "test/webview/.mocharc.json";
    if (existsSync(join(root, config))) await suite("webview", process.execPath, [mocha, "--config", config, "--reporter", reporter]);
    else skip("webview", `${config} does not exist`);
  }

  // Benchmarks never fail on their targets; the quick mode only proves that each still runs.
  if (isSelected("bench")) await check("bench (quick)", async () => (await run(process.execPath, ["bench/run.mjs", "--quick"])) === 0);

  let isPackaged = false;
  if (isSelected("ui")) {
    rmSync(vsix, { force: true });
    isPackaged = await check("package", async () => (await run("npm", ["run", "-s", "package"])) === 0 && existsSync(vsix));
  }

  if (!needsServer) return;
  if (!tools) {
    if (isSelected("vscode")) failSuite("vscode", "tools are missing");
    if (isSelected("ui")) failSuite("ui", "tools are missing");
    return;
  }

  header("code-server");
  const dataDir = mkdtempSync(join(tmpdir(), "wasi-reactor-test-"));
  const resultsFile = join(resultsDir, "vscode-results.txt");
  let server;
  try {
    if (isPackaged) installExtension({ vsix, extensionsDir: join(dataDir, "extensions"), userDataDir: join(dataDir, "user") });
    server = await startCodeServer({ dataDir, smokeTestDriver: true, settings: testSettings, env: { E2E_TEST_OUT: resultsFile } });
  } catch (error) {
    console.error(error.message);
    if (isSelected("vscode")) failSuite("vscode", "code-server did not start");
    if (isSelected("ui")) failSuite("ui", "code-server did not start");
    rmSync(dataDir, { recursive: true, force: true });
    return;
  }
  const serverArgs = ["--url", server.url, "--server-log", server.logFile];
  try {
    if (isSelected("vscode"))
      await suite("vscode", process.execPath, ["test/e2e/runInCodeServer.mjs", ...serverArgs, "--results", resultsFile]);
    if (isSelected("ui")) {
      if (isPackaged) await suite("ui", process.execPath, ["test/e2e/ui.e2e.mjs", ...serverArgs]);
      else failSuite("ui", "the .vsix was not packaged");
    }
  } finally {
    await server.stop();
    copyFileSync(server.logFile, join(resultsDir, "code-server.log"));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  console.error(error.stack ?? error);
  rows.push({ name: "test.mjs", passed: 0, failed: 1, note: "crashed", seconds: 0 });
  hasFailed = true;
});
const total = printTable();
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(hasFailed || total.failed > 0 ? 1 : 0);
