/**
 * The read-only custom editor that hosts the explorer webview for one `.wasm` file: it renders
 * the page, answers `ready` with the file's bytes, resends them when the file changes, and
 * relays the webview's validated messages. It owns no UI state; the webview does.
 */
import * as vscode from "vscode";
import { defaultSettings, parseWebviewMessage, type HostToWebview, type Settings, type WebviewToHost } from "../core/protocol";
import { createNonce, renderHtml } from "./html";

/** The custom editor's view type, as declared in package.json. */
export const viewType = "wasiReactor.explorer";

/** A message from an explorer, with the file it explores. */
export interface ExplorerMessage {
  uri: vscode.Uri;
  message: WebviewToHost;
}

/** Reads the explorer's settings, falling back to the defaults for anything invalid. */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration("wasiReactor");
  const timeoutSeconds = config.get<number>("callTimeoutSeconds", defaultSettings.callTimeoutMs / 1000);
  const maxMegabytes = config.get<number>("maxFileSizeMB", defaultSettings.maxFileBytes / (1024 * 1024));
  return {
    callTimeoutMs: Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : defaultSettings.callTimeoutMs,
    maxFileBytes: Number.isFinite(maxMegabytes) && maxMegabytes > 0 ? maxMegabytes * 1024 * 1024 : defaultSettings.maxFileBytes,
  };
}

function stateKey(uri: vscode.Uri): string {
  return `explorerState:${uri.toString()}`;
}

function fileNameOf(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf("/") + 1);
}

/** Provides the explorer for `.wasm` files. */
export class ExplorerEditorProvider implements vscode.CustomReadonlyEditorProvider {
  private readonly messageEmitter = new vscode.EventEmitter<ExplorerMessage>();
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  /** Fires for every validated message an explorer posts. */
  readonly onDidReceiveMessage = this.messageEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** Workspace storage: what each file's page saved, so that a new window finds it again. */
    private readonly storage: vscode.Memento,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  /** Posts to the explorer of `uri`; false when none is open or the webview refused. */
  postMessage(uri: vscode.Uri, message: HostToWebview): Thenable<boolean> {
    const panel = this.panels.get(uri.toString());
    return panel ? panel.webview.postMessage(message) : Promise.resolve(false);
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const { uri } = document;
    const key = uri.toString();
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist");
    const { webview } = panel;
    webview.options = { enableScripts: true, localResourceRoots: [dist] };
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      nonce: createNonce((a) => crypto.getRandomValues(a)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.js")).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.css")).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, "codicons", "codicon.css")).toString(),
    });
    this.panels.set(key, panel);

    const sendFile = async (): Promise<void> => {
      const message = await this.readFile(uri);
      const delivered = await webview.postMessage(message);
      if (!delivered) this.log.warn(`Could not deliver ${fileNameOf(uri)} to its explorer (the webview is gone).`);
    };
    const subscriptions: vscode.Disposable[] = [
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          this.log.warn("Dropped a malformed message from the explorer webview.");
          return;
        }
        switch (message.type) {
          case "ready":
            void sendFile();
            break;
          case "didStartCall":
            this.showProgressIfSlow(uri, message.exportName, panel);
            break;
          case "didCall":
            this.logCall(fileNameOf(uri), message);
            break;
          case "didChangeState":
            void this.storage.update(stateKey(uri), message.state);
            break;
          case "copy":
            void vscode.env.clipboard
              .writeText(message.text)
              .then(() => vscode.window.setStatusBarMessage("Copied the memory map as Markdown", 3000));
            break;
          case "didLoad":
            break;
        }
        this.messageEmitter.fire({ uri, message });
      }),
    ];
    // A rebuilt module reloads in place, so the explorer follows an edit–compile loop; on disk
    // and in a virtual workspace alike (its file system reports changes to the same watchers).
    const folder = vscode.Uri.joinPath(uri, "..");
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, fileNameOf(uri)));
    const reload = () => void sendFile();
    subscriptions.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload));
    panel.onDidDispose(() => {
      // Another editor of the same file may have become the one the API reaches.
      if (this.panels.get(key) === panel) this.panels.delete(key);
      for (const s of subscriptions) s.dispose();
    });
  }

  private async readFile(uri: vscode.Uri): Promise<HostToWebview> {
    const fileName = fileNameOf(uri);
    const settings = readSettings();
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > settings.maxFileBytes) {
        return {
          type: "openFailed",
          fileName,
          message: `${fileName} is ${(stat.size / 1048576).toFixed(1)} MB, over the limit of ${(settings.maxFileBytes / 1048576).toFixed(0)} MB (setting "wasiReactor.maxFileSizeMB").`,
        };
      }
      const data = await vscode.workspace.fs.readFile(uri);
      // A Node Buffer would be sent as JSON, and a view sends its whole backing buffer:
      // copy into a plain, exactly sized Uint8Array (docs/platform.md).
      const bytes = new Uint8Array(data.byteLength);
      bytes.set(data);
      return { type: "open", fileName, bytes, settings, saved: this.storage.get(stateKey(uri)) };
    } catch (thrown) {
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      this.log.error(`Could not read ${uri.toString()}: ${reason}`);
      return { type: "openFailed", fileName, message: `Could not read ${fileName}: ${reason}` };
    }
  }

  /**
   * A call that runs past a second gets a notification with Cancel, so a runaway export can be
   * stopped from wherever the user is, not only from its tab.
   */
  private showProgressIfSlow(uri: vscode.Uri, exportName: string, panel: vscode.WebviewPanel): void {
    let isDone = false;
    const finished = new Promise<void>((resolve) => {
      const done = () => {
        isDone = true;
        for (const subscription of subscriptions) subscription.dispose();
        resolve();
      };
      // The call ends when the page reports it, or when the page is closed mid-call.
      const subscriptions = [
        this.onDidReceiveMessage(({ uri: from, message }) => {
          if (from.toString() === uri.toString() && message.type === "didCall") done();
        }),
        panel.onDidDispose(done),
      ];
    });
    setTimeout(() => {
      if (isDone) return;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `${fileNameOf(uri)}: calling ${exportName}…`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => void panel.webview.postMessage({ type: "cancel" } satisfies HostToWebview));
          return finished;
        },
      );
    }, 1000);
  }

  private logCall(fileName: string, call: Extract<WebviewToHost, { type: "didCall" }>): void {
    const outcome =
      call.outcome === "returned"
        ? `→ ${call.results.join(", ") || "(no results)"}`
        : `${call.outcome}${call.message ? `: ${call.message}` : ""}`;
    this.log.info(`${fileName}: ${call.exportName}(${call.args.join(", ")}) ${outcome} [${call.durationMs.toFixed(2)} ms]`);
  }
}
