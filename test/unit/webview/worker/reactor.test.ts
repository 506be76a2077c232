/** The worker's reactor on the fixture modules under Node: loading, calling, traps, imports and refusals. */
import assert from "node:assert/strict";
import type { WasmValue } from "../../../../src/core/abi/numbers";
import type { CallEnding, ConventionCall, LoadReport } from "../../../../src/core/protocol";
import { createHandlers } from "../../../../webview/worker/handlers";
import { Reactor } from "../../../../webview/worker/reactor";
import { fixture } from "../../fixtures";

const i32 = (value: number): WasmValue => ({ type: "i32", value });
const i64 = (value: bigint): WasmValue => ({ type: "i64", value });
const f32 = (value: number): WasmValue => ({ type: "f32", value: Math.fround(value) });
const f64 = (value: number): WasmValue => ({ type: "f64", value });
const plain = (args: WasmValue[]): ConventionCall => ({ convention: "plain", args });

async function load(name: string): Promise<{ report: LoadReport; reactor: Reactor }> {
  const { report, reactor } = await Reactor.load(fixture(name));
  assert.ok(reactor, `expected ${name} to instantiate: ${JSON.stringify(report)}`);
  return { report, reactor };
}

function returned(outcome: CallEnding): WasmValue[] {
  if (outcome.status !== "returned")
    assert.fail(`expected a return, got ${JSON.stringify(outcome, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`);
  return outcome.results;
}

describe("worker: the reactor under Node with @runno/wasi", () => {
  it("lists exports with signatures and parameter names, and reads exported globals", async () => {
    const { report, reactor } = await load("numbers");
    assert.equal(report.status, "loaded");
    if (report.status !== "loaded" || report.instance.status !== "ready") return assert.fail("not ready");
    const add = report.module.functions.find((f) => f.name === "add_i32");
    assert.deepEqual(add?.type, { params: ["i32", "i32"], results: ["i32"] });
    assert.deepEqual(add?.paramNames, ["a", "b"]);
    assert.deepEqual(report.module.functions.find((f) => f.name === "sub_i32")?.paramNames, ["p0", "p1"]);
    assert.deepEqual(report.instance.globals, [
      { name: "answer", value: i32(42) },
      { name: "scale", value: f64(1.5) },
    ]);
    assert.equal(report.instance.memoryBytes, 65536);
    assert.equal(reactor.memoryBytes, 65536);
  });

  const cases: [string, WasmValue[], WasmValue[]][] = [
    ["add_i32", [i32(2), i32(40)], [i32(42)]],
    ["add_i32", [i32(2147483647), i32(1)], [i32(-2147483648)]],
    ["add_i64", [i64(9007199254740993n), i64(1n)], [i64(9007199254740994n)]],
    ["add_i64", [i64(9223372036854775807n), i64(1n)], [i64(-9223372036854775808n)]],
    ["mul_f32", [f32(0.1), f32(3)], [f32(Math.fround(0.1) * 3)]],
    ["div_f64", [f64(1), f64(0)], [f64(Infinity)]],
    ["div_f64", [f64(-0), f64(1)], [f64(-0)]],
    ["id_f64", [f64(NaN)], [f64(NaN)]],
    ["divmod", [i32(17), i32(5)], [i32(3), i32(2)]],
    ["swap", [i32(7), i64(-1n)], [i64(-1n), i32(7)]],
    ["nothing", [], []],
  ];
  for (const [name, args, expected] of cases) {
    it(`${name}(${args.map((a) => String(a.value)).join(", ")}) returns ${expected.map((e) => String(e.value)).join(", ") || "nothing"}`, async () => {
      const { reactor } = await load("numbers");
      assert.deepEqual(returned(reactor.call(name, plain(args))), expected);
    });
  }

  it("keeps state between calls: the counter counts up", async () => {
    const { reactor } = await load("counter");
    const counts = [1, 2, 3].map(() => returned(reactor.call("increment", plain([])))[0]);
    assert.deepEqual(counts, [i32(1), i32(2), i32(3)]);
    assert.deepEqual(reactor.globals(), [{ name: "count", value: i32(3) }]);
  });

  it("captures printf output per call, and stderr separately", async () => {
    const { reactor } = await load("hello");
    const greet = reactor.call("greet", plain([i32(5)]));
    assert.deepEqual(returned(greet), [i32(10)]);
    assert.equal(greet.stdout, "hello 5\n");
    assert.equal(greet.stderr, "");
    const warn = reactor.call("warn", plain([]));
    assert.match(warn.stderr, /\S/);
    assert.equal(warn.stdout, "");
  });

  it("reports proc_exit with its exit code, and the reactor stays usable", async () => {
    const { reactor } = await load("hello");
    const outcome = reactor.call("exit_with", plain([i32(3)]));
    assert.equal(outcome.status, "exited");
    assert.equal(outcome.status === "exited" && outcome.exitCode, 3);
    assert.deepEqual(returned(reactor.call("greet", plain([i32(1)]))), [i32(2)]);
  });

  const traps: [string, WasmValue[], string][] = [
    ["unreachable", [], "unreachable"],
    ["oob_load", [i32(0x7fffffff)], "memoryOutOfBounds"],
    ["div_zero", [i32(1), i32(0)], "divideByZero"],
    ["int_overflow", [], "integerOverflow"],
    ["trunc_overflow", [f64(1e300)], "invalidConversion"],
    ["bad_indirect", [], "indirectCallMismatch"],
    ["recurse", [i32(0)], "stackOverflow"],
  ];
  for (const [name, args, kind] of traps) {
    it(`names the trap of ${name} as ${kind}, and the reactor stays usable`, async () => {
      const { reactor } = await load("traps");
      const outcome = reactor.call(name, plain(args));
      assert.equal(outcome.status, "trapped");
      assert.equal(outcome.status === "trapped" && outcome.trap.kind, kind);
      assert.deepEqual(returned(reactor.call("ok", plain([]))), [i32(7)]);
    });
  }

  it("stubs non-WASI imports: listed as stubbed, and a call traps naming the import", async () => {
    const { report, reactor } = await load("imports");
    if (report.status !== "loaded" || report.instance.status !== "ready") return assert.fail("not ready");
    const stubbed = report.instance.imports.filter((i) => i.provision === "stub").map((i) => `${i.module}.${i.name}`);
    assert.ok(stubbed.includes("env.host_value"), stubbed.join());
    assert.ok(report.instance.imports.some((i) => i.provision === "wasi" && i.name === "fd_write"));
    const outcome = reactor.call("call_host", plain([]));
    assert.equal(outcome.status, "trapped");
    assert.equal(outcome.status === "trapped" && outcome.trap.kind, "missingImport");
    assert.match(outcome.status === "trapped" ? outcome.trap.description : "", /env\.host_value/);
    assert.deepEqual(returned(reactor.call("safe", plain([]))), [i32(1)]);
  });

  it("provides an imported memory and says so", async () => {
    const { report, reactor } = await load("imported_memory");
    if (report.status !== "loaded" || report.instance.status !== "ready") return assert.fail("not ready");
    assert.ok(report.instance.notes.some((n) => /imports its memory/.test(n)));
    reactor.call("store", plain([i32(16), i32(1234)]));
    assert.deepEqual(returned(reactor.call("load", plain([i32(16)]))), [i32(1234)]);
  });

  it("identifies a command and does not run it", async () => {
    const { report, reactor } = await Reactor.load(fixture("command"));
    assert.equal(reactor, undefined);
    assert.equal(report.status === "loaded" && report.module.kind, "command");
    assert.equal(report.status === "loaded" && report.instance.status, "notInstantiated");
  });

  it("treats a module exporting both _start and _initialize as a reactor, by the documented rule", async () => {
    const { report, reactor } = await load("both");
    assert.equal(report.status === "loaded" && report.module.kind, "ambiguous");
    if (report.status !== "loaded" || report.instance.status !== "ready") return assert.fail("not ready");
    assert.ok(report.instance.notes.some((n) => /never `_start`/.test(n)));
    assert.equal(returned(reactor.call("answer", plain([])))[0]?.type, "i32");
  });

  const refused: [string, string][] = [
    ["empty", "empty"],
    ["not_wasm", "notWasm"],
    ["component", "component"],
    ["truncated", "truncated"],
  ];
  for (const [name, code] of refused) {
    it(`refuses ${name}.wasm with a ${code} error naming the offset`, async () => {
      const { report, reactor } = await Reactor.load(fixture(name));
      assert.equal(reactor, undefined);
      assert.equal(report.status, "invalid");
      if (report.status !== "invalid") return;
      assert.equal(report.error.code, code);
      assert.ok(report.error.message.length > 10);
    });
  }

  it("reports a trap in _initialize and in the start function", async () => {
    const init = await Reactor.load(fixture("init_trap"));
    assert.equal(init.report.status === "loaded" && init.report.instance.status === "failed" && init.report.instance.stage, "initialize");
    const start = await Reactor.load(fixture("start_trap"));
    assert.equal(start.report.status === "loaded" && start.report.instance.status === "failed" && start.report.instance.stage, "start");
  });

  it("refuses calls whose arguments do not match the signature, without calling", async () => {
    const { reactor } = await load("counter");
    assert.equal(reactor.call("increment", plain([i32(1)])).status, "refused");
    assert.equal(reactor.call("missing", plain([])).status, "refused");
    assert.deepEqual(returned(reactor.call("get", plain([]))), [i32(0)]);
  });
});

/** Progress a handler reports, where a test does not look at it. */
const ignore = (): void => undefined;

describe("worker: request handlers", () => {
  it("load, call and readMemory answer with values; bad params are rejected", async () => {
    const handlers = createHandlers();
    await assert.rejects(async () => handlers.call({ exportName: "x", call: plain([]) }, ignore), /load a module first/);
    const bytes = fixture("counter");
    // The module goes ahead as progress, before the instance exists; the answer does not repeat it.
    const reported: string[] = [];
    const answer = await handlers.load({ bytes }, ({ module }) => {
      reported.push(`${module.kind}: ${module.functions.map((f) => f.name).join(", ")}`);
    });
    assert.deepEqual(reported, ["reactor: _initialize, increment, get, reset"]);
    assert.equal(answer.report.status, "loaded");
    assert.ok(!("module" in answer.report));
    assert.equal(answer.bytes, bytes, "the bytes go back to the page for restarts");
    assert.ok(answer.compiled instanceof WebAssembly.Module);
    const first =
      answer.report.status === "loaded" && answer.report.instance.status === "ready" ? answer.report.instance.firstMemory : undefined;
    assert.equal(first?.offset, 0);
    assert.equal(first?.bytes.length, 4096);
    await assert.rejects(async () => handlers.load({ bytes, compiled: {} }, ignore), TypeError);
    // A restart hands back the compiled module: nothing is compiled again, and the reactor starts afresh.
    const again = await handlers.load({ bytes, compiled: answer.compiled }, ignore);
    assert.equal(again.compiled, answer.compiled);
    const outcome = await handlers.call({ exportName: "increment", call: plain([]) }, ignore);
    assert.deepEqual(returned(outcome), [i32(1)]);
    await assert.rejects(
      async () =>
        handlers.call({ exportName: "increment", call: { convention: "plain", args: [{ type: "i32", value: "1" }] } } as never, ignore),
      TypeError,
    );
    const window = await handlers.readMemory({ offset: 65530, length: 100 }, ignore);
    assert.equal(window.offset, 65530);
    assert.equal(window.bytes.length, 6);
    assert.equal(window.memoryBytes, 65536);
  });
});

describe("worker: garbage requests are refused, never acted on", () => {
  const garbage: [string, unknown][] = [
    ["load", null],
    ["load", { bytes: [0, 97, 115, 109] }],
    ["call", { exportName: "increment" }],
    ["call", { exportName: "increment", call: { convention: "plain", args: [1] } }],
    ["call", { exportName: "increment", call: { convention: "tagged", args: [{ type: "Int64", value: 1 }], options: {} } }],
    ["call", { exportName: "increment", call: { convention: "allocator", plan: {}, values: [], keepAllocations: false } }],
    ["call", { exportName: "increment", call: { convention: "eval", code: "1" } }],
    ["readMemory", { offset: "0", length: 10 }],
    ["readMemory", { offset: 1.5, length: 10 }],
  ];
  for (const [method, params] of garbage) {
    it(`${method}(${JSON.stringify(params)}) is rejected with a TypeError and the reactor is unchanged`, async () => {
      const handlers = createHandlers();
      await handlers.load({ bytes: fixture("counter") }, ignore);
      await assert.rejects(
        async () => await (handlers as unknown as Record<string, (p: unknown, progress: () => void) => unknown>)[method]!(params, ignore),
        TypeError,
      );
      assert.deepEqual(returned(await handlers.call({ exportName: "get", call: plain([]) }, ignore)), [i32(0)]);
    });
  }
});
