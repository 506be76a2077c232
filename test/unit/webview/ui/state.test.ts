/** The page's pure state: the reducer, saved state, and building calls from what the user typed. */
import assert from "node:assert/strict";
import type { LoadReport } from "../../../../src/core/protocol";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import { buildCall, choiceFor, previewLayout } from "../../../../webview/ui/callBuilder";
import { choiceOf, historyLimit, initialState, inputsFor, reduce, sanitizeSaved, savedState, selectedFunction, type State } from "../../../../webview/ui/state";
import { fixture } from "../../fixtures";

function loaded(name: string, from: State = initialState()): State {
  const parsed = parseModule(fixture(name));
  assert.ok(parsed.ok);
  const report: LoadReport = { status: "loaded", module: parsed.module, instance: { status: "ready", memoryBytes: 65536, globals: [], imports: [], stdout: "", stderr: "", notes: [] } };
  return reduce(from, { type: "didLoad", fileName: `${name}.wasm`, report });
}

describe("ui state: the reducer", () => {
  it("selects the first export on load, and keeps a selection that still exists across a reload", () => {
    let state = loaded("numbers");
    assert.equal(state.selected, "add_i32");
    state = reduce(state, { type: "select", exportName: "divmod" });
    assert.equal(loaded("numbers", state).selected, "divmod");
    assert.equal(loaded("counter", state).selected, "_initialize");
    assert.equal(reduce(state, { type: "select", exportName: "missing" }).selected, "divmod");
  });

  it("keeps typed texts per export and field", () => {
    let state = loaded("numbers");
    state = reduce(state, { type: "edit", exportName: "add_i32", index: 1, text: "40" });
    const fn = selectedFunction(state)!;
    assert.deepEqual(inputsFor(state, fn), ["", "40"]);
  });

  it("starts fields afresh when the convention changes their shape, and keeps tagged texts in the rows", () => {
    let state = loaded("strings");
    state = reduce(state, { type: "select", exportName: "sum_u32" });
    const fn = selectedFunction(state)!;
    state = reduce(state, { type: "edit", exportName: fn.name, index: 0, text: "7" });
    const module = parseModule(fixture("strings"));
    assert.ok(module.ok);
    const tagged = choiceFor("tagged", fn, module.module);
    state = reduce(state, { type: "choose", exportName: fn.name, choice: tagged });
    assert.deepEqual(state.inputs[fn.name], []);
    state = reduce(state, { type: "edit", exportName: fn.name, index: 0, text: "-5" });
    const choice = choiceOf(state, fn);
    assert.equal(choice.convention === "tagged" && choice.rows[0]?.text, "-5");
  });

  it("keeps one history line per call, newest first, capped", () => {
    let state = loaded("numbers");
    for (let i = 0; i < historyLimit + 5; i++) {
      state = reduce(state, { type: "didFinishCall", record: { status: "failed", exportName: "spin", argTexts: [String(i)], message: "stopped" } });
    }
    assert.equal(state.history.length, historyLimit);
    assert.equal(state.history[0], `spin(${historyLimit + 4}) — stopped`);
  });

  it("restores a saved state, and drops what is malformed in it", () => {
    const saved = sanitizeSaved({
      selected: "add_i64",
      inputs: { add_i64: ["1", "2"], bad: [1, 2] },
      choices: { ok: { convention: "plain" }, broken: { convention: "tagged", rows: "nope" }, odd: { convention: "magic" } },
      history: ["a", "b"],
      isWatchingAllMemory: "yes",
    });
    assert.deepEqual(saved, { selected: "add_i64", inputs: { add_i64: ["1", "2"] }, choices: { ok: { convention: "plain" } }, isWatchingAllMemory: false, history: ["a", "b"] });
    assert.equal(sanitizeSaved("garbage"), undefined);
    const state = reduce(loaded("numbers"), { type: "restore", saved });
    assert.equal(state.selected, "add_i64");
    assert.deepEqual(savedState(state).history, ["a", "b"]);
  });
});

describe("ui state: building calls", () => {
  it("names the fields with problems and builds nothing", () => {
    const state = loaded("numbers");
    const fn = selectedFunction(state)!;
    const built = buildCall(fn, { convention: "plain" }, ["1", "4294967296"]);
    assert.equal(built.ok, false);
    assert.deepEqual(!built.ok && built.problems.map((p) => p.index), [1]);
  });

  it("previews the tagged worked example at the spec's offsets", () => {
    const state = loaded("tagged");
    const fn = state.load.status === "loaded" && state.load.report.status === "loaded" ? state.load.report.module.functions.find((f) => f.name === "test_memory")! : assert.fail();
    const choice = {
      convention: "tagged" as const,
      rows: [
        { type: "Int32" as const, text: "-1" },
        { type: "Uint32" as const, text: "1" },
        { type: "string" as const, text: "passing" },
        { type: "Int32Array" as const, text: "[-1,-1,-1]" },
        { type: "Uint32Array" as const, text: "[1,1,1]" },
      ],
      options: { startOffset: 8, tagWidth: 1 as const, padStringsTo4: false },
    };
    const preview = previewLayout(fn, choice, []);
    assert.ok(preview.ok);
    const tags = preview.ok ? preview.regions.filter((r) => r.kind === "tag" || r.kind === "terminator").map((r) => r.offset) : [];
    assert.deepEqual(tags, [8, 13, 18, 30, 47, 64]);
  });

  it("suggests the tagged convention without applying it, and applies a proposed allocator", () => {
    const tagged = loaded("tagged");
    const testMemory = tagged.load.status === "loaded" && tagged.load.report.status === "loaded" ? tagged.load.report.module.functions.find((f) => f.name === "test_memory")! : assert.fail();
    assert.equal(choiceOf(tagged, testMemory).convention, "plain");
    const strings = reduce(loaded("strings"), { type: "select", exportName: "to_upper" });
    assert.equal(choiceOf(strings, selectedFunction(strings)!).convention, "allocator");
  });
});
