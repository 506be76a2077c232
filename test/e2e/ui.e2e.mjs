// UI tests of the packaged extension in a real VS Code (code-server's web workbench), driven
// through Debian's chromium as a user would: command palette, quick pick, the webview's
// buttons and fields. It is not the extension-host suite (that is runInCodeServer.mjs).
//
//   node test/e2e/ui.e2e.mjs [--url http://127.0.0.1:PORT --server-log FILE] [--grep TEXT] [--vsix FILE]
//
// With --url, the server must already have dist/wasi-reactor-explorer.vsix installed; without
// it, this starts its own code-server and installs the .vsix (run `npm run package` first). The
// Restricted Mode case always starts a second one of its own, with workspace trust on.
// Each case gets a fresh browser context; a case is retried when the environment failed
// (InfraError: workbench or palette too slow), and once when an assertion failed, which is then
// reported as flaky with what the failed attempt saw. Ends with a line
// `N passed, N failed`, and writes { passed, failed, pending } to TEST_SUMMARY_FILE when set.
import { join } from "node:path";
import {
  clickNotificationButton,
  closeNotificationCenter,
  editorPart,
  InfraError,
  logger,
  newPage,
  parseCommonArgs,
  pickQuickItem,
  projectRoot,
  reloadWindow,
  runCommand,
  screenshot,
  scrollToTop,
  setColorTheme,
  useServer,
  waitForNotification,
  waitForWorkbench,
  webviewFrame,
  webviewTheme,
  workbenchUrl,
  writeSummary,
} from "./workbench.mjs";
import { launchChromium } from "../chromium.mjs";
import { enterTaggedRows } from "../workedExample.mjs";

const args = parseCommonArgs({ grep: { type: "string" }, vsix: { type: "string" } });
const log = logger("ui");
const fixtures = join(projectRoot, "test/fixtures/wasm");

/** @type {{ name: string, fn: (t: CaseContext) => Promise<void>, retries: number, timeoutMs: number }[]} */
const cases = [];

/**
 * Declares a UI case. `fn` receives `{ page, open(folder), runCommand(label), pickQuickItem(label),
 * webview(), screenshot(name, { locator }), reload(), log }`. Options: `retries` (default 1), `timeoutMs`.
 * A case that fails for the environment (an InfraError) is retried up to `retries` times; one that
 * fails an assertion is retried once, so that a race in the workbench does not fail the run, and
 * a pass after a failed attempt is reported as flaky with what that attempt saw.
 * @typedef {{ page: import("playwright-core").Page, open: (folder: string) => Promise<void>,
 *   runCommand: (label: string) => Promise<number>, pickQuickItem: (label: string) => Promise<void>,
 *   webview: () => import("playwright-core").FrameLocator,
 *   screenshot: (name: string, options?: { locator?: import("playwright-core").Locator }) => Promise<string>,
 *   reload: () => Promise<void>, log: (...parts: unknown[]) => void }} CaseContext
 */
function uiCase(name, fn, { retries = 1, timeoutMs = 180_000 } = {}) {
  cases.push({ name, fn, retries, timeoutMs });
}

/** Waits until `locator` contains `text` (a string or a RegExp); throws with what it did contain instead. */
async function expectText(locator, text, timeoutMs = 20_000) {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: "visible", timeout: timeoutMs });
  } catch {
    const actual = await locator
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => "(element not found)");
    throw new Error(
      `expected ${locator} to contain ${typeof text === "string" ? JSON.stringify(text) : String(text)} within ${timeoutMs / 1000}s, found ${JSON.stringify(actual)}`,
    );
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

uiCase("palette: opens another module while an explorer is active", async (t) => {
  await openInExplorer(t, "numbers.wasm");
  await t.webview().getByRole("button", { name: "add_i32", exact: true }).waitFor({ state: "visible", timeout: 30_000 });
  await t.runCommand("WASI Reactor: Call WASM Export");
  // The palette's own row ("Call WASM Export") lingers until the command's pick replaces it, so
  // wait for the pick's rows before reading the first one.
  const rows = t.page.locator(".quick-input-widget .monaco-list-row");
  await rows.filter({ hasText: ".wasm" }).first().waitFor({ state: "visible", timeout: 20_000 });
  const text = await rows.first().textContent();
  check(
    /numbers\.wasm/.test(text ?? "") && /current/.test(text ?? ""),
    "the pick should offer the active explorer's module first, marked as current",
    text,
  );
  await t.pickQuickItem("counter.wasm");
  await t.page.locator(".tabs-container .tab.active", { hasText: "counter.wasm" }).first().waitFor({ state: "visible", timeout: 20_000 });
  await t.webview().getByRole("button", { name: "increment", exact: true }).waitFor({ state: "visible", timeout: 30_000 });
});

/**
 * The cells of the rows of the memory map's `table.region-table` whose caption contains
 * `caption`, once that table shows; an Error naming the captions there are when it never does.
 */
async function regionTableRows(view, caption, timeoutMs = 20_000) {
  const table = view.locator("table.region-table", { has: view.locator("caption", { hasText: caption }) });
  try {
    await table.first().waitFor({ state: "visible", timeout: timeoutMs });
  } catch {
    const captions = await view
      .locator("table caption")
      .allTextContents()
      .catch(() => []);
    throw new Error(
      `no table.region-table with the caption "${caption}" in ${timeoutMs / 1000}s; table captions on the page: ${JSON.stringify(captions)}`,
    );
  }
  return table
    .first()
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll("td"), (td) => (td.textContent ?? "").trim())));
}

/**
 * Makes the browser window tall enough that the webview shows, at once, everything from the top
 * of `from` to the bottom of `to` (locators in the webview), then scrolls `from` to the top. The
 * height is measured, not guessed, so that a taller memory map still fits; capped at 4000 px.
 */
async function fitWebviewTo(page, from, to) {
  const measure = async () => {
    const [top, bottom, innerHeight] = await Promise.all([
      from.evaluate((e) => e.getBoundingClientRect().top + window.scrollY),
      to.evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY),
      from.evaluate(() => window.innerHeight),
    ]);
    return { needed: Math.ceil(bottom - top) + 24, innerHeight };
  };
  const { needed, innerHeight } = await measure();
  const viewport = page.viewportSize();
  const height = Math.min(4000, viewport.height + Math.max(0, needed - innerHeight));
  if (height !== viewport.height) {
    await page.setViewportSize({ width: viewport.width, height });
    // The webview's frame follows the window's size after a layout pass: wait for it.
    const deadline = Date.now() + 10_000;
    while ((await measure()).innerHeight < Math.min(needed, innerHeight + (height - viewport.height)) - 8) {
      if (Date.now() > deadline)
        throw new Error(
          `the webview did not grow to ${needed}px after resizing the window to ${height}px (it is ${(await measure()).innerHeight}px)`,
        );
      await page.waitForTimeout(100);
    }
  }
  await scrollToTop(from);
}

/** Throws `message` with the JSON of `actual` unless `isOk`. */
function check(isOk, message, actual) {
  if (!isOk) throw new Error(`${message}; found ${JSON.stringify(actual)}`);
}

/** Opens the fixtures folder and `fileName` in the explorer through the palette and the quick pick. */
async function openInExplorer(t, fileName) {
  await t.open(fixtures);
  const attempts = await t.runCommand("WASI Reactor: Call WASM Export");
  t.log(`command ran (palette opened ${attempts} time(s))`);
  await t.pickQuickItem(fileName);
}

/**
 * Clicks the export `name` in the webview; the first wait is long because the webview, its
 * worker and the module load after the quick pick closes.
 */
async function selectExport(view, name) {
  const button = view.getByRole("button", { name, exact: true });
  try {
    await button.click({ timeout: 45_000 });
  } catch (error) {
    throw new Error(`the webview never showed the export button "${name}" (45s): ${error.message.split("\n")[0]}`);
  }
}

/** Presses Call and waits until the outcome (role=status) says `${exportName} returned`. */
async function callAndExpectReturn(view, exportName) {
  await view.getByRole("button", { name: "Call", exact: true }).click({ timeout: 20_000 });
  await expectText(view.locator('[role="status"]'), `${exportName} returned`, 30_000);
}

/** The result cells of the first results table in the outcome (label, type, decimal, …), one array per row. */
function resultRows(view) {
  return view
    .locator('[role="status"] table')
    .first()
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll("td"), (td) => (td.textContent ?? "").trim())));
}

uiCase("tagged call through the UI", async (t) => {
  await t.page.setViewportSize({ width: 1440, height: 1000 });
  await openInExplorer(t, "tagged.wasm");
  const view = t.webview();
  await selectExport(view, "test_memory");
  await view.getByLabel("Convention").selectOption("tagged", { timeout: 20_000 });
  await enterTaggedRows(view);
  await callAndExpectReturn(view, "test_memory");

  const written = await regionTableRows(view, "Written by the explorer before the call");
  check(written.length > 0, 'the table "Written by the explorer before the call" has no rows', written);
  check(written[0][0] === "0x0008", "the explorer's writes should start at offset 0x0008", written[0]);
  check(
    written.at(-1)[0] === "0x0040" && written.at(-1)[3] === "terminator",
    "the explorer's writes should end with the terminator at 0x0040",
    written.at(-1),
  );
  await expectText(view.locator("table.decoded-table", { has: view.locator("caption", { hasText: "Results read back" }) }), '"gnissap"');
  await expectText(view.locator(".changed-summary"), /changed \d+ bytes?/);

  const original = await webviewTheme(t.page);
  t.log(`webview theme at start: ${JSON.stringify(original)}`);
  try {
    // code-server 4.139's default theme follows the browser's color scheme (headless Chromium:
    // light, "Light 2026"), so the dark screenshot picks a dark theme explicitly.
    if (original.kind !== "vscode-dark") await setColorTheme(t.page, "Dark Modern", { expectKind: "vscode-dark" });
    await expectText(view.locator('[role="status"]'), "test_memory returned");
    // The memory map starts at the top of the editor and the memory view ends at its bottom.
    await fitWebviewTo(t.page, view.locator(".memory-map"), view.locator(".memory-section"));
    t.log(`webview theme for the dark screenshot: ${JSON.stringify(await webviewTheme(t.page))}`);
    t.log(`screenshot: ${await t.screenshot("memory-map-vscode-dark", { locator: editorPart(t.page) })}`);

    await setColorTheme(t.page, "Light Modern", { expectKind: "vscode-light" });
    const light = await webviewTheme(t.page);
    t.log(`webview theme after the switch: ${JSON.stringify(light)}`);
    // The light theme must not have reset the page: the outcome and the map are still there.
    await expectText(view.locator('[role="status"]'), "test_memory returned");
    await fitWebviewTo(t.page, view.locator(".memory-map"), view.locator(".memory-section"));
    t.log(`screenshot: ${await t.screenshot("memory-map-vscode-light", { locator: editorPart(t.page) })}`);
  } finally {
    // The theme is a user setting on the server: later cases (and a shared server) get it back.
    const now = await webviewTheme(t.page, 1000).catch(() => ({}));
    if (original.name && now.name !== original.name) {
      await setColorTheme(t.page, original.name).catch((error) =>
        t.log(`could not restore the theme "${original.name}": ${error.message.split("\n")[0]}`),
      );
    }
  }
});

uiCase("allocator call through the UI", async (t) => {
  await openInExplorer(t, "strings.wasm");
  const view = t.webview();
  await selectExport(view, "to_upper");
  const convention = await view.getByLabel("Convention").inputValue({ timeout: 20_000 });
  check(convention === "allocator", 'the "Convention" select should propose allocator for to_upper', convention);
  await view.getByLabel("p0", { exact: true }).fill("abC d");
  await callAndExpectReturn(view, "to_upper");
  await expectText(view.locator(".changed-summary"), "changed 3 bytes in 2 ranges");
  await expectText(view.locator(".memory-map"), "freed");
  await scrollToTop(view.locator(".memory-map"));
  t.log(`screenshot: ${await t.screenshot("allocator-after-call", { locator: editorPart(t.page) })}`);
});

uiCase("state survives a window reload", async (t) => {
  await openInExplorer(t, "numbers.wasm");
  let view = t.webview();
  await selectExport(view, "add_i64");
  await view.getByRole("textbox", { name: "a", exact: true }).fill("123");
  await t.reload();
  view = t.webview();
  const tab = t.page.locator(".tabs-container .tab", { hasText: "numbers.wasm" });
  try {
    await tab.first().waitFor({ state: "visible", timeout: 30_000 });
  } catch {
    const tabs = await t.page.locator(".tabs-container .tab").allTextContents();
    throw new Error(`after the reload, no editor tab "numbers.wasm" was restored; tabs: ${JSON.stringify(tabs)}`);
  }
  const field = view.getByRole("textbox", { name: "a", exact: true });
  // The restored webview starts its worker and reloads the module before the field shows: on a
  // machine at a load average of 20 on two cores this took over 45 s (its screenshot a moment
  // later showed the field, filled in), so the wait is generous; a lost state still fails.
  const restoreTimeoutMs = 90_000;
  try {
    await field.waitFor({ state: "visible", timeout: restoreTimeoutMs });
  } catch {
    const status = await view
      .locator("body")
      .innerText({ timeout: 2000 })
      .catch((error) => `(no webview page: ${error.message.split("\n")[0]})`);
    throw new Error(
      `after the reload, the restored explorer shows no field "a" (add_i64 not selected?) in ${restoreTimeoutMs / 1000}s; the page says: ${JSON.stringify(status.slice(0, 400))}`,
    );
  }
  const selected = await view
    .locator(".export.selected")
    .first()
    .getAttribute("aria-label", { timeout: 5000 })
    .catch(() => undefined);
  const value = await field.inputValue();
  check(value === "123", `after the reload, field "a" of add_i64 should still show "123" (selected export: ${selected})`, value);
  t.log(`screenshot: ${await t.screenshot("explorer-after-reload", { locator: editorPart(t.page) })}`);
});

uiCase("a long call can be cancelled from its notification", async (t) => {
  await openInExplorer(t, "traps.wasm");
  const view = t.webview();
  const status = view.locator('[role="status"]');
  await selectExport(view, "spin");
  await view.getByRole("button", { name: "Call", exact: true }).click({ timeout: 20_000 });
  const calledAt = performance.now();
  const since = () => `${((performance.now() - calledAt) / 1000).toFixed(1)}s after Call`;
  // While the call runs, the page shows its own Cancel (inside the webview's frames, so it
  // cannot be mistaken for the notification's, which is in the workbench's DOM).
  try {
    await view.getByRole("button", { name: "Cancel", exact: true }).waitFor({ state: "visible", timeout: 5000 });
  } catch {
    const outcome = await status.textContent({ timeout: 1000 }).catch(() => "(no status)");
    throw new Error(
      `the call of spin never showed as running (no Cancel in the webview in 5s); the outcome says ${JSON.stringify(outcome)}`,
    );
  }
  // The extension shows the notification for calls running longer than 1 s. Under the
  // smoke-test driver (this suite's server, and npm test's) VS Code shows no toasts, so the
  // notification is then found in the notification center. The webview's own deadline
  // (wasiReactor.callTimeoutSeconds, 10 s by default) must not have passed at Cancel.
  const title = "traps.wasm: calling spin…";
  const { notification, where } = await waitForNotification(t.page, title, 8000);
  t.log(
    `notification shown (${where === "toast" ? "toast" : "notification center"}) ${since()}: ${JSON.stringify((await notification.innerText()).replace(/\s+/g, " ").trim())}`,
  );
  t.log(`screenshot: ${await t.screenshot("long-call-notification")}`);
  await clickNotificationButton(notification, "Cancel");
  t.log(`clicked the notification's Cancel ${since()}`);
  try {
    await expectText(status, "was cancelled", 15_000);
  } catch (error) {
    const outcome = (await status.textContent({ timeout: 1000 }).catch(() => "")) ?? "";
    if (/did not return within/.test(outcome))
      throw new Error(
        `the call hit the webview's time limit instead of being cancelled (Cancel clicked ${since()}); the outcome says ${JSON.stringify(outcome)}`,
      );
    throw error;
  }
  await expectText(status, "restarted", 5000);
  t.log(`the outcome says cancelled and restarted ${since()}`);
  // The notification ends with the call.
  try {
    await t.page
      .locator(".notifications-toasts .notification-toast, .notifications-center .monaco-list-row")
      .filter({ hasText: title })
      .first()
      .waitFor({ state: "hidden", timeout: 10_000 });
  } catch {
    throw new Error(`the notification "${title}" was still shown 10s after the call was cancelled`);
  }
  await closeNotificationCenter(t.page);
  // The restarted reactor answers.
  await selectExport(view, "ok");
  await callAndExpectReturn(view, "ok");
  const results = await resultRows(view);
  check(
    results.length === 1 && results[0][2] === "7",
    "after the restart, ok should return the single result 7 (results table: label, type, decimal, …)",
    results,
  );
});

uiCase("opens a module from the explorer's context menu", async (t) => {
  await t.open(fixtures);
  const row = t.page.locator(".explorer-folders-view .monaco-list-row", { hasText: "counter.wasm" }).first();
  try {
    await row.waitFor({ state: "visible", timeout: 30_000 });
  } catch {
    const rows = await t.page.locator(".explorer-folders-view .monaco-list-row").allTextContents();
    throw new InfraError(`the explorer never listed counter.wasm (30s); it shows ${JSON.stringify(rows.slice(0, 12))}`);
  }
  // The menu gains the extension's item once the extension host has read the extensions, as the
  // palette gains its command (see runCommand): until then, close the menu and ask again.
  const item = t.page.locator(".monaco-menu .action-item", { hasText: "Call WASM Export" }).first();
  const deadline = Date.now() + 60_000;
  for (;;) {
    await row.click({ button: "right" });
    if (
      await item.waitFor({ state: "visible", timeout: 3000 }).then(
        () => true,
        () => false,
      )
    )
      break;
    const items = await t.page.locator(".monaco-menu .action-item").allTextContents();
    await t.page.keyboard.press("Escape");
    if (Date.now() > deadline)
      throw new Error(
        `the context menu of counter.wasm never offered "Call WASM Export" (60s); it offers ${JSON.stringify(items.filter(Boolean))}`,
      );
    await t.page.waitForTimeout(1000);
  }
  // A menu that has just opened may ignore a click (it guards against the right-click's own
  // release): click again until it closes.
  for (let attempt = 1; await item.isVisible().catch(() => false); attempt++) {
    if (attempt > 5) throw new InfraError('the context menu stayed open after 5 clicks on "Call WASM Export"');
    await item.click({ timeout: 10_000 }).catch(() => undefined);
    await item.waitFor({ state: "hidden", timeout: 2000 }).catch(() => undefined);
  }
  const view = t.webview();
  await selectExport(view, "increment");
  await callAndExpectReturn(view, "increment");
});

uiCase("opens a module through Browse… when the workspace has none", async (t) => {
  // The fixtures' C sources: no .wasm files, so the quick pick offers only Browse….
  await t.open(join(projectRoot, "test/fixtures/src"));
  await t.runCommand("WASI Reactor: Call WASM Export");
  const input = t.page.locator(".quick-input-widget input");
  const browse = t.page.locator(".quick-input-widget .monaco-list-row", { hasText: "Browse…" }).first();
  try {
    await browse.click({ timeout: 20_000 });
  } catch {
    const rows = await t.page.locator(".quick-input-widget .monaco-list-row").allTextContents();
    throw new Error(`the quick pick offers no "Browse…"; it shows ${JSON.stringify(rows)}`);
  }
  // code-server's open dialog is a quick input over a folder: go to the fixtures, pick the file, OK.
  // It fills its box asynchronously after it opens, first with the folder above the workspace and
  // then with the workspace, and an update that lands while the path is being typed can keep its
  // own text in front of ours. So wait until it shows the workspace, and type the path again
  // until the fixtures are listed.
  const workspace = `${join(projectRoot, "test/fixtures/src")}/`;
  await t.page
    .waitForFunction((expected) => document.querySelector(".quick-input-widget input")?.value === expected, workspace, { timeout: 20_000 })
    .catch(async () => {
      throw new InfraError(
        `the open dialog never showed the workspace ${workspace} (20s); it shows ${JSON.stringify(await input.inputValue())}`,
      );
    });
  const path = `${fixtures}/`;
  const file = t.page.locator(".quick-input-widget .monaco-list-row", { hasText: "counter.wasm" }).first();
  for (let typed = 1; ; typed++) {
    await input.fill(path);
    const listed = await file.waitFor({ state: "visible", timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (listed) break;
    const value = await input.inputValue();
    const rows = await t.page.locator(".quick-input-widget .monaco-list-row").allTextContents();
    const seen = `it shows ${JSON.stringify(rows.slice(0, 12))} and the path ${JSON.stringify(value)}`;
    if (typed === 3) throw new InfraError(`the open dialog at ${path} lists no counter.wasm after the path was typed 3 times; ${seen}`);
    t.log(`typed the path ${typed} time(s); ${seen}`);
  }
  await file.click({ timeout: 10_000 });
  // Clicking a file either opens it or puts its path in the box, to be confirmed with OK.
  const ok = t.page.locator(".quick-input-widget").getByRole("button", { name: "OK" });
  if (await ok.isVisible().catch(() => false)) await ok.click({ timeout: 5000 }).catch(() => undefined);
  const view = t.webview();
  await selectExport(view, "increment");
  await callAndExpectReturn(view, "increment");
});

uiCase("keeps the reactor running while its tab is hidden", async (t) => {
  await openInExplorer(t, "counter.wasm");
  const view = t.webview();
  await selectExport(view, "increment");
  await callAndExpectReturn(view, "increment");
  // Another editor in the same group hides the explorer's tab; then it is brought back.
  await t.runCommand("Preferences: Open Settings (UI)");
  const settings = t.page.locator(".tabs-container .tab", { hasText: "Settings" }).first();
  await settings.waitFor({ state: "visible", timeout: 20_000 });
  await t.page.locator(".tabs-container .tab", { hasText: "counter.wasm" }).first().click({ timeout: 10_000 });
  // The page and its worker lived on: the last outcome still shows, and the counter goes on from 1.
  await expectText(view.locator('[role="status"]'), "increment returned", 20_000);
  await callAndExpectReturn(view, "increment");
  const results = await resultRows(view);
  check(
    results.length === 1 && results[0][2] === "2",
    "a second increment after the tab was hidden should return 2 (the same instance)",
    results,
  );
});

uiCase("works in Restricted Mode, in a workspace that is not trusted", async (t) => {
  // The shared server runs with workspace trust off; this case needs a server of its own with it on.
  const untrusted = await useServer({ installVsix: true, vsix: args.vsix, workspaceTrust: true });
  try {
    await t.page.goto(workbenchUrl(untrusted.url, { folder: fixtures }), { timeout: 60_000 });
    await waitForWorkbench(t.page);
    const items = t.page.locator(".part.statusbar .statusbar-item");
    await items
      .filter({ hasText: "Restricted Mode" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(async () => {
        throw new Error(
          `the status bar shows no "Restricted Mode"; its items: ${JSON.stringify((await items.allTextContents()).filter(Boolean))}`,
        );
      });
    await t.runCommand("WASI Reactor: Call WASM Export");
    await t.pickQuickItem("counter.wasm");
    const view = t.webview();
    await selectExport(view, "increment");
    await callAndExpectReturn(view, "increment");
    const results = await resultRows(view);
    check(results.length === 1 && results[0][2] === "1", "increment should return 1 in Restricted Mode", results);
  } finally {
    await untrusted.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Runner

/** Runs a case with its retries; returns the last error if every attempt failed, and what earlier attempts saw. */
async function runCase(browser, server, testCase) {
  const failedAttempts = [];
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
      screenshot: (name, options) => screenshot(page, name, options),
      reload: async () => {
        await reloadWindow(page);
        caseLog("workbench reloaded");
      },
    };
    let timer;
    try {
      await Promise.race([
        testCase.fn(t),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new InfraError(`timed out after ${testCase.timeoutMs / 1000}s`)), testCase.timeoutMs);
        }),
      ]);
      return { failedAttempts };
    } catch (error) {
      const slug = testCase.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      const firstLine = error.message.split("\n")[0];
      caseLog(`attempt ${attempt} failed: ${firstLine}`);
      caseLog(`screenshot: ${await screenshot(page, `ui-failed-${slug}-${attempt}`)}`);
      failedAttempts.push(firstLine);
      const retries = error instanceof InfraError ? testCase.retries : Math.min(1, testCase.retries);
      if (attempt > retries) return { error, failedAttempts };
      caseLog(error instanceof InfraError ? "retrying (the environment, not an assertion, failed)" : "retrying once (an assertion failed)");
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => {});
    }
  }
}

async function main() {
  const selected = cases.filter((c) => !args.grep || c.name.includes(args.grep));
  const server = await useServer({ url: args.url, serverLog: args["server-log"], installVsix: true, vsix: args.vsix });
  const browser = await launchChromium();
  const failures = [];
  const flaky = [];
  try {
    for (const testCase of selected) {
      const start = performance.now();
      log(`case: ${testCase.name}`);
      const { error, failedAttempts } = await runCase(browser, server, testCase);
      const duration = `${((performance.now() - start) / 1000).toFixed(1)}s`;
      if (error) {
        failures.push({ name: testCase.name, error });
        console.log(`  ✗ ${testCase.name} (${duration})`);
      } else if (failedAttempts.length > 0) {
        flaky.push({ name: testCase.name, failedAttempts });
        console.log(`  ✔ ${testCase.name} (${duration}; flaky: passed on attempt ${failedAttempts.length + 1})`);
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
    console.log(
      `\n  ${index + 1}) ${name}:\n     ${String(error.stack ?? error)
        .split("\n")
        .slice(0, 8)
        .join("\n     ")}`,
    );
  }
  for (const { name, failedAttempts } of flaky) {
    console.log(`\n  flaky: ${name}\n     ${failedAttempts.map((line, i) => `attempt ${i + 1}: ${line}`).join("\n     ")}`);
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
