/**
 * Tests for `parseModule`: modules built from WAT with wabt (so names come from a real name
 * section), hand-made bytes for what no assembler emits, and every way a binary can be broken.
 */

import assert from "node:assert/strict";
import createWabt from "wabt";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import type { ParseStats, WasmParseError } from "../../../../src/core/wasm/parseModule";
import type { Import, ModuleInfo, ValType } from "../../../../src/core/wasm/types";
import { uleb } from "./leb128";

type Wabt = Awaited<ReturnType<typeof createWabt>>;

let wabt: Wabt;

before(async () => {
  wabt = await createWabt();
});

/** Every feature our parser reads, so one helper assembles every test module. */
const features = {
  multi_value: true,
  simd: true,
  reference_types: true,
  bulk_memory: true,
  threads: true,
  memory64: true,
  exceptions: true,
  extended_const: true,
  mutable_globals: true,
  sign_extension: true,
  sat_float_to_int: true,
};

/** Assembles WAT to a binary, with a name section unless `names` is false. */
function wat(text: string, names = true): Uint8Array {
  // Bytes in their own buffer: wabt reads a JS string as Latin-1, and ignores a view's byteOffset.
  const module = wabt.parseWat("test.wat", new TextEncoder().encode(text), features);
  try {
    module.resolveNames();
    return module.toBinary({ write_debug_names: names }).buffer;
  } finally {
    module.destroy();
  }
}

function parseOk(bytes: Uint8Array): ModuleInfo {
  const result = parseModule(bytes);
  if (!result.ok) assert.fail(`expected the module to parse, got: ${result.error.message}`);
  return result.module;
}

function parseError(bytes: Uint8Array): WasmParseError {
  const result = parseModule(bytes);
  if (result.ok) assert.fail("expected a parse error, but the module parsed");
  assert.equal(result.error.name, "WasmParseError");
  assert.ok(result.error.offset >= 0 && result.error.offset <= bytes.length, `offset ${result.error.offset} is outside the input`);
  return result.error;
}

// Hand-made binaries: just enough of an encoder to write what wabt will not.

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, "utf8")];
  return [...uleb(bytes.length), ...bytes];
}

function vec(entries: number[][]): number[] {
  return [...uleb(entries.length), ...entries.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function binary(...sections: number[][]): Uint8Array {
  return Uint8Array.from([...header, ...sections.flat()]);
}

const i32 = 0x7f;
const funcType = (params: number[], results: number[] = []): number[] => [
  0x60,
  ...vec(params.map((p) => [p])),
  ...vec(results.map((r) => [r])),
];
const typeSection = (...types: number[][]): number[] => section(1, vec(types));
const functionSection = (...typeIndices: number[]): number[] => section(3, vec(typeIndices.map((t) => uleb(t))));
const exportFunc = (exportName: string, index: number): number[] => [...name(exportName), 0x00, ...uleb(index)];
const exportSection = (...entries: number[][]): number[] => section(7, vec(entries));
/** A body that only ends: no locals, `end`. */
const emptyBody = [0x02, 0x00, 0x0b];
const codeSection = (count: number): number[] => section(10, vec(Array.from({ length: count }, () => emptyBody)));
const customSection = (sectionName: string, content: number[]): number[] => section(0, [...name(sectionName), ...content]);
const nameSubsection = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];

/** One exported function `f` of type (i32 × params) -> (), plus any extra sections at the end. */
function oneFunction(params: number, ...extra: number[][]): Uint8Array {
  return binary(
    typeSection(funcType(Array<number>(params).fill(i32))),
    functionSection(0),
    exportSection(exportFunc("f", 0)),
    codeSection(1),
    ...extra,
  );
}

/** A name section giving function 0 the local names in `locals` (index → name). */
function localNamesSection(locals: [number, number[]][]): number[] {
  const map = vec(locals.map(([index, bytes]) => [...uleb(index), ...uleb(bytes.length), ...bytes]));
  return customSection("name", nameSubsection(2, vec([[0x00, ...map]])));
}

const utf8 = (text: string): number[] => [...Buffer.from(text, "utf8")];

describe("parseModule", () => {
  describe("function signatures", () => {
    const valTypes: ValType[] = ["i32", "i64", "f32", "f64", "v128", "funcref", "externref"];
    for (const type of valTypes) {
      it(`reads ${type} as a parameter and a result`, () => {
        const module = parseOk(wat(`(module (func (export "f") (param ${type}) (result ${type}) unreachable))`));
        assert.deepEqual(module.functions[0]!.type, { params: [type], results: [type] });
      });
    }

    it("reads multi-value results in order", () => {
      const module = parseOk(wat(`(module (func (export "f") (param i32 i64) (result f64 i32 i64 f32) unreachable))`));
      assert.deepEqual(module.functions[0]!.type, { params: ["i32", "i64"], results: ["f64", "i32", "i64", "f32"] });
    });

    it("lists exported functions in export order, with function indices after imported functions", () => {
      const module = parseOk(
        wat(`(module
          (import "env" "log" (func $log (param i32)))
          (func $b (export "b") (param f32))
          (func $a (export "a") (param i64) (result i32) unreachable)
          (export "log_again" (func $log)))`),
      );
      assert.deepEqual(
        module.functions.map((f) => [f.name, f.funcIndex, f.isImported, f.type.params]),
        [
          ["b", 1, false, ["f32"]],
          ["a", 2, false, ["i64"]],
          ["log_again", 0, true, ["i32"]],
        ],
      );
    });
  });

  describe("function section", () => {
    /** A module whose type `index` has `params` i32 parameters, among `typeCount` types of () -> (). */
    function manyTypes(typeCount: number, params: Map<number, number>): number[] {
      return typeSection(...Array.from({ length: typeCount }, (_, index) => funcType(Array<number>(params.get(index) ?? 0).fill(i32))));
    }

    it("reads type indices of one, two and three bytes, padded encodings included", () => {
      const params = new Map([
        [127, 1],
        [128, 2],
        [16_383, 3],
        [16_384, 4],
        [19_999, 5],
      ]);
      // 128 and 127 again, padded to three bytes: still valid LEB128 (core spec 5.2.2).
      const entries = [...[127, 128, 16_383, 16_384, 19_999].map((t) => uleb(t)), [0x80, 0x81, 0x00], [0xff, 0x80, 0x00]];
      const module = parseOk(
        binary(
          manyTypes(20_000, params),
          section(3, vec(entries)),
          exportSection(...entries.map((_, f) => exportFunc(`f${f}`, f))),
          codeSection(entries.length),
        ),
      );
      assert.deepEqual(
        module.functions.map((f) => f.type.params.length),
        [1, 2, 3, 4, 5, 2, 1],
      );
    });

    it("reports the first type index out of range at its own offset, after two-byte indices", () => {
      const types = manyTypes(200, new Map());
      const bytes = binary(types, section(3, vec([uleb(199), uleb(150), uleb(200), uleb(1)])), codeSection(4));
      const error = parseError(bytes);
      assert.match(error.message, /type index 200 is out of range: the module declares 200 types/);
      // Header, type section, the function section's id, size and count, then two 2-byte entries.
      assert.equal(error.offset, 8 + types.length + 3 + 4);
      assert.equal(error.section, "function");
    });

    it("reports a two-byte type index that names a struct as not a function type", () => {
      const struct = [0x5f, ...vec([[i32, 0x01]])];
      const types = section(1, vec([...Array.from({ length: 130 }, () => funcType([])), struct]));
      const error = parseError(binary(types, section(3, vec([uleb(0), uleb(130)])), codeSection(2)));
      assert.match(error.message, /type 130 is not a function type/);
      assert.equal(error.offset, 8 + types.length + 3 + 1);
    });
  });

  describe("imports", () => {
    const cases: { title: string; wat: string; expected: Import }[] = [
      {
        title: "a WASI function",
        wat: `(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))`,
        expected: {
          module: "wasi_snapshot_preview1",
          name: "fd_write",
          desc: { kind: "func", typeIndex: 0, type: { params: ["i32", "i32", "i32", "i32"], results: ["i32"] } },
        },
      },
      {
        title: "a non-WASI function",
        wat: `(import "env" "log" (func (param f64 externref)))`,
        expected: { module: "env", name: "log", desc: { kind: "func", typeIndex: 0, type: { params: ["f64", "externref"], results: [] } } },
      },
      {
        title: "a funcref table with a maximum",
        wat: `(import "env" "table" (table 2 10 funcref))`,
        expected: { module: "env", name: "table", desc: { kind: "table", elemType: "funcref", limits: { min: 2, max: 10 } } },
      },
      {
        title: "an externref table without a maximum",
        wat: `(import "env" "refs" (table 0 externref))`,
        expected: { module: "env", name: "refs", desc: { kind: "table", elemType: "externref", limits: { min: 0 } } },
      },
      {
        title: "a memory with a maximum",
        wat: `(import "env" "memory" (memory 1 256))`,
        expected: { module: "env", name: "memory", desc: { kind: "memory", limits: { min: 1, max: 256 } } },
      },
      {
        title: "a shared memory",
        wat: `(import "env" "memory" (memory 17 32 shared))`,
        expected: { module: "env", name: "memory", desc: { kind: "memory", limits: { min: 17, max: 32, isShared: true } } },
      },
      {
        title: "a memory64 memory",
        wat: `(import "env" "memory" (memory i64 3))`,
        expected: { module: "env", name: "memory", desc: { kind: "memory", limits: { min: 3, is64: true } } },
      },
      {
        title: "an immutable global",
        wat: `(import "env" "base" (global i32))`,
        expected: { module: "env", name: "base", desc: { kind: "global", valType: "i32", isMutable: false } },
      },
      {
        title: "a mutable global",
        wat: `(import "env" "sp" (global (mut i64)))`,
        expected: { module: "env", name: "sp", desc: { kind: "global", valType: "i64", isMutable: true } },
      },
      {
        title: "a tag",
        wat: `(import "env" "exn" (tag (param i32)))`,
        expected: { module: "env", name: "exn", desc: { kind: "tag", typeIndex: 0 } },
      },
    ];
    for (const { title, wat: text, expected } of cases) {
      it(`reads ${title}`, () => {
        assert.deepEqual(parseOk(wat(`(module ${text})`)).imports, [expected]);
      });
    }

    it("reads imports with non-ASCII names", () => {
      const module = parseOk(wat(`(module (import "modülé" "日本語🎉" (func)))`));
      assert.deepEqual([module.imports[0]!.module, module.imports[0]!.name], ["modülé", "日本語🎉"]);
    });
  });

  describe("memories", () => {
    it("lists imported memories first, with limits and export names", () => {
      const module = parseOk(
        wat(`(module
          (import "env" "memory" (memory $imported 1 2))
          (memory $a 3)
          (memory $b i64 4 5)
          (export "memory" (memory $a))
          (export "alias" (memory $a))
          (export "big" (memory $b))
          (export "env_memory" (memory $imported)))`),
      );
      assert.deepEqual(module.memories, [
        { index: 0, limits: { min: 1, max: 2 }, isImported: true, exportNames: ["env_memory"] },
        { index: 1, limits: { min: 3 }, isImported: false, exportNames: ["memory", "alias"] },
        { index: 2, limits: { min: 4, max: 5, is64: true }, isImported: false, exportNames: ["big"] },
      ]);
    });

    it("lists an unexported memory with no export names", () => {
      assert.deepEqual(parseOk(wat(`(module (memory 1 1))`)).memories, [
        { index: 0, limits: { min: 1, max: 1 }, isImported: false, exportNames: [] },
      ]);
    });

    it("reads the memory64 flag together with the shared flag", () => {
      const module = parseOk(wat(`(module (memory (export "m") i64 1 2 shared))`));
      assert.deepEqual(module.memories[0]!.limits, { min: 1, max: 2, is64: true, isShared: true });
    });

    it("reads 64-bit limits above 2^32", () => {
      const limits = [0x05, ...uleb(2 ** 40), ...uleb(2 ** 41)];
      const module = parseOk(binary(section(5, vec([limits]))));
      assert.deepEqual(module.memories[0]!.limits, { min: 2 ** 40, max: 2 ** 41, is64: true });
    });
  });

  describe("exported globals", () => {
    it("reads each global's type and mutability, skipping every kind of constant initializer", () => {
      const module = parseOk(
        wat(`(module
          (import "env" "base" (global $base i32))
          (export "base" (global $base))
          (global (export "sp") (mut i64) (i64.const -1))
          (global (export "v") v128 (v128.const i32x4 1 2 3 4))
          (global (export "r") funcref (ref.null func))
          (global (export "sum") i32 (i32.add (global.get $base) (i32.mul (i32.const 2) (i32.const 3))))
          (global (export "f") f32 (f32.const 1.5))
          (global (export "d") (mut f64) (f64.const 2.5))
          (global $hidden i32 (i32.const 0)))`),
      );
      assert.deepEqual(
        module.globals.map((g) => [g.name, g.globalIndex, g.valType, g.isMutable, g.isImported]),
        [
          ["base", 0, "i32", false, true],
          ["sp", 1, "i64", true, false],
          ["v", 2, "v128", false, false],
          ["r", 3, "funcref", false, false],
          ["sum", 4, "i32", false, false],
          ["f", 5, "f32", false, false],
          ["d", 6, "f64", true, false],
        ],
      );
    });
  });

  describe("exports", () => {
    it("lists every export in binary order with its kind and index", () => {
      const module = parseOk(
        wat(`(module
          (func (export "f"))
          (table (export "t") 1 funcref)
          (memory (export "m") 1)
          (global (export "g") i32 (i32.const 0))
          (tag (export "e") (param i32)))`),
      );
      assert.deepEqual(module.exports, [
        { name: "f", kind: "func", index: 0 },
        { name: "t", kind: "table", index: 0 },
        { name: "m", kind: "memory", index: 0 },
        { name: "g", kind: "global", index: 0 },
        { name: "e", kind: "tag", index: 0 },
      ]);
    });
  });

  describe("names", () => {
    it("takes function, parameter and module names from the name section", () => {
      const module = parseOk(
        wat(`(module $calc (func $add (export "add") (param $left i32) (param $right i32) (result i32) local.get 0))`),
      );
      assert.equal(module.moduleName, "calc");
      assert.equal(module.functions[0]!.debugName, "add");
      assert.deepEqual(module.functions[0]!.paramNames, ["left", "right"]);
    });

    it("names unnamed parameters pN by position", () => {
      const module = parseOk(wat(`(module (func (export "f") (param $a i32) (param i64) (param $c f32) (local $x i32)))`));
      assert.deepEqual(module.functions[0]!.paramNames, ["a", "p1", "c"]);
    });

    it("falls back to p0, p1, … without a name section", () => {
      const module = parseOk(wat(`(module $m (func $f (export "f") (param $a i32) (param $b i32)))`, false));
      assert.deepEqual(module.functions[0]!.paramNames, ["p0", "p1"]);
      assert.equal(module.functions[0]!.debugName, undefined);
      assert.equal(module.moduleName, undefined);
    });

    it("gives a re-exported import the import's names", () => {
      const module = parseOk(wat(`(module (import "env" "log" (func $log (param $message i32))) (export "log" (func $log)))`));
      assert.deepEqual([module.functions[0]!.debugName, module.functions[0]!.paramNames], ["log", ["message"]]);
    });

    const fallbackCases: { title: string; locals: [number, number[]][]; expected: string[] }[] = [
      {
        title: "an empty name",
        locals: [
          [0, utf8("x")],
          [1, []],
          [2, utf8("z")],
        ],
        expected: ["x", "p1", "z"],
      },
      {
        title: "a repeated name",
        locals: [
          [0, utf8("x")],
          [1, utf8("x")],
          [2, utf8("y")],
        ],
        expected: ["x", "p1", "y"],
      },
      { title: "a name that is another parameter's fallback", locals: [[1, utf8("p0")]], expected: ["p0_2", "p0", "p2"] },
      {
        title: "names of locals past the parameters",
        locals: [
          [2, utf8("c")],
          [3, utf8("local")],
        ],
        expected: ["p0", "p1", "c"],
      },
    ];
    for (const { title, locals, expected } of fallbackCases) {
      it(`replaces ${title} so parameter names stay unique and non-empty`, () => {
        const module = parseOk(oneFunction(3, localNamesSection(locals)));
        assert.deepEqual(module.functions[0]!.paramNames, expected);
      });
    }

    const brokenNameSections: { title: string; content: number[] }[] = [
      { title: "invalid UTF-8 in a local name", content: nameSubsection(2, vec([[0x00, ...vec([[0x00, 0x01, 0xff]])]])) },
      { title: "a subsection longer than the section", content: [0x01, 0x20, 0x01] },
      { title: "a subsection with bytes left over", content: nameSubsection(0, [...name("m"), 0x00]) },
      { title: "a huge name count", content: nameSubsection(1, [0xff, 0xff, 0xff, 0xff, 0x0f]) },
    ];
    for (const { title, content } of brokenNameSections) {
      it(`ignores a name section with ${title} and still loads the module`, () => {
        const module = parseOk(oneFunction(2, customSection("name", [...nameSubsection(0, name("kept?")), ...content])));
        assert.deepEqual(module.functions[0]!.paramNames, ["p0", "p1"]);
        assert.equal(module.moduleName, undefined);
        assert.deepEqual(module.customSections, ["name"]);
      });
    }

    describe("of exported functions among 20,000", () => {
      const functionCount = 20_000;
      // Indices whose LEB128 takes one, two and three bytes, on both sides of each boundary.
      const exported = [0, 127, 128, 16_383, 16_384, functionCount - 1];
      const isExported = new Set(exported);
      const invalidUtf8 = [0xc0, 0xff];
      const functionNames: [number, number[]][] = Array.from({ length: functionCount }, (_, index) => [index, utf8(`fn_${index}`)]);
      functionNames[5] = [5, invalidUtf8];
      functionNames[16_383] = [16_383, utf8("long_".repeat(30))];
      functionNames[functionCount - 1] = [functionCount - 1, utf8("é".repeat(100))];
      // A name for an index past the function index space, as a stripped module may keep.
      functionNames.push([2 ** 31, utf8("gone")]);
      const localNames: [number, [number, number[]][]][] = [
        [127, [[1, utf8("right")]]],
        [
          128,
          [
            [0, utf8("x")],
            [1, utf8("y")],
            [2, utf8("local")],
          ],
        ],
        [200, [[0, invalidUtf8]]],
        [
          functionCount - 1,
          [
            [0, utf8("ü")],
            [1, utf8("ü")],
          ],
        ],
        [functionCount + 10, [[0, invalidUtf8]]],
      ];
      const nameMap = (entries: [number, number[]][]): number[] =>
        vec(entries.map(([index, bytes]) => [...uleb(index), ...uleb(bytes.length), ...bytes]));
      const nameSection = customSection("name", [
        ...nameSubsection(1, nameMap(functionNames)),
        ...nameSubsection(2, vec(localNames.map(([index, locals]) => [...uleb(index), ...nameMap(locals)]))),
      ]);
      let module: ModuleInfo;

      before(() => {
        module = parseOk(
          binary(
            typeSection(funcType([]), funcType([i32, i32])),
            functionSection(...Array.from({ length: functionCount }, (_, index) => (isExported.has(index) ? 1 : 0))),
            exportSection(...exported.map((index) => exportFunc(`export_${index}`, index))),
            codeSection(functionCount),
            nameSection,
          ),
        );
      });

      it("gives each exported function its own name, whatever the size of its index and name", () => {
        assert.deepEqual(
          module.functions.map((f) => [f.name, f.debugName]),
          [
            ["export_0", "fn_0"],
            ["export_127", "fn_127"],
            ["export_128", "fn_128"],
            ["export_16383", "long_".repeat(30)],
            ["export_16384", "fn_16384"],
            [`export_${functionCount - 1}`, "é".repeat(100)],
          ],
        );
      });

      it("reads parameter names of exported functions only: invalid names of other functions do not matter", () => {
        assert.deepEqual(
          module.functions.map((f) => f.paramNames),
          [
            ["p0", "p1"],
            ["p0", "right"],
            ["x", "y"],
            ["p0", "p1"],
            ["p0", "p1"],
            ["ü", "p1"],
          ],
        );
      });
    });

    it("skips name subsections it does not read (labels, types, tags, …)", () => {
      const module = parseOk(
        oneFunction(
          1,
          customSection("name", [...nameSubsection(0, name("m")), ...nameSubsection(3, [0x01, 0x02, 0x03]), ...nameSubsection(11, [0x00])]),
        ),
      );
      assert.equal(module.moduleName, "m");
    });

    it("lists custom sections in order", () => {
      const module = parseOk(
        binary(
          customSection("producers", [0x00]),
          typeSection(),
          customSection("target_features", []),
          customSection("component-type:x", [1, 2]),
        ),
      );
      assert.deepEqual(module.customSections, ["producers", "target_features", "component-type:x"]);
    });
  });

  describe("kind", () => {
    const cases: { exports: string; kind: ModuleInfo["kind"] }[] = [
      { exports: `(func (export "_initialize")) (func (export "add"))`, kind: "reactor" },
      { exports: `(func (export "_start"))`, kind: "command" },
      { exports: `(func (export "_start")) (func (export "_initialize"))`, kind: "ambiguous" },
      { exports: `(func (export "main"))`, kind: "module" },
      { exports: `(global (export "_start") i32 (i32.const 0)) (memory (export "_initialize") 1)`, kind: "module" },
      { exports: ``, kind: "module" },
    ];
    for (const { exports, kind } of cases) {
      it(`calls a module exporting ${exports || "nothing"} ${kind === "ambiguous" ? "an" : "a"} ${kind}`, () => {
        assert.equal(parseOk(wat(`(module ${exports})`)).kind, kind);
      });
    }
  });

  describe("data segments", () => {
    it("reads constant offsets as unsigned addresses, and sizes", () => {
      const module = parseOk(
        wat(`(module
          (import "env" "base" (global $base i32))
          (memory 1)
          (data (i32.const 1024) "hello")
          (data (i32.const -1) "z")
          (data (global.get $base) "abc")
          (data "passive!"))`),
      );
      assert.deepEqual(module.dataSegments, [
        { isActive: true, memoryIndex: 0, offset: 1024, size: 5 },
        { isActive: true, memoryIndex: 0, offset: 0xffffffff, size: 1 },
        { isActive: true, memoryIndex: 0, size: 3 },
        { isActive: false, memoryIndex: 0, size: 8 },
      ]);
    });

    it("reads an i64.const offset into a memory64 memory", () => {
      const module = parseOk(wat(`(module (memory i64 2) (data (i64.const 65536) "abc"))`));
      assert.deepEqual(module.dataSegments, [{ isActive: true, memoryIndex: 0, offset: 65536, size: 3 }]);
    });

    it("reads an explicit memory index (flags 2) and leaves an extended-const offset unset", () => {
      const memories = section(
        5,
        vec([
          [0x00, 0x01],
          [0x00, 0x01],
        ]),
      );
      const data = section(
        11,
        vec([
          [0x02, 0x01, 0x41, 0x10, 0x0b, 0x02, 0xaa, 0xbb],
          [0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b, 0x00],
        ]),
      );
      assert.deepEqual(parseOk(binary(memories, data)).dataSegments, [
        { isActive: true, memoryIndex: 1, offset: 16, size: 2 },
        { isActive: true, memoryIndex: 0, size: 0 },
      ]);
    });
  });

  describe("types of the GC proposal", () => {
    const recGroup = [0x4e, ...vec([[0x5f, ...vec([[i32, 0x01]])], funcType([i32])])];
    it("accepts a recursive group and counts its members as types", () => {
      const module = parseOk(
        binary(
          section(1, vec([recGroup, [0x50, 0x00, ...funcType([], [i32])]])),
          functionSection(1),
          exportSection(exportFunc("f", 0)),
          codeSection(1),
        ),
      );
      assert.deepEqual(module.functions[0]!.type, { params: ["i32"], results: [] });
    });

    it("rejects a function whose type is a struct", () => {
      const error = parseError(binary(section(1, vec([recGroup])), functionSection(0), codeSection(1)));
      assert.equal(error.code, "malformed");
      assert.match(error.message, /type 0 is not a function type/);
    });

    it("reports GC reference types as unsupported", () => {
      const error = parseError(binary(typeSection([0x60, 0x01, 0x6e, 0x00])));
      assert.equal(error.code, "unsupported");
      assert.match(error.message, /anyref/);
    });
  });

  describe("headers that are not a core module", () => {
    const cases: { title: string; bytes: number[]; code: WasmParseError["code"]; message: RegExp; offset: number }[] = [
      { title: "empty input", bytes: [], code: "empty", message: /empty/, offset: 0 },
      {
        title: "an ELF file",
        bytes: [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0],
        code: "notWasm",
        message: /not WebAssembly.*7f 45 4c 46/,
        offset: 0,
      },
      { title: "WAT text", bytes: utf8("(module)"), code: "notWasm", message: /text format/, offset: 0 },
      {
        title: "a component",
        bytes: [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00],
        code: "component",
        message: /component \(component model\), not a core module/,
        offset: 4,
      },
      {
        title: "version 2",
        bytes: [0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00],
        code: "unsupportedVersion",
        message: /version 2 .*02 00 00 00/,
        offset: 4,
      },
      {
        title: "a header cut short",
        bytes: [0x00, 0x61, 0x73, 0x6d, 0x01],
        code: "truncated",
        message: /^Truncated header: expected 3 more bytes at offset 0x5 \(5\)\.$/,
        offset: 5,
      },
      { title: "half the magic", bytes: [0x00, 0x61], code: "truncated", message: /expected 6 more bytes/, offset: 2 },
    ];
    for (const { title, bytes, code, message, offset } of cases) {
      it(`reports ${title} as ${code}`, () => {
        const error = parseError(Uint8Array.from(bytes));
        assert.deepEqual([error.code, error.offset, error.section], [code, offset, "header"]);
        assert.match(error.message, message);
      });
    }

    it("accepts a bare header as an empty module", () => {
      assert.deepEqual(parseOk(Uint8Array.from(header)), {
        kind: "module",
        byteLength: 8,
        imports: [],
        functions: [],
        memories: [],
        globals: [],
        exports: [],
        dataSegments: [],
        namedGlobals: [],
        customSections: [],
      });
    });
  });

  describe("broken binaries", () => {
    /** A module with every section the parser reads, so truncation hits each of them. */
    const richWat = `(module $rich
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "env" "memory" (memory 1 2))
      (import "env" "exn" (tag $imported (param i64)))
      (table $t 2 funcref)
      (memory $own i64 1)
      (tag $e (param i32))
      (global $g (mut i32) (i32.const 66560))
      (global $h i64 (i64.add (i64.const 1) (i64.const 2)))
      (func $add (export "add") (param $a i32) (param $b i32) (result i32) (i32.add (local.get $a) (local.get $b)))
      (func $init (export "_initialize") (drop (call $fd_write (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))
      (export "memory" (memory $own))
      (export "sp" (global $g))
      (export "e" (tag $e))
      (start $init)
      (elem (i32.const 0) $add $init)
      (data (i32.const 16) "hello")
      (data "passive"))`;

    it("parses the whole module", () => {
      const module = parseOk(wat(richWat));
      assert.equal(module.kind, "reactor");
      assert.deepEqual(module.functions[0]!.paramNames, ["a", "b"]);
      assert.equal(module.dataSegments[0]!.offset, 16);
    });

    it("fails every cut of the module that is not at a section boundary as truncated, never throwing", () => {
      const bytes = wat(richWat);
      const boundaries = sectionBoundaries(bytes);
      let truncations = 0;
      for (let length = 1; length < bytes.length; length++) {
        const result = parseModule(bytes.slice(0, length));
        if (boundaries.has(length)) {
          if (!result.ok) assert.equal(result.error.code, "malformed", `cut at ${length}: ${result.error.message}`);
          continue;
        }
        assert.ok(!result.ok, `cut at ${length} parsed`);
        assert.equal(result.error.code, "truncated", `cut at ${length}: ${result.error.message}`);
        assert.ok(result.error.offset <= length, `cut at ${length}: offset ${result.error.offset}`);
        truncations++;
      }
      assert.ok(truncations > bytes.length - 30);
    });

    const cases: { title: string; bytes: Uint8Array; code: WasmParseError["code"]; message: RegExp; offset?: number }[] = [
      {
        title: "a section size past the end of the input",
        bytes: binary([0x01, 0x10, 0x01, 0x60]),
        code: "truncated",
        message: /^Truncated type section: expected 14 more bytes \(the section declares 16\) at offset 0xc \(12\)\.$/,
        offset: 12,
      },
      {
        title: "an import section cut inside a name",
        bytes: binary([0x02, 0x06, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x66]),
        code: "malformed",
        message:
          /^Malformed import section: the content overruns the declared section size; expected 5 more bytes at offset 0x10 \(16\)\.$/,
      },
      {
        title: "an import name cut by the end of the input",
        bytes: binary([0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x66]),
        code: "truncated",
        message: /^Truncated/,
      },
      {
        title: "sections out of order",
        bytes: binary(functionSection(), typeSection()),
        code: "malformed",
        message: /type section comes after the function section/,
        offset: 11,
      },
      {
        title: "a section that appears twice",
        bytes: binary(typeSection(), typeSection()),
        code: "malformed",
        message: /type section appears twice/,
        offset: 11,
      },
      {
        title: "the data count section after the code section",
        bytes: binary(codeSection(0), section(12, [0x00])),
        code: "malformed",
        message: /data count section comes after the code section/,
      },
      { title: "an unknown section id", bytes: binary(section(14, [])), code: "malformed", message: /unknown section id 14/, offset: 8 },
      {
        title: "a LEB128 longer than 5 bytes",
        bytes: binary([0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
        code: "malformed",
        message: /longer than 5 bytes/,
        offset: 9,
      },
      {
        title: "a LEB128 past 32 bits",
        bytes: binary([0x01, 0xff, 0xff, 0xff, 0xff, 0x1f]),
        code: "malformed",
        message: /does not fit in 32 bits/,
        offset: 9,
      },
      {
        title: "a huge vector count",
        bytes: binary([0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f]),
        code: "truncated",
        message: /the number of types \(4294967295\) needs at least 4294967295 bytes, but only 0 remain/,
        offset: 10,
      },
      {
        title: "a huge vector count inside a short section",
        bytes: binary([0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f], customSection("x", [])),
        code: "malformed",
        message: /the number of types \(4294967295\)/,
      },
      {
        title: "invalid UTF-8 in an export name",
        bytes: binary(section(7, vec([[0x02, 0x61, 0xc0, 0x02, 0x00]]))),
        code: "malformed",
        message: /not valid UTF-8 \(byte 0xc0\)/,
        offset: 13,
      },
      {
        title: "an unknown value type",
        bytes: binary(typeSection([0x60, 0x01, 0x40, 0x00])),
        code: "malformed",
        message: /unknown value type 0x40/,
        offset: 13,
      },
      {
        title: "an unknown type form",
        bytes: binary(typeSection([0x61, 0x00, 0x00])),
        code: "malformed",
        message: /unknown type form 0x61/,
      },
      {
        title: "more function bodies than functions",
        bytes: binary(typeSection(funcType([])), functionSection(0), codeSection(2)),
        code: "malformed",
        message: /2 function bodies, but the function section declares 1 function at/,
      },
      {
        title: "functions without a code section",
        bytes: binary(typeSection(funcType([])), functionSection(0, 0)),
        code: "malformed",
        message: /declares 2 functions but there is no code section/,
      },
      {
        title: "a type index out of range",
        bytes: binary(typeSection(funcType([])), functionSection(1), codeSection(1)),
        code: "malformed",
        message: /type index 1 is out of range/,
      },
      {
        title: "an export index out of range",
        bytes: binary(exportSection(exportFunc("f", 0))),
        code: "malformed",
        message: /export "f" refers to function 0, but the module has 0 functions/,
      },
      {
        title: "an unknown export kind",
        bytes: binary(exportSection([...name("x"), 0x07, 0x00])),
        code: "malformed",
        message: /unknown export kind 0x07/,
      },
      {
        title: "an unknown import kind",
        bytes: binary(section(2, vec([[...name("a"), ...name("b"), 0x09]]))),
        code: "malformed",
        message: /unknown import kind 0x09 for "a" "b"/,
      },
      {
        title: "unknown limits flags",
        bytes: binary(section(5, vec([[0x08, 0x01]]))),
        code: "malformed",
        message: /unknown limits flags 0x08/,
      },
      {
        title: "an i32 table",
        bytes: binary(section(4, vec([[i32, 0x00, 0x01]]))),
        code: "malformed",
        message: /element type must be a reference type, not i32/,
      },
      {
        title: "a global mutability of 2",
        bytes: binary(section(6, vec([[i32, 0x02, 0x41, 0x00, 0x0b]]))),
        code: "malformed",
        message: /unknown mutability 0x02/,
      },
      {
        title: "a non-constant instruction in a global's initializer",
        bytes: binary(section(6, vec([[i32, 0x00, 0x20, 0x00, 0x0b]]))),
        code: "malformed",
        message: /instruction 0x20 cannot appear in a constant expression/,
      },
      {
        title: "an initializer without end",
        bytes: binary(section(6, vec([[i32, 0x00, 0x41, 0x00]]))),
        code: "truncated",
        message: /expected 1 more byte at/,
      },
      {
        title: "a section with bytes left over",
        bytes: binary(section(1, [0x00, 0x00])),
        code: "malformed",
        message: /content ends 1 byte before the section's declared size/,
        offset: 11,
      },
      {
        title: "unknown data segment flags",
        bytes: binary(section(11, vec([[0x03, 0x00]]))),
        code: "malformed",
        message: /unknown data segment flags 3/,
      },
      {
        title: "a data count that disagrees with the data section",
        bytes: binary(section(12, [0x02]), section(11, vec([[0x01, 0x00]]))),
        code: "malformed",
        message: /1 segment, but the data count section declares 2/,
      },
      {
        title: "a function type with 1001 parameters",
        bytes: oneFunction(1001),
        code: "unsupported",
        message: /1001 parameters, but WebAssembly engines accept at most 1000/,
      },
      {
        title: "a memory64 bound past 2^53",
        bytes: binary(section(5, vec([[0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]]))),
        code: "unsupported",
        message: /too large/,
      },
      { title: "an invalid custom section name", bytes: binary(section(0, [0x01, 0xff])), code: "malformed", message: /UTF-8/ },
    ];
    for (const { title, bytes, code, message, offset } of cases) {
      it(`reports ${title} as ${code}`, () => {
        const error = parseError(bytes);
        assert.equal(error.code, code, error.message);
        assert.match(error.message, message);
        assert.match(error.message, /at offset 0x[0-9a-f]+ \(\d+\)\.$/);
        if (offset !== undefined) assert.equal(error.offset, offset);
      });
    }

    it("names the section in the error", () => {
      assert.equal(parseError(binary(section(2, vec([[...name("a"), ...name("b"), 0x09]])))).section, "import");
    });
  });

  describe("errors and results cross postMessage", () => {
    it("survives structured cloning unchanged", () => {
      const results = [
        parseModule(wat(`(module $m (memory (export "memory") 1) (func (export "f") (param $x i32)) (data (i32.const 8) "x"))`)),
        parseModule(Uint8Array.of(1, 2, 3)),
      ];
      for (const result of results) assert.deepEqual(structuredClone(result), result);
    });
  });

  describe("performance", () => {
    /** One function whose body is `bodySize` bytes of `nop`, exported, with a small name section. */
    function bigModule(bodySize: number): Uint8Array {
      const body = new Uint8Array(bodySize + 2);
      body.fill(0x01);
      body[0] = 0x00;
      body[bodySize + 1] = 0x0b;
      const bodyLength = uleb(body.length);
      const code = [...uleb(1), ...bodyLength];
      const codeSize = uleb(code.length + body.length);
      const head = binary(typeSection(funcType([i32, i32])), functionSection(0), exportSection(exportFunc("run", 0)));
      const tail = Uint8Array.from(localNamesSection([[0, utf8("a")]]));
      const out = new Uint8Array(head.length + 1 + codeSize.length + code.length + body.length + tail.length);
      let at = 0;
      for (const part of [head, [10], codeSize, code, body, tail]) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    }

    it("skips code bodies: a 20 MB module costs the same reader work as a tiny one", () => {
      const small: ParseStats = { steps: 0 };
      const large: ParseStats = { steps: 0 };
      parseModule(bigModule(10), small);
      const bytes = bigModule(20 * 1024 * 1024);
      const result = parseModule(bytes, large);
      assert.ok(result.ok);
      assert.deepEqual(result.module.functions[0]!.paramNames, ["a", "p1"]);
      assert.equal(large.steps, small.steps);
    });
  });
});

/** Offsets where a section ends (and the header's end): cutting there leaves a well-formed prefix. */
function sectionBoundaries(bytes: Uint8Array): Set<number> {
  const boundaries = new Set<number>([8]);
  let at = 8;
  while (at < bytes.length) {
    at++;
    let size = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    at += size;
    boundaries.add(at);
  }
  return boundaries;
}
