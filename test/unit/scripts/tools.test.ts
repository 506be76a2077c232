/**
 * The tool installs of `npm test` and `npm start`, run for real on a tiny local package whose
 * install script records the environment it sees: started from inside an npm script, the nested
 * `npm install` must configure itself, not inherit the outer npm's configuration (such as a user
 * agent naming another Node, which made code-server's postinstall refuse to install).
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeServerEnv, node24BinDir, node24Home, npmInstall } from "../../../scripts/tools.mjs";

/** What the probe's install script saw. */
interface Seen {
  version: string;
  env: Record<string, string>;
}

// The environment of an npm script, as npm 11 under another Node would make it: every value is
// one the nested install must not see. npm sets some of these names again for the probe's own
// script (npm_lifecycle_event, NODE, …), so the test compares values, not names.
const fromOuterNpm: Record<string, string> = {
  npm_config_user_agent: "npm/11.0.0 node/v18.0.0 linux x64 workspaces/false",
  npm_config_nodedir: "/outer/node18",
  npm_config_outer_probe: "from-the-outer-npm",
  npm_lifecycle_event: "outer-test",
  npm_lifecycle_script: "node outer.mjs",
  npm_package_name: "outer-package",
  npm_package_json: "/outer/package.json",
  npm_execpath: "/outer/npm-cli.js",
  npm_node_execpath: "/outer/node18/bin/node",
  npm_command: "outer-command",
  INIT_CWD: "/outer",
  NODE: "/outer/node18/bin/node",
};

function writeProbe(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "env-probe", version: "1.0.0", scripts: { install: "node record.cjs" } }),
  );
  writeFileSync(
    join(dir, "record.cjs"),
    'require("fs").writeFileSync(require("path").join(__dirname, "seen.json"), JSON.stringify({ version: process.version, env: process.env }));\n',
  );
}

describe("scripts: tool installs get a clean environment", function () {
  this.timeout(120_000);
  let work: string;
  let fakeBin: string;
  const saved: Record<string, string | undefined> = {};

  function setEnv(name: string, value: string): void {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  }

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "wasi-reactor-tools-test-"));
    // A project's node_modules/.bin, as npm prepends it to PATH for its scripts.
    fakeBin = join(work, "project", "node_modules", ".bin");
    for (const [name, value] of Object.entries(fromOuterNpm)) setEnv(name, value);
    setEnv("PATH", `${fakeBin}:${process.env.PATH ?? ""}`);
    setEnv("WASI_REACTOR_TOOLS", join(work, "tools"));
    setEnv("WASI_REACTOR_PROBE_USER", "kept");
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      delete saved[name];
    }
    rmSync(work, { recursive: true, force: true });
  });

  /** Installs the probe the way the tools are installed, and returns what its install script saw. */
  async function install(options: { env?: Record<string, string> }): Promise<Seen> {
    const probe = join(work, "probe");
    const dir = join(work, "install");
    writeProbe(probe);
    mkdirSync(dir);
    await npmInstall(dir, `file:${probe}`, join(work, "install.log"), { ...options, allowScripts: { "env-probe": true } });
    return JSON.parse(readFileSync(join(probe, "seen.json"), "utf8")) as Seen;
  }

  function assertNothingInherited(seen: Seen): void {
    // code-server's postinstall takes the Node major from here and compares it with its own.
    const agentNode = /\bnode\/(v[\d.]+)/.exec(seen.env.npm_config_user_agent ?? "")?.[1];
    assert.equal(
      agentNode,
      seen.version,
      `the user agent must name the Node that runs the install, got "${seen.env.npm_config_user_agent}"`,
    );
    const leaked = Object.entries(fromOuterNpm)
      .filter(([name, value]) => seen.env[name] === value)
      .map(([name]) => name);
    assert.deepEqual(leaked, [], "variables inherited from the outer npm");
    assert.ok(!(seen.env.PATH ?? "").split(":").includes(fakeBin), `PATH still holds the outer project's ${fakeBin}`);
    assert.equal(seen.env.WASI_REACTOR_PROBE_USER, "kept", "the user's own variables pass through");
  }

  it("installs Node 24's way (the default environment) without the outer npm's variables", async () => {
    assertNothingInherited(await install({}));
  });

  it("installs code-server's way: Node 24 first on PATH and its headers for node-gyp, nothing else from the outer npm", async () => {
    const seen = await install({ env: codeServerEnv() });
    assertNothingInherited(seen);
    assert.equal(seen.env.npm_config_nodedir, node24Home());
    const path = (seen.env.PATH ?? "").split(":");
    assert.ok(path.includes(node24BinDir()), "Node 24's bin is on PATH");
    assert.ok(path.indexOf(node24BinDir()) < path.indexOf("/usr/bin"), "Node 24's bin comes before the system's");
  });
});
