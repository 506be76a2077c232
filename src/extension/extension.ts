/**
 * The extension's entry point: registers the explorer editor and the "Call WASM Export"
 * command, and returns a small API that the extension-host tests drive.
 */
import * as vscode from "vscode";
import type { HostToWebview } from "../core/protocol";
import { registerCallExportCommand, type WasmPickItem } from "./callExportCommand";
import { ExplorerEditorProvider, viewType, type ExplorerMessage } from "./explorerEditor";

/** What `activate` returns: enough to drive an explorer from tests and other extensions. */
export interface ExplorerApi {
  /** Fires for every validated message an explorer posts. */
  onDidReceiveMessage: vscode.Event<ExplorerMessage>;
  /** Posts a message to the explorer of `uri`. */
  postMessage(uri: vscode.Uri, message: HostToWebview): Thenable<boolean>;
  /**
   * Fires when the command's quick pick makes a row active, the first as soon as it shows: tests
   * then drive the real pick with VS Code's quick-open commands.
   */
  onDidActivatePickItem: vscode.Event<WasmPickItem>;
}

/** Activates the extension. */
export function activate(context: vscode.ExtensionContext): ExplorerApi {
  const log = vscode.window.createOutputChannel("WASI Reactor Explorer", { log: true });
  const provider = new ExplorerEditorProvider(context.extensionUri, log, context.workspaceState);
  const didActivatePickItem = new vscode.EventEmitter<WasmPickItem>();
  context.subscriptions.push(
    log,
    didActivatePickItem,
    // The reactor lives in the webview's worker: keeping the context while hidden keeps its state.
    vscode.window.registerCustomEditorProvider(viewType, provider, {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
    registerCallExportCommand((item) => didActivatePickItem.fire(item)),
  );
  return {
    onDidReceiveMessage: provider.onDidReceiveMessage,
    postMessage: (uri, message) => provider.postMessage(uri, message),
    onDidActivatePickItem: didActivatePickItem.event,
  };
}

/** Nothing to release beyond the subscriptions. */
export function deactivate(): void {}
