/**
 * The page's one state and the pure reducer that is its only way to change. Rendering and the
 * worker live elsewhere; this file runs under plain Node in the unit tests.
 */
import { parseScalar, type Parsed, type WasmValue } from "../../src/core/abi/numbers";
import type { CallOutcome, LoadReport } from "../../src/core/protocol";
import type { ExportedFunction } from "../../src/core/wasm/types";

/** How far loading the current file has come. */
export type LoadState =
  | { status: "waiting" }
  | { status: "loading"; fileName: string }
  | { status: "unreadable"; fileName: string; message: string }
  | { status: "loaded"; fileName: string; report: LoadReport };

/** A finished call, or one the page stopped, as the outcome area shows it. */
export type CallRecord =
  | { status: "done"; outcome: CallOutcome; argTexts: string[] }
  | { status: "failed"; exportName: string; argTexts: string[]; message: string };

/** Everything the page shows. */
export interface State {
  load: LoadState;
  /** The selected export's name. */
  selected?: string;
  /** What the user typed, per export and parameter; kept across reloads of the module. */
  inputs: Record<string, string[]>;
  /** The export being called, while a call runs. */
  running?: { exportName: string; argTexts: string[] };
  /** The latest call's record. */
  last?: CallRecord;
  /** Earlier calls of this session, newest first, capped. */
  history: CallRecord[];
}

/** Events: the only way the state changes. */
export type Event =
  | { type: "didStartLoading"; fileName: string }
  | { type: "didFailToOpen"; fileName: string; message: string }
  | { type: "didLoad"; fileName: string; report: LoadReport }
  | { type: "select"; exportName: string }
  | { type: "edit"; exportName: string; index: number; text: string }
  | { type: "didStartCall"; exportName: string; argTexts: string[] }
  | { type: "didFinishCall"; record: CallRecord };

/** How many earlier calls the history keeps. */
export const historyLimit = 50;

/** The state of a page that has received nothing yet. */
export function initialState(restored?: Pick<State, "selected" | "inputs">): State {
  return { load: { status: "waiting" }, inputs: restored?.inputs ?? {}, selected: restored?.selected, history: [] };
}

/** The exported functions of the loaded module, or none. */
export function functionsOf(state: State): ExportedFunction[] {
  return state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report.module.functions : [];
}

/** The selected export, when it exists in the loaded module. */
export function selectedFunction(state: State): ExportedFunction | undefined {
  return functionsOf(state).find((f) => f.name === state.selected);
}

/** Whether the loaded module has a live instance whose exports can be called. */
export function isCallable(state: State): boolean {
  return state.load.status === "loaded" && state.load.report.status === "loaded" && state.load.report.instance.status === "ready";
}

/** The texts typed for `fn`, one per parameter. */
export function inputsFor(state: State, fn: ExportedFunction): string[] {
  const typed = state.inputs[fn.name] ?? [];
  return fn.type.params.map((_, i) => typed[i] ?? "");
}

/** Parses each typed text against its parameter's type. */
export function parseInputs(fn: ExportedFunction, texts: string[]): Parsed<WasmValue>[] {
  return fn.type.params.map((type, i) =>
    type === "i32" || type === "i64" || type === "f32" || type === "f64"
      ? parseScalar(type, texts[i] ?? "")
      : { ok: false, reason: `Parameters of type ${type} cannot be entered.` },
  );
}

/** Changes the state by one event. */
export function reduce(state: State, event: Event): State {
  switch (event.type) {
    case "didStartLoading":
      return { ...state, load: { status: "loading", fileName: event.fileName }, running: undefined };
    case "didFailToOpen":
      return { ...state, load: { status: "unreadable", fileName: event.fileName, message: event.message }, running: undefined };
    case "didLoad": {
      const next: State = { ...state, load: { status: "loaded", fileName: event.fileName, report: event.report }, running: undefined };
      const functions = functionsOf(next);
      // Keep the selection across a reload when the export still exists; otherwise pick the first.
      const selected = functions.some((f) => f.name === state.selected) ? state.selected : functions[0]?.name;
      return { ...next, selected };
    }
    case "select":
      return functionsOf(state).some((f) => f.name === event.exportName) ? { ...state, selected: event.exportName } : state;
    case "edit": {
      const texts = [...(state.inputs[event.exportName] ?? [])];
      while (texts.length < event.index) texts.push("");
      texts[event.index] = event.text;
      return { ...state, inputs: { ...state.inputs, [event.exportName]: texts } };
    }
    case "didStartCall":
      return { ...state, running: { exportName: event.exportName, argTexts: event.argTexts } };
    case "didFinishCall":
      return {
        ...state,
        running: undefined,
        last: event.record,
        history: [event.record, ...state.history].slice(0, historyLimit),
      };
  }
}
