/**
 * Serves the real webview bundles on 127.0.0.1 inside the page the extension renders (same
 * HTML, same CSP), with `acquireVsCodeApi` stubbed, and drives it in Debian's Chromium.
 * Messages from the "host" arrive as window messages, exactly as VS Code delivers them.
 */
import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { join, normalize } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../chromium.mjs";
import { renderHtml } from "../../src/extension/html";
import type { DidCallMessage, Settings, WebviewToHost } from "../../src/core/protocol";
import { themeCss } from "./theme";

const root = join(__dirname, "..", "..");

// Records what the page posts to the "host", and keeps its state in sessionStorage so that a
// reload finds it again, as VS Code's webview state does.
const stub = `
window.__posted = [];
let saved = JSON.parse(sessionStorage.getItem("vscode-state") || "null");
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.__posted.push(message),
  getState: () => saved,
  setState: (state) => { saved = state; sessionStorage.setItem("vscode-state", JSON.stringify(state)); },
});`;

const types: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".ttf": "font/ttf", ".map": "application/json" };

/** A running harness: a server and a browser. */
export interface Harness {
  origin: string;
  browser: Browser;
  /** Every URL the pages requested, in order. */
  requests: string[];
  /** Opens a fresh explorer page. */
  newPage(options?: { theme?: "light" | "dark" }): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the server and the browser. */
export async function startHarness(): Promise<Harness> {
  let nonce = "";
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path === "/") {
      nonce = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      const theme = new URL(request.url ?? "/", "http://x").searchParams.get("theme") === "light" ? "light" : "dark";
      const html = renderHtml({
        cspSource: origin,
        nonce,
        scriptUri: "/dist/webview.js",
        styleUri: "/dist/webview.css",
        codiconUri: "/dist/codicons/codicon.css",
      });
      response.writeHead(200, { "content-type": "text/html" });
      const page = html
        .replace("</head>", `<link rel="stylesheet" href="/theme-${theme}.css">\n</head>`)
        .replace(`<script nonce="${nonce}"`, `<script nonce="${nonce}" src="/stub.js"></script>\n<script nonce="${nonce}"`);
      response.end(page);
      return;
    }
    if (path === "/theme-dark.css" || path === "/theme-light.css") {
      response.writeHead(200, { "content-type": "text/css" });
      response.end(themeCss(path.includes("dark") ? "dark" : "light"));
      return;
    }
    if (path === "/stub.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(stub);
      return;
    }
    const file = normalize(join(root, path));
    if (!path.startsWith("/dist/") || !file.startsWith(join(root, "dist"))) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      response.writeHead(200, { "content-type": types[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const requests: string[] = [];
  return {
    origin,
    browser,
    requests,
    async newPage(options = {}) {
      const page = await browser.newPage({ colorScheme: options.theme ?? "dark", viewport: { width: 1100, height: 800 } });
      page.on("request", (r) => requests.push(r.url()));
      page.on("pageerror", (e) => console.error("page error:", e.message));
      await page.goto(`${origin}/?theme=${options.theme ?? "dark"}`);
      await waitForPosted(page, (m) => m.type === "ready");
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Sends a fixture to the page as the host does after `ready`. */
export function openFixture(page: Page, name: string, settings: Partial<Settings> = {}): Promise<void> {
  return openBytes(page, name, readFileSync(join(root, "test", "fixtures", "wasm", `${name}.wasm`)), settings);
}

/** Sends bytes to the page as the file `<name>.wasm`, as the host does after `ready`. */
export async function openBytes(page: Page, name: string, data: Uint8Array, settings: Partial<Settings> = {}): Promise<void> {
  const bytes = Buffer.from(data).toString("base64");
  await page.evaluate(
    ({ name, bytes, settings }) => {
      const binary = atob(bytes);
      const array = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) array[i] = binary.charCodeAt(i);
      // Transferred, as VS Code's webview frame passes a message's buffers on.
      window.postMessage(
        { type: "open", fileName: `${name}.wasm`, bytes: array, settings: { callTimeoutMs: 10000, maxFileBytes: 1 << 28, ...settings } },
        "*",
        [array.buffer],
      );
    },
    { name, bytes, settings },
  );
  await waitForPosted(page, (m) => m.type === "didLoad" && m.fileName === `${name}.wasm`);
}

/** Everything the page has posted to the "host" so far. */
export function posted(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
}

/**
 * Waits until the page has posted a message matching `predicate` (after the first `from`
 * messages), and returns it. The predicate runs here in Node: the page's CSP forbids eval.
 */
export async function waitForPosted(
  page: Page,
  predicate: (m: WebviewToHost) => boolean,
  from = 0,
  timeoutMs = 30000,
): Promise<WebviewToHost> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await posted(page)).slice(from).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for a posted message; got ${JSON.stringify(await posted(page))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** How many messages the page has posted so far. */
export function postedCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.length);
}

/** Presses Call and returns the call the page reports to the host. */
export async function pressCall(page: Page): Promise<DidCallMessage> {
  const from = await postedCount(page);
  await page.getByRole("button", { name: "Call", exact: true }).click();
  return (await waitForPosted(page, (m) => m.type === "didCall", from)) as DidCallMessage;
}

/** Selects an export, fills its fields by label, presses Call and returns the reported call. */
export async function callExport(page: Page, exportName: string, args: Record<string, string> = {}): Promise<DidCallMessage> {
  await page.getByRole("button", { name: exportName, exact: true }).click();
  for (const [label, text] of Object.entries(args)) await page.getByLabel(label, { exact: true }).fill(text);
  return pressCall(page);
}
