// Starts and stops a code-server (a real VS Code server with its web workbench) for `npm start`
// and the e2e suites, and installs a packaged .vsix into an extensions folder. It is not an
// installer: scripts/tools.mjs provides code-server and Node 24. Node built-ins only. Both the
// server and its CLI run in `codeServerEnv()`: Node 24 first, nothing npm exported for `npm start`.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { codeServerBin, codeServerEnv } from "./tools.mjs";

/** User settings for test runs: a quiet workbench (no welcome page, no chat panel, no tips). */
export const testSettings = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
};

/** Resolves to a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves to whether `port` can be bound on 127.0.0.1 right now. */
export function isPortFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolveFree(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
  });
}

/** The last `lines` lines of a text file, or a note when it cannot be read. */
export function tailFile(file, lines = 50) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return `(cannot read ${file})`;
  }
}

/**
 * Installs a packaged extension into `extensionsDir` with code-server's own CLI (about 2 s),
 * replacing an older copy of the same extension. Throws with the CLI's output on failure.
 */
export function installExtension({ vsix, extensionsDir, userDataDir }) {
  const start = performance.now();
  mkdirSync(extensionsDir, { recursive: true });
  const args = ["--extensions-dir", extensionsDir, "--install-extension", resolve(vsix), "--force"];
  if (userDataDir) args.unshift("--user-data-dir", userDataDir);
  const result = spawnSync(codeServerBin(), args, { env: codeServerEnv(), encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`installing ${vsix} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  }
  console.log(`[code-server] installed ${vsix} into ${extensionsDir} (${((performance.now() - start) / 1000).toFixed(1)}s)`);
}

/**
 * Starts code-server in its own process group on 127.0.0.1 and waits until `/healthz` answers.
 * Options: `port` (a free one when omitted), `dataDir` (a fresh temp folder when omitted; holds
 * the config, `user/`, `extensions/` and `server.log`), `extensionsDir`, `userDataDir`, `folder`
 * (opened when the root URL is visited), `smokeTestDriver` (needed for the extension-test
 * payload, see docs/testing.md), `env` (added to the server's environment, which the extension host
 * inherits), `settings` (user settings written when the profile has none yet), `workspaceTrust`
 * (keep VS Code's workspace trust on, so that a folder opens in Restricted Mode), `timeoutMs`.
 * Returns `{ url, port, pid, dataDir, extensionsDir, userDataDir, logFile, stop(), logTail(n) }`.
 */
export async function startCodeServer(options = {}) {
  const start = performance.now();
  const port = options.port ? Number(options.port) : await freePort();
  if (!(await isPortFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use; stop what holds it or choose another (PORT=...)`);
  const isTemporary = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "wasi-reactor-cs-"));
  const userDataDir = options.userDataDir ?? join(dataDir, "user");
  const extensionsDir = options.extensionsDir ?? join(dataDir, "extensions");
  const logFile = join(dataDir, "server.log");
  const configFile = join(dataDir, "config.yaml");
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const settingsFile = join(userDataDir, "User", "settings.json");
  if (options.settings && !existsSync(settingsFile)) {
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify(options.settings, null, 2) + "\n");
  }

  const args = [
    "--config",
    configFile,
    "--user-data-dir",
    userDataDir,
    "--extensions-dir",
    extensionsDir,
    "--disable-telemetry",
    "--disable-update-check",
  ];
  if (!options.workspaceTrust) args.push("--disable-workspace-trust");
  if (options.smokeTestDriver) args.push("--vscode-option", "enable-smoke-test-driver");
  if (options.folder) args.push(resolve(options.folder));

  const out = openSync(logFile, "a");
  // `detached` makes the child a session and process-group leader (setsid): code-server's
  // wrapper does not forward SIGTERM, so the whole group is killed to stop it.
  const child = spawn(codeServerBin(), args, {
    env: codeServerEnv(options.env ?? {}),
    stdio: ["ignore", out, out],
    detached: true,
  });
  closeSync(out);
  const pid = child.pid;
  let exitCode = null;
  const exited = new Promise((resolveExit) => {
    child.on("exit", (code, signal) => {
      exitCode = code ?? signal;
      resolveExit();
    });
    child.on("error", (error) => {
      exitCode = error.message;
      resolveExit();
    });
  });
  const killGroup = (signal) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  // A script that dies without calling stop() must not leave the server running.
  const onExit = () => {
    killGroup("SIGKILL");
    if (isTemporary) rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", onExit);

  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    port,
    pid,
    dataDir,
    extensionsDir,
    userDataDir,
    logFile,
    logTail: (lines = 50) => tailFile(logFile, lines),
    /** Resolves when the server process exits (by itself or through stop()). */
    exited,
    /** Stops the server's whole process group: SIGTERM, then SIGKILL after 5 s. Removes a data folder it created. */
    async stop() {
      process.off("exit", onExit);
      if (exitCode === null) {
        killGroup("SIGTERM");
        const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      // Children of the wrapper (the extension host, pty host) may outlive it.
      killGroup("SIGKILL");
      if (isTemporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exitCode !== null) {
      process.off("exit", onExit);
      throw new Error(`code-server exited (${exitCode}) before it was healthy; last lines of ${logFile}:\n${tailFile(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        console.log(`[code-server] ${url} ready in ${((performance.now() - start) / 1000).toFixed(1)}s (pid ${pid}, log ${logFile})`);
        return server;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`code-server did not answer ${url}/healthz in time; last lines of ${logFile}:\n${tailFile(logFile)}`);
}
