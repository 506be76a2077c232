/**
 * The shapes of what the module parser reads out of a WebAssembly binary.
 * Plain data only: every value here can cross postMessage unchanged.
 */

/** A WebAssembly value type (core spec 5.3.1), plus reference types named as the text format spells them. */
export type ValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";

/** A function type: parameter and result types (core spec 5.3.6). */
export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** The size of a memory page in bytes: memory sizes and limits count in these (core spec 4.2.8). */
export const wasmPageBytes = 65536;

/** Limits of a memory or table, in pages (memory) or elements (table). */
export interface Limits {
  min: number;
  /** Absent when the memory or table may grow without a declared bound. */
  max?: number;
  /** Memory64 memories use i64 addresses. */
  is64?: boolean;
  isShared?: boolean;
}

/** One entry of the import section. */
export type ImportDesc =
  | { kind: "func"; typeIndex: number; type: FuncType }
  | { kind: "table"; elemType: ValType; limits: Limits }
  | { kind: "memory"; limits: Limits }
  | { kind: "global"; valType: ValType; isMutable: boolean }
  | { kind: "tag"; typeIndex: number };

/** An import: the module and field names, and what is imported. */
export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

/** The kind of thing an export refers to (core spec 5.5.10). */
export type ExternKind = "func" | "table" | "memory" | "global" | "tag";

/** One exported function, with its full signature and the names the name section gives. */
export interface ExportedFunction {
  /** The export's name. */
  name: string;
  /** Index in the function index space (imports first). */
  funcIndex: number;
  /** The function's type; functions of the same type share one object: read only. */
  type: FuncType;
  /** The function's own name from the name section, when present. */
  debugName?: string;
  /**
   * One unique, non-empty name per parameter: from the name section's local names, otherwise
   * `p0`, `p1`, … Arrays are shared (between exports of one function, and between functions
   * without local names that have as many parameters): read only.
   */
  paramNames: string[];
  /** Whether the function is itself an import that the module re-exports. */
  isImported: boolean;
}

/** One memory, imported or defined. */
export interface MemoryInfo {
  index: number;
  limits: Limits;
  isImported: boolean;
  /** Export names of this memory (a memory may be exported under several names, or none). */
  exportNames: string[];
}

/** One exported global with its type; its value is read from a live instance, not the binary. */
export interface ExportedGlobal {
  name: string;
  globalIndex: number;
  valType: ValType;
  isMutable: boolean;
  isImported: boolean;
}

/**
 * A global the module names, by an export or in the name section, whose initializer is a constant:
 * wasm-ld's `__stack_pointer`, `__data_end` and `__heap_base` say where the stack, the data and the
 * heap lie (see memoryAreas.ts).
 */
export interface NamedGlobal {
  name: string;
  globalIndex: number;
  /** The initializer's `i32.const` or `i64.const`, read as an unsigned address. */
  initial: number;
}

/** A data segment: where an active segment lands in memory 0, when its offset is a constant. */
export interface DataSegment {
  isActive: boolean;
  /** The memory an active segment initializes; 0 for passive segments, which name no memory. */
  memoryIndex: number;
  /** Constant offset for active segments with an `i32.const`/`i64.const` offset; absent otherwise. */
  offset?: number;
  size: number;
  /** The name section's name for it (subsection 9), such as `.rodata` or `.data`. */
  name?: string;
}

/**
 * What kind of core module this is, decided from its function exports: `command` exports `_start`,
 * `reactor` exports `_initialize`, `ambiguous` exports both, `module` neither. Components are not
 * a kind: the parser rejects them with the error code `component`.
 */
export type BinaryKind = "reactor" | "command" | "ambiguous" | "module";

/** Everything the explorer shows about a module before running it. */
export interface ModuleInfo {
  kind: BinaryKind;
  byteLength: number;
  imports: Import[];
  functions: ExportedFunction[];
  memories: MemoryInfo[];
  globals: ExportedGlobal[];
  /** Names of every export, in binary order, with their kind. */
  exports: { name: string; kind: ExternKind; index: number }[];
  dataSegments: DataSegment[];
  /** Named globals with constant initial values, those named by exports first. */
  namedGlobals: NamedGlobal[];
  /** The module's name from the name section, when present. */
  moduleName?: string;
  /** Custom section names, in order (useful to spot `producers`, `target_features`, `component-type:`). */
  customSections: string[];
}

/** Why a binary could not be read; see `WasmParseError`. */
export type WasmParseErrorCode =
  /** The input has no bytes. */
  | "empty"
  /** The input does not start with the WebAssembly magic bytes `00 61 73 6d`. */
  | "notWasm"
  /** The input is a component-model component, not a core module. */
  | "component"
  /** The header names a core module version other than 1. */
  | "unsupportedVersion"
  /** The input ends before the content it declares. */
  | "truncated"
  /** The bytes break the binary format: bad section order or size, bad LEB128, invalid UTF-8, … */
  | "malformed"
  /** The bytes may be valid, but use a feature the explorer does not read (e.g. GC reference types). */
  | "unsupported";

/**
 * A failure to read a binary, as a plain object so it crosses postMessage unchanged. The message
 * is a sentence for the user that names the section and the offset in hex and decimal.
 */
export interface WasmParseError {
  name: "WasmParseError";
  code: WasmParseErrorCode;
  message: string;
  /** Byte offset in the input where the problem was found; never past the input's length. */
  offset: number;
  /** The spec name of the section being read (`type`, `import`, `custom`, …), or `header`. */
  section?: string;
}

/** What `parseModule` returns: the module's info, or why it could not be read. */
export type ParseResult = { ok: true; module: ModuleInfo } | { ok: false; error: WasmParseError };
