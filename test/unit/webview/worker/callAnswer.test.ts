/** The call answer's packing, mostly on the tagged C guest: what the page unpacks is what the worker computed. */
import assert from "node:assert/strict";
import { changeSlot, parseSlotArgument, plainPlan } from "../../../../src/core/abi/allocator";
import { DEFAULT_TAGGED_OPTIONS, encodeTagged, type TaggedArg } from "../../../../src/core/abi/tagged";
import { packReport, readTaggedResults, unpackCallAnswer, unpackReport } from "../../../../src/core/callAnswer";
import type { CallEnding, CallOutcome, ConventionCall, MemoryReport } from "../../../../src/core/protocol";
import { Reactor } from "../../../../webview/worker/reactor";
import { workedExampleArgs as workedExample } from "../../../workedExample.mjs";
import { fixture } from "../../fixtures";

async function load(): Promise<Reactor> {
  const { reactor, report } = await Reactor.load(fixture("tagged"));
  assert.ok(reactor, JSON.stringify(report));
  return reactor;
}

const tagged = (args: TaggedArg[], options = {}): ConventionCall => ({
  convention: "tagged",
  args,
  options: { ...DEFAULT_TAGGED_OPTIONS, ...options },
});

/** Every way a tagged call ends on this guest: success, error codes, unreadable results, a void export, a refusal. */
const calls: [string, ConventionCall, boolean][] = [
  ["test_memory", tagged(workedExample), false],
  ["echo", tagged(workedExample, { tagWidth: 4, padStringsTo4: true, startOffset: 64 }), false],
  ["upper", tagged([{ type: "string", value: "héllo wörld" }]), true],
  ["sum", tagged([{ type: "string", value: "not an array" }]), false],
  ["bad_result", tagged([]), false],
  ["no_terminator", tagged([]), false],
  ["overlong_string", tagged([]), true],
  ["wrapping_count", tagged([{ type: "Int32Array", value: [1, 2] }]), false],
  ["void_export", tagged([{ type: "Int32", value: 1 }]), false],
  ["echo", tagged([{ type: "Int32", value: 2 ** 31 }]), false],
  ["echo", tagged(workedExample, { startOffset: 2 * 65536 - 8 }), false],
];

const timeless = (outcome: CallOutcome): CallOutcome => ({ ...outcome, durationMs: 0 });

describe("worker: a call's answer, packed for the page", () => {
  it("unpacks on the page to exactly the outcome the worker computed, for every kind of ending", async () => {
    const [packing, plain] = [await load(), await load()];
    for (const [name, call, watchAllMemory] of calls) {
      const answer = packing.answer(name, call, watchAllMemory);
      const expected = plain.call(name, call, watchAllMemory);
      assert.deepEqual(
        timeless(unpackCallAnswer(answer, { exportName: name, call }, packing.module.globals)),
        timeless(expected),
        `${name} ${JSON.stringify(call)}`,
      );
    }
  });

  it("sends bytes and numbers, not the regions, names and types the page derives", async () => {
    const reactor = await load();
    const answer = reactor.answer("test_memory", tagged(workedExample));
    const memory = answer.memory;
    assert.ok(memory?.packing === "tagged");
    assert.ok(!("written" in memory) && !("results" in memory) && !("decoded" in memory) && !("allocations" in memory));
    assert.ok(!("exportName" in answer));
    assert.deepEqual(answer.globals, [4600, 70144]);
    assert.ok(Array.isArray(memory.changed));
    // The results' 57 bytes from the start offset, terminator included, and nothing else.
    assert.equal(memory.readBack?.length, 57);
    assert.deepEqual(answer.status === "returned" && answer.results, [{ type: "i32", value: 0 }]);
  });

  it("refuses global values that do not match the module's exported globals", async () => {
    const reactor = await load();
    const call = tagged(workedExample);
    const answer = reactor.answer("test_memory", call);
    assert.throws(
      () => unpackCallAnswer(answer, { exportName: "test_memory", call }, []),
      /sent 2 global value\(s\) for a module that exports 0/,
    );
  });

  it("sends the results' bytes undecoded and keeps the worker's warnings; the page adds those of reading them", () => {
    // Results a guest might leave: a string with invalid UTF-8, then the terminator.
    const memory = new Uint8Array(64);
    memory.set([0x03, 2, 0, 0, 0, 0xc3, 0x28, 0xff], 8);
    const options = DEFAULT_TAGGED_OPTIONS;
    const args: TaggedArg[] = [{ type: "Int32", value: 7 }];
    const encoded = encodeTagged(args, options);
    assert.ok(encoded.ok);
    const ending: CallEnding = { status: "returned", results: [{ type: "i32", value: 0 }] };
    const worker: MemoryReport = {
      written: encoded.regions,
      writtenBytes: [{ offset: 8, bytes: encoded.bytes }],
      results: [],
      watched: [{ offset: 8, size: 56 }],
      changed: [{ offset: 8, size: 8 }],
      isWholeMemoryWatched: false,
      allocations: [],
      warnings: ["from the worker"],
      memoryBytesBefore: 64,
    };
    const packed = packReport(worker, { ending, memory, options });
    assert.deepEqual(packed.warnings, ["from the worker"]);
    assert.deepEqual(packed.packing === "tagged" && [...(packed.readBack ?? [])], [0x03, 2, 0, 0, 0, 0xc3, 0x28, 0xff]);
    const read = readTaggedResults(0, memory, options);
    assert.equal(read.warnings.length, 1);
    const expected: MemoryReport = {
      ...worker,
      results: read.regions,
      decoded: read.decoded,
      warnings: ["from the worker", ...read.warnings],
    };
    assert.deepEqual(unpackReport(packed, { convention: "tagged", args, options }, ending, 64), expected);
  });

  it("packs the changed ranges of every other call, and unpacks them to the same outcome", async () => {
    const [packing, plain] = [await load(), await load()];
    const watchedPlain: ConventionCall = { convention: "plain", args: [] };
    const answer = packing.answer("echo", watchedPlain, true);
    assert.equal(answer.memory?.packing, "ranges");
    assert.deepEqual(
      timeless(unpackCallAnswer(answer, { exportName: "echo", call: watchedPlain }, packing.module.globals)),
      timeless(plain.call("echo", watchedPlain, true)),
    );
    const unwatched = packing.answer("echo", watchedPlain, false);
    assert.equal(unwatched.memory, undefined);
  });

  it("unpacks plain calls to the same outcome, globals of each type with their names", async () => {
    const [packing, plain] = [(await Reactor.load(fixture("numbers"))).reactor!, (await Reactor.load(fixture("numbers"))).reactor!];
    const call: ConventionCall = {
      convention: "plain",
      args: [
        { type: "i32", value: 2 },
        { type: "i32", value: 3 },
      ],
    };
    const answer = packing.answer("add_i32", call);
    assert.deepEqual(answer.status === "returned" && answer.results, [{ type: "i32", value: 5 }]);
    assert.deepEqual(answer.globals, [42, 1.5]);
    assert.deepEqual(
      timeless(unpackCallAnswer(answer, { exportName: "add_i32", call }, packing.module.globals)),
      timeless(plain.call("add_i32", call)),
    );
  });

  it("unpacks an allocator call to the same outcome, changed bytes included", async () => {
    const [packing, plain] = [(await Reactor.load(fixture("strings"))).reactor!, (await Reactor.load(fixture("strings"))).reactor!];
    const fn = packing.module.functions.find((f) => f.name === "to_upper")!;
    const edit = changeSlot(plainPlan(fn), 0, { kind: "pointerLength", holds: "string" });
    assert.ok(edit.ok);
    const parsed = parseSlotArgument(edit.plan.slots[0]!, "abC d");
    assert.ok(parsed.ok);
    const call: ConventionCall = { convention: "allocator", plan: edit.plan, values: [parsed.value], keepAllocations: true };
    const answer = packing.answer("to_upper", call);
    assert.equal(answer.memory?.packing, "ranges");
    const outcome = unpackCallAnswer(answer, { exportName: "to_upper", call }, packing.module.globals);
    assert.equal(outcome.memory?.changed.length, 2);
    assert.deepEqual(timeless(outcome), timeless(plain.call("to_upper", call)));
  });
});
