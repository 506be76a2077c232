// UI tests of the packaged extension in a real VS Code (code-server's web workbench), driven
// through Debian's chromium as a user would: command palette, quick pick, the webview's
// buttons and fields. It is not the extension-host suite (that is runInCodeServer.mjs).
//
//   node test/e2e/ui.e2e.mjs [--url http://127.0.0.1:PORT --server-log FILE] [--grep TEXT] [--vsix FILE]
//
// With --url, the server must already have dist/wasi-reactor-explorer.vsix installed; without
// it, this starts its own code-server and installs the .vsix (run `npm run package` first).
// Each case gets a fresh browser context; a case is retried only when the environment failed
// (InfraError: workbench or palette too slow), never when an assertion failed. Ends with a line
// `N passed, N failed`, and writes { passed, failed, pending } to TEST_SUMMARY_FILE when set.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  InfraError,
  launchBrowser,
  logger,
  newPage,
  parseCommonArgs,
  pickQuickItem,
  projectRoot,
  runCommand,
  screenshot,
  useServer,
  waitForWorkbench,
  webviewFrame,
  workbenchUrl,
} from "./workbench.mjs";

const args = parseCommonArgs({ grep: { type: "string" }, vsix: { type: "string" } });
const log = logger("ui");
const fixtures = join(projectRoot, "test/fixtures/wasm");

/** @type {{ name: string, fn: (t: CaseContext) => Promise<void>, retries: number, timeoutMs: number }[]} */
const cases = [];

/**
 * Declares a UI case. `fn` receives `{ page, open(folder), runCommand(label), pickQuickItem(label),
 * webview(), screenshot(name), log }`. Options: `retries` for InfraErrors (default 1), `timeoutMs`.
 * @typedef {{ page: import("playwright-core").Page, open: (folder: string) => Promise<void>,
 *   runCommand: (label: string) => Promise<number>, pickQuickItem: (label: string) => Promise<void>,
 *   webview: () => import("playwright-core").FrameLocator, screenshot: (name: string) => Promise<string>,
 *   log: (...parts: unknown[]) => void }} CaseContext
 */
function uiCase(name, fn, { retries = 1, timeoutMs = 180_000 } = {}) {
  cases.push({ name, fn, retries, timeoutMs });
}

/** Waits until `locator` contains `text`; throws with what it did contain instead. */
async function expectText(locator, text, timeoutMs = 20_000) {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: "visible", timeout: timeoutMs });
  } catch {
    const actual = await locator
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => "(element not found)");
    throw new Error(`expected ${locator} to contain ${JSON.stringify(text)}, found ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cases

uiCase("palette: call add_i32 of numbers.wasm", async (t) => {
  await t.open(fixtures);
  const attempts = await t.runCommand("WASI Reactor: Call WASM Export");
  t.log(`command ran (palette opened ${attempts} time(s))`);
  await t.pickQuickItem("numbers.wasm");
  const view = t.webview();
  await view.getByRole("button", { name: "add_i32", exact: true }).click({ timeout: 30_000 });
  await view.getByRole("textbox", { name: "a", exact: true }).fill("2");
  await view.getByRole("textbox", { name: "b", exact: true }).fill("40");
  await view.getByRole("button", { name: "Call", exact: true }).click();
  await expectText(view.locator('[role="status"]'), "42");
  t.log(`screenshot: ${await t.screenshot("explorer-after-call")}`);
});

// ---------------------------------------------------------------------------------------------
// Runner

async function runCase(browser, server, testCase) {
  for (let attempt = 1; ; attempt++) {
    const { context, page } = await newPage(browser);
    const caseLog = logger(`ui: ${testCase.name}`);
    const t = {
      page,
      log: caseLog,
      open: async (folder) => {
        await page.goto(workbenchUrl(server.url, { folder }), { timeout: 60_000 });
        await waitForWorkbench(page);
        caseLog("workbench loaded");
      },
      runCommand: (label) => runCommand(page, label),
      pickQuickItem: (label) => pickQuickItem(page, label),
      webview: () => webviewFrame(page),
      screenshot: (name) => screenshot(page, name),
    };
    let timer;
    try {
      await Promise.race([
        testCase.fn(t),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new InfraError(`timed out after ${testCase.timeoutMs / 1000}s`)), testCase.timeoutMs);
        }),
      ]);
      return undefined;
    } catch (error) {
      const slug = testCase.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      caseLog(`attempt ${attempt} failed: ${error.message.split("\n")[0]}`);
      caseLog(`screenshot: ${await screenshot(page, `ui-failed-${slug}-${attempt}`)}`);
      if (!(error instanceof InfraError) || attempt > testCase.retries) return error;
      caseLog("retrying (the environment, not an assertion, failed)");
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => {});
    }
  }
}

function writeSummary(counts) {
  const file = process.env.TEST_SUMMARY_FILE;
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(counts) + "\n");
}

async function main() {
  const selected = cases.filter((c) => !args.grep || c.name.includes(args.grep));
  const server = await useServer({ url: args.url, serverLog: args["server-log"], installVsix: true, vsix: args.vsix });
  const browser = await launchBrowser();
  const failures = [];
  try {
    for (const testCase of selected) {
      const start = performance.now();
      log(`case: ${testCase.name}`);
      const error = await runCase(browser, server, testCase);
      const duration = `${((performance.now() - start) / 1000).toFixed(1)}s`;
      if (error) {
        failures.push({ name: testCase.name, error });
        console.log(`  ✗ ${testCase.name} (${duration})`);
      } else {
        console.log(`  ✔ ${testCase.name} (${duration})`);
      }
    }
  } finally {
    await browser.close().catch(() => {});
    if (failures.some((f) => f.error instanceof InfraError)) console.error(`[ui] last lines of the server log:\n${server.logTail(60)}`);
    await server.close();
  }
  for (const [index, { name, error }] of failures.entries()) {
    console.log(`\n  ${index + 1}) ${name}:\n     ${String(error.stack ?? error).split("\n").slice(0, 8).join("\n     ")}`);
  }
  const counts = { passed: selected.length - failures.length, failed: failures.length, pending: 0 };
  writeSummary(counts);
  console.log(`\n${counts.passed} passed, ${counts.failed} failed`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[ui] ${error.stack ?? error}`);
    writeSummary({ passed: 0, failed: 1, pending: 0 });
    process.exit(2);
  },
);
