// Serves the benchmark pages on 127.0.0.1 and starts Debian's Chromium with the test harness's
// flags (test/webview/harness.ts). Two pages: `/` is the real explorer page (the HTML and CSP the
// extension renders, dist/webview.js as built, the probe in place of the host), and `/bench.html`
// runs the product's worker through its client with no UI. Both are cross-origin isolated, so
// performance.now() ticks in 5 µs rather than 100 µs, in the page and in its workers.
import { createServer } from "node:http";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, normalize } from "node:path";
import { chromiumExecutable, launchChromium } from "../../test/chromium.mjs";
import { benchDir, bundleForNode, bundleScript, root, tmpDir } from "../lib/bundle.mjs";

const require = createRequire(import.meta.url);

const types = { ".js": "text/javascript", ".css": "text/css", ".ttf": "font/ttf", ".map": "application/json", ".html": "text/html" };
const isolation = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

/** Builds the bench page's script (the product's client, its worker built as scripts/build.mjs builds it, and the probe worker), and the load benchmark's bare worker. */
async function buildBenchScript(from = root) {
  const productWorker = await bundleScript("webview/worker/main.ts", {}, from);
  const probeWorker = await bundleScript("bench/browser/probeWorker.ts", {}, from);
  const baselineWorker = await bundleScript("bench/browser/baselineWorker.ts", {}, from);
  const page = await bundleScript(
    "bench/browser/benchPage.ts",
    // The bare worker too: the bench pages of earlier revisions, which callAB.mjs builds with this function, read it.
    {
      __PRODUCT_WORKER__: JSON.stringify(productWorker),
      __PROBE_WORKER__: JSON.stringify(probeWorker),
      __BASELINE_WORKER__: JSON.stringify(baselineWorker),
    },
    from,
  );
  return { page, baselineWorker };
}

/**
 * Whether Chromium can be kept to one CPU here (`taskset`, from util-linux). On this benchmark's
 * two-CPU virtual machine, waking a thread on the other CPU costs tens of microseconds, and whether
 * a round trip pays that is up to the scheduler; on one CPU every round trip pays a context switch instead.
 */
export const canPinToOneCpu = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/**
 * Starts the server and the browser; `close()` ends both. With `oneCpu`, every Chromium process and
 * thread runs on CPU 0. With `before` (another source tree), `/bench.html` also runs that tree's
 * bench page, as `window.benchBefore`.
 */
export async function startBrowserBench({ oneCpu = false, before } = {}) {
  if (!existsSync(join(root, "dist", "webview.js"))) throw new Error("dist/webview.js is missing: run `npm run build` first.");
  const { page: benchScript, baselineWorker } = await buildBenchScript();
  const beforeScript = before && (await buildBenchScript(before)).page;
  const { renderHtml } = require(await bundleForNode("src/extension/html.ts", "html"));
  let themeCss = () => "";
  try {
    ({ themeCss } = require(await bundleForNode("test/webview/theme.ts", "theme")));
  } catch {
    // The theme only colours the page; without it the page still renders and runs.
  }
  const probe = readFileSync(join(benchDir, "browser", "probe.js"), "utf8").replace("__BASELINE_WORKER__", () =>
    JSON.stringify(baselineWorker),
  );
  let origin = "";
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const send = (type, body) => {
      response.writeHead(200, { "content-type": type, ...isolation });
      response.end(body);
    };
    if (path === "/") {
      const nonce = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      const html = renderHtml({
        cspSource: origin,
        nonce,
        scriptUri: "/dist/webview.js",
        styleUri: "/dist/webview.css",
        codiconUri: "/dist/codicons/codicon.css",
      })
        .replace("</head>", `<link rel="stylesheet" href="/theme.css">\n</head>`)
        .replace(`<script nonce="${nonce}"`, `<script nonce="${nonce}" src="/probe.js"></script>\n<script nonce="${nonce}"`);
      return send("text/html", html);
    }
    if (path === "/favicon.ico") return response.writeHead(204).end();
    if (path === "/theme.css") return send("text/css", themeCss("dark"));
    if (path === "/probe.js") return send("text/javascript", probe);
    if (path === "/bench.html") {
      const first = beforeScript ? `<script src="/before.js"></script><script>window.benchBefore = window.bench;</script>` : "";
      return send("text/html", `<!DOCTYPE html><meta charset="utf-8"><title>bench</title>${first}<script src="/bench.js"></script>`);
    }
    if (path === "/bench.js") return send("text/javascript", benchScript);
    if (path === "/before.js" && beforeScript) return send("text/javascript", beforeScript);
    const file = normalize(join(root, path));
    if (!path.startsWith("/dist/") || !file.startsWith(join(root, "dist"))) return response.writeHead(404).end();
    try {
      send(types[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream", readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  let executablePath;
  if (oneCpu) {
    // Processes and threads inherit their affinity, so pinning the first pins them all.
    executablePath = join(tmpDir, "chromium-on-cpu0.sh");
    mkdirSync(tmpDir, { recursive: true });
    writeFileSync(executablePath, `#!/bin/sh\nexec taskset -c 0 ${JSON.stringify(chromiumExecutable())} "$@"\n`, { mode: 0o755 });
  }
  const browser = await launchChromium({ executablePath });
  const errors = [];
  return {
    origin,
    browser,
    errors,
    /** A fresh page at `path` (`/` or `/bench.html`), once its script is ready. */
    async newPage(path) {
      const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, colorScheme: "dark" });
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(origin + path);
      if (path === "/bench.html") await page.waitForFunction(() => document.title === "bench ready");
      else await page.waitForFunction(() => window.__posted?.some((m) => m.type === "ready"));
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
