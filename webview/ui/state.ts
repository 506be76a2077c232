/**
 * The page's one state and the pure reducer that is its only way to change. Rendering and the
 * worker live elsewhere; this file runs under plain Node in the unit tests.
 */
import { proposeConvention, type ConventionProposal } from "../../src/core/abi/convention";
import { isRecord, isStringArray } from "../../src/core/guards";
import type { CallOutcome, LoadReport } from "../../src/core/protocol";
import type { ExportedFunction, ModuleInfo } from "../../src/core/wasm/types";
import { isTaggedType, type TaggedType } from "../../src/core/abi/tagged";
import { choiceFor, fieldCount, fieldTexts, proposedChoice, withResultReading, withSlot, type ExportChoice } from "./callBuilder";
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
  /** A call of the entry point waiting for the user to confirm it (see `isEntryPoint`). */
  confirming?: PendingCall;
  /** One line per call, newest first, capped; kept across reloads. */
  history: string[];
}

/** A call that waits for the user's word before it runs. */
export interface PendingCall {
  exportName: string;
  /** Whether the host asked for it (an `invoke`): the host then waits for an answer either way. */
  isFromHost: boolean;
}

/** A change the user makes in the call form; each names what changed, for the export it belongs to. */
export type FormEvent =
  /** Types `text` into field `index` (a tagged row's text, under the tagged convention). */
  | { type: "edit"; exportName: string; index: number; text: string }
  /** Switches the export to a convention, starting its fields afresh. */
  | { type: "setConvention"; exportName: string; convention: ExportChoice["convention"] }
  /** Changes what an allocator slot passes: `scalar`, `cstring` or `pointerLength:<holds>`. */
  | { type: "setSlotKind"; exportName: string; slot: number; kind: string }
  | { type: "setTaggedType"; exportName: string; row: number; taggedType: TaggedType }
  | { type: "addTaggedRow"; exportName: string }
  | { type: "removeTaggedRow"; exportName: string; row: number }
  | ({ type: "setTaggedOption"; exportName: string } & (
      { option: "startOffset"; value: number } | { option: "tagWidth"; value: 1 | 4 } | { option: "padStringsTo4"; value: boolean }
    ))
  /** How an allocator call reads its result: `plain`, `cstring` or `pointerLength`. */
  | { type: "setResultReading"; exportName: string; reading: string }
  | { type: "keepAllocations"; exportName: string; isOn: boolean }
  | { type: "watchAllMemory"; isOn: boolean };

/** Events: the only way the state changes. */
export type Event =
  | FormEvent
  | { type: "didStartLoading"; fileName: string }
  | { type: "didFailToOpen"; fileName: string; message: string }
  | { type: "didLoad"; fileName: string; report: LoadReport }
  | { type: "select"; exportName: string }
  /** A call of the entry point was asked for: it waits for `confirmCall` or `declineCall`. */
  | { type: "askBeforeCall"; exportName: string; isFromHost: boolean }
  | { type: "confirmCall"; exportName: string }
  | { type: "declineCall" }
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
  return {
    selected: state.selected,
    inputs: state.inputs,
    choices: state.choices,
    isWatchingAllMemory: state.isWatchingAllMemory,
    history: state.history,
  };
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
  return instance?.status === "starting"
    ? "is still being compiled and instantiated; call it once that is done"
    : "has no running instance to call";
}

/** The texts of `fn`'s form fields, in order. */
export function inputsFor(state: State, fn: ExportedFunction): string[] {
  const choice = choiceOf(state, fn);
  return fieldTexts(choice, state.inputs[fn.name] ?? [], fieldCount(fn, choice));
}

/** The name WASI gives a reactor's entry point, which the explorer runs once at load. */
export const entryPointName = "_initialize";

/**
 * Whether `exportName` is the module's entry point: `_initialize` of a reactor (or of a module
 * exporting both entry points, which the explorer runs as a reactor). It already ran at load,
 * so calling it again re-runs the module's initialization; the page asks before doing that.
 */
export function isEntryPoint(state: State, exportName: string): boolean {
  const module = moduleOf(state);
  return (
    exportName === entryPointName &&
    (module?.kind === "reactor" || module?.kind === "ambiguous") &&
    module.functions.some((f) => f.name === exportName)
  );
}

/** What the export list says about the entry point, by how far loading has come; undefined without one. */
export function entryPointNote(state: State): { exportName: string; note: string } | undefined {
  if (!isEntryPoint(state, entryPointName)) return undefined;
  const instance = state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report.instance : undefined;
  const when =
    instance?.status === "ready"
      ? "ran at load"
      : instance?.status === "starting"
        ? "runs at load"
        : instance?.status === "failed"
          ? "failed at load"
          : "not run";
  return { exportName: entryPointName, note: `entry point · ${when}` };
}

/** The export a freshly loaded module starts with: the first ordinary one, so the entry point is never one keypress from running again. */
function firstSelection(state: State): string | undefined {
  const functions = functionsOf(state);
  return (functions.find((f) => !isEntryPoint(state, f.name)) ?? functions[0])?.name;
}

/**
 * The call the host is still waiting on after `event` took `prev` to `next`: a host's request
 * for the entry point that went away without being confirmed (declined, replaced, or dropped by
 * a reload or another selection). The page answers it, so that the host never waits forever.
 */
export function unansweredHostCall(prev: State, next: State, event: Event): PendingCall | undefined {
  const pending = prev.confirming;
  if (!pending?.isFromHost || next.confirming === pending) return undefined;
  return event.type === "confirmCall" && next.confirming === undefined ? undefined : pending;
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
      return { ...state, load: { status: "loading", fileName: event.fileName }, running: undefined, confirming: undefined };
    case "didFailToOpen":
      return {
        ...state,
        load: { status: "unreadable", fileName: event.fileName, message: event.message },
        running: undefined,
        confirming: undefined,
      };
    case "didLoad": {
      // A confirmation was about the instance that this load replaces.
      const next: State = {
        ...state,
        load: { status: "loaded", fileName: event.fileName, report: event.report },
        running: undefined,
        confirming: undefined,
      };
      // Keep the selection across a reload when the export still exists; otherwise pick the first.
      const selected = functionsOf(next).some((f) => f.name === state.selected) ? state.selected : firstSelection(next);
      return { ...next, selected };
    }
    case "select": {
      if (!functionsOf(state).some((f) => f.name === event.exportName)) return state;
      // The confirmation belongs to the form it appeared in: choosing another export drops it.
      const confirming = state.confirming?.exportName === event.exportName ? state.confirming : undefined;
      return { ...state, selected: event.exportName, confirming };
    }
    case "askBeforeCall":
      return isEntryPoint(state, event.exportName)
        ? { ...state, selected: event.exportName, confirming: { exportName: event.exportName, isFromHost: event.isFromHost } }
        : state;
    case "confirmCall":
    case "declineCall":
      return state.confirming && (event.type === "declineCall" || state.confirming.exportName === event.exportName)
        ? { ...state, confirming: undefined }
        : state;
    case "watchAllMemory":
      return event.isOn === state.isWatchingAllMemory ? state : { ...state, isWatchingAllMemory: event.isOn === true };
    case "edit":
    case "setConvention":
    case "setSlotKind":
    case "setTaggedType":
    case "addTaggedRow":
    case "removeTaggedRow":
    case "setTaggedOption":
    case "setResultReading":
    case "keepAllocations":
      return reduceForm(state, event);
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

/** Sets `fn`'s choice; texts typed for fields the new choice does not have are dropped. */
function withChoice(state: State, fn: ExportedFunction, choice: ExportChoice): State {
  // Texts typed for other fields would land in the wrong ones: start those fields afresh.
  const inputs = hasSameFields(choiceOf(state, fn), choice) ? state.inputs : { ...state.inputs, [fn.name]: [] };
  return { ...state, inputs, choices: { ...state.choices, [fn.name]: choice } };
}

/** Whether `index` names one of `length` rows or fields. */
function isIndexIn(index: number, length: number): boolean {
  return Number.isSafeInteger(index) && index >= 0 && index < length;
}

/**
 * Applies one form edit to the export it names. An edit that does not fit the export (an
 * unknown export, a field or row it lacks, a kind its parameters cannot take, an option out of
 * range) changes nothing: the form offers only valid edits, so such an event is stale or forged.
 */
function reduceForm(state: State, event: Exclude<FormEvent, { type: "watchAllMemory" }>): State {
  const fn = functionsOf(state).find((f) => f.name === event.exportName);
  const module = moduleOf(state);
  if (!fn || !module) return state;
  const choice = choiceOf(state, fn);
  const tagged = choice.convention === "tagged" ? choice : undefined;
  const setTagged = (next: Partial<Extract<ExportChoice, { convention: "tagged" }>>): State =>
    tagged ? withChoice(state, fn, { ...tagged, ...next }) : state;
  switch (event.type) {
    case "edit": {
      if (typeof event.text !== "string" || !isIndexIn(event.index, fieldCount(fn, choice))) return state;
      if (tagged) return setTagged({ rows: tagged.rows.map((row, i) => (i === event.index ? { ...row, text: event.text } : row)) });
      const texts = [...(state.inputs[fn.name] ?? [])];
      while (texts.length < event.index) texts.push("");
      texts[event.index] = event.text;
      return { ...state, inputs: { ...state.inputs, [fn.name]: texts } };
    }
    case "setConvention": {
      if (!["plain", "tagged", "allocator"].includes(event.convention)) return state;
      // Conventions that pass values through memory need memory the explorer can reach.
      if (event.convention !== "plain" && !hasReachableMemory(state)) return state;
      return withChoice(state, fn, choiceFor(event.convention, fn, module));
    }
    case "setSlotKind": {
      const changed = typeof event.kind === "string" ? withSlot(choice, event.slot, event.kind) : undefined;
      return changed?.ok ? withChoice(state, fn, changed.choice) : state;
    }
    case "setTaggedType":
      if (!tagged || !isIndexIn(event.row, tagged.rows.length) || !isTaggedType(event.taggedType)) return state;
      return setTagged({ rows: tagged.rows.map((row, i) => (i === event.row ? { ...row, type: event.taggedType } : row)) });
    case "addTaggedRow":
      return setTagged({ rows: [...(tagged?.rows ?? []), { type: "Int32", text: "" }] });
    case "removeTaggedRow":
      if (!tagged || !isIndexIn(event.row, tagged.rows.length)) return state;
      return setTagged({ rows: tagged.rows.filter((_, i) => i !== event.row) });
    case "setTaggedOption": {
      if (!tagged) return state;
      const isValid =
        event.option === "startOffset"
          ? Number.isSafeInteger(event.value) && event.value >= 0
          : event.option === "tagWidth"
            ? event.value === 1 || event.value === 4
            : event.option === "padStringsTo4" && typeof event.value === "boolean";
      return isValid ? setTagged({ options: { ...tagged.options, [event.option]: event.value } }) : state;
    }
    case "setResultReading": {
      const changed = withResultReading(choice, fn, event.reading);
      return changed.ok ? withChoice(state, fn, changed.choice) : state;
    }
    case "keepAllocations":
      return choice.convention === "allocator" && typeof event.isOn === "boolean"
        ? withChoice(state, fn, { ...choice, keepAllocations: event.isOn })
        : state;
  }
}

/** Whether the instance has memory the explorer can write arguments to. */
export function hasReachableMemory(state: State): boolean {
  return (
    state.load.status === "loaded" &&
    state.load.report.status === "loaded" &&
    state.load.report.instance.status === "ready" &&
    state.load.report.instance.memoryBytes > 0
  );
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
        value.rows.every((r) => isRecord(r) && typeof r.text === "string" && isTaggedType(r.type)) &&
        isRecord(options) &&
        Number.isSafeInteger(options.startOffset) &&
        (options.tagWidth === 1 || options.tagWidth === 4) &&
        typeof options.padStringsTo4 === "boolean"
      );
    }
    case "allocator": {
      const plan = value.plan;
      return (
        isRecord(plan) &&
        typeof plan.exportName === "string" &&
        Array.isArray(plan.slots) &&
        Array.isArray(plan.params) &&
        Array.isArray(plan.results) &&
        isRecord(plan.result) &&
        typeof value.keepAllocations === "boolean"
      );
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
