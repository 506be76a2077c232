/**
 * Fuzz tests for `parseModule`: random bytes and mutations of real modules must never make it
 * throw, and its work must stay linear in the input size. `FUZZ_RUNS=1000000` runs a long
 * campaign; `FUZZ_SEED` replays one that failed.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import createWabt from "wabt";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import type { ParseStats, WasmParseErrorCode } from "../../../../src/core/wasm/parseModule";
import { uleb } from "./leb128";

const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = process.env.FUZZ_SEED === undefined ? 0x5eed : Number(process.env.FUZZ_SEED);

const codes: readonly WasmParseErrorCode[] = [
  "empty",
  "notWasm",
  "component",
  "unsupportedVersion",
  "truncated",
  "malformed",
  "unsupported",
];

/** Real modules to mutate: together they reach every section and name subsection the parser reads. */
const seedWats = [
  `(module $reactor
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "env" "memory" (memory 1 2))
    (import "env" "exn" (tag (param i64)))
    (import "env" "base" (global $base i32))
    (table 2 funcref)
    (memory $own i64 1 3)
    (tag $e (param i32))
    (global $sp (mut i32) (i32.const 66560))
    (global i64 (i64.add (i64.const 1) (i64.mul (i64.const 2) (i64.const 3))))
    (global v128 (v128.const i32x4 1 2 3 4))
    (global funcref (ref.func $add))
    (func $add (export "add") (param $a i32) (param $b i32) (result i32) (i32.add (local.get $a) (local.get $b)))
    (func $init (export "_initialize") (drop (call $fd_write (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))
    (export "memory" (memory $own))
    (export "sp" (global $sp))
    (export "e" (tag $e))
    (start $init)
    (elem (i32.const 0) $add $init)
    (data (i32.const 16) "hello")
    (data (global.get $base) "x")
    (data "passive"))`,
  `(module $command
    (func $main (export "_start") (param $argc i32) (param $argv i64) (result f64 f32) unreachable)
    (func (export "v") (param v128 externref funcref))
    (memory (export "memory") 1 1 shared)
    (data (i32.const -1) "z"))`,
  `(module (func (export "f") (param i32)) (global (export "g") (mut f64) (f64.const 1)))`,
];

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

type Mutation =
  | { op: "flip"; at: number; bit: number }
  | { op: "set"; at: number; value: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; length: number }
  | { op: "truncate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x01, 0x0b, 0x40, 0x60, 0x7f, 0x80, 0xff) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
);

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes: Uint8Array = input.slice();
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    switch (m.op) {
      case "flip":
        if (bytes.length > 0) bytes[at]! ^= 1 << m.bit;
        break;
      case "set":
        if (bytes.length > 0) bytes[at] = m.value;
        break;
      case "insert":
        bytes = concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
        break;
      case "delete":
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + m.length));
        break;
      case "truncate":
        bytes = bytes.slice(0, at);
        break;
    }
  }
  return bytes;
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Inputs of every sort: mutated real modules, sections with random content, and plain noise. */
function inputs(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([index, mutations]) => mutate(seeds[index]!, mutations));
  const randomSections = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 6 })
    .map((sections) => concat(header, ...sections.map(([id, content]) => concat([id, ...uleb(content.length)], content))));
  const afterHeader = fc.uint8Array({ maxLength: 200 }).map((bytes) => concat(header, bytes));
  const noise = fc.uint8Array({ maxLength: 64 });
  return fc.oneof(
    { arbitrary: mutated, weight: 6 },
    { arbitrary: randomSections, weight: 2 },
    { arbitrary: afterHeader, weight: 1 },
    { arbitrary: noise, weight: 1 },
  );
}

/** The bound every input obeys: a few reader steps per byte, whatever the bytes are. */
const stepsPerByte = 4;
const stepsBase = 64;

/** The contract: no exception, a result or a well-formed error, and linear work. */
function checkContract(bytes: Uint8Array): void {
  const stats: ParseStats = { steps: 0 };
  const result = parseModule(bytes, stats);
  if (result.ok) {
    assert.equal(result.module.byteLength, bytes.length);
  } else {
    const { error } = result;
    assert.equal(error.name, "WasmParseError");
    assert.ok(codes.includes(error.code), `unknown code ${error.code}`);
    assert.ok(
      Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= bytes.length,
      `offset ${error.offset} outside 0..${bytes.length}`,
    );
    assert.match(error.message, /0x[0-9a-f]+ \(\d+\)|empty/);
  }
  assert.ok(stats.steps <= stepsPerByte * bytes.length + stepsBase, `${stats.steps} steps for ${bytes.length} bytes`);
}

/**
 * A module of `count` exported functions with names, imports, globals and data segments, so
 * that every part of the parser grows with `count`.
 */
function moduleOfShape(count: number): Uint8Array {
  const out: number[] = [...header];
  const sectionOf = (id: number, content: number[]): void => {
    out.push(id, ...uleb(content.length));
    for (const byte of content) out.push(byte);
  };
  const pushName = (content: number[], text: string): void => {
    content.push(...uleb(text.length));
    for (let i = 0; i < text.length; i++) content.push(text.charCodeAt(i));
  };
  const imports = count / 4;
  sectionOf(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]);
  const importContent = uleb(imports);
  for (let i = 0; i < imports; i++) {
    pushName(importContent, "env");
    pushName(importContent, `import${i}`);
    importContent.push(0x00, 0x00);
  }
  sectionOf(2, importContent);
  const functionContent = uleb(count);
  for (let i = 0; i < count; i++) functionContent.push(0x00);
  sectionOf(3, functionContent);
  sectionOf(5, [0x01, 0x00, 0x01]);
  const globalContent = uleb(imports);
  for (let i = 0; i < imports; i++) globalContent.push(0x7f, 0x01, 0x41, ...uleb(i), 0x0b);
  sectionOf(6, globalContent);
  const exportContent = uleb(count);
  for (let i = 0; i < count; i++) {
    pushName(exportContent, `export${i}`);
    exportContent.push(0x00, ...uleb(imports + i));
  }
  sectionOf(7, exportContent);
  const codeContent = uleb(count);
  for (let i = 0; i < count; i++) codeContent.push(0x04, 0x00, 0x20, 0x00, 0x0b);
  sectionOf(10, codeContent);
  const dataContent = uleb(imports);
  for (let i = 0; i < imports; i++) dataContent.push(0x00, 0x41, ...uleb(i * 16), 0x0b, 0x04, 1, 2, 3, 4);
  sectionOf(11, dataContent);
  const functionNames = uleb(count);
  const localNames = uleb(count);
  for (let i = 0; i < count; i++) {
    functionNames.push(...uleb(imports + i));
    pushName(functionNames, `function${i}`);
    localNames.push(...uleb(imports + i), 0x02, 0x00);
    pushName(localNames, "left");
    localNames.push(0x01);
    pushName(localNames, "right");
  }
  const names: number[] = [];
  pushName(names, "name");
  // Loops, not spreads: spreading a megabyte of arguments overflows the stack.
  for (const [id, content] of [
    [0x01, functionNames],
    [0x02, localNames],
  ] as const) {
    names.push(id, ...uleb(content.length));
    for (const byte of content) names.push(byte);
  }
  sectionOf(0, names);
  return Uint8Array.from(out);
}

describe("parseModule fuzzing", function () {
  this.timeout(runs > 10_000 ? 0 : 60_000);

  let seeds: Uint8Array[];

  before(async () => {
    const wabt = await createWabt();
    seeds = seedWats.map((text) => {
      const module = wabt.parseWat("seed.wat", new TextEncoder().encode(text), {
        multi_value: true,
        simd: true,
        reference_types: true,
        bulk_memory: true,
        threads: true,
        memory64: true,
        exceptions: true,
        extended_const: true,
      });
      try {
        module.resolveNames();
        return module.toBinary({ write_debug_names: true }).buffer;
      } finally {
        module.destroy();
      }
    });
  });

  it("parses every seed module", () => {
    for (const bytes of seeds) assert.ok(parseModule(bytes).ok);
  });

  it(`never throws on ${runs} random and mutated inputs, and always answers with an in-range offset`, () => {
    fc.assert(fc.property(inputs(seeds), checkContract), { numRuns: runs, seed });
  });

  it("keeps results and errors plain: they survive structured cloning", () => {
    fc.assert(
      fc.property(inputs(seeds), (bytes) => {
        const result = parseModule(bytes);
        assert.deepEqual(structuredClone(result), result);
      }),
      { numRuns: Math.min(runs, 1_000), seed },
    );
  });

  it("builds the parameter names of a function once, however often it is exported", () => {
    const exportCount = 20_000;
    const out: number[] = [...header];
    const params = 1_000;
    const typeContent = [0x01, 0x60, ...uleb(params), ...Array<number>(params).fill(0x7f), 0x00];
    const exportContent = uleb(exportCount);
    for (let i = 0; i < exportCount; i++)
      exportContent.push(...uleb(String(i).length), ...[...String(i)].map((c) => c.charCodeAt(0)), 0x00, 0x00);
    const localNames = [0x01, 0x00, 0x01, 0x00, 0x01, 0x61];
    const nameContent = [0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, ...uleb(localNames.length), ...localNames];
    for (const [id, content] of [
      [1, typeContent],
      [3, [0x01, 0x00]],
      [7, exportContent],
      [10, [0x01, 0x02, 0x00, 0x0b]],
      [0, nameContent],
    ] as const) {
      out.push(id, ...uleb(content.length));
      for (const byte of content) out.push(byte);
    }
    const bytes = Uint8Array.from(out);
    const stats: ParseStats = { steps: 0 };
    const result = parseModule(bytes, stats);
    assert.ok(result.ok);
    assert.equal(result.module.functions.length, exportCount);
    assert.equal(result.module.functions[0]!.paramNames[0], "a");
    assert.equal(result.module.functions[0]!.paramNames, result.module.functions[exportCount - 1]!.paramNames);
    assert.ok(stats.steps <= stepsPerByte * bytes.length + params + stepsBase, `${stats.steps} steps for ${bytes.length} bytes`);
  });

  describe("on modules of one shape at 1 MB and 4 MB", () => {
    let small: Uint8Array;
    let large: Uint8Array;

    before(() => {
      small = moduleOfShape(16_384);
      large = moduleOfShape(65_536);
    });

    it("does work linear in the input size: the 4 MB module costs as many reader steps per byte as the 1 MB one", () => {
      const smallStats: ParseStats = { steps: 0 };
      const largeStats: ParseStats = { steps: 0 };
      const smallResult = parseModule(small, smallStats);
      const largeResult = parseModule(large, largeStats);
      assert.ok(smallResult.ok && largeResult.ok);
      assert.equal(largeResult.module.functions.length, 65_536);
      assert.deepEqual(largeResult.module.functions[65_535]!.paramNames, ["left", "right"]);
      assert.ok(small.length > 900_000 && large.length > 3_600_000, `${small.length} and ${large.length} bytes`);
      const perByteSmall = smallStats.steps / small.length;
      const perByteLarge = largeStats.steps / large.length;
      assert.ok(Math.abs(perByteLarge / perByteSmall - 1) < 0.05, `${perByteSmall} vs ${perByteLarge} steps per byte`);
      assert.ok(perByteLarge <= stepsPerByte);
    });
  });
});
