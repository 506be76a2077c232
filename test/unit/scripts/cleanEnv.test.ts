/** Which variables a nested install or tool inherits: npm's own go, the user's stay. */
import { strict as assert } from "node:assert";
import { cleanEnv } from "../../../scripts/cleanEnv.mjs";

// What npm 11 puts into an npm script's environment (captured from `npm test` under Node 20).
const underNpmTest = {
  npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false",
  npm_config_nodedir: "/usr",
  npm_config_loglevel: "silent",
  npm_config_allow_scripts: "",
  npm_lifecycle_event: "test",
  npm_lifecycle_script: "node scripts/test.mjs",
  npm_package_json: "/home/me/wasi-reactor-explorer/package.json",
  npm_package_name: "wasi-reactor-explorer",
  npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js",
  npm_node_execpath: "/usr/bin/node",
  npm_command: "test",
  INIT_CWD: "/home/me/wasi-reactor-explorer",
  NODE: "/usr/bin/node",
  COLOR: "0",
};

describe("scripts: cleanEnv", () => {
  it("drops every variable npm injects into a script's environment", () => {
    const clean = cleanEnv({ ...underNpmTest, HOME: "/home/me" });
    assert.deepEqual(clean, { HOME: "/home/me" });
  });

  it("keeps the user's own settings, including npm configuration set in capitals", () => {
    const user = {
      HOME: "/home/me",
      HTTPS_PROXY: "http://proxy:3128",
      NPM_CONFIG_REGISTRY: "https://mirror.example/npm/",
      WASI_REACTOR_TOOLS: "/tmp/tools",
      EDITOR: "vi",
    };
    assert.deepEqual(cleanEnv({ ...underNpmTest, ...user }), user);
  });

  it("removes the folders npm prepended to PATH and keeps the rest in order", () => {
    const npmPath = [
      "/home/me/wasi-reactor-explorer/node_modules/.bin",
      "/home/me/node_modules/.bin",
      "/node_modules/.bin",
      "/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin",
    ];
    const clean = cleanEnv({ PATH: [...npmPath, "/opt/node24/bin", "/usr/local/bin", "/usr/bin", "/bin"].join(":") });
    assert.equal(clean.PATH, "/opt/node24/bin:/usr/local/bin:/usr/bin:/bin");
  });

  it("keeps PATH entries that only look alike", () => {
    const path = "/opt/node_modules/.binaries:/opt/my-node-gyp-bin:/usr/bin";
    assert.equal(cleanEnv({ PATH: path }).PATH, path);
  });

  it("adds `extra` after cleaning, so that it may set npm configuration on purpose", () => {
    const clean = cleanEnv({ ...underNpmTest, PATH: "/usr/bin" }, { npm_config_nodedir: "/opt/node24", PATH: "/opt/node24/bin:/usr/bin" });
    assert.deepEqual(clean, { npm_config_nodedir: "/opt/node24", PATH: "/opt/node24/bin:/usr/bin" });
  });

  it("does not change the environment it is given", () => {
    const env = { ...underNpmTest, PATH: "/x/node_modules/.bin:/usr/bin" };
    const before = { ...env };
    cleanEnv(env, { EXTRA: "1" });
    assert.deepEqual(env, before);
  });
});
