/** Memory conventions in the worker on the C fixture guests, under Node with @runno/wasi. */
import assert from "node:assert/strict";
import {
  changeResultReading,
  changeSlot,
  parseSlotArgument,
  plainPlan,
  type CallPlan,
  type SlotChoice,
  type SlotValue,
} from "../../../../src/core/abi/allocator";
import { proposeConvention } from "../../../../src/core/abi/convention";
import { DEFAULT_TAGGED_OPTIONS, type TaggedArg, type TaggedOptions } from "../../../../src/core/abi/tagged";
import { unpackCallAnswer } from "../../../../src/core/callAnswer";
import type { CallOutcome } from "../../../../src/core/protocol";
import { Reactor } from "../../../../webview/worker/reactor";
import { fixture } from "../../fixtures";

async function load(name: string): Promise<Reactor> {
  const { reactor, report } = await Reactor.load(fixture(name));
  assert.ok(reactor, JSON.stringify(report));
  return reactor;
}

function bytesAt(reactor: Reactor, offset: number, length: number): number[] {
  return Array.from(new Uint8Array(reactor.linearMemory!.buffer, offset, length));
}

function hex(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .map((b) => parseInt(b, 16));
}

const workedExample: TaggedArg[] = [
  { type: "Int32", value: -1 },
  { type: "Uint32", value: 1 },
  { type: "string", value: "passing" },
  { type: "Int32Array", value: [-1, -1, -1] },
  { type: "Uint32Array", value: [1, 1, 1] },
];

function tagged(
  reactor: Reactor,
  exportName: string,
  args: TaggedArg[],
  options: Partial<TaggedOptions> = {},
  watchAllMemory = false,
): CallOutcome {
  return reactor.call(exportName, { convention: "tagged", args, options: { ...DEFAULT_TAGGED_OPTIONS, ...options } }, watchAllMemory);
}

describe("worker: the tagged convention on a C guest", () => {
  it("writes the spec's worked example byte for byte, calls, and decodes the results it wrote back", async () => {
    const reactor = await load("tagged");
    const outcome = tagged(reactor, "test_memory", workedExample);
    assert.equal(outcome.status, "returned");
    const memory = outcome.memory!;
    assert.equal(memory.written[0]?.offset, 8);
    assert.equal(
      memory.written.reduce((n, r) => n + r.size, 0),
      57,
    );
    assert.deepEqual(memory.decoded && memory.decoded.convention === "tagged" && memory.decoded.code, 0);
    assert.deepEqual(memory.decoded?.convention === "tagged" && memory.decoded.values, [
      { type: "Int32", value: 0 },
      { type: "Uint32", value: 7 },
      { type: "string", value: "gnissap" },
      { type: "Int32Array", value: [1, 1, 1] },
      { type: "Uint32Array", value: [2, 2, 2] },
    ]);
    assert.deepEqual(
      bytesAt(reactor, 8, 57),
      hex(
        "01 00 00 00 00 02 07 00 00 00 03 07 00 00 00 67 6e 69 73 73 61 70 04 03 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00 05 03 00 00 00 02 00 00 00 02 00 00 00 02 00 00 00 ff",
      ),
    );
    // The first change is the Int32's payload (-1 became 0); the tags and the terminator stay.
    const inRegion = memory.changed.filter((r) => r.offset < 65);
    assert.equal(inRegion[0]?.offset, 9);
    assert.ok(inRegion.every((r) => r.offset >= 9 && r.offset + r.size <= 64));
    assert.ok(
      memory.warnings.some((w) => /__heap_base|data/.test(w)),
      memory.warnings.join(" | "),
    );
  });

  it("reports a non-zero error code as such and reads no results", async () => {
    const reactor = await load("tagged");
    const outcome = tagged(reactor, "sum", [{ type: "string", value: "not an array" }]);
    const decoded = outcome.memory?.decoded;
    assert.equal(decoded?.convention === "tagged" && decoded.code, 2);
    assert.equal(decoded?.convention === "tagged" && decoded.isSuccess, false);
    assert.deepEqual(outcome.memory?.results, []);
  });

  it("names the offset of an unknown tag in the results, and of results without a terminator, without hanging", async () => {
    const reactor = await load("tagged");
    const bad = tagged(reactor, "bad_result", []).memory?.decoded;
    assert.equal(bad?.convention === "tagged" && bad.error?.offset, 13);
    assert.match(bad?.convention === "tagged" ? (bad.error?.message ?? "") : "", /tag/i);
    const runaway = tagged(reactor, "no_terminator", []).memory?.decoded;
    assert.ok(runaway?.convention === "tagged" && runaway.error, "expected an error");
    const overlong = tagged(reactor, "overlong_string", []).memory?.decoded;
    assert.ok(overlong?.convention === "tagged" && overlong.error, "expected an error");
  });

  it("treats a void export as success", async () => {
    const reactor = await load("tagged");
    const decoded = tagged(reactor, "void_export", [{ type: "Int32", value: 1 }]).memory?.decoded;
    assert.equal(decoded?.convention === "tagged" && decoded.isSuccess, true);
  });

  it("refuses a region that cannot fit, and writes nothing", async () => {
    const reactor = await load("traps");
    const before = bytesAt(reactor, 0, 65536);
    const outcome = tagged(reactor, "ok", workedExample, { startOffset: 4 * 65536 - 4 });
    assert.equal(outcome.status, "refused");
    assert.match(outcome.status === "refused" ? outcome.message : "", /cannot grow[\s\S]*Nothing was written/);
    assert.deepEqual(bytesAt(reactor, 0, 65536), before);
  });

  it("refuses exports that take parameters", async () => {
    const reactor = await load("numbers");
    assert.equal(tagged(reactor, "add_i32", []).status, "refused");
  });

  it("can compare all of memory", async () => {
    const reactor = await load("tagged");
    const memory = tagged(reactor, "sum", [{ type: "Int32Array", value: [1, 2, 3] }], {}, true).memory!;
    assert.equal(memory.isWholeMemoryWatched, true);
    assert.ok(memory.changed.length > 0);
  });
});

function planFor(reactor: Reactor, exportName: string, choices: [number, SlotChoice][] = []): CallPlan {
  const fn = reactor.module.functions.find((f) => f.name === exportName)!;
  let plan = plainPlan(fn);
  for (const [slot, choice] of choices) {
    const edit = changeSlot(plan, slot, choice);
    assert.ok(edit.ok, edit.ok ? "" : edit.reason);
    plan = edit.plan;
  }
  return plan;
}

function values(plan: CallPlan, texts: string[]): SlotValue[] {
  return plan.slots.map((slot, i) => {
    const parsed = parseSlotArgument(slot, texts[i] ?? "");
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
    return parsed.value;
  });
}

describe("worker: the module's allocator on a C guest", () => {
  it("copies a string with malloc, passes pointer and length, and frees it", async () => {
    const reactor = await load("strings");
    const plan = planFor(reactor, "count_vowels", [[0, { kind: "pointerLength", holds: "string" }]]);
    const outcome = reactor.call("count_vowels", {
      convention: "allocator",
      plan,
      values: values(plan, ["Hello, wörld"]),
      keepAllocations: false,
    });
    assert.equal(outcome.status, "returned");
    assert.deepEqual(outcome.status === "returned" && outcome.results, [{ type: "i32", value: 2 }]);
    const [allocation] = outcome.memory!.allocations;
    assert.equal(allocation?.size, 13);
    assert.equal(allocation?.isFreed, true);
    assert.deepEqual(
      outcome.args.map((a) => a.value),
      [allocation.pointer, 13],
    );
    assert.deepEqual(outcome.memory!.changed, []);
  });

  it("shows the bytes an export changed in place", async () => {
    const reactor = await load("strings");
    const plan = planFor(reactor, "to_upper", [[0, { kind: "pointerLength", holds: "string" }]]);
    const outcome = reactor.call("to_upper", { convention: "allocator", plan, values: values(plan, ["abC d"]), keepAllocations: true });
    const { pointer } = outcome.memory!.allocations[0]!;
    assert.deepEqual(outcome.memory!.changed, [
      { offset: pointer, size: 2 },
      { offset: pointer + 4, size: 1 },
    ]);
    assert.equal(new TextDecoder().decode(new Uint8Array(bytesAt(reactor, pointer, 5))), "ABC D");
  });

  it("passes C strings and typed arrays, and reads a returned C string", async () => {
    const reactor = await load("strings");
    const strlen = planFor(reactor, "c_strlen", [[0, { kind: "cstring" }]]);
    const length = reactor.call("c_strlen", {
      convention: "allocator",
      plan: strlen,
      values: values(strlen, ["naïve"]),
      keepAllocations: false,
    });
    assert.deepEqual(length.status === "returned" && length.results, [{ type: "i32", value: 6 }]);
    const mean = planFor(reactor, "mean_f64", [[0, { kind: "pointerLength", holds: "Float64" }]]);
    const average = reactor.call("mean_f64", {
      convention: "allocator",
      plan: mean,
      values: values(mean, ["[1, 2.5, NaN]"]),
      keepAllocations: false,
    });
    assert.ok(average.status === "returned" && Number.isNaN(average.results[0]?.value));
    const edit = changeResultReading(planFor(reactor, "greeting"), { kind: "cstring", maxBytes: 1024 });
    assert.ok(edit.ok);
    const greeting = reactor.call("greeting", { convention: "allocator", plan: edit.plan, values: [], keepAllocations: false });
    const decoded = greeting.memory?.decoded;
    assert.match(decoded?.convention === "allocator" ? (decoded.text ?? "") : "", /\w/);
    assert.ok(greeting.memory!.results.length > 0);
  });

  it("proposes the allocator for pointer-taking exports of a module with malloc", async () => {
    const reactor = await load("strings");
    const fn = reactor.module.functions.find((f) => f.name === "reverse")!;
    assert.equal(proposeConvention(fn, reactor.module).convention, "allocator");
  });

  it("refuses the allocator convention where the module has no allocator", async () => {
    const reactor = await load("numbers");
    const plan = planFor(reactor, "add_i32", [[0, { kind: "pointerLength", holds: "string" }]]);
    const outcome = reactor.call("add_i32", { convention: "allocator", plan, values: values(plan, ["x"]), keepAllocations: false });
    assert.equal(outcome.status, "refused");
    assert.match(outcome.status === "refused" ? outcome.message : "", /no allocator/);
  });
});

describe("worker: results that point into memory", () => {
  it("reads a returned malloc'd string and shows the bytes the export wrote for it as changed", async () => {
    const reactor = await load("strings");
    const edit = changeResultReading(planFor(reactor, "reverse", [[0, { kind: "pointerLength", holds: "string" }]]), {
      kind: "cstring",
      maxBytes: 1024,
    });
    assert.ok(edit.ok);
    const outcome = reactor.call("reverse", {
      convention: "allocator",
      plan: edit.plan,
      values: values(edit.plan, ["abc"]),
      keepAllocations: false,
    });
    const decoded = outcome.memory?.decoded;
    assert.equal(decoded?.convention === "allocator" && decoded.text, '"cba"');
    const result = outcome.memory!.results[0]!;
    assert.equal(outcome.memory!.isWholeMemoryWatched, true);
    assert.ok(
      outcome.memory!.changed.some((r) => r.offset <= result.offset && result.offset < r.offset + r.size),
      JSON.stringify(outcome.memory!.changed),
    );
  });
});

describe("worker: where the changed bytes lie", () => {
  /** Groups as `kind name: bytes/ranges`. */
  function groups(outcome: CallOutcome): string[] {
    assert.equal(outcome.status, "returned", JSON.stringify(outcome));
    return (outcome.memory?.changedGroups ?? []).map((g) => `${g.kind} ${g.name}: ${g.bytes}/${g.rangeCount}`);
  }

  it("separates a tagged call's results from the guest's own static variables, whether it compares the watched area or all of memory", async () => {
    for (const watchAllMemory of [false, true]) {
      const reactor = await load("tagged");
      const outcome = tagged(reactor, "test_memory", workedExample, {}, watchAllMemory);
      // 69 bytes in 36 ranges in all, of which only 26 are the results; the rest is the guest's
      // parse table and scratch buffer, static arrays between the data segment and __data_end.
      assert.equal(outcome.memory!.changed.length, 36);
      assert.deepEqual(groups(outcome), ["arguments arguments/results: 26/8", "data .bss: 43/28"]);
      assert.deepEqual(outcome.memory!.changedGroups![0]!.ranges.slice(0, 2), [9, 4]);
      assert.deepEqual(outcome.memory!.changedGroups![1]!.ranges.slice(0, 2), [1120, 1]);
    }
  });

  it("sends the same groups to the page as it reports in full", async () => {
    const reactor = await load("tagged");
    const call = { convention: "tagged" as const, args: workedExample, options: DEFAULT_TAGGED_OPTIONS };
    const unpacked = unpackCallAnswer(reactor.answer("test_memory", call), { exportName: "test_memory", call }, reactor.module.globals);
    assert.deepEqual(groups(unpacked), ["arguments arguments/results: 26/8", "data .bss: 43/28"]);
  });

  it("names the stack and .data when all of memory is compared on a plain call", async () => {
    const reactor = await load("hello");
    // printf keeps its state in .data and its buffers on the stack (hello does not export
    // __data_end, so its zero-initialized data counts as the stack's: nothing says where it ends).
    const outcome = reactor.call("greet", { convention: "plain", args: [{ type: "i32", value: 3 }] }, true);
    assert.deepEqual(groups(outcome), ["stack stack: 27/12", "data .data: 5/2"]);
  });

  it("counts an allocator call's own allocations and returned memory as its arguments/results, and malloc's bookkeeping as heap and .bss", async () => {
    const reactor = await load("strings");
    const upper = planFor(reactor, "to_upper", [[0, { kind: "pointerLength", holds: "string" }]]);
    for (const watchAllMemory of [false, true]) {
      const outcome = reactor.call(
        "to_upper",
        { convention: "allocator", plan: upper, values: values(upper, ["abC d"]), keepAllocations: false },
        watchAllMemory,
      );
      assert.deepEqual(groups(outcome), ["arguments arguments/results: 3/2"]);
    }
    const edit = changeResultReading(planFor(reactor, "reverse", [[0, { kind: "pointerLength", holds: "string" }]]), {
      kind: "cstring",
      maxBytes: 1024,
    });
    assert.ok(edit.ok);
    const reversed = reactor.call("reverse", {
      convention: "allocator",
      plan: edit.plan,
      values: values(edit.plan, ["abc"]),
      keepAllocations: false,
    });
    const result = reversed.memory!.results[0]!;
    assert.deepEqual(groups(reversed), ["arguments arguments/results: 3/1", "data .bss: 2/2", "heap heap: 4/2"]);
    assert.equal(reversed.memory!.changedGroups![0]!.ranges[0], result.offset);
  });
});
