/**
 * The page's entry point: wires the host channel, the reactor's worker, the state and the
 * view. Every host message is validated before it is acted on.
 */
import { buildCall, fieldCount } from "./callBuilder";
import {
  defaultSettings,
  parseHostMessage,
  type CallOutcome,
  type LoadReport,
  type Settings,
  type WebviewToHost,
} from "../../src/core/protocol";
import { blobWorkerFactory, ReactorClient } from "./reactorClient";
import {
  choiceOf,
  initialState,
  inputsFor,
  isEntryPoint,
  reduce,
  sanitizeSaved,
  savedState,
  selectedFunction,
  unansweredHostCall,
  whyNotCallable,
  type Event,
} from "./state";
import { resultTexts, View } from "./view";

/** The worker's bundled source, inlined by the build (scripts/build.mjs). */
declare const __WORKER_SOURCE__: string;

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const client = new ReactorClient(blobWorkerFactory(__WORKER_SOURCE__));
let settings: Settings = defaultSettings;

// The page's own saved state wins; the host's copy (workspace storage) fills in for a new window.
const ownSaved = sanitizeSaved(vscode.getState());
let hasRestored = ownSaved !== undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

let state = initialState(ownSaved);
const view = new View(
  document.getElementById("app") ?? document.body,
  {
    dispatch,
    call: () => void callSelected({ isFromHost: false, isConfirmed: false }),
    cancel: () => client.cancel(),
    confirmCall: (exportName) => {
      const pending = state.confirming;
      dispatch({ type: "confirmCall", exportName });
      if (pending?.exportName === exportName && state.confirming === undefined)
        void callSelected({ isFromHost: pending.isFromHost, isConfirmed: true });
    },
    declineCall: () => dispatch({ type: "declineCall" }),
    copy: (text) => vscode.postMessage({ type: "copy", text }),
  },
  { read: (offset, length) => client.readMemory(offset, length) },
);
view.update(undefined, state);

function dispatch(event: Event): void {
  const prev = state;
  state = reduce(state, event);
  view.update(prev, state);
  const unanswered = unansweredHostCall(prev, state, event);
  if (unanswered) {
    const why =
      event.type === "declineCall" ? "the user chose to keep the current state" : "the request was dropped before the user answered";
    postCall(unanswered.exportName, [], undefined, {
      outcome: "invalid",
      message: `${unanswered.exportName} was not run again: ${why}. It already ran when the module loaded.`,
    });
  }
  if (
    prev.selected !== state.selected ||
    prev.inputs !== state.inputs ||
    prev.choices !== state.choices ||
    prev.isWatchingAllMemory !== state.isWatchingAllMemory ||
    prev.history !== state.history
  ) {
    const saved = savedState(state);
    vscode.setState(saved);
    // The host keeps a copy for other windows; typing should not post a message per keystroke.
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => vscode.postMessage({ type: "didChangeState", state: saved }), 300);
  }
}

function reportLoad(fileName: string, report: LoadReport): void {
  dispatch({ type: "didLoad", fileName, report });
  const isLoaded = report.status === "loaded";
  const failure = !isLoaded ? report.error.message : report.instance.status === "failed" ? report.instance.message : undefined;
  vscode.postMessage({
    type: "didLoad",
    fileName,
    kind: isLoaded ? report.module.kind : report.error.code,
    exports: isLoaded ? report.module.functions.map((f) => f.name) : [],
    error: failure,
  });
}

async function open(fileName: string, bytes: Uint8Array, saved: unknown): Promise<void> {
  // The bytes go to the worker before the page redraws, and the exports show as soon as the
  // worker has parsed them; the instance follows.
  const loading = client.load(bytes, undefined, (parsed) => dispatch({ type: "didLoad", fileName, report: parsed }));
  dispatch({ type: "didStartLoading", fileName });
  try {
    const report = await loading;
    const fromHost = hasRestored ? undefined : sanitizeSaved(saved);
    hasRestored = true;
    reportLoad(fileName, report);
    if (fromHost) dispatch({ type: "restore", saved: fromHost });
  } catch (thrown) {
    const message = `The reactor's worker failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    dispatch({ type: "didFailToOpen", fileName, message });
    vscode.postMessage({ type: "didLoad", fileName, kind: "unknown", exports: [], error: message });
  }
}

function postCall(
  exportName: string,
  argTexts: string[],
  outcome: CallOutcome | undefined,
  failure?: { outcome: "invalid" | "failed"; message: string },
): void {
  vscode.postMessage({
    type: "didCall",
    exportName,
    args: argTexts,
    outcome:
      failure?.outcome ??
      (outcome?.status === "returned"
        ? "returned"
        : outcome?.status === "exited"
          ? "exited"
          : outcome?.status === "refused"
            ? "invalid"
            : "trapped"),
    results: outcome ? resultTexts(outcome) : [],
    stdout: outcome?.stdout ?? "",
    stderr: outcome?.stderr ?? "",
    message:
      failure?.message ??
      (outcome?.status === "trapped"
        ? outcome.trap.description
        : outcome?.status === "exited"
          ? `exit code ${outcome.exitCode}`
          : outcome?.status === "refused"
            ? outcome.message
            : undefined),
    durationMs: outcome?.durationMs ?? 0,
  });
}

/**
 * Calls the selected export with the form's texts. The entry point already ran at load: calling
 * it again waits for the user to confirm in the page, whoever asked (`isConfirmed` says they did).
 */
async function callSelected({ isFromHost, isConfirmed }: { isFromHost: boolean; isConfirmed: boolean }): Promise<void> {
  const fn = selectedFunction(state);
  if (!fn) return;
  const argTexts = inputsFor(state, fn);
  const notCallable = whyNotCallable(state);
  if (notCallable !== undefined) {
    postCall(fn.name, argTexts, undefined, { outcome: "invalid", message: `The module ${notCallable}.` });
    return;
  }
  if (state.running || client.isCalling) {
    // Calls never interleave: one reactor, one call at a time.
    postCall(fn.name, argTexts, undefined, {
      outcome: "invalid",
      message: `${state.running?.exportName ?? "Another export"} is still running; wait for it or cancel it.`,
    });
    return;
  }
  const built = buildCall(fn, choiceOf(state, fn), argTexts);
  if (!built.ok) {
    // Nothing is called with an invalid argument: the fields say why, and focus goes to the first.
    view.showProblems(built.problems);
    postCall(fn.name, argTexts, undefined, {
      outcome: "invalid",
      message: built.problems.map((p) => `argument ${p.index + 1}: ${p.reason}`).join("; "),
    });
    return;
  }
  if (isEntryPoint(state, fn.name) && !isConfirmed) {
    // The answer to the host (a call, or a refusal) follows the user's choice.
    dispatch({ type: "askBeforeCall", exportName: fn.name, isFromHost });
    return;
  }
  // The request goes out before the page redraws, so a quick call does not wait for a frame.
  const pending = client.call(fn.name, built.call, { timeoutMs: settings.callTimeoutMs, watchAllMemory: state.isWatchingAllMemory });
  dispatch({ type: "didStartCall", exportName: fn.name, argTexts });
  vscode.postMessage({ type: "didStartCall", exportName: fn.name });
  try {
    const result = await pending;
    if (result.status === "finished") {
      dispatch({ type: "didFinishCall", record: { status: "done", outcome: result.outcome, argTexts } });
      postCall(fn.name, argTexts, result.outcome);
      return;
    }
    const why =
      result.reason === "timeout"
        ? `did not return within ${settings.callTimeoutMs / 1000} s`
        : result.reason === "cancelled"
          ? "was cancelled"
          : "was stopped because the file changed";
    const message = `The call ${why}. The reactor was stopped and restarted from the ${result.reason === "replaced" ? "new" : "same"} bytes: its memory and globals were reset.`;
    dispatch({ type: "didFinishCall", record: { status: "failed", exportName: fn.name, argTexts, message } });
    const fileName = state.load.status === "waiting" ? "" : state.load.fileName;
    dispatch({ type: "didLoad", fileName, report: result.reload });
    postCall(fn.name, argTexts, undefined, { outcome: "failed", message });
  } catch (thrown) {
    const message = `The reactor's worker failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    dispatch({ type: "didFinishCall", record: { status: "failed", exportName: fn.name, argTexts, message } });
    postCall(fn.name, argTexts, undefined, { outcome: "failed", message });
  }
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) {
    console.warn("wasi-reactor page: dropped a malformed message from the host", event.data);
    return;
  }
  switch (message.type) {
    case "open":
      settings = message.settings;
      void open(message.fileName, message.bytes, message.saved);
      break;
    case "openFailed":
      dispatch({ type: "didFailToOpen", fileName: message.fileName, message: message.message });
      vscode.postMessage({ type: "didLoad", fileName: message.fileName, kind: "unreadable", exports: [], error: message.message });
      break;
    case "cancel":
      client.cancel();
      break;
    case "invoke": {
      dispatch({ type: "select", exportName: message.exportName });
      const fn = selectedFunction(state);
      if (!fn || fn.name !== message.exportName) {
        postCall(message.exportName, message.args, undefined, {
          outcome: "invalid",
          message: `No exported function "${message.exportName}".`,
        });
        break;
      }
      const expected = fieldCount(fn, choiceOf(state, fn));
      if (message.args.length !== expected) {
        postCall(fn.name, message.args, undefined, {
          outcome: "invalid",
          message: `${fn.name} takes ${expected} argument(s), got ${message.args.length}.`,
        });
        break;
      }
      message.args.forEach((text, index) => dispatch({ type: "edit", exportName: fn.name, index, text }));
      view.showTexts(state);
      void callSelected({ isFromHost: true, isConfirmed: false });
      break;
    }
  }
});

vscode.postMessage({ type: "ready" });
