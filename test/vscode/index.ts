/**
 * The extension-host test entry: VS Code (desktop through @vscode/test-electron, or code-server
 * through test/e2e/runInCodeServer.mjs) loads this module and awaits `run()`. It runs every
 * `*.test.js` bundled beside it with mocha's BDD UI. It is not a test itself.
 */
import Mocha from "mocha";
import * as fs from "node:fs";
import * as path from "node:path";
import * as util from "node:util";

/** Runs the suite; resolves when every test passed, rejects otherwise. Writes the spec output and a final `N passed, N failed` line to `E2E_TEST_OUT` when set. */
export function run(): Promise<void> {
  // One retry, because a workbench on a busy machine can lose a race that a user would never see
  // (a view not yet resolved, an editor still opening); a retried test is named in the report.
  const mocha = new Mocha({ ui: "bdd", color: false, timeout: 60_000, reporter: "spec", retries: 1 });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith(".test.js")) mocha.addFile(path.join(__dirname, file));
  }
  // The spec reporter prints through Base.consoleLog; capturing it keeps the report readable in
  // the result file even where the extension host's console is not forwarded.
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalLog = Base.consoleLog;
  const lines: string[] = [];
  Base.consoleLog = (...args: unknown[]) => {
    lines.push(util.format(...args));
    originalLog(...args);
  };
  const finish = (passed: number, failed: number) => {
    Base.consoleLog = originalLog;
    const summary = `${passed} passed, ${failed} failed`;
    console.log(summary);
    lines.push(summary);
    const out = process.env.E2E_TEST_OUT;
    if (out) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, lines.join("\n") + "\n");
    }
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        finish(runner.stats?.passes ?? 0, failures);
        if (failures > 0) reject(new Error(`${failures} tests failed.`));
        else resolve();
      });
      runner.on(Mocha.Runner.constants.EVENT_TEST_RETRY, (test: Mocha.Test, error: Error) => {
        Base.consoleLog(`  retrying "${test.fullTitle()}" after: ${String(error?.message ?? error).split("\n")[0]}`);
      });
    } catch (error) {
      // A test file that throws while loading never reaches the run callback.
      lines.push(util.format(error));
      finish(0, 1);
      reject(error);
    }
  });
}
