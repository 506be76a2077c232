/**
 * "Call WASM Export": finds the `.wasm` file to explore (the command's argument, the active
 * editor, or a pick from the workspace) and opens it in the explorer editor. With an explorer
 * already active it offers the pick, so that another module can be opened from the palette.
 */
import * as vscode from "vscode";
import { viewType } from "./explorerEditor";

/** The command's id, as declared in package.json. */
export const callExportCommandId = "wasiReactor.callExport";

function isWasm(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && uri.path.toLowerCase().endsWith(".wasm");
}

/** The `.wasm` file of the active tab, whether it shows in the explorer, a hex editor or as text. */
function activeWasm(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri =
    input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText
      ? input.uri
      : vscode.window.activeTextEditor?.document.uri;
  return isWasm(uri) ? uri : undefined;
}

/** The module of the active tab when that tab is an explorer. */
function activeExplorer(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === viewType ? input.uri : undefined;
}

/**
 * What the command does without an argument: open the `.wasm` file of the active tab, or offer
 * the pick. An explorer that is already active has nothing to open, so it gets the pick, with
 * its own module as `current`.
 */
type CommandTarget = { kind: "open"; uri: vscode.Uri } | { kind: "pick"; current?: vscode.Uri };

/** Decides what the command does from the active tab. */
function commandTarget(): CommandTarget {
  const explorer = activeExplorer();
  if (explorer) return { kind: "pick", current: explorer };
  const wasm = activeWasm();
  return wasm ? { kind: "open", uri: wasm } : { kind: "pick" };
}

/** One row of the pick: a module (with `uri`), or Browse… (without). */
export interface WasmPickItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
}

/** The mark in the description of the module the active explorer shows. */
const currentMark = "current";

/**
 * The pick's rows: the workspace's `.wasm` files by path, with `current` first and marked as such
 * (also when it lies outside the workspace), then Browse….
 */
export async function wasmPickItems(current?: vscode.Uri): Promise<WasmPickItem[]> {
  const files = await vscode.workspace.findFiles("**/*.wasm", "**/node_modules/**", 5000);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const others = current ? files.filter((uri) => uri.toString() !== current.toString()) : files;
  const item = (uri: vscode.Uri, isCurrent: boolean): WasmPickItem => {
    const where = vscode.workspace.asRelativePath(uri, true);
    return { label: uri.path.slice(uri.path.lastIndexOf("/") + 1), description: isCurrent ? `${currentMark} · ${where}` : where, uri };
  };
  const browse: WasmPickItem = { label: "$(folder-opened) Browse…", description: "Choose a .wasm file anywhere", alwaysShow: true };
  return [...(current ? [item(current, true)] : []), ...others.map((uri) => item(uri, false)), browse];
}

/** Lets the user pick one of the workspace's `.wasm` files, or browse for one. */
async function pickWasm(current: vscode.Uri | undefined, onDidActivate: (item: WasmPickItem) => void): Promise<vscode.Uri | undefined> {
  const items = await wasmPickItems(current);
  const hasFiles = items.some((i) => i.uri);
  const picked = await vscode.window.showQuickPick<WasmPickItem>(items, {
    title: "Call WASM Export",
    placeHolder: current
      ? "Pick another WebAssembly module to explore"
      : hasFiles
        ? "Pick a WebAssembly module to explore"
        : "No .wasm files in this workspace: browse for one",
    matchOnDescription: true,
    onDidSelectItem: (item) => typeof item !== "string" && onDidActivate(item),
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { WebAssembly: ["wasm"] },
    title: "Call WASM Export",
  });
  return chosen?.[0];
}

/**
 * Registers the command; it resolves with the module it opened, or undefined when none was chosen.
 * `onDidActivate` hears each row the pick makes active, the first as soon as the pick shows.
 */
export function registerCallExportCommand(onDidActivate: (item: WasmPickItem) => void = () => {}): vscode.Disposable {
  return vscode.commands.registerCommand(callExportCommandId, async (target?: unknown) => {
    let uri: vscode.Uri | undefined;
    if (target instanceof vscode.Uri && isWasm(target)) uri = target;
    else {
      const next = commandTarget();
      uri = next.kind === "open" ? next.uri : await pickWasm(next.current, onDidActivate);
    }
    if (!uri) return undefined;
    await vscode.commands.executeCommand("vscode.openWith", uri, viewType);
    return uri;
  });
}
