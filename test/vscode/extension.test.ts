/**
 * The extension in a real VS Code: it activates, hands tests its API, and registers its command.
 * It does not open webviews; the lead's suites beside it do.
 */
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { ExplorerApi } from "../../src/extension/extension";

const extensionId = "wasi-reactor-explorer.wasi-reactor-explorer";

describe("extension", () => {
  it("activates and returns its API", async () => {
    const extension = vscode.extensions.getExtension<ExplorerApi>(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(typeof api?.onDidReceiveMessage, "function");
    assert.equal(typeof api?.postMessage, "function");
  });

  it("registers the wasiReactor.callExport command", async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes("wasiReactor.callExport"), "wasiReactor.callExport is not registered");
  });
});
