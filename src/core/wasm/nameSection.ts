/**
 * The reader of the name custom section (core spec 7.4.1): the module's name, function names and
 * parameter names, decoded for the functions the explorer shows only, and the names of globals and
 * data segments. It reads names; finding the
 * section and the rest of the module is parseModule.ts.
 */
import { ByteReader, WasmParseFailure } from "./byteReader";

/** Names the name section gives to exported functions and the module. */
export interface NameInfo {
  moduleName: string | undefined;
  functionNames: Map<number, string>;
  /** Parameter names by function index; a slot is empty when the section names no such local. */
  paramNames: Map<number, (string | undefined)[]>;
  /** Global names by global index (subsection 7). */
  globalNames: Map<number, string>;
  /** Data segment names by segment index (subsection 9). */
  dataNames: Map<number, string>;
}

/**
 * Reads the name section (core spec 7.4.1) whose content lies at `range` of `bytes`, for the
 * functions flagged 1 in `isWanted` only: other functions' names are skipped by length, never
 * decoded. `paramCountOf` gives a wanted function's parameter count, so only parameters' local
 * names are kept. It is debug information: when it is malformed it is ignored as a whole
 * (`names` undefined) and the module still loads, with `pN` parameter names. `steps` is the
 * reader's work, for the parser's statistics.
 */
export function readNameSection(
  bytes: Uint8Array,
  range: { start: number; end: number },
  isWanted: Uint8Array,
  paramCountOf: (funcIndex: number) => number,
): { names: NameInfo | undefined; steps: number } {
  const reader = new ByteReader(bytes, range.start, range.end);
  reader.where = 'custom section "name"';
  reader.section = "custom";
  const info: NameInfo = {
    moduleName: undefined,
    functionNames: new Map(),
    paramNames: new Map(),
    globalNames: new Map(),
    dataNames: new Map(),
  };
  try {
    while (!reader.isAtEnd) {
      const id = reader.u8();
      const size = reader.u32();
      if (size > reader.remaining) reader.fail("malformed", "a name subsection is longer than the section", reader.offset);
      const end = reader.offset + size;
      const outerEnd = reader.end;
      reader.end = end;
      if (id === 0) info.moduleName = reader.name();
      else if (id === 1) reader.nameMap(reader.count("function names", 2), isWanted, info.functionNames);
      else if (id === 2) readLocalNames(reader, isWanted, paramCountOf, info.paramNames);
      else if (id === 7) readNameMap(reader, "global names", info.globalNames);
      else if (id === 9) readNameMap(reader, "data segment names", info.dataNames);
      else reader.skip(reader.remaining);
      if (reader.offset !== end) reader.fail("malformed", "a name subsection is not read exactly", reader.offset);
      reader.end = outerEnd;
    }
    return { names: info, steps: reader.steps };
  } catch (caught) {
    if (caught instanceof WasmParseFailure) return { names: undefined, steps: reader.steps };
    throw caught;
  }
}

/** A name map (core spec 7.4.1) decoded whole: modules name few globals and data segments. */
function readNameMap(reader: ByteReader, what: string, names: Map<number, string>): void {
  const count = reader.count(what, 2);
  for (let i = 0; i < count; i++) {
    const index = reader.u32();
    names.set(index, reader.name());
  }
}

/**
 * Local names: an indirect name map (core spec 7.4.1). Only parameters of wanted functions are
 * decoded; the local maps of other functions are skipped entry by entry without decoding.
 */
function readLocalNames(
  reader: ByteReader,
  isWanted: Uint8Array,
  paramCountOf: (funcIndex: number) => number,
  names: Map<number, (string | undefined)[]>,
): void {
  const count = reader.count("functions with local names", 2);
  for (let i = 0; i < count; i++) {
    const funcIndex = reader.u32();
    const locals = reader.count("local names", 2);
    // An index past the function index space reads as undefined: not wanted.
    if (isWanted[funcIndex] !== 1) {
      reader.skipNameMap(locals);
      continue;
    }
    const paramCount = paramCountOf(funcIndex);
    let params = names.get(funcIndex);
    for (let j = 0; j < locals; j++) {
      const localIndex = reader.u32();
      if (localIndex < paramCount) {
        params ??= [];
        params[localIndex] = reader.name();
      } else {
        reader.skipName();
      }
    }
    if (params !== undefined) names.set(funcIndex, params);
  }
}
