// Times one cold activation in this fresh Node process: require() of an extension's main file,
// then activate(context), with a minimal fake `vscode` module injected through Module._load.
// Prints one JSON line, including which `vscode` members the extension touched.
const Module = require("node:module");

const touched = new Set();
class Disposable {
  constructor(fn = () => undefined) {
    this.dispose = fn;
  }
}
class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return new Disposable();
    };
  }
  fire(value) {
    for (const l of this.listeners) l(value);
  }
  dispose() {}
}
const uri = (path) => ({ scheme: "file", path, fsPath: path, toString: () => `file://${path}`, with: () => uri(path) });
const Uri = {
  file: uri,
  parse: (text) => uri(text.replace(/^file:\/\//, "")),
  joinPath: (base, ...parts) => uri([base.path, ...parts].join("/")),
};
const channel = {
  append() {},
  appendLine() {},
  info() {},
  warn() {},
  error() {},
  debug() {},
  trace() {},
  show() {},
  hide() {},
  clear() {},
  dispose() {},
};

const track = (name, value) =>
  new Proxy(value, {
    get(target, key) {
      if (typeof key === "string") touched.add(`${name}.${key}`);
      return target[key];
    },
  });
const fake = track("vscode", {
  Disposable,
  EventEmitter,
  Uri,
  window: track("window", {
    createOutputChannel: () => channel,
    registerCustomEditorProvider: () => new Disposable(),
    registerWebviewPanelSerializer: () => new Disposable(),
    tabGroups: { activeTabGroup: {} },
  }),
  commands: track("commands", { registerCommand: () => new Disposable(), executeCommand: async () => undefined }),
  workspace: track("workspace", {
    getConfiguration: () => ({ get: (_key, fallback) => fallback }),
    onDidChangeConfiguration: () => new Disposable(),
  }),
  TabInputCustom: class {},
  TabInputText: class {},
});

const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request === "vscode" ? fake : load.call(this, request, parent, isMain);
};

const memento = { get: (_key, fallback) => fallback, update: async () => undefined, keys: () => [] };
const context = {
  subscriptions: [],
  extensionUri: Uri.file(process.argv[2].replace(/\/[^/]*$/, "/..")),
  workspaceState: memento,
  globalState: memento,
  extensionPath: "",
  storageUri: undefined,
};

const started = performance.now();
const extension = require(process.argv[2]);
const required = performance.now();
extension.activate(context);
const activated = performance.now();
process.stdout.write(
  JSON.stringify({
    requireMs: required - started,
    activateMs: activated - required,
    totalMs: activated - started,
    touched: [...touched].sort(),
  }) + "\n",
);
