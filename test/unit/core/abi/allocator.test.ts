/** The module-allocator convention: finding the allocator, editing plans, laying out and reading back memory. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  allocCallArgs,
  changeResultReading,
  changeSlot,
  checkPlan,
  detectAllocator,
  finishArguments,
  freeCallArgs,
  interpretResult,
  parseSlotArgument,
  planAllocations,
  plainPlan,
  readCString,
  readPointerLength,
  toWasmValues,
  type CallPlan,
  type SlotValue,
} from "../../../../src/core/abi/allocator";
import { ELEMENT_KINDS, type ElementKind } from "../../../../src/core/abi/values";
import { narrate } from "../../../../src/core/layout";
import { proposeConvention } from "../../../../src/core/abi/convention";
import type { ExportedFunction } from "../../../../src/core/wasm/types";
import { fn, MALLOC, mod } from "./exports";

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) assert.fail(r.reason);
  return r.value;
}

function edited(r: ReturnType<typeof changeSlot>): CallPlan {
  if (!r.ok) assert.fail(r.reason);
  return r.plan;
}

/**
 * Runs the allocator half of a call against a fake memory with a bump allocator, as the worker
 * would: allocate, copy, then build the arguments.
 */
function runCall(plan: CallPlan, texts: string[], memorySize = 0x10000, heapStart = 0x1000) {
  const values: SlotValue[] = plan.slots.map((slot, i) => ok(parseSlotArgument(slot, texts[i] ?? "")));
  const planned = planAllocations(plan, values);
  if (!planned.ok) assert.fail(planned.reason);
  const memory = new Uint8Array(memorySize);
  let next = heapStart;
  const pointers = planned.allocations.map((a) => {
    next = Math.ceil(next / a.align) * a.align;
    const ptr = next;
    memory.set(a.bytes, ptr);
    next += a.size;
    return ptr;
  });
  const finished = finishArguments(plan, values, planned.allocations, pointers, memory.length);
  if (!finished.ok) assert.fail(finished.reason);
  return { memory, values, allocations: planned.allocations, ...finished };
}

describe("allocator: detectAllocator", () => {
  const table: [string, ExportedFunction[], string | undefined][] = [
    ["malloc and free", MALLOC, "malloc(size) and free(ptr)"],
    [
      "malloc alone",
      [fn("malloc", ["i32"], ["i32"])],
      "malloc(size), with no matching free: blocks stay allocated until the module is reloaded",
    ],
    [
      "Rust-style alloc and dealloc",
      [fn("alloc", ["i32"], ["i32"]), fn("dealloc", ["i32", "i32"], [])],
      "alloc(size) and dealloc(ptr, size)",
    ],
    [
      "alloc with alignment",
      [fn("alloc", ["i32", "i32"], ["i32"]), fn("dealloc", ["i32", "i32", "i32"], [])],
      "alloc(size, align) and dealloc(ptr, size, align)",
    ],
    [
      "wasm-bindgen",
      [fn("__wbindgen_malloc", ["i32", "i32"], ["i32"]), fn("__wbindgen_free", ["i32", "i32", "i32"], [])],
      "__wbindgen_malloc(size, align) and __wbindgen_free(ptr, size, align)",
    ],
    [
      "cabi_realloc",
      [fn("cabi_realloc", ["i32", "i32", "i32", "i32"], ["i32"])],
      "cabi_realloc(0, 0, align, size), which has no free: blocks stay allocated until the module is reloaded",
    ],
    ["no allocator", [fn("add", ["i32", "i32"], ["i32"])], undefined],
    ["a malloc with the wrong signature", [fn("malloc", ["i64"], ["i64"])], undefined],
  ];
  for (const [name, functions, description] of table) {
    it(`finds ${name}`, () => assert.equal(detectAllocator(mod(...functions)).allocator?.description, description));
  }

  it("explains near misses", () => {
    const d = detectAllocator(mod(fn("malloc", ["i64"], ["i64"]), fn("alloc", ["i32"], ["i32"]), fn("dealloc", ["f32"], [])));
    assert.equal(d.allocator?.alloc.exportName, "alloc");
    assert.equal(d.allocator?.free, undefined);
    assert.deepEqual(d.notes, [
      "malloc is exported but its signature (i64) -> i64 is not (i32) -> i32, so it is not used as the allocator",
      "dealloc is exported but its signature (f32) -> nothing does not match alloc, so memory will not be freed",
    ]);
  });

  it("does not offer an allocator when the memory is not exported", () => {
    const m = { ...mod(...MALLOC), memories: [] };
    const d = detectAllocator(m);
    assert.equal(d.allocator, undefined);
    assert.match(d.notes[0] ?? "", /no memory/);
  });

  it("says how to call alloc and free", () => {
    const rust = detectAllocator(mod(fn("alloc", ["i32", "i32"], ["i32"]), fn("dealloc", ["i32", "i32", "i32"], []))).allocator;
    assert.ok(rust);
    assert.deepEqual(allocCallArgs(rust, 12, 4), [12, 4]);
    assert.deepEqual(freeCallArgs(rust, 0x1000, 12, 4), [0x1000, 12, 4]);
    const cabi = detectAllocator(mod(fn("cabi_realloc", ["i32", "i32", "i32", "i32"], ["i32"]))).allocator;
    assert.ok(cabi);
    assert.deepEqual(allocCallArgs(cabi, 12, 4), [0, 0, 4, 12]);
    assert.equal(freeCallArgs(cabi, 0x1000, 12, 4), undefined);
  });
});

describe("allocator: editing a plan", () => {
  const f = fn("f", ["i32", "i32", "i32", "f64"], [], ["a", "b", "c", "d"]);
  const base = plainPlan(f);

  it("merges two i32 slots into a pointer + length and splits them back", () => {
    const paired = edited(changeSlot(base, 1, { kind: "pointerLength", holds: "Uint16" }));
    assert.deepEqual(paired.slots[1], {
      kind: "pointerLength",
      ptrParam: 1,
      lenParam: 2,
      name: "b",
      lenName: "c",
      holds: "Uint16",
      lengthUnit: "elements",
    });
    assert.equal(paired.slots.length, 3);
    assert.equal(checkPlan(paired, f), undefined);
    const split = edited(changeSlot(paired, 1, { kind: "scalar" }));
    assert.deepEqual(split, base);
    assert.equal(base.slots.length, 4, "the original plan is untouched");
  });

  it("changes what a pair holds and how its length counts", () => {
    const paired = edited(changeSlot(base, 0, { kind: "pointerLength", holds: "string" }));
    const bytes = edited(changeSlot(paired, 0, { kind: "pointerLength", holds: "Int32", lengthUnit: "bytes" }));
    assert.deepEqual(bytes.slots[0], {
      kind: "pointerLength",
      ptrParam: 0,
      lenParam: 1,
      name: "a",
      lenName: "b",
      holds: "Int32",
      lengthUnit: "bytes",
    });
  });

  it("turns an i32 into a C string and back", () => {
    const c = edited(changeSlot(base, 2, { kind: "cstring" }));
    assert.deepEqual(c.slots[2], { kind: "cstring", param: 2, name: "c" });
    assert.deepEqual(edited(changeSlot(c, 2, { kind: "scalar" })), base);
  });

  it("refuses edits the signature cannot carry", () => {
    const cases: [ReturnType<typeof changeSlot>, RegExp][] = [
      [changeSlot(base, 2, { kind: "pointerLength", holds: "string" }), /parameter after c to be an i32/],
      [changeSlot(base, 3, { kind: "cstring" }), /must be an i32/],
      [changeSlot(base, 3, { kind: "pointerLength", holds: "bytes" }), /d\) is f64; a pointer must be an i32/],
      [changeSlot(base, 9, { kind: "scalar" }), /no argument 9/],
      [changeSlot(base, 0, { kind: "pointerLength", holds: "Int128" as "bytes" }), /not something a pointer can hold/],
    ];
    for (const [r, reason] of cases) {
      assert.ok(!r.ok);
      assert.match(r.reason, reason);
    }
    const twoPairs = edited(changeSlot(base, 0, { kind: "pointerLength", holds: "string" }));
    const r = changeSlot(twoPairs, 1, { kind: "pointerLength", holds: "string" });
    assert.ok(!r.ok);
  });

  it("changes how results are read only when the result types allow it", () => {
    const g = plainPlan(fn("g", [], ["i32", "i32"]));
    assert.ok(changeResultReading(g, { kind: "pointerLength", holds: "bytes", lengthUnit: "bytes" }).ok);
    const bad = changeResultReading(g, { kind: "cstring", maxBytes: 10 });
    assert.ok(!bad.ok && /one i32, not \(i32, i32\)/.test(bad.reason));
  });

  it("is plain data that survives JSON and is re-checked against the export", () => {
    const paired = edited(changeSlot(base, 0, { kind: "pointerLength", holds: "Float64" }));
    const restored = JSON.parse(JSON.stringify(paired)) as CallPlan;
    assert.deepEqual(restored, paired);
    assert.equal(checkPlan(restored, f), undefined);
    assert.match(checkPlan(restored, fn("f", ["i32"], [])) ?? "", /signature changed/);
    assert.match(checkPlan({ ...restored, slots: restored.slots.slice(1) }, f) ?? "", /does not cover parameter 0/);
  });
});

describe("allocator: allocations and arguments", () => {
  const f = fn("f", ["i32", "i32", "i32", "i64"], ["i32"], ["s", "len", "name", "k"]);
  const plan = proposeConvention(f, mod(f, ...MALLOC)).plan;

  it("allocates for each pointer and passes pointer, length and scalars in order", () => {
    const r = runCall(plan, ["héllo", "bob", "-1"]);
    assert.equal(r.allocations.length, 2);
    assert.deepEqual(
      r.allocations.map((a) => [a.size, a.align, a.label]),
      [
        [6, 1, 'argument 0 "s"'],
        [4, 1, 'argument 1 "name"'],
      ],
    );
    assert.deepEqual(r.args, [0x1000, 6, 0x1006, -1n]);
    assert.deepEqual(narrate(r.regions), [
      '0x1000: argument 0 "s" (6 bytes allocated)',
      '0x1000: "héllo" (6 bytes of UTF-8)',
      '0x1006: argument 1 "name" (4 bytes allocated)',
      '0x1006: "bob" (3 bytes of UTF-8)',
      "0x1009: NUL — end of the C string",
    ]);
  });

  it("allocates one byte for empty values but passes a length of 0", () => {
    const r = runCall(plan, ["", "", "0"]);
    assert.deepEqual(
      r.allocations.map((a) => a.size),
      [1, 1],
    );
    assert.equal(r.args[1], 0);
    const back = readCString(r.memory, r.args[2] as number);
    assert.ok(back.ok && back.text === "");
  });

  it("aligns typed arrays to their element size and counts elements", () => {
    const g = fn("g", ["i32", "i32"], [], ["xs", "n"]);
    const p = edited(changeSlot(plainPlan(g), 0, { kind: "pointerLength", holds: "Float64" }));
    const r = runCall(p, ["[1.5, -0, NaN]"], 0x10000, 0x1001);
    assert.equal(r.allocations[0]?.align, 8);
    assert.deepEqual(r.args, [0x1008, 3]);
  });

  it("round-trips every kind of value through memory (property)", () => {
    const g = fn("g", ["i32", "i32", "i32"], [], ["data", "n", "cstr"]);
    const base = plainPlan(g);
    const withC = edited(changeSlot(base, 2, { kind: "cstring" }));
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 16 }).filter((s) => !s.includes("\0")),
        fc.string({ unit: "binary", maxLength: 16 }),
        (cText, sText) => {
          const p = edited(changeSlot(withC, 0, { kind: "pointerLength", holds: "string" }));
          const r = runCall(p, [sText, cText]);
          const [ptr, len, cptr] = r.args as number[];
          const s = readPointerLength(r.memory, ptr ?? 0, len ?? 0, "string");
          assert.ok(s.ok && s.value.kind === "string" && s.value.text === sText);
          const c = readCString(r.memory, cptr ?? 0);
          assert.ok(c.ok && c.text === cText && !c.isTruncated);
        },
      ),
    );
    for (const kind of ELEMENT_KINDS) {
      const p = edited(changeSlot(base, 0, { kind: "pointerLength", holds: kind }));
      const text = edgeText(kind);
      const r = runCall(p, [text, "0"]);
      const [ptr, len] = r.args as number[];
      const back = readPointerLength(r.memory, ptr ?? 0, len ?? 0, kind);
      const sent = r.values[0];
      assert.ok(back.ok && sent?.kind === "memory" && sent.value.kind === "array");
      assert.equal(Buffer.from(back.value.bytes).toString("hex"), Buffer.from(sent.value.bytes).toString("hex"), kind);
    }
  });

  it("refuses a null pointer from the allocator, and a block past the end of memory", () => {
    const values = plan.slots.map((slot, i) => ok(parseSlotArgument(slot, ["a", "b", "1"][i] ?? "")));
    const planned = planAllocations(plan, values);
    assert.ok(planned.ok);
    const nul = finishArguments(plan, values, planned.allocations, [0, 16]);
    assert.ok(!nul.ok && /null pointer for argument 0 "s"/.test(nul.reason));
    const past = finishArguments(plan, values, planned.allocations, [0xfff0, 0xffff], 0x10000);
    assert.ok(!past.ok && /run past the end of memory/.test(past.reason));
    const count = finishArguments(plan, values, planned.allocations, [16]);
    assert.ok(!count.ok && /2 blocks were needed but 1 pointers/.test(count.reason));
  });

  it("passes pointers above 2 GiB as the signed i32 wasm expects", () => {
    const values = plan.slots.map((slot, i) => ok(parseSlotArgument(slot, ["a", "b", "1"][i] ?? "")));
    const planned = planAllocations(plan, values);
    assert.ok(planned.ok);
    const r = finishArguments(plan, values, planned.allocations, [0x80000000, -0x7ffffff0]);
    assert.ok(r.ok);
    assert.deepEqual(r.args.slice(0, 3), [-0x80000000, 1, -0x7ffffff0]);
    assert.equal(r.regions[0]?.offset, 0x80000000);
  });

  it("checks values against their slots", () => {
    const wrong = planAllocations(plan, [
      { kind: "scalar", value: { type: "i32", value: 1 } },
      { kind: "scalar", value: { type: "i32", value: 1 } },
      { kind: "scalar", value: { type: "i64", value: 1n } },
    ]);
    assert.ok(!wrong.ok && wrong.slotIndex === 0 && /needs a value in memory/.test(wrong.reason));
    const short = planAllocations(plan, []);
    assert.ok(!short.ok && /takes 3 arguments, not 0/.test(short.reason));
  });

  it("reads arguments as each slot expects and explains refusals", () => {
    const [s, name, k] = plan.slots;
    assert.ok(s && name && k);
    assert.deepEqual(ok(parseSlotArgument(s, "hi")), {
      kind: "memory",
      value: { kind: "string", text: "hi", bytes: Uint8Array.of(0x68, 0x69) },
    });
    const badName = parseSlotArgument(name, "a\0b");
    assert.ok(!badName.ok && /NUL character/.test(badName.reason));
    const badK = parseSlotArgument(k, "1.5");
    assert.ok(!badK.ok && /i64/.test(badK.reason));
    const v128 = parseSlotArgument({ kind: "scalar", param: 0, type: "v128", name: "v" }, "0");
    assert.ok(!v128.ok && /v128 parameters cannot be entered/.test(v128.reason));
  });
});

describe("allocator: reading results", () => {
  const memory = new Uint8Array(64);
  memory.set(Buffer.from("hello\0", "utf8"), 8);
  memory.set(Buffer.from("abc", "utf8"), 20);
  memory.set(Uint8Array.of(0xc3, 0x28, 0), 30);
  memory.set(Buffer.from("0100000002000000", "hex"), 40);

  it("reads a C string until its NUL", () => {
    const r = readCString(memory, 8);
    assert.ok(r.ok);
    assert.equal(r.text, "hello");
    assert.equal(r.byteLength, 5);
    assert.deepEqual(narrate(r.regions), ['0x0008: "hello" (5 bytes of UTF-8)', "0x000d: NUL — end of the C string"]);
  });

  it("stops at the maximum or the end of memory and says so", () => {
    const r = readCString(memory, 8, { maxBytes: 3 });
    assert.ok(r.ok && r.isTruncated && r.text === "hel");
    const end = readCString(Uint8Array.of(65, 66), 0, { baseOffset: 100 });
    assert.ok(!end.ok, "offset 0 is null even in a window");
    const tail = readCString(Uint8Array.of(65, 66), 100, { baseOffset: 100 });
    assert.ok(tail.ok && tail.isTruncated && tail.text === "AB");
  });

  it("refuses null and out-of-memory pointers, and decodes invalid UTF-8 lossily", () => {
    const nul = readCString(memory, 0);
    assert.ok(!nul.ok && /null pointer/.test(nul.message));
    const out = readCString(memory, 64);
    assert.ok(!out.ok && out.offset === 64);
    const bad = readCString(memory, 30);
    assert.ok(bad.ok && bad.text === "\ufffd(" && bad.invalid[0]?.offset === 30);
  });

  it("reads pointer + length results as strings, bytes and arrays", () => {
    const s = readPointerLength(memory, 20, 3, "string");
    assert.ok(s.ok && s.text === '"abc"');
    const b = readPointerLength(memory, 20, 2, "bytes");
    assert.ok(b.ok && b.text === "61 62");
    const a = readPointerLength(memory, 40, 2, "Int32");
    assert.ok(a.ok && a.text === "[1, 2]");
    const inBytes = readPointerLength(memory, 40, 8, "Int32", { lengthUnit: "bytes" });
    assert.ok(inBytes.ok && inBytes.text === "[1, 2]");
    const past = readPointerLength(memory, 40, 7, "Int32");
    assert.ok(!past.ok && /28 bytes at 0x0028 run past/.test(past.message));
    const empty = readPointerLength(memory, 0, 0, "string");
    assert.ok(empty.ok && empty.text === '""');
  });

  it("normalises what an export returned", () => {
    assert.deepEqual(ok(toWasmValues(["i32", "i64", "f32"], [4294967295, 5n, 0.1])), [
      { type: "i32", value: -1 },
      { type: "i64", value: 5n },
      { type: "f32", value: Math.fround(0.1) },
    ]);
    assert.deepEqual(ok(toWasmValues([], undefined)), []);
    const wrong = toWasmValues(["i64"], 5);
    assert.ok(!wrong.ok && /BigInt/.test(wrong.reason));
    const count = toWasmValues(["i32", "i32"], 5);
    assert.ok(!count.ok && /expected 2 results/.test(count.reason));
  });

  it("interprets results per the plan", () => {
    const cplan = edited(changeResultReading(plainPlan(fn("get_name", [], ["i32"])), { kind: "cstring", maxBytes: 100 }));
    const c = interpretResult(cplan, 8, memory);
    assert.ok(c.ok && c.text === '"hello"' && c.regions.length === 2);
    const pplan = edited(
      changeResultReading(plainPlan(fn("pair", [], ["i32", "i32"])), { kind: "pointerLength", holds: "Uint32", lengthUnit: "elements" }),
    );
    const p = interpretResult(pplan, [40, 2], memory);
    assert.ok(p.ok && p.text === "[1, 2]" && p.memoryValue?.kind === "array");
    const plain = interpretResult(plainPlan(fn("n", [], ["f64"])), -0, memory);
    assert.ok(plain.ok && Object.is(plain.values[0]?.value, -0));
    const bad = interpretResult(cplan, 0, memory);
    assert.ok(!bad.ok && /null pointer/.test(bad.message));
  });
});

/** Extreme values of each element kind, as text. */
function edgeText(kind: ElementKind): string {
  switch (kind) {
    case "Int8":
      return "[-128, 127, 0]";
    case "Uint8":
      return "[0, 255]";
    case "Int16":
      return "[-32768, 32767]";
    case "Uint16":
      return "[65535]";
    case "Int32":
      return "[-2147483648, 2147483647]";
    case "Uint32":
      return "[4294967295]";
    case "BigInt64":
      return "[-9223372036854775808, 9223372036854775807]";
    case "BigUint64":
      return "[18446744073709551615]";
    case "Float32":
      return "[0x7fc00001, 0x7f800001, -0, 3.4028234663852886e38]";
    case "Float64":
      return "[0x7ff0000000000001, -0, 5e-324]";
  }
}
