/**
 * Every edit of the call form as a reducer event, table by table: what each does to the export it
 * names, and that an edit which does not fit (stale, forged or out of range) changes nothing.
 */
import assert from "node:assert/strict";
import type { InstanceReport, LoadReport } from "../../../../src/core/protocol";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import type { ExportChoice } from "../../../../webview/ui/callBuilder";
import {
  choiceOf,
  functionsOf,
  initialState,
  inputsFor,
  reduce,
  type Event,
  type FormEvent,
  type State,
} from "../../../../webview/ui/state";
import { fixture } from "../../fixtures";

const ready: InstanceReport = { status: "ready", memoryBytes: 65536, globals: [], imports: [], stdout: "", stderr: "", notes: [] };

function loaded(name: string, instance: InstanceReport = ready): State {
  const parsed = parseModule(fixture(name));
  assert.ok(parsed.ok);
  const report: LoadReport = { status: "loaded", module: parsed.module, instance };
  return reduce(initialState(), { type: "didLoad", fileName: `${name}.wasm`, report });
}

/** Reduces `events` in order from `state`. */
function run(state: State, events: Event[]): State {
  return events.reduce(reduce, state);
}

/** Freezes a state all the way down, so that a reducer that mutates its input throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function choice(state: State, exportName: string): ExportChoice {
  const fn = functionsOf(state).find((f) => f.name === exportName);
  assert.ok(fn, `no export ${exportName}`);
  return choiceOf(state, fn);
}

function texts(state: State, exportName: string): string[] {
  const fn = functionsOf(state).find((f) => f.name === exportName);
  assert.ok(fn);
  return inputsFor(state, fn);
}

function tagged(state: State, exportName: string): Extract<ExportChoice, { convention: "tagged" }> {
  const c = choice(state, exportName);
  assert.equal(c.convention, "tagged");
  return c;
}

function allocator(state: State, exportName: string): Extract<ExportChoice, { convention: "allocator" }> {
  const c = choice(state, exportName);
  assert.equal(c.convention, "allocator");
  return c;
}

/** `sum_u32` of strings.wasm under the tagged convention with rows Int32 "1", string "hi", Uint32 "3". */
function taggedRows(): State {
  return run(loaded("strings"), [
    { type: "select", exportName: "sum_u32" },
    { type: "setConvention", exportName: "sum_u32", convention: "tagged" },
    { type: "edit", exportName: "sum_u32", index: 0, text: "1" },
    { type: "addTaggedRow", exportName: "sum_u32" },
    { type: "setTaggedType", exportName: "sum_u32", row: 1, taggedType: "string" },
    { type: "edit", exportName: "sum_u32", index: 1, text: "hi" },
    { type: "addTaggedRow", exportName: "sum_u32" },
    { type: "setTaggedType", exportName: "sum_u32", row: 2, taggedType: "Uint32" },
    { type: "edit", exportName: "sum_u32", index: 2, text: "3" },
  ]);
}

const rowsOf = (state: State) => tagged(state, "sum_u32").rows.map((r) => `${r.type} ${r.text}`);

/** A form event and what it should do; `expect` is omitted when the event must change nothing. */
interface Case {
  title: string;
  from: () => State;
  event: FormEvent;
  expect?: (after: State, before: State) => void;
}

/** Events that do not fit what they name: each must return the very state it was given. */
const forged = <T>(value: unknown) => value as T;

const cases: Case[] = [
  // edit
  {
    title: "edit: a plain field, padding the fields before it",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "add_i32", index: 1, text: "40" },
    expect: (after) => assert.deepEqual(texts(after, "add_i32"), ["", "40"]),
  },
  {
    title: "edit: a tagged row's text, leaving its type and the other rows",
    from: taggedRows,
    event: { type: "edit", exportName: "sum_u32", index: 1, text: "hello" },
    expect: (after) => assert.deepEqual(rowsOf(after), ["Int32 1", "string hello", "Uint32 3"]),
  },
  {
    title: "edit: a field index below 0",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "add_i32", index: -1, text: "1" },
  },
  {
    title: "edit: a field index past the last field",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "add_i32", index: 2, text: "1" },
  },
  {
    title: "edit: a huge field index (no runaway padding)",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "add_i32", index: 2 ** 40, text: "1" },
  },
  {
    title: "edit: a fractional field index",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "add_i32", index: 0.5, text: "1" },
  },
  {
    title: "edit: a text that is not a string",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "add_i32", index: 0, text: forged<string>(7) },
  },
  {
    title: "edit: an export the module does not have",
    from: () => loaded("numbers"),
    event: { type: "edit", exportName: "missing", index: 0, text: "1" },
  },
  {
    title: "edit: a tagged row that does not exist",
    from: taggedRows,
    event: { type: "edit", exportName: "sum_u32", index: 3, text: "x" },
  },
  {
    title: "edit: before any module is loaded",
    from: () => initialState(),
    event: { type: "edit", exportName: "add_i32", index: 0, text: "1" },
  },

  // setConvention
  {
    title: "setConvention: tagged starts one empty Int32 row at the default options, and drops typed texts",
    from: () => run(loaded("strings"), [{ type: "edit", exportName: "sum_u32", index: 1, text: "5" }]),
    event: { type: "setConvention", exportName: "sum_u32", convention: "tagged" },
    expect: (after) => {
      assert.deepEqual(tagged(after, "sum_u32"), {
        convention: "tagged",
        rows: [{ type: "Int32", text: "" }],
        options: { startOffset: 8, tagWidth: 1, padStringsTo4: false },
      });
      assert.deepEqual(after.inputs.sum_u32, []);
    },
  },
  {
    title: "setConvention: allocator takes the proposed plan (a pointer + length of numbers)",
    from: taggedRows,
    event: { type: "setConvention", exportName: "sum_u32", convention: "allocator" },
    expect: (after) => {
      const c = allocator(after, "sum_u32");
      assert.deepEqual(
        c.plan.slots.map((s) => (s.kind === "pointerLength" ? `${s.kind}:${s.holds}` : s.kind)),
        ["pointerLength:Int32"],
      );
      assert.equal(c.keepAllocations, false);
    },
  },
  {
    title: "setConvention: allocator for an export without a proposal takes one number per parameter",
    from: () => loaded("numbers"),
    event: { type: "setConvention", exportName: "add_i64", convention: "allocator" },
    expect: (after) =>
      assert.deepEqual(
        allocator(after, "add_i64").plan.slots.map((s) => s.kind),
        ["scalar", "scalar"],
      ),
  },
  {
    title: "setConvention: back to plain numbers",
    from: taggedRows,
    event: { type: "setConvention", exportName: "sum_u32", convention: "plain" },
    expect: (after) => assert.deepEqual(choice(after, "sum_u32"), { convention: "plain" }),
  },
  {
    title: "setConvention: a convention that does not exist",
    from: () => loaded("strings"),
    event: { type: "setConvention", exportName: "sum_u32", convention: forged<"plain">("magic") },
  },
  {
    title: "setConvention: tagged when the instance has no memory to write to",
    from: () => loaded("strings", { ...ready, memoryBytes: 0 }),
    event: { type: "setConvention", exportName: "sum_u32", convention: "tagged" },
  },
  {
    title: "setConvention: allocator while the module is still being instantiated",
    from: () => loaded("numbers", { status: "starting" }),
    event: { type: "setConvention", exportName: "add_i32", convention: "allocator" },
  },
  {
    title: "setConvention: an export the module does not have",
    from: () => loaded("strings"),
    event: { type: "setConvention", exportName: "missing", convention: "plain" },
  },

  // setSlotKind
  {
    title: "setSlotKind: a pointer + length back to two numbers, dropping typed texts",
    from: () => run(loaded("strings"), [{ type: "edit", exportName: "sum_u32", index: 0, text: "[1, 2]" }]),
    event: { type: "setSlotKind", exportName: "sum_u32", slot: 0, kind: "scalar" },
    expect: (after) => {
      assert.deepEqual(
        allocator(after, "sum_u32").plan.slots.map((s) => s.kind),
        ["scalar", "scalar"],
      );
      assert.deepEqual(texts(after, "sum_u32"), ["", ""]);
    },
  },
  {
    title: "setSlotKind: a pointer + length to hold bytes",
    from: () => loaded("strings"),
    event: { type: "setSlotKind", exportName: "sum_u32", slot: 0, kind: "pointerLength:bytes" },
    expect: (after) => {
      const slot = allocator(after, "sum_u32").plan.slots[0];
      assert.equal(slot?.kind === "pointerLength" && slot.holds, "bytes");
    },
  },
  {
    title: "setSlotKind: two i32 numbers merge into a pointer + length",
    from: () => run(loaded("numbers"), [{ type: "setConvention", exportName: "add_i32", convention: "allocator" }]),
    event: { type: "setSlotKind", exportName: "add_i32", slot: 0, kind: "pointerLength:string" },
    expect: (after) =>
      assert.deepEqual(
        allocator(after, "add_i32").plan.slots.map((s) => s.kind),
        ["pointerLength"],
      ),
  },
  {
    title: "setSlotKind: an i64 number cannot become a C string",
    from: () => run(loaded("numbers"), [{ type: "setConvention", exportName: "add_i64", convention: "allocator" }]),
    event: { type: "setSlotKind", exportName: "add_i64", slot: 0, kind: "cstring" },
  },
  {
    title: "setSlotKind: a slot past the last",
    from: () => loaded("strings"),
    event: { type: "setSlotKind", exportName: "sum_u32", slot: 4, kind: "scalar" },
  },
  {
    title: "setSlotKind: a pointer that holds something unknown",
    from: () => loaded("strings"),
    event: { type: "setSlotKind", exportName: "sum_u32", slot: 0, kind: "pointerLength:pixels" },
  },
  {
    title: "setSlotKind: under the plain convention, which has no slots",
    from: () => loaded("numbers"),
    event: { type: "setSlotKind", exportName: "add_i32", slot: 0, kind: "cstring" },
  },
  {
    title: "setSlotKind: a kind that is not a string",
    from: () => loaded("strings"),
    event: { type: "setSlotKind", exportName: "sum_u32", slot: 0, kind: forged<string>(undefined) },
  },

  // setTaggedType
  {
    title: "setTaggedType: changes a row's type and keeps its text",
    from: taggedRows,
    event: { type: "setTaggedType", exportName: "sum_u32", row: 0, taggedType: "Int32Array" },
    expect: (after) => assert.deepEqual(rowsOf(after), ["Int32Array 1", "string hi", "Uint32 3"]),
  },
  {
    title: "setTaggedType: a row that does not exist",
    from: taggedRows,
    event: { type: "setTaggedType", exportName: "sum_u32", row: 3, taggedType: "Int32" },
  },
  {
    title: "setTaggedType: a type with no tag",
    from: taggedRows,
    event: { type: "setTaggedType", exportName: "sum_u32", row: 0, taggedType: forged<"Int32">("Float64") },
  },
  {
    title: "setTaggedType: an inherited property name as the type",
    from: taggedRows,
    event: { type: "setTaggedType", exportName: "sum_u32", row: 0, taggedType: forged<"Int32">("toString") },
  },
  {
    title: "setTaggedType: under the plain convention",
    from: () => loaded("numbers"),
    event: { type: "setTaggedType", exportName: "add_i32", row: 0, taggedType: "Int32" },
  },

  // addTaggedRow, removeTaggedRow
  {
    title: "addTaggedRow: appends an empty Int32 row",
    from: taggedRows,
    event: { type: "addTaggedRow", exportName: "sum_u32" },
    expect: (after) => assert.deepEqual(rowsOf(after), ["Int32 1", "string hi", "Uint32 3", "Int32 "]),
  },
  {
    title: "addTaggedRow: under the allocator convention",
    from: () => loaded("strings"),
    event: { type: "addTaggedRow", exportName: "sum_u32" },
  },
  {
    title: "removeTaggedRow: removes the middle row, keeping the others' texts",
    from: taggedRows,
    event: { type: "removeTaggedRow", exportName: "sum_u32", row: 1 },
    expect: (after) => assert.deepEqual(rowsOf(after), ["Int32 1", "Uint32 3"]),
  },
  {
    title: "removeTaggedRow: the only row, leaving a call with no arguments",
    from: () => run(loaded("strings"), [{ type: "setConvention", exportName: "sum_u32", convention: "tagged" }]),
    event: { type: "removeTaggedRow", exportName: "sum_u32", row: 0 },
    expect: (after) => assert.deepEqual(rowsOf(after), []),
  },
  { title: "removeTaggedRow: a row past the last", from: taggedRows, event: { type: "removeTaggedRow", exportName: "sum_u32", row: 3 } },
  { title: "removeTaggedRow: a negative row", from: taggedRows, event: { type: "removeTaggedRow", exportName: "sum_u32", row: -1 } },
  {
    title: "removeTaggedRow: under the plain convention",
    from: () => loaded("numbers"),
    event: { type: "removeTaggedRow", exportName: "add_i32", row: 0 },
  },

  // setTaggedOption
  {
    title: "setTaggedOption: the start offset",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "startOffset", value: 64 },
    expect: (after) => assert.deepEqual(tagged(after, "sum_u32").options, { startOffset: 64, tagWidth: 1, padStringsTo4: false }),
  },
  {
    title: "setTaggedOption: start offset 0 (allowed, if unwise)",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "startOffset", value: 0 },
    expect: (after) => assert.equal(tagged(after, "sum_u32").options.startOffset, 0),
  },
  {
    title: "setTaggedOption: four-byte tags",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "tagWidth", value: 4 },
    expect: (after) => assert.equal(tagged(after, "sum_u32").options.tagWidth, 4),
  },
  {
    title: "setTaggedOption: strings padded to 4 bytes, rows untouched",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "padStringsTo4", value: true },
    expect: (after) => {
      assert.equal(tagged(after, "sum_u32").options.padStringsTo4, true);
      assert.deepEqual(rowsOf(after), ["Int32 1", "string hi", "Uint32 3"]);
    },
  },
  {
    title: "setTaggedOption: a negative start offset",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "startOffset", value: -8 },
  },
  {
    title: "setTaggedOption: a fractional start offset",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "startOffset", value: 8.5 },
  },
  {
    title: "setTaggedOption: a start offset that is not a number (an emptied box)",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "startOffset", value: Number.NaN },
  },
  {
    title: "setTaggedOption: a start offset beyond safe integers",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "startOffset", value: 2 ** 60 },
  },
  {
    title: "setTaggedOption: a two-byte tag width",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "tagWidth", value: forged<4>(2) },
  },
  {
    title: "setTaggedOption: padding that is not a boolean",
    from: taggedRows,
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "padStringsTo4", value: forged<boolean>("yes") },
  },
  {
    title: "setTaggedOption: an option that does not exist",
    from: taggedRows,
    event: forged<FormEvent>({ type: "setTaggedOption", exportName: "sum_u32", option: "endOffset", value: 4 }),
  },
  {
    title: "setTaggedOption: an option that does not exist, set to a boolean",
    from: taggedRows,
    event: forged<FormEvent>({ type: "setTaggedOption", exportName: "sum_u32", option: "isLittleEndian", value: true }),
  },
  {
    title: "setTaggedOption: under the allocator convention",
    from: () => loaded("strings"),
    event: { type: "setTaggedOption", exportName: "sum_u32", option: "tagWidth", value: 4 },
  },

  // setResultReading
  {
    title: "setResultReading: an i32 result as a pointer to a C string, keeping typed texts",
    from: () => run(loaded("strings"), [{ type: "edit", exportName: "sum_u32", index: 0, text: "[1]" }]),
    event: { type: "setResultReading", exportName: "sum_u32", reading: "cstring" },
    expect: (after) => {
      assert.deepEqual(allocator(after, "sum_u32").plan.result, { kind: "cstring", maxBytes: 64 * 1024 });
      assert.deepEqual(texts(after, "sum_u32"), ["[1]"]);
    },
  },
  {
    title: "setResultReading: two i32 results as pointer + length of a string",
    from: () => run(loaded("numbers"), [{ type: "setConvention", exportName: "divmod", convention: "allocator" }]),
    event: { type: "setResultReading", exportName: "divmod", reading: "pointerLength" },
    expect: (after) =>
      assert.deepEqual(allocator(after, "divmod").plan.result, { kind: "pointerLength", holds: "string", lengthUnit: "bytes" }),
  },
  {
    title: "setResultReading: back to numbers",
    from: () => run(loaded("strings"), [{ type: "setResultReading", exportName: "sum_u32", reading: "cstring" }]),
    event: { type: "setResultReading", exportName: "sum_u32", reading: "plain" },
    expect: (after) => assert.deepEqual(allocator(after, "sum_u32").plan.result, { kind: "plain" }),
  },
  {
    title: "setResultReading: one i32 result as pointer + length",
    from: () => loaded("strings"),
    event: { type: "setResultReading", exportName: "sum_u32", reading: "pointerLength" },
  },
  {
    title: "setResultReading: an i64 result as a C string",
    from: () => run(loaded("numbers"), [{ type: "setConvention", exportName: "add_i64", convention: "allocator" }]),
    event: { type: "setResultReading", exportName: "add_i64", reading: "cstring" },
  },
  {
    title: "setResultReading: a reading that does not exist",
    from: () => loaded("strings"),
    event: { type: "setResultReading", exportName: "sum_u32", reading: "json" },
  },
  {
    title: "setResultReading: under the plain convention",
    from: () => loaded("numbers"),
    event: { type: "setResultReading", exportName: "add_i32", reading: "cstring" },
  },

  // keepAllocations
  {
    title: "keepAllocations: on, keeping typed texts",
    from: () => run(loaded("strings"), [{ type: "edit", exportName: "sum_u32", index: 0, text: "[1]" }]),
    event: { type: "keepAllocations", exportName: "sum_u32", isOn: true },
    expect: (after) => {
      assert.equal(allocator(after, "sum_u32").keepAllocations, true);
      assert.deepEqual(texts(after, "sum_u32"), ["[1]"]);
    },
  },
  {
    title: "keepAllocations: a value that is not a boolean",
    from: () => loaded("strings"),
    event: { type: "keepAllocations", exportName: "sum_u32", isOn: forged<boolean>("on") },
  },
  {
    title: "keepAllocations: under the plain convention",
    from: () => loaded("numbers"),
    event: { type: "keepAllocations", exportName: "add_i32", isOn: true },
  },

  // watchAllMemory
  {
    title: "watchAllMemory: on",
    from: () => loaded("numbers"),
    event: { type: "watchAllMemory", isOn: true },
    expect: (after) => assert.equal(after.isWatchingAllMemory, true),
  },
  { title: "watchAllMemory: off when already off", from: () => loaded("numbers"), event: { type: "watchAllMemory", isOn: false } },
];

describe("ui state: every form edit is an event", () => {
  for (const { title, from, event, expect } of cases) {
    it(expect ? title : `${title} changes nothing`, () => {
      const before = deepFreeze(from());
      const after = reduce(before, event);
      if (!expect) {
        assert.equal(after, before);
        return;
      }
      assert.notEqual(after, before);
      expect(after, before);
      // Other exports' choices and texts are untouched.
      const name = "exportName" in event ? event.exportName : undefined;
      for (const other of Object.keys(before.choices).filter((n) => n !== name)) assert.equal(after.choices[other], before.choices[other]);
      for (const other of Object.keys(before.inputs).filter((n) => n !== name)) assert.equal(after.inputs[other], before.inputs[other]);
    });
  }

  it("keeps a tagged choice per export: editing one export's rows leaves another's alone", () => {
    let state = run(taggedRows(), [
      { type: "select", exportName: "sum_bytes" },
      { type: "setConvention", exportName: "sum_bytes", convention: "tagged" },
      { type: "edit", exportName: "sum_bytes", index: 0, text: "9" },
    ]);
    state = reduce(state, { type: "removeTaggedRow", exportName: "sum_u32", row: 0 });
    assert.deepEqual(rowsOf(state), ["string hi", "Uint32 3"]);
    assert.deepEqual(tagged(state, "sum_bytes").rows, [{ type: "Int32", text: "9" }]);
  });
});
