// Builds every runtime's bundle with one esbuild base config: the extension (Node, CommonJS),
// the webview page and its worker (browser, IIFE), and the extension-host test suite.
// It is not a packager: `npm run package` calls vsce on what this writes to dist/.
import * as esbuild from "esbuild";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const isWatch = process.argv.includes("--watch");
const isProduction = process.argv.includes("--production");

const base = {
  bundle: true,
  sourcemap: isProduction ? false : "linked",
  minify: isProduction,
  target: "es2022",
  logLevel: "warning",
  absWorkingDir: root,
};

// The worker must be one self-contained classic script, because the webview creates it from a
// Blob URL (a worker cannot load webview resources; see docs/platform.md). It is built first and
// inlined into the page's bundle as a string constant.
const workerOptions = {
  ...base,
  sourcemap: isProduction ? false : "inline",
  entryPoints: ["webview/worker/main.ts"],
  platform: "browser",
  format: "iife",
  write: false,
};

function pageOptions(workerSource) {
  return {
    ...base,
    entryPoints: { webview: "webview/ui/main.ts" },
    outdir: "dist",
    platform: "browser",
    format: "iife",
    define: { __WORKER_SOURCE__: JSON.stringify(workerSource) },
  };
}

const extensionOptions = {
  ...base,
  entryPoints: { extension: "src/extension/extension.ts" },
  outdir: "dist",
  platform: "node",
  format: "cjs",
  external: ["vscode"],
};

// The extension-host suite runs inside a real VS Code, which provides `vscode`; mocha is loaded
// from node_modules so that its reporters stay intact.
const suiteDir = join(root, "test/vscode");
const suiteOptions = {
  ...base,
  sourcemap: "inline",
  entryPoints: readdirSync(suiteDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `test/vscode/${f}`),
  outdir: "out/test/vscode",
  platform: "node",
  format: "cjs",
  external: ["vscode", "mocha"],
};

function copyAssets() {
  mkdirSync(join(root, "dist/codicons"), { recursive: true });
  for (const file of ["codicon.css", "codicon.ttf"]) {
    cpSync(join(root, "node_modules/@vscode/codicons/dist", file), join(root, "dist/codicons", file));
  }
  // One stylesheet for the page: the base look first, then each component's sheet.
  const sheets = [
    "style.css",
    ...readdirSync(join(root, "webview/ui"))
      .filter((f) => f.endsWith(".css") && f !== "style.css")
      .sort(),
  ];
  writeFileSync(join(root, "dist/webview.css"), sheets.map((f) => readFileSync(join(root, "webview/ui", f), "utf8")).join("\n"));
}

rmSync(join(root, "dist"), { recursive: true, force: true });
rmSync(join(root, "out"), { recursive: true, force: true });
copyAssets();
if (isWatch) {
  await (await esbuild.context(extensionOptions)).watch();
  // The page inlines the worker's source, so each worker rebuild starts a page watcher anew.
  let page;
  const restartPage = {
    name: "restart-page",
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length) return;
        await page?.dispose();
        page = await esbuild.context(pageOptions(result.outputFiles[0].text));
        await page.watch();
      });
    },
  };
  await (await esbuild.context({ ...workerOptions, plugins: [restartPage] })).watch();
  console.log("watching src/ and webview/");
} else {
  const worker = await esbuild.build(workerOptions);
  await Promise.all([esbuild.build(extensionOptions), esbuild.build(pageOptions(worker.outputFiles[0].text)), esbuild.build(suiteOptions)]);
}
