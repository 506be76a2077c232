/**
 * "Call WASM Export": finds the `.wasm` file to explore (the command's argument, the active
 * editor, or a pick from the workspace) and opens it in the explorer editor.
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
    input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : vscode.window.activeTextEditor?.document.uri;
  return isWasm(uri) ? uri : undefined;
}

interface FileItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
}

/** Lets the user pick one of the workspace's `.wasm` files, or browse for one. */
async function pickWasm(): Promise<vscode.Uri | undefined> {
  const browse: FileItem = { label: "$(folder-opened) Browse…", description: "Choose a .wasm file anywhere", alwaysShow: true };
  const files = await vscode.workspace.findFiles("**/*.wasm", "**/node_modules/**", 5000);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const items: FileItem[] = files.map((uri) => ({
    label: uri.path.slice(uri.path.lastIndexOf("/") + 1),
    description: vscode.workspace.asRelativePath(uri, true),
    uri,
  }));
  const picked = await vscode.window.showQuickPick<FileItem>([...items, browse], {
    title: "Call WASM Export",
    placeHolder: files.length ? "Pick a WebAssembly module to explore" : "No .wasm files in this workspace: browse for one",
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { WebAssembly: ["wasm"] }, title: "Call WASM Export" });
  return chosen?.[0];
}

/** Registers the command. */
export function registerCallExportCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(callExportCommandId, async (target?: unknown) => {
    const uri = target instanceof vscode.Uri && isWasm(target) ? target : (activeWasm() ?? (await pickWasm()));
    if (!uri) return undefined;
    await vscode.commands.executeCommand("vscode.openWith", uri, viewType);
    return uri;
  });
}
