/**
 * Runs the extension-host suite in desktop VS Code, downloaded by @vscode/test-electron (needs
 * internet; here use test/e2e/runInCodeServer.mjs instead). Build first: `npm run build`, then
 * `npx tsx test/electron/runTests.ts`.
 */
import { runTests } from "@vscode/test-electron";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, "out/test/vscode/index.js"),
  launchArgs: [path.join(root, "test/fixtures/wasm"), "--disable-extensions"],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
