/**
 * The contract between the three sides: every message of extension host ↔ webview and every
 * request of webview ↔ worker, each with its validator right beside it, so the type and its check
 * change together. It is not a transport (that is rpc.ts) and packs nothing (that is callAnswer.ts).
 */
import type { WasmParseError } from "./wasm/parseModule";
import type { ModuleInfo } from "./wasm/types";
import { isSlotValue, type CallPlan, type SlotValue } from "./abi/allocator";
import { isWasmValue, type WasmValue } from "./abi/numbers";
import { isTaggedArg, type TaggedArg, type TaggedError, type TaggedOptions } from "./abi/tagged";
import type { ByteRange, Region } from "./layout";
import type { ChangeGroup } from "./memoryAreas";
import { isRecord, isStringArray } from "./guards";
import type { ParamsChecks } from "./rpc";

/** Settings the host reads from the `wasiReactor.*` configuration and sends with the bytes. */
export interface Settings {
  /** A call still running after this many milliseconds is stopped and the reactor restarted. */
  callTimeoutMs: number;
  /** Files larger than this are refused before they are read into memory. */
  maxFileBytes: number;
}

/** Whether `value` has the shape of `Settings` (finite numbers; the host checks their ranges). */
export function isSettings(value: unknown): value is Settings {
  return isRecord(value) && Number.isFinite(value.callTimeoutMs) && Number.isFinite(value.maxFileBytes);
}

/** Default settings, also the fallback for any value the host finds invalid. */
export const defaultSettings: Settings = { callTimeoutMs: 10_000, maxFileBytes: 256 * 1024 * 1024 };

// ---------------------------------------------------------------------------------------------
// Extension host → webview

/** Host → webview: the file to explore (sent after `ready`, and again when the file changes). */
export interface OpenMessage {
  type: "open";
  fileName: string;
  /** The file's bytes, copied into an exactly sized array so that it transfers efficiently. */
  bytes: Uint8Array;
  settings: Settings;
  /** What the page saved for this file in an earlier window (workspace storage); the page checks it. */
  saved?: unknown;
}

/** Whether `value` is an `OpenMessage`. */
export function isOpenMessage(value: unknown): value is OpenMessage {
  return (
    isRecord(value) &&
    value.type === "open" &&
    typeof value.fileName === "string" &&
    value.bytes instanceof Uint8Array &&
    isSettings(value.settings)
  );
}

/** Host → webview: the file cannot be explored (too large, unreadable); shown instead of a module. */
export interface OpenFailedMessage {
  type: "openFailed";
  fileName: string;
  message: string;
}

/** Whether `value` is an `OpenFailedMessage`. */
export function isOpenFailedMessage(value: unknown): value is OpenFailedMessage {
  return isRecord(value) && value.type === "openFailed" && typeof value.fileName === "string" && typeof value.message === "string";
}

/** Host → webview: run an export as if the user had typed `args` and pressed Call. */
export interface InvokeMessage {
  type: "invoke";
  exportName: string;
  /** One text per parameter, exactly as a user would type it. */
  args: string[];
}

/** Whether `value` is an `InvokeMessage`. */
export function isInvokeMessage(value: unknown): value is InvokeMessage {
  return isRecord(value) && value.type === "invoke" && typeof value.exportName === "string" && isStringArray(value.args);
}

/** Host → webview: stop the running call (the user cancelled its progress notification). */
export interface CancelMessage {
  type: "cancel";
}

/** Whether `value` is a `CancelMessage`. */
export function isCancelMessage(value: unknown): value is CancelMessage {
  return isRecord(value) && value.type === "cancel";
}

/** Every message the host may post to the webview. */
export type HostToWebview = OpenMessage | OpenFailedMessage | InvokeMessage | CancelMessage;

/**
 * Returns the message when it is one the host may send the webview, otherwise undefined. A
 * message without fields of its own is rebuilt, so nothing else it carried goes further.
 */
export function parseHostMessage(value: unknown): HostToWebview | undefined {
  if (isCancelMessage(value)) return { type: "cancel" };
  return isOpenMessage(value) || isOpenFailedMessage(value) || isInvokeMessage(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Webview → extension host

/** Webview → host: the page is listening; the host sends nothing before this. */
export interface ReadyMessage {
  type: "ready";
}

/** Whether `value` is a `ReadyMessage`. */
export function isReadyMessage(value: unknown): value is ReadyMessage {
  return isRecord(value) && value.type === "ready";
}

/** Webview → host: a module was loaded (or refused), summarised for logs and tests. */
export interface DidLoadMessage {
  type: "didLoad";
  fileName: string;
  kind: string;
  exports: string[];
  /** Set when the module could not be parsed or instantiated. */
  error?: string;
}

/** Whether `value` is a `DidLoadMessage`. */
export function isDidLoadMessage(value: unknown): value is DidLoadMessage {
  return (
    isRecord(value) &&
    value.type === "didLoad" &&
    typeof value.fileName === "string" &&
    typeof value.kind === "string" &&
    isStringArray(value.exports) &&
    (value.error === undefined || typeof value.error === "string")
  );
}

/** Webview → host: a call finished, summarised as text (BigInt cannot cross this channel). */
export interface DidCallMessage {
  type: "didCall";
  exportName: string;
  args: string[];
  outcome: "returned" | "trapped" | "exited" | "invalid" | "failed";
  /** Results in decimal, one per wasm result. */
  results: string[];
  stdout: string;
  stderr: string;
  message?: string;
  durationMs: number;
}

const callOutcomes: readonly unknown[] = ["returned", "trapped", "exited", "invalid", "failed"] satisfies DidCallMessage["outcome"][];

/** Whether `value` is a `DidCallMessage`. */
export function isDidCallMessage(value: unknown): value is DidCallMessage {
  return (
    isRecord(value) &&
    value.type === "didCall" &&
    typeof value.exportName === "string" &&
    isStringArray(value.args) &&
    callOutcomes.includes(value.outcome) &&
    isStringArray(value.results) &&
    typeof value.stdout === "string" &&
    typeof value.stderr === "string" &&
    typeof value.durationMs === "number"
  );
}

/** Webview → host: put text on the clipboard (a webview cannot always reach it itself). */
export interface CopyMessage {
  type: "copy";
  text: string;
}

/** The most text one `copy` may put on the clipboard. */
const maxCopyChars = 1 << 20;

/** Whether `value` is a `CopyMessage` of at most a mebi-character. */
export function isCopyMessage(value: unknown): value is CopyMessage {
  return isRecord(value) && value.type === "copy" && typeof value.text === "string" && value.text.length <= maxCopyChars;
}

/** Webview → host: a call started (the host shows a cancellable notification if it runs long). */
export interface DidStartCallMessage {
  type: "didStartCall";
  exportName: string;
}

/** Whether `value` is a `DidStartCallMessage`. */
export function isDidStartCallMessage(value: unknown): value is DidStartCallMessage {
  return isRecord(value) && value.type === "didStartCall" && typeof value.exportName === "string";
}

/** Webview → host: what to keep for this file across windows (arguments, conventions, history). */
export interface DidChangeStateMessage {
  type: "didChangeState";
  state: unknown;
}

/** The most the host stores per file, so a page cannot fill workspace storage. */
export const maxSavedStateChars = 256 * 1024;

/**
 * Returns a `DidChangeStateMessage` whose state is a copy of `value`'s through JSON, as the host
 * stores it, or undefined when `value` is not one or its state is not JSON of at most
 * `maxSavedStateChars`. A parser rather than a guard: the check is the JSON text, and the copy is made from it.
 */
export function parseDidChangeStateMessage(value: unknown): DidChangeStateMessage | undefined {
  if (!isRecord(value) || value.type !== "didChangeState") return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(value.state);
  } catch {
    return undefined;
  }
  return json !== undefined && json.length <= maxSavedStateChars
    ? { type: "didChangeState", state: JSON.parse(json) as unknown }
    : undefined;
}

/** Every message the webview may post to the host. */
export type WebviewToHost = ReadyMessage | DidLoadMessage | DidStartCallMessage | DidCallMessage | CopyMessage | DidChangeStateMessage;

/**
 * Returns the message when it is one the webview may send the host, otherwise undefined. Messages
 * with a field or two are rebuilt from them, so nothing else they carried goes further.
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (isReadyMessage(value)) return { type: "ready" };
  if (isDidStartCallMessage(value)) return { type: "didStartCall", exportName: value.exportName };
  if (isCopyMessage(value)) return { type: "copy", text: value.text };
  if (isDidLoadMessage(value) || isDidCallMessage(value)) return value;
  return parseDidChangeStateMessage(value);
}

// ---------------------------------------------------------------------------------------------
// Webview ↔ worker (structured clone: BigInt, NaN and -0 survive; buffers are transferred)

/** The trap kinds the explorer names (core spec 4.4 lists the conditions). */
export type TrapKind =
  | "unreachable"
  | "memoryOutOfBounds"
  | "divideByZero"
  | "integerOverflow"
  | "invalidConversion"
  | "indirectCallMismatch"
  | "tableOutOfBounds"
  | "stackOverflow"
  | "missingImport"
  | "other";

/** A trap as the UI shows it. */
export interface TrapInfo {
  kind: TrapKind;
  /** A sentence for the user. */
  description: string;
  /** The engine's own message, for people who search for it. */
  engineMessage: string;
}

/** An exported global and its value now. */
export interface GlobalValue {
  name: string;
  value: WasmValue | undefined;
}

/** An import the explorer satisfied with something of its own, and how. */
export interface ProvidedImport {
  module: string;
  name: string;
  /** `wasi`: implemented by @runno/wasi; `stub`: a function that traps; `memory`/`table`/`global`: a fresh one. */
  provision: "wasi" | "stub" | "memory" | "table" | "global";
  note?: string;
}

/** The instance part of a load report. */
export type InstanceReport =
  /** Compiling and instantiating: the module's exports are known, and cannot be called yet. */
  | { status: "starting" }
  | {
      status: "ready";
      memoryBytes: number;
      /** The first bytes of memory, read at load: the memory view paints them without a round trip. */
      firstMemory?: MemoryWindow;
      globals: GlobalValue[];
      imports: ProvidedImport[];
      /** What `_initialize` wrote. */
      stdout: string;
      stderr: string;
      /** Sentences about rules the explorer applied (an ambiguous module, an imported memory). */
      notes: string[];
    }
  | { status: "notInstantiated"; reason: string }
  | { status: "failed"; stage: "compile" | "link" | "start" | "initialize"; message: string; trap?: TrapInfo };

/** What loading a file produced: a parse error, or the module and its instance. */
export type LoadReport = { status: "invalid"; error: WasmParseError } | { status: "loaded"; module: ModuleInfo; instance: InstanceReport };

/**
 * The worker's answer to `load`: the report, and what the page keeps to restart the reactor. The
 * bytes come back transferred, not copied, so a large module is never held twice; the compiled
 * module lets a restart skip compilation. It is opaque here, because core code knows no engine types.
 * A parsed module goes ahead as progress (`LoadProgress`), so the answer does not carry it again.
 */
export interface LoadAnswer {
  report: { status: "invalid"; error: WasmParseError } | { status: "loaded"; instance: InstanceReport };
  bytes: Uint8Array;
  compiled?: unknown;
}

/**
 * What `load` reports as soon as the module is parsed, while the engine still compiles it: the
 * page lists the exports at once (parsing takes milliseconds, compiling a large module far longer).
 */
export interface LoadProgress {
  module: ModuleInfo;
}

/** The ending of a call. */
export type CallEnding =
  | { status: "returned"; results: WasmValue[] }
  | { status: "trapped"; trap: TrapInfo }
  | { status: "exited"; exitCode: number }
  | { status: "refused"; message: string };

/** How an export's arguments reach it: as wasm numbers, or through linear memory by a convention. */
export type ConventionCall =
  | { convention: "plain"; args: WasmValue[] }
  /** Tagged values written at the start offset; the export takes no parameters (docs/tagged-convention.md). */
  | { convention: "tagged"; args: TaggedArg[]; options: TaggedOptions }
  /** Strings and arrays copied into memory from the module's allocator, passed as pointer (+ length). */
  | { convention: "allocator"; plan: CallPlan; values: SlotValue[]; keepAllocations: boolean };

/** Whether `value` has the shape of a `ConventionCall`; the convention code checks meaning (ranges, fit, the plan against the signature). */
export function isConventionCall(value: unknown): value is ConventionCall {
  if (!isRecord(value)) return false;
  switch (value.convention) {
    case "plain":
      return Array.isArray(value.args) && value.args.every(isWasmValue);
    case "tagged":
      return Array.isArray(value.args) && value.args.every(isTaggedArg) && isRecord(value.options);
    case "allocator":
      return (
        isRecord(value.plan) &&
        Array.isArray(value.plan.slots) &&
        Array.isArray(value.values) &&
        value.values.every(isSlotValue) &&
        typeof value.keepAllocations === "boolean"
      );
    default:
      return false;
  }
}

/** The decoded meaning of what a memory-convention call returned. */
export type DecodedResult =
  | {
      convention: "tagged";
      /** The export's i32 error code; undefined for a void export. */
      code: number | undefined;
      isSuccess: boolean;
      meaning: string;
      /** Results read back from the start offset (on success). */
      values: TaggedArg[];
      /** Why reading the results stopped, with the offset. */
      error?: TaggedError;
    }
  | { convention: "allocator"; text?: string; error?: { message: string; offset?: number } };

/** An allocation the explorer made in the module's memory for one argument. */
export interface Allocation {
  pointer: number;
  size: number;
  label: string;
  isFreed: boolean;
}

/** The memory map of one call: what the explorer wrote, what the export changed, what came back. */
export interface MemoryReport {
  /** Every byte the explorer wrote, as labelled regions. */
  written: Region[];
  /** The bytes as the explorer wrote them, before the call (for teaching material and "before" views). */
  writtenBytes: { offset: number; bytes: Uint8Array }[];
  /** Regions read back after the call: tagged results, or what a returned pointer points at. */
  results: Region[];
  /** The areas compared before and after the call. */
  watched: ByteRange[];
  /** Bytes the export changed within the watched areas. */
  changed: ByteRange[];
  /** Whether `watched` covers all of memory. */
  isWholeMemoryWatched: boolean;
  decoded?: DecodedResult;
  allocations: Allocation[];
  /** Sentences about risks in the layout (overlaps with data or the stack, growth). */
  warnings: string[];
  memoryBytesBefore: number;
  /** The changed bytes by where they lie: the arguments/results first, then the stack, data, heap and unknown memory (see memoryAreas.ts). */
  changedGroups?: ChangeGroup[];
}

/** What every call reports besides its ending; `Memory` is the form of its memory map. */
export interface CallDetails<Memory = MemoryReport> {
  /** The memory map, for calls that passed values through memory or watched all of memory. */
  memory?: Memory;
  exportName: string;
  args: WasmValue[];
  stdout: string;
  stderr: string;
  durationMs: number;
  globals: GlobalValue[];
  memoryBytes: number;
}

/** Everything a call produced. */
export type CallOutcome = CallEnding & CallDetails;

/** The parts of a memory map a tagged call's page derives. */
type DerivedParts = "written" | "writtenBytes" | "results" | "decoded" | "allocations";

/**
 * A memory map as the worker sends it (callAnswer.ts packs and unpacks it). `changed` holds each
 * range as two numbers, offset and size.
 */
export type PackedReport =
  | (Omit<MemoryReport, "changed"> & { packing: "ranges"; changed: number[] })
  | (Omit<MemoryReport, "changed" | DerivedParts> & {
      packing: "tagged";
      changed: number[];
      /** Set when the export returned a success code: the bytes its results occupy, from the start offset to where `taggedExtent` stops. */
      readBack?: Uint8Array;
    });

/**
 * A global's value as sent: the number alone, in the order of the module's exported globals, whose
 * names and types the page has ; undefined where JavaScript cannot read the global.
 */
export type GlobalNumber = number | bigint | undefined;

/** A call's outcome as the worker sends it. The page knows the export's name: it asked for the call. */
export type CallAnswer = CallEnding & Omit<CallDetails<PackedReport>, "exportName" | "globals"> & { globals: GlobalNumber[] };

/** A window of linear memory, copied out of the live memory. */
export interface MemoryWindow {
  offset: number;
  bytes: Uint8Array;
  /** The memory's size when the window was read. */
  memoryBytes: number;
}

/** The params of `load`: the module's bytes, and the module compiled before when restarting it. */
export interface LoadParams {
  bytes: Uint8Array;
  /** Opaque here, because core code knows no engine types: the worker checks it is a compiled module. */
  compiled?: unknown;
}

/** Whether `value` is `LoadParams` whose `compiled`, if any, passes `isCompiledModule`. */
export function isLoadParams(value: unknown, isCompiledModule: (compiled: unknown) => boolean): value is LoadParams {
  return isRecord(value) && value.bytes instanceof Uint8Array && (value.compiled === undefined || isCompiledModule(value.compiled));
}

/** The params of `call`. */
export interface CallParams {
  exportName: string;
  call: ConventionCall;
  /** Compare all of memory before and after, not only what the convention wrote. */
  watchAllMemory?: boolean;
}

/** Whether `value` is `CallParams`. */
export function isCallParams(value: unknown): value is CallParams {
  return (
    isRecord(value) &&
    typeof value.exportName === "string" &&
    isConventionCall(value.call) &&
    (value.watchAllMemory === undefined || typeof value.watchAllMemory === "boolean")
  );
}

/** The params of `readMemory`: a window by offset and length. */
export interface ReadMemoryParams {
  offset: number;
  length: number;
}

/** Whether `value` is `ReadMemoryParams`: whole numbers (the worker clamps them to memory). */
export function isReadMemoryParams(value: unknown): value is ReadMemoryParams {
  return isRecord(value) && Number.isSafeInteger(value.offset) && Number.isSafeInteger(value.length);
}

/** The requests the webview sends its worker. */
export type WorkerRequests = {
  /** Parses, compiles (unless given the module compiled before), instantiates and initializes a module, replacing any previous one. */
  load: { params: LoadParams; result: LoadAnswer; progress: LoadProgress };
  /** Calls an export by a convention. The page unpacks the answer with `unpackCallAnswer`. */
  call: { params: CallParams; result: CallAnswer };
  /** Copies a window of linear memory; never the whole buffer. */
  readMemory: { params: ReadMemoryParams; result: MemoryWindow };
};

/**
 * The checks the worker runs on every request's params before acting on it. `isCompiledModule`
 * tells a compiled module from anything else, which only code that knows the engine can.
 */
export function workerParamsChecks(isCompiledModule: (compiled: unknown) => boolean): ParamsChecks<WorkerRequests> {
  return {
    load: {
      is: (value): value is LoadParams => isLoadParams(value, isCompiledModule),
      expected: "load needs { bytes: Uint8Array, compiled?: WebAssembly.Module }.",
    },
    call: { is: isCallParams, expected: "call needs { exportName: string, call: ConventionCall, watchAllMemory?: boolean }." },
    readMemory: { is: isReadMemoryParams, expected: "readMemory needs integer { offset, length }." },
  };
}
