/**
 * Reads what the explorer shows about a core WebAssembly module from its bytes: types, imports,
 * exports, memories, globals, data segments and names (core spec 5.5). It is not a validator and
 * never walks function bodies: the code and element sections are skipped by size, so large
 * modules parse in time proportional to their non-code sections.
 */

import { ByteReader, WasmParseFailure, countOf, formatOffset, hex2, makeParseError } from "./byteReader";
import { readNameSection, type NameInfo } from "./nameSection";
import type {
  BinaryKind,
  DataSegment,
  ExportedFunction,
  ExportedGlobal,
  ExternKind,
  FuncType,
  Import,
  ImportDesc,
  Limits,
  MemoryInfo,
  ModuleInfo,
  NamedGlobal,
  ParseResult,
  ValType,
  WasmParseError,
} from "./types";

/** The result and error types, re-exported so callers need only this module. */
export type { ParseResult, WasmParseError, WasmParseErrorCode } from "./types";

/** A work counter filled by `parseModule`, for tests and benchmarks that check linear time. */
export interface ParseStats {
  /**
   * Reader operations, decoded name bytes and parameter names built. Linear in the input: a few
   * per byte, plus at most 1000 (the parameter limit) per exported function with local names.
   */
  steps: number;
}

/**
 * Reads a core WebAssembly module. Never throws for any input: a binary it cannot read comes back
 * as `ok: false` with a `WasmParseError` whose offset lies within the input. Pass `stats` to
 * have the work it did added to `stats.steps`.
 */
export function parseModule(bytes: Uint8Array, stats?: ParseStats): ParseResult {
  const headerError = checkHeader(bytes);
  if (headerError) return { ok: false, error: headerError };
  const state = new ModuleState(bytes);
  try {
    readSections(state);
    return { ok: true, module: buildModuleInfo(state) };
  } catch (caught) {
    if (caught instanceof WasmParseFailure) return { ok: false, error: caught.error };
    throw caught;
  } finally {
    if (stats) stats.steps += state.reader.steps + state.extraSteps;
  }
}

/** The preamble every core module starts with (core spec 5.5.16): magic `\0asm`, version 1. */
const magic = [0x00, 0x61, 0x73, 0x6d];
const headerSize = 8;

/** Checks the 8-byte header and names what the input is when it is not a version 1 core module. */
function checkHeader(bytes: Uint8Array): WasmParseError | undefined {
  if (bytes.length === 0) {
    return {
      name: "WasmParseError",
      code: "empty",
      message: "The file is empty: a WebAssembly module starts with the 8 bytes 00 61 73 6d 01 00 00 00.",
      offset: 0,
      section: "header",
    };
  }
  for (let i = 0; i < magic.length && i < bytes.length; i++) {
    if (bytes[i] !== magic[i]) {
      return {
        name: "WasmParseError",
        code: "notWasm",
        message: `This file is not WebAssembly: it starts with ${hexBytes(bytes, 0, 8)} instead of the magic bytes 00 61 73 6d ("\\0asm"), differing at offset ${formatOffset(i)}${looksLikeText(bytes) ? "; it looks like WebAssembly text format, which must be compiled to a binary first" : ""}.`,
        offset: i,
        section: "header",
      };
    }
  }
  if (bytes.length < headerSize) {
    const missing = headerSize - bytes.length;
    return makeParseError("truncated", "header", `expected ${countOf(missing, "more byte")}`, bytes.length, "header");
  }
  const isVersion1 = bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
  if (isVersion1) return undefined;
  // Components share the magic; their version word is a 16-bit version then the layer 1 (component model binary format).
  if (bytes[6] === 1 && bytes[7] === 0) {
    return {
      name: "WasmParseError",
      code: "component",
      message: `This is a WebAssembly component (component model), not a core module: its header says layer 1 (bytes ${hexBytes(bytes, 4, 8)} at offset ${formatOffset(4)}), and the explorer reads core modules only.`,
      offset: 4,
      section: "header",
    };
  }
  const version = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  return {
    name: "WasmParseError",
    code: "unsupportedVersion",
    message: `Unsupported WebAssembly version ${version} (bytes ${hexBytes(bytes, 4, 8)} at offset ${formatOffset(4)}); the explorer reads version 1 core modules.`,
    offset: 4,
    section: "header",
  };
}

/** Whether the input starts like the text format, so the message can suggest compiling it. */
function looksLikeText(bytes: Uint8Array): boolean {
  let at = 0;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09)) at++;
  return bytes[at] === 0x28 || (bytes[at] === 0x3b && bytes[at + 1] === 0x3b);
}

/** Bytes `start`..`end` (clipped to the input) as a hex dump, e.g. `7f 45 4c 46`. */
function hexBytes(bytes: Uint8Array, start: number, end: number): string {
  const parts: string[] = [];
  for (let i = start; i < end && i < bytes.length; i++) parts.push(hex2(bytes[i]!));
  return parts.join(" ");
}

/** Section names by id (core spec 5.5.2); 13 is the tag section of the exception-handling proposal. */
const sectionNames = [
  "custom",
  "type",
  "import",
  "function",
  "table",
  "memory",
  "global",
  "export",
  "start",
  "element",
  "code",
  "data",
  "datacount",
  "tag",
] as const;

/**
 * Where each non-custom section may appear, by id (core spec 5.5.16): the data count section sits
 * between element and code, and the tag section between memory and global.
 */
const sectionRanks = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];

/** Engines on the web reject function types with more parameters or results (JS API, implementation-defined limits). */
const maxFuncTypeArity = 1000;

/** A global in the global index space, imported or defined. */
interface GlobalEntry {
  valType: ValType;
  isMutable: boolean;
  isImported: boolean;
}

/** A defined global's constant initial value, kept apart from `GlobalEntry`, which exported globals spread. */
type GlobalInits = Map<number, number>;

/** Everything read so far; the sections fill it in binary order. */
class ModuleState {
  /**
   * An empty state that keeps the V8 hidden class of states alive across garbage collections, and
   * with it the optimized code that depends on it; see `ByteReader.keepsShapeAlive`.
   */
  static readonly keepsShapeAlive: ModuleState = new ModuleState(new Uint8Array(0));

  readonly reader: ByteReader;
  /** The type index space; struct and array types of the GC proposal hold `undefined`. */
  readonly types: (FuncType | undefined)[] = [];
  /** Type index of each imported function, in the order of the function index space. */
  readonly importedFuncTypeIndices: number[] = [];
  /**
   * Type index of each defined function, the function section's content. A typed array, because
   * large modules define a hundred thousand functions and a number array would cost more memory
   * and time to grow.
   */
  definedFuncTypeIndices = new Uint32Array(0);
  importedFuncCount = 0;
  definedFuncCount = 0;
  tableCount = 0;
  tagCount = 0;
  readonly memories: MemoryInfo[] = [];
  readonly globals: GlobalEntry[] = [];
  /** Constant initial values of defined globals, by global index. */
  readonly globalInits: GlobalInits = new Map();
  readonly imports: Import[] = [];
  readonly exports: ModuleInfo["exports"] = [];
  readonly dataSegments: DataSegment[] = [];
  readonly customSections: string[] = [];
  /** Where the first `name` custom section's content lies; it is read last, once exports are known. */
  nameSection: { start: number; end: number } | undefined;
  hasCodeSection = false;
  hasDataSection = false;
  /** The data count section's value, when present (core spec 5.5.15). */
  dataCount: number | undefined;
  /** Work done outside the main reader: the name section's reader and built parameter names. */
  extraSteps = 0;

  constructor(readonly bytes: Uint8Array) {
    this.reader = new ByteReader(bytes, headerSize);
  }

  /** The size of the function index space (core spec 5.5.1): imported functions, then defined ones. */
  get funcCount(): number {
    return this.importedFuncCount + this.definedFuncCount;
  }

  /** The type of a function in the function index space; `funcIndex` must be in range. */
  funcTypeOf(funcIndex: number): FuncType {
    const imported = this.importedFuncCount;
    const typeIndex = funcIndex < imported ? this.importedFuncTypeIndices[funcIndex]! : this.definedFuncTypeIndices[funcIndex - imported]!;
    return this.types[typeIndex]!;
  }
}

/** Reads every section (core spec 5.5.2), checking ids, order, sizes and that each is read exactly. */
function readSections(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const inputEnd = state.bytes.length;
  let lastRank = 0;
  let lastName = "";
  while (!reader.isAtEnd) {
    reader.where = "module";
    reader.section = undefined;
    const idAt = reader.offset;
    const id = reader.u8();
    const name = sectionNames[id];
    if (name === undefined) reader.fail("malformed", `unknown section id ${id}`, idAt);
    const title = name === "datacount" ? "data count" : name;
    reader.where = `${title} section`;
    reader.section = name;
    const size = reader.u32();
    const start = reader.offset;
    if (size > inputEnd - start) {
      const missing = size - (inputEnd - start);
      reader.fail("truncated", `expected ${countOf(missing, "more byte")} (the section declares ${size})`, inputEnd);
    }
    if (id !== 0) {
      const rank = sectionRanks[id]!;
      if (rank === lastRank) reader.fail("malformed", `the ${title} section appears twice`, idAt);
      if (rank < lastRank) {
        reader.fail(
          "malformed",
          `the ${title} section comes after the ${lastName} section, but sections must appear in the order the spec defines`,
          idAt,
        );
      }
      lastRank = rank;
      lastName = title;
    }
    reader.end = start + size;
    readSection(state, id);
    if (reader.offset !== reader.end) {
      reader.fail(
        "malformed",
        `the content ends ${countOf(reader.end - reader.offset, "byte")} before the section's declared size`,
        reader.offset,
      );
    }
    reader.end = inputEnd;
  }
  reader.where = "module";
  reader.section = undefined;
  if (!state.hasCodeSection && state.definedFuncCount > 0) {
    reader.fail(
      "malformed",
      `the function section declares ${countOf(state.definedFuncCount, "function")} but there is no code section`,
      inputEnd,
    );
  }
  if (!state.hasDataSection && state.dataCount !== undefined && state.dataCount > 0) {
    reader.fail(
      "malformed",
      `the data count section declares ${countOf(state.dataCount, "segment")} but there is no data section`,
      inputEnd,
    );
  }
}

/** Reads one section's content, between the reader's offset and its end. */
function readSection(state: ModuleState, id: number): void {
  const reader: ByteReader = state.reader;
  switch (id) {
    case 0:
      return readCustomSection(state);
    case 1:
      return readTypeSection(state);
    case 2:
      return readImportSection(state);
    case 3:
      return readFunctionSection(state);
    case 4:
      return readTableSection(state);
    case 5:
      return readMemorySection(state);
    case 6:
      return readGlobalSection(state);
    case 7:
      return readExportSection(state);
    case 8:
      // Start section (core spec 5.5.11): one function index, which the explorer does not show.
      reader.u32();
      return;
    case 9:
      // Element segments (core spec 5.5.12) only fill tables; skipping them keeps the parser small.
      reader.skip(reader.remaining);
      return;
    case 10:
      return readCodeSection(state);
    case 11:
      return readDataSection(state);
    case 12:
      // Data count section (core spec 5.5.15): checked against the data section.
      state.dataCount = reader.u32();
      return;
    case 13:
      return readTagSection(state);
  }
}

/** Custom section (core spec 5.5.3): a name, then bytes; the `name` section is kept for later. */
function readCustomSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const name = reader.name();
  state.customSections.push(name);
  if (name === "name" && state.nameSection === undefined) {
    state.nameSection = { start: reader.offset, end: reader.end };
  }
  reader.skip(reader.remaining);
}

/**
 * Type section (core spec 5.5.4): function types, and the GC proposal's recursive groups and
 * subtypes, whose struct and array types take an index but are not function types.
 */
function readTypeSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const count = reader.count("types");
  for (let i = 0; i < count; i++) {
    const formAt = reader.offset;
    const form = reader.u8();
    if (form === 0x4e) {
      const members = reader.count("types in a recursive group");
      for (let j = 0; j < members; j++) readSubType(state, reader.offset, reader.u8());
    } else {
      readSubType(state, formAt, form);
    }
  }
}

/** A subtype (GC proposal): optional `sub`/`sub final` with supertype indices, then a composite type. */
function readSubType(state: ModuleState, formAt: number, form: number): void {
  const reader: ByteReader = state.reader;
  if (form === 0x50 || form === 0x4f) {
    const supertypes = reader.count("supertypes");
    for (let i = 0; i < supertypes; i++) reader.u32();
    formAt = reader.offset;
    form = reader.u8();
  }
  switch (form) {
    case 0x60: {
      const params = readResultType(reader, "parameters");
      const results = readResultType(reader, "results");
      state.types.push({ params, results });
      return;
    }
    case 0x5f: {
      const fields = reader.count("struct fields", 2);
      for (let i = 0; i < fields; i++) readFieldType(reader);
      state.types.push(undefined);
      return;
    }
    case 0x5e:
      readFieldType(reader);
      state.types.push(undefined);
      return;
    default:
      reader.fail("malformed", `unknown type form 0x${hex2(form)} (a function type starts with 0x60)`, formAt);
  }
}

/** A struct or array field (GC proposal): a value type or packed `i8`/`i16`, then mutability. */
function readFieldType(reader: ByteReader): void {
  const at = reader.offset;
  const byte = reader.u8();
  if (byte !== 0x78 && byte !== 0x77) valTypeFromByte(reader, byte, at);
  readMutability(reader);
}

/** A result type (core spec 5.3.5): a vector of value types, no longer than engines accept. */
function readResultType(reader: ByteReader, what: "parameters" | "results"): ValType[] {
  const at = reader.offset;
  const count = reader.count(what);
  if (count > maxFuncTypeArity) {
    reader.fail("unsupported", `a function type has ${count} ${what}, but WebAssembly engines accept at most ${maxFuncTypeArity}`, at);
  }
  const types: ValType[] = [];
  for (let i = 0; i < count; i++) types.push(readValType(reader));
  return types;
}

/** Reads a value type (core spec 5.3.4). */
function readValType(reader: ByteReader): ValType {
  const at = reader.offset;
  return valTypeFromByte(reader, reader.u8(), at);
}

/** Reference types of the GC, typed function references and exception-handling proposals, by byte. */
const proposalRefTypes: Record<number, string> = {
  0x74: "nullexnref",
  0x73: "nullfuncref",
  0x72: "nullexternref",
  0x71: "nullref",
  0x6e: "anyref",
  0x6d: "eqref",
  0x6c: "i31ref",
  0x6b: "structref",
  0x6a: "arrayref",
  0x69: "exnref",
  0x64: "(ref …)",
  0x63: "(ref null …)",
};

/** Decodes a value type byte (core spec 5.3.1–5.3.4); proposal reference types are `unsupported`. */
function valTypeFromByte(reader: ByteReader, byte: number, at: number): ValType {
  switch (byte) {
    case 0x7f:
      return "i32";
    case 0x7e:
      return "i64";
    case 0x7d:
      return "f32";
    case 0x7c:
      return "f64";
    case 0x7b:
      return "v128";
    case 0x70:
      return "funcref";
    case 0x6f:
      return "externref";
  }
  const proposalType = proposalRefTypes[byte];
  if (proposalType !== undefined) {
    reader.fail("unsupported", `the reference type ${proposalType} (0x${hex2(byte)}) belongs to a proposal the explorer does not read`, at);
  }
  return reader.fail("malformed", `unknown value type 0x${hex2(byte)}`, at);
}

/** A table's element type (core spec 5.3.3): only reference types are allowed. */
function readRefType(reader: ByteReader, at: number, byte: number): ValType {
  const type = valTypeFromByte(reader, byte, at);
  if (type !== "funcref" && type !== "externref") {
    reader.fail("malformed", `a table's element type must be a reference type, not ${type}`, at);
  }
  return type;
}

/** Global and field mutability (core spec 5.3.10): 0x00 const, 0x01 var. */
function readMutability(reader: ByteReader): boolean {
  const at = reader.offset;
  const byte = reader.u8();
  if (byte > 1) reader.fail("malformed", `unknown mutability 0x${hex2(byte)}`, at);
  return byte === 1;
}

/**
 * Limits (core spec 5.3.7), with the threads proposal's shared flag (0x02) and the memory64
 * proposal's 64-bit flag (0x04), whose bounds are u64.
 */
function readLimits(reader: ByteReader): Limits {
  const at = reader.offset;
  const flags = reader.u8();
  if (flags > 0x07) reader.fail("malformed", `unknown limits flags 0x${hex2(flags)}`, at);
  const is64 = (flags & 0x04) !== 0;
  const limits: Limits = { min: is64 ? readU64AsNumber(reader, "minimum") : reader.u32() };
  if (flags & 0x01) limits.max = is64 ? readU64AsNumber(reader, "maximum") : reader.u32();
  if (is64) limits.is64 = true;
  if (flags & 0x02) limits.isShared = true;
  return limits;
}

/** A u64 bound as a number; bounds beyond 2^53 are far past what any engine allows. */
function readU64AsNumber(reader: ByteReader, what: string): number {
  const at = reader.offset;
  const value = reader.u64();
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    reader.fail("unsupported", `the 64-bit ${what} ${value} is too large to show`, at);
  }
  return Number(value);
}

/** A type index that must name a function type (core spec 5.5.1). */
function readFuncTypeIndex(state: ModuleState): number {
  const reader: ByteReader = state.reader;
  const at = reader.offset;
  const index = reader.u32();
  if (index >= state.types.length || state.types[index] === undefined) failFuncTypeIndex(state, index, at);
  return index;
}

/** Fails because the type index `index`, read at `at`, names no function type. */
function failFuncTypeIndex(state: ModuleState, index: number, at: number): never {
  if (index >= state.types.length) {
    state.reader.fail("malformed", `type index ${index} is out of range: the module declares ${countOf(state.types.length, "type")}`, at);
  }
  return state.reader.fail("malformed", `type ${index} is not a function type`, at);
}

/** Import section (core spec 5.5.5), with tags from the exception-handling proposal. */
function readImportSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  // Two empty names and a kind byte with a one-byte index make the smallest import.
  const count = reader.count("imports", 4);
  for (let i = 0; i < count; i++) {
    const module = reader.name();
    const name = reader.name();
    const kindAt = reader.offset;
    const kind = reader.u8();
    let desc: ImportDesc;
    switch (kind) {
      case 0x00: {
        const typeIndex = readFuncTypeIndex(state);
        desc = { kind: "func", typeIndex, type: state.types[typeIndex]! };
        state.importedFuncTypeIndices.push(typeIndex);
        state.importedFuncCount++;
        break;
      }
      case 0x01: {
        const elemAt = reader.offset;
        const elemType = readRefType(reader, elemAt, reader.u8());
        desc = { kind: "table", elemType, limits: readLimits(reader) };
        state.tableCount++;
        break;
      }
      case 0x02: {
        const limits = readLimits(reader);
        desc = { kind: "memory", limits };
        state.memories.push({ index: state.memories.length, limits, isImported: true, exportNames: [] });
        break;
      }
      case 0x03: {
        const valType = readValType(reader);
        const isMutable = readMutability(reader);
        desc = { kind: "global", valType, isMutable };
        state.globals.push({ valType, isMutable, isImported: true });
        break;
      }
      case 0x04:
        desc = { kind: "tag", typeIndex: readTagType(state) };
        break;
      default:
        return reader.fail("malformed", `unknown import kind 0x${hex2(kind)} for "${module}" "${name}"`, kindAt);
    }
    state.imports.push({ module, name, desc });
  }
}

/** Function section (core spec 5.5.6): the type index of each defined function. */
function readFunctionSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const count = reader.count("functions");
  const typeIndices = new Uint32Array(count);
  if (reader.indices(typeIndices, funcTypeFlags(state)) < count) {
    // The reader stands before the first index that names no function type: reading it again
    // fails with the message that says why.
    readFuncTypeIndex(state);
  }
  state.definedFuncTypeIndices = typeIndices;
  state.definedFuncCount = count;
}

/** A flag per type index, 1 for function types: the types a function may have. */
function funcTypeFlags(state: ModuleState): Uint8Array {
  const flags = new Uint8Array(state.types.length);
  for (let i = 0; i < flags.length; i++) if (state.types[i] !== undefined) flags[i] = 1;
  return flags;
}

/** Table section (core spec 5.5.7), including tables with an initializer (0x40 0x00, GC proposal). */
function readTableSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const count = reader.count("tables", 2);
  for (let i = 0; i < count; i++) {
    let at = reader.offset;
    let byte = reader.u8();
    const hasInit = byte === 0x40;
    if (hasInit) {
      const reservedAt = reader.offset;
      if (reader.u8() !== 0x00) reader.fail("malformed", "a table with an initializer must continue with 0x00", reservedAt);
      at = reader.offset;
      byte = reader.u8();
    }
    readRefType(reader, at, byte);
    readLimits(reader);
    if (hasInit) readConstExpr(reader);
    state.tableCount++;
  }
}

/** Memory section (core spec 5.5.8). */
function readMemorySection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const count = reader.count("memories", 2);
  for (let i = 0; i < count; i++) {
    state.memories.push({ index: state.memories.length, limits: readLimits(reader), isImported: false, exportNames: [] });
  }
}

/** Tag section (exception-handling proposal): tag types, each an attribute and a type index. */
function readTagSection(state: ModuleState): void {
  const count = state.reader.count("tags", 2);
  for (let i = 0; i < count; i++) readTagType(state);
}

/** A tag type: attribute 0x00 (an exception), then a function type index; it counts the tag. */
function readTagType(state: ModuleState): number {
  const reader: ByteReader = state.reader;
  const at = reader.offset;
  const attribute = reader.u8();
  if (attribute !== 0x00) reader.fail("malformed", `unknown tag attribute 0x${hex2(attribute)}`, at);
  const typeIndex = readFuncTypeIndex(state);
  state.tagCount++;
  return typeIndex;
}

/** Global section (core spec 5.5.9): a global type, then its constant initializer. */
function readGlobalSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const count = reader.count("globals", 3);
  for (let i = 0; i < count; i++) {
    const valType = readValType(reader);
    const isMutable = readMutability(reader);
    const initial = readConstExpr(reader);
    if (initial !== undefined) state.globalInits.set(state.globals.length, initial);
    state.globals.push({ valType, isMutable, isImported: false });
  }
}

/**
 * Reads a constant expression (core spec 5.4.9) up to its `end`, with the extended-const, SIMD
 * and GC constant instructions. Returns the value when the expression is a single `i32.const` or
 * `i64.const`, read as an unsigned address, because that is a data segment's offset.
 */
function readConstExpr(reader: ByteReader): number | undefined {
  let value: number | undefined;
  for (let instructions = 0; ; instructions++) {
    const at = reader.offset;
    const opcode = reader.u8();
    switch (opcode) {
      case 0x0b:
        return instructions === 1 ? value : undefined;
      case 0x41:
        value = reader.s32() >>> 0;
        break;
      case 0x42: {
        const address = BigInt.asUintN(64, reader.s64());
        value = address <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(address) : undefined;
        break;
      }
      case 0x43:
        reader.skipF32();
        break;
      case 0x44:
        reader.skipF64();
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        reader.u32();
        break;
      case 0xd0: // ref.null, followed by a heap type encoded as s33
        reader.s33();
        break;
      case 0x6a: // i32.add
      case 0x6b: // i32.sub
      case 0x6c: // i32.mul
      case 0x7c: // i64.add
      case 0x7d: // i64.sub
      case 0x7e: // i64.mul
        break;
      case 0xfd: {
        // SIMD: only v128.const (0xfd 12) and its 16 bytes are constant.
        const op = reader.u32();
        if (op !== 12) reader.fail("malformed", `instruction 0xfd ${op} cannot appear in a constant expression`, at);
        reader.skip(16);
        break;
      }
      case 0xfb:
        readGcConstInstruction(reader, at);
        break;
      default:
        reader.fail("malformed", `instruction 0x${hex2(opcode)} cannot appear in a constant expression`, at);
    }
  }
}

/** The GC proposal's constant instructions: allocation with type indices, and reference conversions. */
function readGcConstInstruction(reader: ByteReader, at: number): void {
  const op = reader.u32();
  switch (op) {
    case 0: // struct.new
    case 1: // struct.new_default
    case 6: // array.new
    case 7: // array.new_default
      reader.u32();
      return;
    case 8: // array.new_fixed
      reader.u32();
      reader.u32();
      return;
    case 26: // any.convert_extern
    case 27: // extern.convert_any
    case 28: // ref.i31
      return;
    default:
      reader.fail("malformed", `instruction 0xfb ${op} cannot appear in a constant expression`, at);
  }
}

/** Export kinds by byte (core spec 5.5.10). */
const externKinds: readonly ExternKind[] = ["func", "table", "memory", "global", "tag"];

/** Export section (core spec 5.5.10); indices are checked because the explorer looks them up. */
function readExportSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  const count = reader.count("exports", 3);
  for (let i = 0; i < count; i++) {
    const name = reader.name();
    const kindAt = reader.offset;
    const kindByte = reader.u8();
    const kind = externKinds[kindByte];
    if (kind === undefined) reader.fail("malformed", `unknown export kind 0x${hex2(kindByte)} for "${name}"`, kindAt);
    const indexAt = reader.offset;
    const index = reader.u32();
    const [size, singular, plural] = indexSpace(state, kind);
    if (index >= size) {
      reader.fail(
        "malformed",
        `export "${name}" refers to ${singular} ${index}, but the module has ${countOf(size, singular, plural)}`,
        indexAt,
      );
    }
    state.exports.push({ name, kind, index });
  }
}

/** The size of an index space (core spec 5.5.1) at this point of the binary, and its nouns. */
function indexSpace(state: ModuleState, kind: ExternKind): [number, string, string] {
  switch (kind) {
    case "func":
      return [state.funcCount, "function", "functions"];
    case "table":
      return [state.tableCount, "table", "tables"];
    case "memory":
      return [state.memories.length, "memory", "memories"];
    case "global":
      return [state.globals.length, "global", "globals"];
    case "tag":
      return [state.tagCount, "tag", "tags"];
  }
}

/**
 * Code section (core spec 5.5.13): only the count and each body's size are read, so the cost
 * does not grow with the size of the bodies.
 */
function readCodeSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  state.hasCodeSection = true;
  const at = reader.offset;
  const count = reader.count("function bodies");
  if (count !== state.definedFuncCount) {
    reader.fail(
      "malformed",
      `the code section has ${countOf(count, "function body", "function bodies")}, but the function section declares ${countOf(state.definedFuncCount, "function")}`,
      at,
    );
  }
  // The bodies themselves are the engine's to validate: skipping the section whole keeps the
  // parser's cost independent of how much code a module has.
  reader.skip(reader.remaining);
}

/** Data section (core spec 5.5.14): active segments (flags 0 and 2) and passive ones (flags 1). */
function readDataSection(state: ModuleState): void {
  const reader: ByteReader = state.reader;
  state.hasDataSection = true;
  const countAt = reader.offset;
  const count = reader.count("data segments", 2);
  if (state.dataCount !== undefined && count !== state.dataCount) {
    reader.fail(
      "malformed",
      `the data section has ${countOf(count, "segment")}, but the data count section declares ${state.dataCount}`,
      countAt,
    );
  }
  for (let i = 0; i < count; i++) {
    const flagsAt = reader.offset;
    const flags = reader.u32();
    if (flags > 2) reader.fail("malformed", `unknown data segment flags ${flags}`, flagsAt);
    const isActive = flags !== 1;
    const memoryIndex = flags === 2 ? reader.u32() : 0;
    const offset = isActive ? readConstExpr(reader) : undefined;
    const size = reader.u32();
    reader.skip(size);
    // Spreading keeps `offset` absent, not undefined, when it is not a constant.
    const segment: DataSegment = { isActive, memoryIndex, ...(offset === undefined ? {} : { offset }), size };
    state.dataSegments.push(segment);
  }
}

/**
 * Turns what the sections said into the explorer's view of the module. It runs once per parse,
 * often before V8 has optimized it, so the work per export lives in small functions that are.
 */
function buildModuleInfo(state: ModuleState): ModuleInfo {
  const range = state.nameSection;
  let names: NameInfo | undefined;
  if (range !== undefined) {
    const read = readNameSection(state.bytes, range, exportedFuncFlags(state), (funcIndex) => state.funcTypeOf(funcIndex).params.length);
    names = read.names;
    state.extraSteps += read.steps;
  }
  // Parameter names are built once per function and shared by its exports, so re-exporting a
  // function many times costs one name list, not one per export.
  const paramNames: ParamNameCache = { byFunc: new Map(), byCount: new Map() };
  const functions: ExportedFunction[] = [];
  const globals: ExportedGlobal[] = [];
  let hasStart = false;
  let hasInitialize = false;
  const exports = state.exports;
  for (let i = 0; i < exports.length; i++) {
    const exported = exports[i]!;
    switch (exported.kind) {
      case "func":
        functions.push(exportedFunction(state, exported.name, exported.index, names, paramNames));
        if (exported.name === "_start") hasStart = true;
        if (exported.name === "_initialize") hasInitialize = true;
        break;
      case "memory":
        state.memories[exported.index]!.exportNames.push(exported.name);
        break;
      case "global": {
        const global = state.globals[exported.index]!;
        globals.push({ name: exported.name, globalIndex: exported.index, ...global });
        break;
      }
      case "table":
      case "tag":
        break;
    }
  }

  const module: ModuleInfo = {
    kind: binaryKind(hasStart, hasInitialize),
    byteLength: state.bytes.length,
    imports: state.imports,
    functions,
    memories: state.memories,
    globals,
    exports: state.exports,
    dataSegments: state.dataSegments,
    namedGlobals: namedGlobals(state, names),
    customSections: state.customSections,
  };
  if (names?.moduleName !== undefined) module.moduleName = names.moduleName;
  names?.dataNames.forEach((name, index) => {
    const segment = state.dataSegments[index];
    if (segment && name !== "") segment.name = name;
  });
  return module;
}

/** Globals with constant initial values that an export or the name section names, exports first. */
function namedGlobals(state: ModuleState, names: NameInfo | undefined): NamedGlobal[] {
  const named: NamedGlobal[] = [];
  const add = (name: string, globalIndex: number): void => {
    const initial = state.globalInits.get(globalIndex);
    if (initial !== undefined) named.push({ name, globalIndex, initial });
  };
  for (const exported of state.exports) if (exported.kind === "global") add(exported.name, exported.index);
  names?.globalNames.forEach((name, globalIndex) => add(name, globalIndex));
  return named;
}

/** A flag per function index, 1 for exported functions: the functions whose names are read. */
function exportedFuncFlags(state: ModuleState): Uint8Array {
  const isExported = new Uint8Array(state.funcCount);
  const exports = state.exports;
  for (let i = 0; i < exports.length; i++) {
    const exported = exports[i]!;
    if (exported.kind === "func") isExported[exported.index] = 1;
  }
  return isExported;
}

/** Parameter name lists already built: by function for names from the name section, by count for `pN`. */
interface ParamNameCache {
  byFunc: Map<number, string[]>;
  byCount: Map<number, string[]>;
}

/** One exported function with its type and names. */
function exportedFunction(
  state: ModuleState,
  name: string,
  funcIndex: number,
  names: NameInfo | undefined,
  cache: ParamNameCache,
): ExportedFunction {
  const type = state.funcTypeOf(funcIndex);
  const paramNames = paramNamesFor(state, funcIndex, type.params.length, names?.paramNames.get(funcIndex), cache);
  const isImported = funcIndex < state.importedFuncCount;
  const debugName = names?.functionNames.get(funcIndex);
  // Each shape is written out whole rather than `debugName` added later: V8 keeps a literal's
  // hidden class alive, but not one reached by adding a property, and optimized code that
  // depends on a hidden class is thrown away when a garbage collection drops it.
  return debugName ? { name, funcIndex, type, paramNames, isImported, debugName } : { name, funcIndex, type, paramNames, isImported };
}

/** WASI's conventions: a command exports `_start`, a reactor exports `_initialize`. */
function binaryKind(hasStart: boolean, hasInitialize: boolean): BinaryKind {
  if (hasStart && hasInitialize) return "ambiguous";
  if (hasStart) return "command";
  if (hasInitialize) return "reactor";
  return "module";
}

/**
 * A function's parameter names: from the name section when it names any parameter, otherwise
 * `p0`, `p1`, … built once per parameter count. Counts the names built as steps.
 */
function paramNamesFor(
  state: ModuleState,
  funcIndex: number,
  count: number,
  given: (string | undefined)[] | undefined,
  cache: ParamNameCache,
): string[] {
  const byKey = given === undefined ? cache.byCount : cache.byFunc;
  const key = given === undefined ? count : funcIndex;
  let names = byKey.get(key);
  if (names === undefined) {
    names = given === undefined ? defaultParamNames(count) : uniqueParamNames(count, given);
    state.extraSteps += count;
    byKey.set(key, names);
  }
  state.extraSteps++;
  return names;
}

/** `p0`, `p1`, … */
function defaultParamNames(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(`p${i}`);
  return names;
}

/** Most functions have few parameters, each with its own name: comparing pairs then costs less than a set. */
const maxParamsComparedInPairs = 16;

/**
 * The given names as they are when every parameter has a non-empty name of its own, as compilers
 * write them; `undefined` when a name is missing or repeated, or there are too many to compare.
 */
function distinctParamNames(count: number, given: (string | undefined)[]): string[] | undefined {
  if (count > maxParamsComparedInPairs) return undefined;
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = given[i];
    if (!name) return undefined;
    for (let j = 0; j < i; j++) if (names[j] === name) return undefined;
    names.push(name);
  }
  return names;
}

/**
 * Parameter names from the name section, made unique and non-empty so the UI can use them as
 * labels and keys: an empty or repeated name falls back to `pN` (or `pN_2`, … if that is taken).
 */
function uniqueParamNames(count: number, given: (string | undefined)[]): string[] {
  const named = distinctParamNames(count, given);
  if (named !== undefined) return named;
  const used = new Set<string>();
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = given[i];
    // An empty string stands for "no name" until the second pass gives it a fallback.
    if (name && !used.has(name)) {
      used.add(name);
      names.push(name);
    } else {
      names.push("");
    }
  }
  for (let i = 0; i < count; i++) {
    if (names[i] !== "") continue;
    let fallback = `p${i}`;
    for (let k = 2; used.has(fallback); k++) fallback = `p${i}_${k}`;
    used.add(fallback);
    names[i] = fallback;
  }
  return names;
}
