/** Which convention the explorer proposes for an export, and the sentence saying why. */
import { strict as assert } from "node:assert";
import { checkPlan, type CallPlan } from "../../../../src/core/abi/allocator";
import { proposeConvention } from "../../../../src/core/abi/convention";
import type { ExportedFunction } from "../../../../src/core/wasm/types";
import { fn, MALLOC, mod } from "./exports";

describe("convention: proposeConvention", () => {
  type Row = [string, ExportedFunction, ExportedFunction[], string, string[]];
  const slotsOf = (plan: CallPlan): string[] =>
    plan.slots.map((s) =>
      s.kind === "pointerLength"
        ? `${s.name}+${s.lenName}:${s.holds}/${s.lengthUnit}`
        : s.kind === "cstring"
          ? `cstring ${s.name}`
          : `${s.type} ${s.name}`,
    );
  const table: Row[] = [
    ["() -> i32 without an allocator", fn("test_memory", [], ["i32"]), [], "tagged", []],
    ["() -> i32 with an allocator", fn("get_count", [], ["i32"]), MALLOC, "plain", []],
    ["named ptr and len", fn("count_vowels", ["i32", "i32"], ["i32"], ["ptr", "len"]), MALLOC, "allocator", ["ptr+len:string/bytes"]],
    ["named s and n", fn("upcase", ["i32", "i32"], [], ["s", "n"]), MALLOC, "allocator", ["s+n:string/bytes"]],
    ["an int array and its count", fn("sum", ["i32", "i32"], ["i64"], ["xs", "count"]), MALLOC, "allocator", ["xs+count:Int32/elements"]],
    [
      "a buffer and its size",
      fn("crc32", ["i32", "i32"], ["i32"], ["data", "data_len"]),
      MALLOC,
      "allocator",
      ["data+data_len:bytes/bytes"],
    ],
    ["a C string", fn("greet", ["i32"], ["i32"], ["name"]), MALLOC, "cstring", ["cstring name"]],
    ["a C string and a number", fn("repeat", ["i32", "i32"], [], ["str", "times"]), MALLOC, "cstring", ["cstring str", "i32 times"]],
    ["two named numbers", fn("add", ["i32", "i32"], ["i32"], ["a", "b"]), MALLOC, "plain", ["i32 a", "i32 b"]],
    ["two unnamed numbers", fn("add", ["i32", "i32"], ["i32"]), MALLOC, "plain", ["i32 p0", "i32 p1"]],
    ["unnamed i32s in an export named for text", fn("reverse_string", ["i32", "i32"], []), MALLOC, "allocator", ["p0+p1:string/bytes"]],
    ["unnamed i32s in an export named for arrays", fn("sum_array", ["i32", "i32"], ["i32"]), MALLOC, "allocator", ["p0+p1:Int32/elements"]],
    ["floats", fn("scale", ["f64", "f32"], ["f64"], ["x", "k"]), MALLOC, "plain", ["f64 x", "f32 k"]],
    [
      "a pair after a number",
      fn("find", ["i64", "i32", "i32"], ["i32"], ["seed", "buf", "size"]),
      MALLOC,
      "allocator",
      ["i64 seed", "buf+size:bytes/bytes"],
    ],
    ["malloc itself", MALLOC[0] as ExportedFunction, MALLOC, "plain", ["i32 p0"]],
    ["no allocator, with params", fn("add", ["i32", "i32"], ["i32"], ["ptr", "len"]), [], "plain", ["i32 ptr", "i32 len"]],
  ];
  for (const [name, f, others, convention, slots] of table) {
    it(`${name}: ${convention}`, () => {
      const p = proposeConvention(f, mod(f, ...others.filter((o) => o !== f)));
      assert.equal(p.convention, convention, p.reason);
      assert.deepEqual(slotsOf(p.plan), slots);
      assert.ok(p.reason.length > 10);
      assert.equal(checkPlan(p.plan, f), undefined);
    });
  }

  it("explains the tagged proposal with the PR's convention", () => {
    const p = proposeConvention(fn("test_memory", [], ["i32"]), mod());
    assert.match(p.reason, /tagged convention \(Runno PR #335\).*offset 8/);
  });

  it("does not propose tagged when there is no memory to write to", () => {
    const f = fn("answer", [], ["i32"]);
    assert.equal(proposeConvention(f, { ...mod(f), memories: [] }).convention, "plain");
  });

  it("reads (i32, i32) results as pointer + length, and text-named i32 results as C strings", () => {
    assert.deepEqual(proposeConvention(fn("to_upper", ["i32", "i32"], ["i32", "i32"], ["s", "len"]), mod(...MALLOC)).plan.result, {
      kind: "pointerLength",
      holds: "string",
      lengthUnit: "bytes",
    });
    assert.deepEqual(proposeConvention(fn("get_name", [], ["i32"]), mod(...MALLOC)).plan.result, { kind: "cstring", maxBytes: 65536 });
    assert.deepEqual(proposeConvention(fn("name_length", [], ["i32"]), mod(...MALLOC)).plan.result, { kind: "plain" });
  });
});
