/**
 * Runs the extension-host suite (out/test/vscode/index.js, the same one `npm test` runs in
 * code-server) in desktop VS Code through @vscode/test-electron: `npm run test:electron` builds,
 * then runs this. It is not the suite, and not what `npm test` runs (see docs/testing.md).
 *
 * VS Code is downloaded into the tools folder on the first run (this needs internet; later runs
 * reuse it offline). `VSCODE_EXECUTABLE_PATH` runs an installed desktop VS Code instead, and
 * `VSCODE_VERSION` picks a version to download ("stable", "insiders" or "1.90.0"; default: the
 * newest stable). Each run gets a fresh profile and extensions folder, so nothing installed on
 * the machine takes part. The spec report also goes to test-results/electron-results.txt.
 */
import { runTests, TestRunFailedError } from "@vscode/test-electron";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { toolsDir } from "../../scripts/tools.mjs";

const root = path.resolve(__dirname, "../..");
const testsPath = path.join(root, "out/test/vscode/index.js");
const workspace = path.join(root, "test/fixtures/wasm");
const resultsFile = path.join(root, "test-results/electron-results.txt");

/** Error codes that mean the download never reached the server: no network, no DNS, a proxy that refused. */
const offlineCodes = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH"]);

function isOffline(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const text = String((error as { message?: unknown } | null)?.message ?? error);
  return (typeof code === "string" && offlineCodes.has(code)) || /getaddrinfo|timed? ?out|socket hang up/i.test(text);
}

async function main(): Promise<number> {
  if (!existsSync(testsPath)) {
    console.error(`[electron] ${testsPath} is missing: run \`npm run build\` first (\`npm run test:electron\` does).`);
    return 2;
  }
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (executable && !existsSync(executable)) {
    console.error(
      `[electron] VSCODE_EXECUTABLE_PATH is ${executable}, which does not exist: point it at VS Code's executable, or unset it to download VS Code.`,
    );
    return 2;
  }
  const profile = mkdtempSync(path.join(tmpdir(), "wasi-reactor-electron-"));
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      extensionTestsEnv: { E2E_TEST_OUT: resultsFile },
      ...(executable
        ? { vscodeExecutablePath: executable }
        : { version: process.env.VSCODE_VERSION ?? "stable", cachePath: path.join(toolsDir(), "vscode-desktop") }),
      // The workspace first (VS Code opens it); then a profile of our own and no other extension,
      // so that what is installed on the machine cannot change the outcome. test-electron adds
      // --no-sandbox, --skip-welcome, --disable-updates and --disable-workspace-trust itself.
      launchArgs: [
        workspace,
        `--user-data-dir=${path.join(profile, "user")}`,
        `--extensions-dir=${path.join(profile, "extensions")}`,
        "--disable-extensions",
        "--disable-telemetry",
        "--skip-release-notes",
      ],
    });
    console.log(`[electron] the suite passed; report: ${resultsFile}`);
    return 0;
  } catch (error) {
    if (error instanceof TestRunFailedError) {
      const report = existsSync(resultsFile)
        ? `report: ${resultsFile}`
        : "no report was written (the tests module did not load, or VS Code did not start: on a Linux without a display, run it under `xvfb-run -a`)";
      console.error(`[electron] VS Code exited with ${error.code ?? error.signal}; ${report}`);
      return 1;
    }
    if (!executable && isOffline(error)) {
      console.error(
        `[electron] could not download desktop VS Code (${String((error as Error).message ?? error).split("\n")[0]}).\n` +
          "  @vscode/test-electron fetches it from update.code.visualstudio.com, which needs internet on the first run.\n" +
          "  Either set VSCODE_EXECUTABLE_PATH to an installed VS Code (for example /usr/share/code/code),\n" +
          "  or run the same suite without internet in code-server: npm test -- --only vscode",
      );
      return 2;
    }
    console.error("[electron] the run could not happen:", error);
    return 2;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("[electron]", error);
    process.exit(2);
  },
);
