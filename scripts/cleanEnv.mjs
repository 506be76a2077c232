// The environment for every process the scripts start (installs, tools, nested npm): the caller's
// own, without what npm injects into the environment of an npm script. It is not a sandbox: the
// user's own settings (PATH, proxies, HOME, `NPM_CONFIG_*` in capitals, ~/.npmrc) pass through.
//
// Why: under `npm test` or `npm start`, npm exports its whole configuration as `npm_config_*`,
// including `npm_config_user_agent` ("npm/11 node/v20 …"), plus lifecycle variables, `NODE` and
// `npm_execpath` naming the Node that runs npm. A nested `npm install` reads all of them as its
// own configuration, even when it runs under another Node: code-server's postinstall then reads
// Node 20 from the inherited user agent and refuses to install under Node 24. Starting every
// child from this environment makes `npm test` behave exactly like `node scripts/test.mjs`.

/** Variables npm's run-script sets by name (beside the `npm_config_`, `npm_lifecycle_` and `npm_package_` families). */
const npmNames = new Set(["npm_execpath", "npm_node_execpath", "npm_command", "INIT_CWD", "NODE", "COLOR"]);
const npmPrefixes = ["npm_config_", "npm_lifecycle_", "npm_package_"];

/**
 * Whether `name` is a variable npm put into a script's environment. Only the lower-case
 * `npm_config_*` that npm writes counts: `NPM_CONFIG_*` in capitals is how a user configures
 * npm through the environment, and it stays.
 */
export function isNpmInjected(name) {
  return npmNames.has(name) || npmPrefixes.some((prefix) => name.startsWith(prefix));
}

/**
 * Whether a PATH entry is one npm's run-script prepended: a `node_modules/.bin` folder of the
 * package or one of its parents, or npm's own node-gyp shim (which would start the node-gyp of
 * the Node that runs npm).
 */
export function isNpmPathEntry(entry) {
  return /(^|\/)node_modules\/\.bin\/?$/.test(entry) || /\/@npmcli\/run-script\/lib\/node-gyp-bin\/?$/.test(entry);
}

/**
 * A copy of `env` (default `process.env`) without the variables npm injects into scripts and
 * without the folders npm prepended to PATH, with `extra` added last. Pure: it never changes `env`.
 */
export function cleanEnv(env = process.env, extra = {}) {
  const clean = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isNpmInjected(name)) clean[name] = value;
  }
  if (clean.PATH !== undefined) {
    clean.PATH = clean.PATH.split(":")
      .filter((entry) => entry !== "" && !isNpmPathEntry(entry))
      .join(":");
  }
  return { ...clean, ...extra };
}
