/**
 * Every message that crosses a boundary: extension host ↔ webview, and webview ↔ worker,
 * with the validators that guard each receiving side and the small RPC helper both use.
 * It is not a transport: callers hand it a `post` function and feed it what arrives.
 */
import type { WasmParseError } from "./wasm/parseModule";
import type { ModuleInfo } from "./wasm/types";
import type { CallPlan, SlotValue } from "./abi/allocator";
import type { WasmValue } from "./abi/numbers";
import type { TaggedArg, TaggedError, TaggedOptions } from "./abi/tagged";
import type { ByteRange, Region } from "./layout";
import type { ChangeGroup } from "./memoryAreas";
import type { CallAnswer } from "./callAnswer";

/** Settings the host reads from the `wasiReactor.*` configuration and sends with the bytes. */
export interface Settings {
  /** A call still running after this many milliseconds is stopped and the reactor restarted. */
  callTimeoutMs: number;
  /** Files larger than this are refused before they are read into memory. */
  maxFileBytes: number;
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

/** Host → webview: the file cannot be explored (too large, unreadable); shown instead of a module. */
export interface OpenFailedMessage {
  type: "openFailed";
  fileName: string;
  message: string;
}

/** Host → webview: run an export as if the user had typed `args` and pressed Call. */
export interface InvokeMessage {
  type: "invoke";
  exportName: string;
  /** One text per parameter, exactly as a user would type it. */
  args: string[];
}

/** Host → webview: stop the running call (the user cancelled its progress notification). */
export interface CancelMessage {
  type: "cancel";
}

/** Every message the host may post to the webview. */
export type HostToWebview = OpenMessage | OpenFailedMessage | InvokeMessage | CancelMessage;

// ---------------------------------------------------------------------------------------------
// Webview → extension host

/** Webview → host: the page is listening; the host sends nothing before this. */
export interface ReadyMessage {
  type: "ready";
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

/** Webview → host: put text on the clipboard (a webview cannot always reach it itself). */
export interface CopyMessage {
  type: "copy";
  text: string;
}

/** Webview → host: a call started (the host shows a cancellable notification if it runs long). */
export interface DidStartCallMessage {
  type: "didStartCall";
  exportName: string;
}

/** Webview → host: what to keep for this file across windows (arguments, conventions, history). */
export interface DidChangeStateMessage {
  type: "didChangeState";
  state: unknown;
}

/** The most the host stores per file, so a page cannot fill workspace storage. */
export const maxSavedStateChars = 256 * 1024;

/** Every message the webview may post to the host. */
export type WebviewToHost = ReadyMessage | DidLoadMessage | DidStartCallMessage | DidCallMessage | CopyMessage | DidChangeStateMessage;

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
export type LoadReport =
  | { status: "invalid"; error: WasmParseError }
  | { status: "loaded"; module: ModuleInfo; instance: InstanceReport };

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

/** A window of linear memory, copied out of the live memory. */
export interface MemoryWindow {
  offset: number;
  bytes: Uint8Array;
  /** The memory's size when the window was read. */
  memoryBytes: number;
}

/** The requests the webview sends its worker. */
export type WorkerRequests = {
  /** Parses, compiles (unless given the module compiled before), instantiates and initializes a module, replacing any previous one. */
  load: { params: { bytes: Uint8Array; compiled?: unknown }; result: LoadAnswer; progress: LoadProgress };
  /** Calls an export by a convention; `watchAllMemory` compares all of memory before and after. The page unpacks the answer with `unpackCallAnswer`. */
  call: { params: { exportName: string; call: ConventionCall; watchAllMemory?: boolean }; result: CallAnswer };
  /** Copies a window of linear memory; never the whole buffer. */
  readMemory: { params: { offset: number; length: number }; result: MemoryWindow };
};

// ---------------------------------------------------------------------------------------------
// Validation of what arrives from the other side of host ↔ webview

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isSettings(value: unknown): value is Settings {
  return isRecord(value) && Number.isFinite(value.callTimeoutMs) && Number.isFinite(value.maxFileBytes);
}

/** Returns the message when it is one the webview may send the host, otherwise undefined. */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "ready":
      return { type: "ready" };
    case "didStartCall":
      return typeof value.exportName === "string" ? { type: "didStartCall", exportName: value.exportName } : undefined;
    case "didChangeState": {
      // Stored as JSON: anything else (or anything too large) is refused here.
      let json: string | undefined;
      try {
        json = JSON.stringify(value.state);
      } catch {
        return undefined;
      }
      return json !== undefined && json.length <= maxSavedStateChars ? { type: "didChangeState", state: JSON.parse(json) as unknown } : undefined;
    }
    case "copy":
      return typeof value.text === "string" && value.text.length <= 1 << 20 ? { type: "copy", text: value.text } : undefined;
    case "didLoad":
      return typeof value.fileName === "string" && typeof value.kind === "string" && isStringArray(value.exports) && (value.error === undefined || typeof value.error === "string")
        ? (value as unknown as DidLoadMessage)
        : undefined;
    case "didCall":
      return typeof value.exportName === "string" &&
        isStringArray(value.args) &&
        ["returned", "trapped", "exited", "invalid", "failed"].includes(value.outcome as string) &&
        isStringArray(value.results) &&
        typeof value.stdout === "string" &&
        typeof value.stderr === "string" &&
        typeof value.durationMs === "number"
        ? (value as unknown as DidCallMessage)
        : undefined;
    default:
      return undefined;
  }
}

/** Returns the message when it is one the host may send the webview, otherwise undefined. */
export function parseHostMessage(value: unknown): HostToWebview | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "open":
      return typeof value.fileName === "string" && value.bytes instanceof Uint8Array && isSettings(value.settings)
        ? (value as unknown as OpenMessage)
        : undefined;
    case "openFailed":
      return typeof value.fileName === "string" && typeof value.message === "string" ? (value as unknown as OpenFailedMessage) : undefined;
    case "invoke":
      return typeof value.exportName === "string" && isStringArray(value.args) ? (value as unknown as InvokeMessage) : undefined;
    case "cancel":
      return { type: "cancel" };
    default:
      return undefined;
  }
}
