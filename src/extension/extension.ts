/**
 * The extension's entry point: registers the explorer editor and the "Call WASM Export"
 * command, and returns a small API that the extension-host tests drive.
 */
import * as vscode from "vscode";
import type { HostToWebview } from "../core/protocol";
import { registerCallExportCommand } from "./callExportCommand";
import { ExplorerEditorProvider, viewType, type ExplorerMessage } from "./explorerEditor";

/** What `activate` returns: enough to drive an explorer from tests and other extensions. */
export interface ExplorerApi {
  /** Fires for every validated message an explorer posts. */
  onDidReceiveMessage: vscode.Event<ExplorerMessage>;
  /** Posts a message to the explorer of `uri`. */
  postMessage(uri: vscode.Uri, message: HostToWebview): Thenable<boolean>;
}

/** Activates the extension. */
export function activate(context: vscode.ExtensionContext): ExplorerApi {
  const log = vscode.window.createOutputChannel("WASI Reactor Explorer", { log: true });
  const provider = new ExplorerEditorProvider(context.extensionUri, log, context.workspaceState);
  context.subscriptions.push(
    log,
    // The reactor lives in the webview's worker: keeping the context while hidden keeps its state.
    vscode.window.registerCustomEditorProvider(viewType, provider, {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
    registerCallExportCommand(),
  );
  return {
    onDidReceiveMessage: provider.onDidReceiveMessage,
    postMessage: (uri, message) => provider.postMessage(uri, message),
  };
}

/** Nothing to release beyond the subscriptions. */
export function deactivate(): void {}
