/**
 * The webview's HTML with its Content Security Policy: nonce scripts, 'wasm-unsafe-eval' for
 * WebAssembly, `worker-src blob:` for the reactor's worker, and nothing remote (docs/platform.md).
 * It does not import vscode, so the browser tests render the very same page.
 */

/** What the page needs from the host: URIs already converted for the webview. */
export interface PageResources {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh random nonce per render. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
}

/** The Content-Security-Policy for one render. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    "worker-src blob:",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join("; ");
}

/** A nonce of 32 random alphanumerics, from a cryptographic source. */
export function createNonce(randomValues: (array: Uint8Array) => Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomValues(new Uint8Array(32)), (byte) => alphabet[byte % alphabet.length]).join("");
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** Renders the page. */
export function renderHtml(resources: PageResources): string {
  const { cspSource, nonce, scriptUri, styleUri, codiconUri } = resources;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(codiconUri)}">
<link rel="stylesheet" href="${escapeAttribute(styleUri)}">
<title>WASI Reactor Explorer</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${escapeAttribute(scriptUri)}"></script>
</body>
</html>`;
}
