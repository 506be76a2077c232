/**
 * The explorer in a real VS Code: the command opens the custom editor, the webview loads the
 * module in its worker, and calls made through the same path as the Call button come back.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { DidCallMessage, DidLoadMessage, WebviewToHost } from "../../src/core/protocol";
import { wasmPickItems, type WasmPickItem } from "../../src/extension/callExportCommand";
import type { ExplorerApi } from "../../src/extension/extension";

const fixtures = path.join(__dirname, "..", "..", "..", "test", "fixtures", "wasm");

let api: ExplorerApi;

/** Resolves with the first message from the explorer of `uri` that matches, within a generous deadline for slow workbenches. */
function nextMessage<T extends WebviewToHost>(uri: vscode.Uri, predicate: (m: WebviewToHost) => m is T, timeoutMs = 45_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`No matching message from the explorer of ${uri.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = api.onDidReceiveMessage(({ uri: from, message }) => {
      if (from.toString() === uri.toString() && predicate(message)) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(message);
      }
    });
  });
}

const isLoad = (m: WebviewToHost): m is DidLoadMessage => m.type === "didLoad";
const isCall = (m: WebviewToHost): m is DidCallMessage => m.type === "didCall";

async function invoke(uri: vscode.Uri, exportName: string, args: string[]): Promise<DidCallMessage> {
  const reply = nextMessage(uri, isCall);
  assert.equal(await api.postMessage(uri, { type: "invoke", exportName, args }), true, "the webview refused the message");
  return reply;
}

/** A private copy of a fixture, so that tests may change it. */
function copyFixture(name: string): vscode.Uri {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wasi-reactor-"));
  const file = path.join(dir, `${name}.wasm`);
  fs.copyFileSync(path.join(fixtures, `${name}.wasm`), file);
  return vscode.Uri.file(file);
}

describe("explorer", () => {
  before(async () => {
    const extension = vscode.extensions.getExtension<ExplorerApi>("wasi-reactor-explorer.wasi-reactor-explorer");
    assert.ok(extension);
    api = await extension.activate();
  });
  afterEach(async () => vscode.commands.executeCommand("workbench.action.closeAllEditors"));

  it("opens a .wasm file from the command, lists its exports and calls one in the worker", async () => {
    const uri = vscode.Uri.file(path.join(fixtures, "numbers.wasm"));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    const load = await loaded;
    assert.equal(load.error, undefined);
    assert.ok(load.exports.includes("add_i32"), load.exports.join());
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === "wasiReactor.explorer");
    const call = await invoke(uri, "add_i32", ["2", "40"]);
    assert.equal(call.outcome, "returned");
    assert.deepEqual(call.results, ["42"]);
  });

  it("keeps the reactor's state between calls and survives a trap", async () => {
    const uri = vscode.Uri.file(path.join(fixtures, "traps.wasm"));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("vscode.openWith", uri, "wasiReactor.explorer");
    await loaded;
    const trap = await invoke(uri, "unreachable", []);
    assert.equal(trap.outcome, "trapped");
    assert.match(trap.message ?? "", /unreachable/);
    assert.deepEqual((await invoke(uri, "ok", [])).results, ["7"]);
    assert.equal((await invoke(uri, "ok", ["not a number"])).outcome, "invalid");
  });

  it("shows printf output from a C reactor", async () => {
    const uri = vscode.Uri.file(path.join(fixtures, "hello.wasm"));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    await loaded;
    const call = await invoke(uri, "greet", ["3"]);
    assert.equal(call.stdout, "hello 3\n");
    assert.deepEqual(call.results, ["6"]);
  });

  it("reloads the module when the file changes on disk", async () => {
    const uri = copyFixture("counter");
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    assert.ok((await loaded).exports.includes("increment"));
    const reloaded = nextMessage(uri, (m): m is DidLoadMessage => isLoad(m) && m.exports.includes("add_i32"));
    fs.copyFileSync(path.join(fixtures, "numbers.wasm"), uri.fsPath);
    assert.ok((await reloaded).exports.includes("divmod"));
  });

  it("says plainly what a file that is not WebAssembly is", async () => {
    const uri = vscode.Uri.file(path.join(fixtures, "not_wasm.wasm"));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    const load = await loaded;
    assert.equal(load.kind, "notWasm");
    assert.match(load.error ?? "", /not WebAssembly/i);
  });
});

describe("explorer: faults and limits", () => {
  before(async () => {
    api = await vscode.extensions.getExtension<ExplorerApi>("wasi-reactor-explorer.wasi-reactor-explorer")!.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await vscode.workspace.getConfiguration("wasiReactor").update("maxFileSizeMB", undefined, vscode.ConfigurationTarget.Global);
  });

  it("stops a runaway export when the host cancels it, and the restarted reactor answers", async () => {
    const uri = vscode.Uri.file(path.join(fixtures, "traps.wasm"));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    await loaded;
    const started = nextMessage(uri, (m): m is Extract<WebviewToHost, { type: "didStartCall" }> => m.type === "didStartCall");
    const ended = nextMessage(uri, isCall);
    assert.equal(await api.postMessage(uri, { type: "invoke", exportName: "spin", args: [] }), true);
    await started;
    assert.equal(await api.postMessage(uri, { type: "cancel" }), true);
    const call = await ended;
    assert.equal(call.outcome, "failed");
    assert.match(call.message ?? "", /cancelled[\s\S]*restarted/);
    assert.deepEqual((await invoke(uri, "ok", [])).results, ["7"]);
  });

  it("refuses a file over the size limit, saying which setting to change", async () => {
    await vscode.workspace.getConfiguration("wasiReactor").update("maxFileSizeMB", 0.0001, vscode.ConfigurationTarget.Global);
    const uri = vscode.Uri.file(path.join(fixtures, "hello.wasm"));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    const load = await loaded;
    assert.equal(load.kind, "unreadable");
    assert.match(load.error ?? "", /wasiReactor\.maxFileSizeMB/);
  });

  it("loads a module rebuilt while an export runs away, and calls the new one", async () => {
    const uri = copyFixture("traps");
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    await loaded;
    const started = nextMessage(uri, (m): m is Extract<WebviewToHost, { type: "didStartCall" }> => m.type === "didStartCall");
    const ended = nextMessage(uri, isCall);
    assert.equal(await api.postMessage(uri, { type: "invoke", exportName: "spin", args: [] }), true);
    await started;
    // The rebuilt module must not wait for the runaway call's deadline, nor be lost when it passes.
    const reloaded = nextMessage(uri, (m): m is DidLoadMessage => isLoad(m) && m.exports.includes("increment"), 8_000);
    fs.copyFileSync(path.join(fixtures, "counter.wasm"), uri.fsPath);
    assert.equal((await reloaded).error, undefined);
    const call = await ended;
    assert.equal(call.outcome, "failed");
    assert.match(call.message ?? "", /file changed[\s\S]*new bytes/);
    assert.deepEqual((await invoke(uri, "increment", [])).results, ["1"]);
  });
});

describe("explorer: the command while an explorer is active", () => {
  const current = vscode.Uri.file(path.join(fixtures, "numbers.wasm"));
  before(async () => {
    api = await vscode.extensions.getExtension<ExplorerApi>("wasi-reactor-explorer.wasi-reactor-explorer")!.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand("workbench.action.closeQuickOpen");
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  /** The next row the command's pick makes active. */
  function nextActiveItem(timeoutMs = 30_000): Promise<WasmPickItem> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`The command's pick made no row active within ${timeoutMs} ms`));
      }, timeoutMs);
      const subscription = api.onDidActivatePickItem((item) => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(item);
      });
    });
  }

  it("offers the workspace's modules, the current one first and marked, and opens the one picked", async () => {
    const loaded = nextMessage(current, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", current);
    await loaded;
    let active = nextActiveItem();
    const command = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>("wasiReactor.callExport"));
    const first = await Promise.race([
      active,
      command.then((uri) => assert.fail(`the command returned ${uri?.path} without offering a pick`)),
    ]);
    assert.equal(first.uri?.toString(), current.toString());
    assert.match(first.description ?? "", /^current\b/);
    // Down the list to counter.wasm with VS Code's own quick-open commands, as the arrow keys do.
    let item = first;
    for (let moves = 0; !item.uri?.path.endsWith("/counter.wasm"); moves++) {
      assert.ok(moves < 50, "the pick offers no counter.wasm");
      active = nextActiveItem();
      await vscode.commands.executeCommand("workbench.action.quickOpenSelectNext");
      item = await active;
    }
    const picked = item.uri;
    const opened = nextMessage(picked, isLoad);
    await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
    assert.equal((await command)?.toString(), picked.toString());
    assert.ok((await opened).exports.includes("increment"));
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(
      tab?.input instanceof vscode.TabInputCustom &&
        tab.input.viewType === "wasiReactor.explorer" &&
        tab.input.uri.toString() === picked.toString(),
    );
  });

  it("lists every .wasm file of the workspace once, the current one first, and Browse… last", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the suite runs with a workspace folder");
    const onDisk = fs
      .readdirSync(folder.uri.fsPath, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".wasm"))
      .map((f) => path.basename(f));
    assert.ok(onDisk.includes("numbers.wasm") && onDisk.includes("counter.wasm"), onDisk.join());
    const items = await wasmPickItems(current);
    const [head, ...rest] = items;
    const browse = rest.pop();
    assert.equal(head?.label, "numbers.wasm");
    assert.equal(head?.description, `current · ${vscode.workspace.asRelativePath(current, true)}`);
    assert.deepEqual(rest.map((i) => i.label).sort(), onDisk.filter((f) => f !== "numbers.wasm").sort());
    assert.ok(rest.every((i) => i.uri && !i.description?.startsWith("current")));
    assert.equal(browse?.uri, undefined);
    assert.match(browse?.label ?? "", /Browse…/);
    // Without an explorer active nothing is marked, and Browse… is still offered.
    const plain = await wasmPickItems();
    assert.equal(plain.filter((i) => i.uri).length, onDisk.length);
    assert.ok(!plain.some((i) => i.description?.startsWith("current")));
    assert.match(plain.at(-1)?.label ?? "", /Browse…/);
  });
});

/**
 * A file system that lives in memory, as a virtual workspace's does (a remote repository, a
 * browser file system): the explorer must read modules through `vscode.workspace.fs`, not the disk.
 */
class MemoryFileSystem implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === "/") return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const file = this.files.get(uri.path);
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: file.mtime, size: file.data.byteLength };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [...this.files.keys()].map((p) => [p.slice(1), vscode.FileType.File]);
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions("flat");
  }
  readFile(uri: vscode.Uri): Uint8Array {
    const file = this.files.get(uri.path);
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return file.data;
  }
  writeFile(uri: vscode.Uri, data: Uint8Array): void {
    const isNew = !this.files.has(uri.path);
    this.files.set(uri.path, { data, mtime: Date.now() });
    this.changes.fire([{ type: isNew ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed, uri }]);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
    this.changes.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions("read-only names");
  }
}

describe("explorer: virtual file systems", () => {
  const scheme = "wasi-reactor-memfs";
  const memfs = new MemoryFileSystem();
  let registration: vscode.Disposable;
  before(async () => {
    api = await vscode.extensions.getExtension<ExplorerApi>("wasi-reactor-explorer.wasi-reactor-explorer")!.activate();
    registration = vscode.workspace.registerFileSystemProvider(scheme, memfs);
  });
  after(() => {
    registration.dispose();
  });
  afterEach(async () => vscode.commands.executeCommand("workbench.action.closeAllEditors"));

  it("opens a module that is not on disk and calls it", async () => {
    const uri = vscode.Uri.from({ scheme, path: "/counter.wasm" });
    memfs.writeFile(uri, fs.readFileSync(path.join(fixtures, "counter.wasm")));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    const load = await loaded;
    assert.equal(load.error, undefined);
    assert.ok(load.exports.includes("increment"), load.exports.join());
    assert.deepEqual((await invoke(uri, "increment", [])).results, ["1"]);
    assert.deepEqual((await invoke(uri, "increment", [])).results, ["2"]);
  });

  it("reloads a virtual module when its file system reports a change", async () => {
    const uri = vscode.Uri.from({ scheme, path: "/rebuilt.wasm" });
    memfs.writeFile(uri, fs.readFileSync(path.join(fixtures, "counter.wasm")));
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    assert.ok((await loaded).exports.includes("increment"));
    const reloaded = nextMessage(uri, (m): m is DidLoadMessage => isLoad(m) && m.exports.includes("add_i32"));
    await vscode.workspace.fs.writeFile(uri, fs.readFileSync(path.join(fixtures, "numbers.wasm")));
    assert.ok((await reloaded).exports.includes("divmod"));
  });

  it("says which module is missing when a virtual file is gone", async () => {
    const uri = vscode.Uri.from({ scheme, path: "/gone.wasm" });
    memfs.writeFile(uri, fs.readFileSync(path.join(fixtures, "counter.wasm")));
    memfs.delete(uri);
    const loaded = nextMessage(uri, isLoad);
    await vscode.commands.executeCommand("wasiReactor.callExport", uri);
    const load = await loaded;
    assert.equal(load.kind, "unreadable");
    assert.match(load.error ?? "", /gone\.wasm/);
  });
});
