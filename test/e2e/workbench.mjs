// Shared helpers for the suites that drive code-server's web workbench in Debian's chromium
// through playwright-core: arguments, the server (reused or started), the browser, the
// command palette, quick picks and the webview's frames. It holds no tests.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { installExtension, startCodeServer, tailFile, testSettings } from "../../scripts/codeServer.mjs";
import { ensureTools } from "../../scripts/tools.mjs";

/** The repository root. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * Screenshots and result files go here (ignored by git): test-results/, or E2E_RESULTS_DIR when
 * set (useful while `npm test`, which empties test-results/ when it starts, runs alongside).
 */
export const resultsDir = process.env.E2E_RESULTS_DIR ? resolve(process.env.E2E_RESULTS_DIR) : join(projectRoot, "test-results");
/** The packaged extension that `npm run package` writes. */
export const vsixPath = join(projectRoot, "dist", "wasi-reactor-explorer.vsix");

/** A failure of the environment (workbench never loaded, command never appeared, run timed out), not of the product: worth one retry. */
export class InfraError extends Error {
  name = "InfraError";
}

/** Parses the common flags: `--url` (a running code-server), `--server-log`, plus `extra` parseArgs options. */
export function parseCommonArgs(extra = {}) {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      "server-log": { type: "string" },
      ...extra,
    },
    allowPositionals: false,
  });
  return values;
}

/** Prints a timestamped line with a tag, so that interleaved logs stay readable. */
export function logger(tag) {
  const start = performance.now();
  return (...parts) => console.log(`[${tag} ${((performance.now() - start) / 1000).toFixed(1)}s]`, ...parts);
}

/**
 * Uses the server at `url` when given; otherwise ensures the tools, starts code-server (with the
 * smoke-test driver, the packaged .vsix installed when `installVsix`, and workspace trust on when
 * `workspaceTrust`), and stops it in `close()`.
 */
export async function useServer({ url, serverLog, installVsix = false, vsix = vsixPath, env = {}, workspaceTrust = false }) {
  if (url) {
    return {
      url: url.replace(/\/$/, ""),
      logTail: (n = 60) => (serverLog ? tailFile(serverLog, n) : "(server log unknown: pass --server-log)"),
      close: async () => {},
    };
  }
  if (installVsix && !existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  await ensureTools();
  // Exit through process.exit on Ctrl-C, so that the exit handler that kills the server runs.
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));
  // With trust on, a folder opens in Restricted Mode without asking: the prompt would be a modal.
  const settings = workspaceTrust ? { ...testSettings, "security.workspace.trust.startupPrompt": "never" } : testSettings;
  const server = await startCodeServer({ smokeTestDriver: true, env, settings, workspaceTrust });
  try {
    if (installVsix) {
      installExtension({ vsix, extensionsDir: server.extensionsDir, userDataDir: server.userDataDir });
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url, logTail: server.logTail, close: () => server.stop() };
}

/** A fresh context (its own storage, so no workbench state leaks between runs) and its page. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { context, page };
}

/** The workbench URL for `folder`, with the extension-test `payload` when given (pairs of [key, value]). */
export function workbenchUrl(base, { folder, payload } = {}) {
  const query = new URLSearchParams();
  if (folder) query.set("folder", resolve(folder));
  if (payload) query.set("payload", JSON.stringify(payload));
  return `${base}/?${query}`;
}

/** Waits for `.monaco-workbench`; an InfraError when it never appears. */
export async function waitForWorkbench(page, timeoutMs = 60_000) {
  try {
    await page.locator(".monaco-workbench").waitFor({ state: "attached", timeout: timeoutMs });
  } catch {
    throw new InfraError(`the workbench did not load in ${timeoutMs / 1000}s (no .monaco-workbench)`);
  }
}

const quickInput = ".quick-input-widget";

/** The quick-input row whose label is exactly `label`. */
export function quickPickRow(page, label) {
  return page
    .locator(`${quickInput} .monaco-list-row`)
    .filter({ has: page.locator(".label-name").getByText(label, { exact: true }) })
    .first();
}

/**
 * Runs a command from the palette (F1) by its exact label, such as "WASI Reactor: Call WASM
 * Export". Commands appear only after the extension host has scanned the extensions, so it
 * reopens the palette until the row shows; an InfraError when it never does.
 */
export async function runCommand(page, label, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    const input = page.locator(`${quickInput} input`);
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(`>${label}`);
    const row = quickPickRow(page, label);
    try {
      await row.waitFor({ state: "visible", timeout: 3000 });
      await row.click();
      return attempt;
    } catch {
      if (Date.now() > deadline) throw new InfraError(`the command "${label}" did not appear in the palette in ${timeoutMs / 1000}s`);
      await page.waitForTimeout(1000);
    }
  }
}

/** Picks the row labelled exactly `label` in the quick pick that is open (typing it first to filter). */
export async function pickQuickItem(page, label, timeoutMs = 20_000) {
  const input = page.locator(`${quickInput} input`);
  await input.waitFor({ state: "visible", timeout: timeoutMs });
  await input.fill(label);
  const row = quickPickRow(page, label);
  await row.waitFor({ state: "visible", timeout: timeoutMs });
  await row.click();
}

/** The newest webview's content document: the page lives two frames deep (see docs/testing.md). */
export function webviewFrame(page) {
  return page.frameLocator("iframe.webview.ready >> nth=-1").frameLocator("#active-frame");
}

/**
 * Saves a screenshot to test-results/NAME.png and returns its path (never throws): the whole
 * page, or only `locator` (such as the editor part, see `editorPart`) when given.
 */
export async function screenshot(page, name, { locator } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.png`);
  try {
    if (locator) await locator.screenshot({ path: file, timeout: 10_000 });
    else await page.screenshot({ path: file, timeout: 10_000 });
    return file;
  } catch (error) {
    return `(no screenshot: ${error.message.split("\n")[0]})`;
  }
}

/**
 * Whether the workbench shows notifications as toasts. It does not when code-server runs with the
 * smoke-test driver (`--vscode-option enable-smoke-test-driver`, as `useServer` and `npm test`
 * start it): VS Code 1.139's NotificationsToasts.addToast then skips every toast, and
 * notifications reach only the notification center. The driver shows as `window.driver`.
 */
export function showsNotificationToasts(page) {
  return page.evaluate(() => !("driver" in window));
}

const notificationCenter = ".notifications-center.visible";

/** Opens the notification center (the bell in the status bar) unless it is open; an Error when it never shows. */
export async function openNotificationCenter(page, timeoutMs = 10_000) {
  if (await page.locator(notificationCenter).isVisible()) return;
  try {
    await page.locator("#status\\.notifications a").click({ timeout: timeoutMs });
    await page.locator(notificationCenter).waitFor({ state: "visible", timeout: timeoutMs });
  } catch (error) {
    throw new Error(`could not open the notification center from the status bar's bell: ${error.message.split("\n")[0]}`);
  }
  // The bell's tooltip ("Hide Notifications") covers the buttons of the center's last row until
  // the pointer has left the bell for a moment: move onto the center's title and let it fade.
  await page
    .locator(`${notificationCenter} .notifications-center-header-title`)
    .hover({ timeout: timeoutMs })
    .catch(() => {});
  await page
    .locator(".workbench-hover")
    .waitFor({ state: "hidden", timeout: 3000 })
    .catch(() => {});
}

/** Closes the notification center if it is open (its "Hide Notifications" action); never throws. */
export async function closeNotificationCenter(page, timeoutMs = 5000) {
  const center = page.locator(notificationCenter);
  if (!(await center.isVisible().catch(() => false))) return;
  await center
    .getByRole("button", { name: /^Hide Notifications/ })
    .click({ timeout: timeoutMs })
    .then(() => center.waitFor({ state: "hidden", timeout: timeoutMs }))
    .catch(() => {});
}

/** The texts of the notifications on screen: toasts and, when it is open, the notification center. */
async function shownNotifications(page) {
  const texts = await page
    .locator(`.notifications-toasts .notification-toast, ${notificationCenter} .monaco-list-row`)
    .allInnerTexts()
    .catch(() => []);
  return texts.map((text) => text.replace(/\s+/g, " ").trim());
}

/**
 * Waits until a notification whose text contains `text` (a string or a RegExp) shows, and
 * returns `{ notification, where }`: the element holding its message and buttons, and "toast"
 * or "center". As a user sees it: a toast (`.notifications-toasts .notification-toast`), or,
 * when the workbench shows no toasts (see `showsNotificationToasts`), a row of the notification
 * center, which this opens (close it with `closeNotificationCenter`). An Error listing the
 * notifications shown instead when none matches in `timeoutMs`.
 */
export async function waitForNotification(page, text, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  const where = (await showsNotificationToasts(page)) ? "toast" : "center";
  if (where === "center") await openNotificationCenter(page, timeoutMs);
  const all =
    where === "toast" ? page.locator(".notifications-toasts .notification-toast") : page.locator(`${notificationCenter} .monaco-list-row`);
  const notification = all.filter({ hasText: text }).first();
  try {
    await notification.waitFor({ state: "visible", timeout: Math.max(1000, deadline - Date.now()) });
  } catch {
    const described = typeof text === "string" ? JSON.stringify(text) : String(text);
    const place = where === "toast" ? "as a toast" : "in the notification center (toasts are off under the smoke-test driver)";
    throw new Error(
      `no notification containing ${described} showed ${place} in ${timeoutMs / 1000}s; notifications shown: ${JSON.stringify(await shownNotifications(page))}`,
    );
  }
  return { notification, where };
}

/**
 * Clicks the button `name` (such as "Cancel") of a `notification` found by
 * `waitForNotification`; an Error naming the buttons it has when none is called so.
 */
export async function clickNotificationButton(notification, name, timeoutMs = 5000) {
  const button = notification.getByRole("button", { name, exact: true });
  try {
    await button.click({ timeout: timeoutMs });
  } catch (error) {
    const buttons = await notification
      .locator("a.monaco-button")
      .allInnerTexts()
      .catch(() => []);
    throw new Error(
      `could not click the button "${name}" of the notification (${error.message.split("\n")[0]}); its buttons: ${JSON.stringify(buttons)}`,
    );
  }
}

/** The workbench's editor area (tabs and editors), for screenshots of one editor. */
export function editorPart(page) {
  return page.locator(".part.editor").first();
}

/**
 * The newest webview's theme as VS Code reports it on the page's `<body>`: `kind` is
 * `vscode-dark`, `vscode-light`, `vscode-high-contrast` or `vscode-high-contrast-light`, `name`
 * the theme's label (such as "Dark Modern"). Waits for the page to exist.
 */
export async function webviewTheme(page, timeoutMs = 30_000) {
  const body = webviewFrame(page).locator("body");
  await body.waitFor({ state: "attached", timeout: timeoutMs });
  const [kind, name] = await Promise.all([body.getAttribute("data-vscode-theme-kind"), body.getAttribute("data-vscode-theme-name")]);
  return { kind, name };
}

/**
 * Switches VS Code's color theme as a user does: "Preferences: Color Theme" in the palette,
 * then the theme's row (`label` as the picker shows it, such as "Light Modern"). VS Code writes
 * the choice to the user settings, which live on the server: put the old theme back when done.
 * Resolves once the newest webview reports the theme `label` on its body (and `expectKind`, such
 * as "vscode-light", when given), so that screenshots taken next show the new colors; an Error
 * saying what it reports instead.
 */
export async function setColorTheme(page, label, { expectKind, timeoutMs = 30_000 } = {}) {
  await runCommand(page, "Preferences: Color Theme");
  await pickQuickItem(page, label);
  const kind = expectKind ? `[data-vscode-theme-kind="${expectKind}"]` : "";
  const body = webviewFrame(page).locator(`body[data-vscode-theme-name="${label}"]${kind}`);
  try {
    await body.waitFor({ state: "attached", timeout: timeoutMs });
  } catch {
    const actual = await webviewTheme(page, 1000).catch((error) => ({ error: error.message.split("\n")[0] }));
    throw new Error(
      `after picking the color theme "${label}", the webview did not report it${expectKind ? ` (${expectKind})` : ""} in ${timeoutMs / 1000}s; it reports ${JSON.stringify(actual)}`,
    );
  }
  await page
    .locator(quickInput)
    .waitFor({ state: "hidden", timeout: timeoutMs })
    .catch(() => {});
}

/**
 * Reloads the workbench window with "Developer: Reload Window" from the palette (the workbench
 * shuts down through its lifecycle, saving editors and webview state, then loads again), and
 * waits for the new workbench. Accepts a beforeunload prompt, which Playwright would otherwise
 * dismiss and so cancel the reload. InfraError when the page never navigates or never loads.
 */
export async function reloadWindow(page, timeoutMs = 60_000) {
  const acceptUnload = (dialog) => void (dialog.type() === "beforeunload" ? dialog.accept() : dialog.dismiss()).catch(() => {});
  page.on("dialog", acceptUnload);
  try {
    // A mark on the old document: the reload is done when a document without it has loaded
    // (so that a same-document navigation, which also fires framenavigated, cannot pass for one).
    await page.evaluate(() => (window.__e2eBeforeReload = true));
    const loaded = page.waitForEvent("load", { timeout: timeoutMs });
    loaded.catch(() => {});
    await runCommand(page, "Developer: Reload Window");
    try {
      await loaded;
    } catch {
      throw new InfraError(`"Developer: Reload Window" ran, but no new page loaded in ${timeoutMs / 1000}s`);
    }
    if (await page.evaluate(() => window.__e2eBeforeReload === true).catch(() => false)) {
      throw new InfraError('"Developer: Reload Window" ran and a load event fired, but the old document is still there');
    }
    await waitForWorkbench(page, timeoutMs);
  } finally {
    page.off("dialog", acceptUnload);
  }
}

/**
 * Scrolls the webview's document so that `locator` (inside the webview) starts at the top of the
 * editor: unlike scrollIntoViewIfNeeded, the content below it is shown too.
 */
export async function scrollToTop(locator, timeoutMs = 10_000) {
  await locator.evaluate((element) => element.scrollIntoView({ block: "start", inline: "nearest" }), undefined, { timeout: timeoutMs });
}

/** Writes a suite's counts `{ passed, failed, pending }` where `npm test` reads them (TEST_SUMMARY_FILE). */
export function writeSummary(counts) {
  const file = process.env.TEST_SUMMARY_FILE;
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(counts) + "\n");
}
