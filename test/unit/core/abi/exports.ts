/** Compact exported functions and modules for the convention tests: what the module parser would read. */
import type { ExportedFunction, ModuleInfo, ValType } from "../../../../src/core/wasm/types";

/** An exported function from a compact signature: `fn("f", ["i32"], ["i32"], ["ptr"])`. */
export function fn(name: string, params: ValType[], results: ValType[] = [], names?: string[]): ExportedFunction {
  return { name, funcIndex: 0, type: { params, results }, paramNames: names ?? params.map((_, i) => `p${i}`), isImported: false };
}

/** A module exporting `memory` and the given functions. */
export function mod(...functions: ExportedFunction[]): ModuleInfo {
  return {
    kind: "reactor",
    byteLength: 0,
    imports: [],
    functions,
    memories: [{ index: 0, limits: { min: 1 }, isImported: false, exportNames: ["memory"] }],
    globals: [],
    exports: functions.map((f, index) => ({ name: f.name, kind: "func" as const, index })),
    dataSegments: [],
    namedGlobals: [],
    customSections: [],
  };
}

/** A C allocator pair: `malloc(size)` and `free(ptr)`. */
export const MALLOC = [fn("malloc", ["i32"], ["i32"]), fn("free", ["i32"], [])];
