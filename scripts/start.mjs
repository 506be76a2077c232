// `npm start`: the quick start on a fresh clone. Installs dependencies when needed, packages the
// extension, ensures the tools, installs the .vsix into a dedicated extensions folder and serves
// a real VS Code (code-server) on 127.0.0.1 with `examples/` open, until Ctrl-C. It is not a
// development loop: use the "Run Extension" launch configuration for that. Node built-ins only.
//
//   npm start            # http://127.0.0.1:8080
//   PORT=9000 npm start
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "./cleanEnv.mjs";
import { ensureNodeModules, ensureTools, toolsDir } from "./tools.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vsix = join(root, "dist", "wasi-reactor-explorer.vsix");
const folder = join(root, "examples");
const port = Number(process.env.PORT || 8080);

function step(name, fn) {
  const start = performance.now();
  console.log(`[start] ${name}…`);
  const result = fn();
  console.log(`[start] ${name}: done (${((performance.now() - start) / 1000).toFixed(1)}s)`);
  return result;
}

async function main() {
  ensureNodeModules(root);
  step("npm run package", () => {
    const result = spawnSync("npm", ["run", "-s", "package"], { cwd: root, stdio: "inherit", env: cleanEnv() });
    if (result.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package failed (exit ${result.status})`);
  });
  await ensureTools();
  // codeServer.mjs imports nothing outside Node, but loading it after the tools keeps the order of the log.
  const { installExtension, startCodeServer } = await import("./codeServer.mjs");
  // One profile for every `npm start`, outside the project, so that settings survive restarts.
  const dataDir = join(toolsDir(), "start");
  mkdirSync(dataDir, { recursive: true });
  const extensionsDir = join(dataDir, "extensions");
  const userDataDir = join(dataDir, "user");
  installExtension({ vsix, extensionsDir, userDataDir });
  const server = await startCodeServer({
    port,
    dataDir,
    extensionsDir,
    userDataDir,
    folder,
    settings: { "workbench.startupEditor": "none" },
  });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  const line = "═".repeat(Math.max(60, url.length + 4));
  console.log(`\n${line}\n  WASI Reactor Explorer is running in VS Code (code-server):\n\n  ${url}\n`);
  console.log(`  Open a .wasm file in examples/ and run "WASI Reactor: Call WASM Export" (F1).`);
  console.log(`  From another machine: ssh -L ${port}:127.0.0.1:${port} this-host, then open the URL.`);
  console.log(`  Server log: ${server.logFile}\n  Press Ctrl-C to stop.\n${line}\n`);

  let isStopping = false;
  const stop = async (signal) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`\n[start] ${signal}: stopping code-server…`);
    await server.stop();
    console.log("[start] stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  await server.exited;
  if (!isStopping) {
    console.error(`[start] code-server exited by itself; last lines of ${server.logFile}:\n${server.logTail(40)}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`[start] FAILED: ${error.message}`);
  process.exit(1);
});
