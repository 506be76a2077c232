// Runs the extension-host mocha suite (out/test/vscode/index.js) inside code-server, the way
// desktop `runTests` does: the web workbench's `payload` query loads the unpacked extension and
// the tests module into the server's extension host (see docs/testing.md). It forwards the
// extension host's console, and waits for `codeAutomationExit`. It is not the suite itself.
//
//   node test/e2e/runInCodeServer.mjs [--url http://127.0.0.1:PORT --server-log FILE --results FILE]
//                                     [--folder DIR] [--timeout MS] [--extension DIR --tests FILE]
//
// Without --url it starts its own code-server. With --url, that server must have been started
// with `--vscode-option enable-smoke-test-driver`, and, for --results, with E2E_TEST_OUT=FILE in
// its environment. Writes { passed, failed, pending } to TEST_SUMMARY_FILE when set. Exit codes:
// 0 all passed, 1 tests failed, 2 the run could not happen.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { format } from "node:util";
import {
  InfraError,
  logger,
  newPage,
  parseCommonArgs,
  projectRoot,
  resultsDir,
  screenshot,
  useServer,
  waitForWorkbench,
  workbenchUrl,
  writeSummary,
} from "./workbench.mjs";
import { launchChromium } from "../chromium.mjs";

const args = parseCommonArgs({
  results: { type: "string" },
  folder: { type: "string" },
  timeout: { type: "string" },
  extension: { type: "string" },
  tests: { type: "string" },
});
const log = logger("vscode");
const extensionPath = resolve(args.extension ?? projectRoot);
const testsPath = resolve(args.tests ?? join(extensionPath, "out/test/vscode/index.js"));
const defaultFolder = existsSync(join(projectRoot, "test/fixtures/wasm")) ? join(projectRoot, "test/fixtures/wasm") : projectRoot;
const folder = args.folder ?? defaultFolder;
const runTimeoutMs = Number(args.timeout ?? process.env.TEST_TIMEOUT_MS ?? 300_000);
// With our own server, the result file is ours to choose; with --url, the caller chose it.
const resultsFile = args.results ?? (args.url ? undefined : join(resultsDir, "vscode-results.txt"));

// The automation log carries the whole workbench console, not only the extension host's:
// these lines are routine noise here (no internet, no chat), kept in the console log file only.
const noise = [
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|lifecycle|reconnection-grace-time|Service Worker)\b/,
  /^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin extensions cache/,
  /ENOTFOUND open-vsx\.org|chat ?session|chatEditingSession|^Unable to read file .*\(Canceled: Canceled\)/i,
];
const consoleLogFile = join(resultsDir, "vscode-console.log");

/** One attempt: open the workbench with the payload and wait for the exit code. */
async function attempt(browser, serverUrl, number, exthostLines) {
  const { context, page } = await newPage(browser);
  try {
    let finish;
    let isDone = false;
    const exited = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction("codeAutomationExit", (code) => {
      isDone = true;
      finish(code);
    });
    await page.exposeFunction("codeAutomationLog", (type, logArgs) => {
      const line = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      appendFileSync(consoleLogFile, `[${type}] ${line}\n`);
      if (isDone || noise.some((pattern) => pattern.test(line))) return;
      exthostLines.push(line);
      console.log("[exthost]", line);
    });
    // The remote authority in the payload must be the page's own host.
    const host = new URL(serverUrl).host;
    const payload = [
      ["extensionDevelopmentPath", `vscode-remote://${host}${extensionPath}`],
      ["extensionTestsPath", `vscode-remote://${host}${testsPath}`],
    ];
    await page.goto(workbenchUrl(serverUrl, { folder, payload }), { timeout: 60_000 });
    await waitForWorkbench(page);
    log(`attempt ${number}: workbench loaded; waiting for the tests (up to ${runTimeoutMs / 1000}s)`);
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), runTimeoutMs)));
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (code === "timeout") {
      throw new InfraError(
        `no codeAutomationExit in ${runTimeoutMs / 1000}s (payload ignored without enable-smoke-test-driver? extension host hung?)`,
      );
    }
    log(`extension host exited with ${code}`);
    if (code !== 0) log(`screenshot: ${await screenshot(page, "vscode-failed")}`);
    return code;
  } catch (error) {
    log(`attempt ${number} failed: ${error.message}`);
    log(`screenshot: ${await screenshot(page, `vscode-attempt-${number}`)}`);
    throw error;
  } finally {
    await context.close().catch(() => {});
  }
}

function parseCounts(text) {
  const summary = [...text.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  if (!summary) return undefined;
  const pending = [...text.matchAll(/^\s*(\d+) pending$/gm)].pop();
  return { passed: Number(summary[1]), failed: Number(summary[2]), pending: pending ? Number(pending[1]) : 0 };
}

async function main() {
  if (!existsSync(testsPath)) throw new Error(`${testsPath} is missing: run \`npm run build\` first`);
  const server = await useServer({
    url: args.url,
    serverLog: args["server-log"],
    env: resultsFile ? { E2E_TEST_OUT: resultsFile } : {},
  });
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(consoleLogFile, "");
  const browser = await launchChromium();
  let code;
  let exthostLines = [];
  try {
    for (let number = 1; number <= 2; number++) {
      exthostLines = [];
      if (resultsFile) rmSync(resultsFile, { force: true });
      try {
        code = await attempt(browser, server.url, number, exthostLines);
        break;
      } catch (error) {
        // Only the environment is retried: a failing test ends the run with its exit code.
        if (!(error instanceof InfraError) || number === 2) throw error;
        log("retrying the whole run once");
      }
    }
  } catch (error) {
    console.error(`[vscode] the run could not complete: ${error.message}`);
    console.error(`[vscode] last lines of the server log:\n${server.logTail(60)}`);
    await browser.close().catch(() => {});
    await server.close();
    writeSummary({ passed: 0, failed: 1, pending: 0 });
    return 2;
  }
  await browser.close().catch(() => {});
  const fromFile = resultsFile && existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "";
  const counts = parseCounts(fromFile) ?? parseCounts(exthostLines.join("\n"));
  if (!counts) {
    console.error("[vscode] no results (the tests module did not load, or the extension host crashed)");
    console.error(`[vscode] last lines of the server log:\n${server.logTail(60)}`);
  }
  await server.close();
  const final = counts ?? { passed: 0, failed: 1, pending: 0 };
  if (code !== 0 && final.failed === 0) final.failed = 1;
  writeSummary(final);
  console.log(`${final.passed} passed, ${final.failed} failed`);
  return code === 0 && final.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[vscode] ${error.stack ?? error}`);
    writeSummary({ passed: 0, failed: 1, pending: 0 });
    process.exit(2);
  },
);
