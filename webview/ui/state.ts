/**
 * The page's one state and the pure reducer that is its only way to change. Rendering and the
 * worker live elsewhere; this file runs under plain Node in the unit tests.
 */
import { proposeConvention, type ConventionProposal } from "../../src/core/abi/allocator";
import type { CallOutcome, LoadReport } from "../../src/core/protocol";
import type { ExportedFunction, ModuleInfo } from "../../src/core/wasm/types";
import { fieldCount, fieldTexts, proposedChoice, type ExportChoice } from "./callBuilder";
import { recordSummary } from "./format";

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
  /** What the user typed, per export and field; kept across reloads of the module. */
  inputs: Record<string, string[]>;
  /** The convention chosen per export; an export without one uses its proposal. */
  choices: Record<string, ExportChoice>;
  /** Whether calls compare all of memory before and after, not only the regions written. */
  isWatchingAllMemory: boolean;
  /** The export being called, while a call runs. */
  running?: { exportName: string; argTexts: string[] };
  /** The latest call's record. */
  last?: CallRecord;
  /** One line per call, newest first, capped; kept across reloads. */
  history: string[];
}

/** Events: the only way the state changes. */
export type Event =
  | { type: "didStartLoading"; fileName: string }
  | { type: "didFailToOpen"; fileName: string; message: string }
  | { type: "didLoad"; fileName: string; report: LoadReport }
  | { type: "select"; exportName: string }
  | { type: "edit"; exportName: string; index: number; text: string }
  | { type: "choose"; exportName: string; choice: ExportChoice }
  | { type: "watchAllMemory"; isOn: boolean }
  /** The host's copy of the saved state, used when the page itself has none (a new window). */
  | { type: "restore"; saved: Partial<SavedState> }
  | { type: "didStartCall"; exportName: string; argTexts: string[] }
  | { type: "didFinishCall"; record: CallRecord };

/** How many earlier calls the history keeps. */
export const historyLimit = 50;

/** The part of the state kept across reloads of the page (webview state). */
export type SavedState = Pick<State, "selected" | "inputs" | "choices" | "isWatchingAllMemory" | "history">;

/** The state of a page that has received nothing yet. */
export function initialState(restored?: Partial<SavedState>): State {
  return {
    load: { status: "waiting" },
    inputs: restored?.inputs ?? {},
    choices: restored?.choices ?? {},
    isWatchingAllMemory: restored?.isWatchingAllMemory ?? false,
    selected: restored?.selected,
    history: restored?.history ?? [],
  };
}

/** The part of `state` to save. */
export function savedState(state: State): SavedState {
  return { selected: state.selected, inputs: state.inputs, choices: state.choices, isWatchingAllMemory: state.isWatchingAllMemory, history: state.history };
}

/** The loaded module, when there is one. */
export function moduleOf(state: State): ModuleInfo | undefined {
  return state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report.module : undefined;
}

/** The proposal for `fn`: which convention its signature and the module suggest, and why. */
export function proposalFor(state: State, fn: ExportedFunction): ConventionProposal | undefined {
  const module = moduleOf(state);
  return module ? proposeConvention(fn, module) : undefined;
}

/** How `fn` is called: the user's choice, else the proposal. */
export function choiceOf(state: State, fn: ExportedFunction): ExportChoice {
  const chosen = state.choices[fn.name];
  if (chosen) return chosen;
  const proposal = proposalFor(state, fn);
  return proposal ? proposedChoice(proposal) : { convention: "plain" };
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
  return whyNotCallable(state) === undefined;
}

/** Why the module's exports cannot be called now, as the end of a sentence about the module; undefined when they can. */
export function whyNotCallable(state: State): string | undefined {
  const instance = state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report.instance : undefined;
  if (instance?.status === "ready") return undefined;
  return instance?.status === "starting" ? "is still being compiled and instantiated; call it once that is done" : "has no running instance to call";
}

/** The texts of `fn`'s form fields, in order. */
export function inputsFor(state: State, fn: ExportedFunction): string[] {
  const choice = choiceOf(state, fn);
  return fieldTexts(choice, state.inputs[fn.name] ?? [], fieldCount(fn, choice));
}

/** Whether two choices have the same fields, so that typed texts still fit them. */
function hasSameFields(a: ExportChoice, b: ExportChoice): boolean {
  if (a.convention !== b.convention) return false;
  if (a.convention === "allocator" && b.convention === "allocator") return JSON.stringify(a.plan.slots) === JSON.stringify(b.plan.slots);
  return true;
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
      const fn = functionsOf(state).find((f) => f.name === event.exportName);
      const choice = fn ? choiceOf(state, fn) : undefined;
      if (choice?.convention === "tagged") {
        const rows = choice.rows.map((row, i) => (i === event.index ? { ...row, text: event.text } : row));
        return { ...state, choices: { ...state.choices, [event.exportName]: { ...choice, rows } } };
      }
      const texts = [...(state.inputs[event.exportName] ?? [])];
      while (texts.length < event.index) texts.push("");
      texts[event.index] = event.text;
      return { ...state, inputs: { ...state.inputs, [event.exportName]: texts } };
    }
    case "choose": {
      const fn = functionsOf(state).find((f) => f.name === event.exportName);
      if (!fn) return state;
      const previous = choiceOf(state, fn);
      // Texts typed for other fields would land in the wrong ones: start those fields afresh.
      const inputs = hasSameFields(previous, event.choice) ? state.inputs : { ...state.inputs, [event.exportName]: [] };
      return { ...state, inputs, choices: { ...state.choices, [event.exportName]: event.choice } };
    }
    case "watchAllMemory":
      return { ...state, isWatchingAllMemory: event.isOn };
    case "restore": {
      const { saved } = event;
      return {
        ...state,
        selected: functionsOf(state).some((f) => f.name === saved.selected) ? saved.selected : state.selected,
        inputs: saved.inputs ?? state.inputs,
        choices: saved.choices ?? state.choices,
        isWatchingAllMemory: saved.isWatchingAllMemory ?? state.isWatchingAllMemory,
        history: saved.history ?? state.history,
      };
    }
    case "didStartCall":
      return { ...state, running: { exportName: event.exportName, argTexts: event.argTexts } };
    case "didFinishCall":
      return {
        ...state,
        running: undefined,
        last: event.record,
        history: [recordSummary(event.record), ...state.history].slice(0, historyLimit),
      };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** Whether a stored choice still has the shape this page understands. */
function isExportChoice(value: unknown): value is ExportChoice {
  if (!isRecord(value)) return false;
  switch (value.convention) {
    case "plain":
      return true;
    case "tagged": {
      const options = value.options;
      return (
        Array.isArray(value.rows) &&
        value.rows.every((r) => isRecord(r) && typeof r.text === "string" && ["Int32", "Uint32", "string", "Int32Array", "Uint32Array"].includes(r.type as string)) &&
        isRecord(options) &&
        Number.isSafeInteger(options.startOffset) &&
        (options.tagWidth === 1 || options.tagWidth === 4) &&
        typeof options.padStringsTo4 === "boolean"
      );
    }
    case "allocator": {
      const plan = value.plan;
      return isRecord(plan) && typeof plan.exportName === "string" && Array.isArray(plan.slots) && Array.isArray(plan.params) && Array.isArray(plan.results) && isRecord(plan.result) && typeof value.keepAllocations === "boolean";
    }
    default:
      return false;
  }
}

/**
 * Keeps what is well-formed of a saved state (from the page's own storage or the host's), so a
 * state written by another version, or tampered with, cannot break the page.
 */
export function sanitizeSaved(value: unknown): Partial<SavedState> | undefined {
  if (!isRecord(value)) return undefined;
  const inputs = isRecord(value.inputs) ? Object.fromEntries(Object.entries(value.inputs).filter(([, v]) => isStringArray(v))) : {};
  const choices = isRecord(value.choices) ? Object.fromEntries(Object.entries(value.choices).filter(([, v]) => isExportChoice(v))) : {};
  return {
    selected: typeof value.selected === "string" ? value.selected : undefined,
    inputs: inputs as Record<string, string[]>,
    choices: choices as Record<string, ExportChoice>,
    isWatchingAllMemory: value.isWatchingAllMemory === true,
    history: isStringArray(value.history) ? value.history.slice(0, historyLimit) : [],
  };
}
