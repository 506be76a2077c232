// How the browser suites, the UI cases and the benchmarks launch Debian's chromium on these
// machines (docs/testing.md): headless, no sandbox (they run as root), no GPU, no background traffic.
import { chromium } from "playwright-core";
import { chromiumPath } from "../scripts/tools.mjs";

/**
 * The flags. The last turns off the browser's own WebUI pages (the omnibox popup), which headless
 * Chromium loads in the background whenever a page opens and a VS Code webview never runs. For
 * about half a second they take CPU from the page under test: a memory view's first paint, timed at
 * once after its page opened, took 54 ms with them and 26 ms without (median of 8 pages each).
 */
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup",
];

/** Where chromium is: `CHROMIUM_PATH` when set, else Debian's. */
export function chromiumExecutable() {
  return process.env.CHROMIUM_PATH ?? chromiumPath();
}

/** Launches chromium with these flags; `executablePath` (a wrapper, say) replaces `chromiumExecutable()`. */
export function launchChromium({ executablePath } = {}) {
  return chromium.launch({ executablePath: executablePath ?? chromiumExecutable(), args: chromiumArgs });
}
