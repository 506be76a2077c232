/** The page's pure state: the reducer, saved state, and building calls from what the user typed. */
import assert from "node:assert/strict";
import type { InstanceReport, LoadReport } from "../../../../src/core/protocol";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import { buildCall, previewLayout } from "../../../../webview/ui/callBuilder";
import {
  choiceOf,
  entryPointNote,
  historyLimit,
  initialState,
  inputsFor,
  isEntryPoint,
  reduce,
  sanitizeSaved,
  savedState,
  selectedFunction,
  unansweredHostCall,
  type Event,
  type State,
} from "../../../../webview/ui/state";
import { fixture } from "../../fixtures";

const ready: InstanceReport = { status: "ready", memoryBytes: 65536, globals: [], imports: [], stdout: "", stderr: "", notes: [] };

function loaded(name: string, from: State = initialState(), instance: InstanceReport = ready): State {
  const parsed = parseModule(fixture(name));
  assert.ok(parsed.ok);
  const report: LoadReport = { status: "loaded", module: parsed.module, instance };
  return reduce(from, { type: "didLoad", fileName: `${name}.wasm`, report });
}

describe("ui state: the reducer", () => {
  it("selects the first export on load, and keeps a selection that still exists across a reload", () => {
    let state = loaded("numbers");
    assert.equal(state.selected, "add_i32");
    state = reduce(state, { type: "select", exportName: "divmod" });
    assert.equal(loaded("numbers", state).selected, "divmod");
    assert.equal(loaded("counter", state).selected, "increment", "a fresh module opens on its first export that is not the entry point");
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
    state = reduce(state, { type: "setConvention", exportName: fn.name, convention: "tagged" });
    assert.deepEqual(state.inputs[fn.name], []);
    state = reduce(state, { type: "edit", exportName: fn.name, index: 0, text: "-5" });
    const choice = choiceOf(state, fn);
    assert.equal(choice.convention === "tagged" && choice.rows[0]?.text, "-5");
  });

  it("keeps one history line per call, newest first, capped", () => {
    let state = loaded("numbers");
    for (let i = 0; i < historyLimit + 5; i++) {
      state = reduce(state, {
        type: "didFinishCall",
        record: { status: "failed", exportName: "spin", argTexts: [String(i)], message: "stopped" },
      });
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
    assert.deepEqual(saved, {
      selected: "add_i64",
      inputs: { add_i64: ["1", "2"] },
      choices: { ok: { convention: "plain" } },
      isWatchingAllMemory: false,
      history: ["a", "b"],
    });
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
    const fn =
      state.load.status === "loaded" && state.load.report.status === "loaded"
        ? state.load.report.module.functions.find((f) => f.name === "test_memory")!
        : assert.fail();
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
    const testMemory =
      tagged.load.status === "loaded" && tagged.load.report.status === "loaded"
        ? tagged.load.report.module.functions.find((f) => f.name === "test_memory")!
        : assert.fail();
    assert.equal(choiceOf(tagged, testMemory).convention, "plain");
    const strings = reduce(loaded("strings"), { type: "select", exportName: "to_upper" });
    assert.equal(choiceOf(strings, selectedFunction(strings)!).convention, "allocator");
  });
});

describe("ui state: the entry point ran at load, and runs again only when confirmed", () => {
  const entryCases: { fixture: string; exportName: string; isEntry: boolean }[] = [
    { fixture: "counter", exportName: "_initialize", isEntry: true },
    { fixture: "counter", exportName: "increment", isEntry: false },
    // A module exporting both entry points runs as a reactor: `_initialize` ran, `_start` never does.
    { fixture: "both", exportName: "_initialize", isEntry: true },
    { fixture: "both", exportName: "_start", isEntry: false },
    { fixture: "numbers", exportName: "add_i32", isEntry: false },
    { fixture: "counter", exportName: "missing", isEntry: false },
  ];
  for (const { fixture: name, exportName, isEntry } of entryCases) {
    it(`${exportName} of ${name}.wasm ${isEntry ? "is" : "is not"} the entry point`, () => {
      assert.equal(isEntryPoint(loaded(name), exportName), isEntry);
    });
  }

  const notes: { instance: InstanceReport; note: string }[] = [
    { instance: ready, note: "entry point · ran at load" },
    { instance: { status: "starting" }, note: "entry point · runs at load" },
    { instance: { status: "failed", stage: "initialize", message: "trapped" }, note: "entry point · failed at load" },
  ];
  for (const { instance, note } of notes) {
    it(`says "${note}" when the instance is ${instance.status}`, () => {
      assert.deepEqual(entryPointNote(loaded("counter", initialState(), instance)), { exportName: "_initialize", note });
    });
  }

  it("says nothing of an entry point for a module without one, or before a module", () => {
    assert.equal(entryPointNote(loaded("numbers")), undefined);
    assert.equal(entryPointNote(initialState()), undefined);
  });

  const asking = (isFromHost: boolean) => reduce(loaded("counter"), { type: "askBeforeCall", exportName: "_initialize", isFromHost });

  const transitions: {
    title: string;
    from: () => State;
    event: Event;
    confirming: "kept" | "cleared" | "unchanged state" | { exportName: string; isFromHost: boolean };
  }[] = [
    {
      title: "asking for the entry point selects it and waits",
      from: () => loaded("counter"),
      event: { type: "askBeforeCall", exportName: "_initialize", isFromHost: false },
      confirming: { exportName: "_initialize", isFromHost: false },
    },
    {
      title: "the host's request waits as the host's",
      from: () => loaded("counter"),
      event: { type: "askBeforeCall", exportName: "_initialize", isFromHost: true },
      confirming: { exportName: "_initialize", isFromHost: true },
    },
    {
      title: "asking for an ordinary export",
      from: () => loaded("counter"),
      event: { type: "askBeforeCall", exportName: "increment", isFromHost: false },
      confirming: "unchanged state",
    },
    {
      title: "asking for an export the module lacks",
      from: () => loaded("counter"),
      event: { type: "askBeforeCall", exportName: "missing", isFromHost: true },
      confirming: "unchanged state",
    },
    {
      title: "asking for `_initialize` of a module that has no entry point",
      from: () => loaded("numbers"),
      event: { type: "askBeforeCall", exportName: "_initialize", isFromHost: false },
      confirming: "unchanged state",
    },
    {
      title: "confirming the waiting call",
      from: () => asking(false),
      event: { type: "confirmCall", exportName: "_initialize" },
      confirming: "cleared",
    },
    {
      title: "confirming a call that is not the one waiting",
      from: () => asking(false),
      event: { type: "confirmCall", exportName: "increment" },
      confirming: "unchanged state",
    },
    {
      title: "confirming when nothing waits",
      from: () => loaded("counter"),
      event: { type: "confirmCall", exportName: "_initialize" },
      confirming: "unchanged state",
    },
    { title: "declining", from: () => asking(true), event: { type: "declineCall" }, confirming: "cleared" },
    { title: "declining when nothing waits", from: () => loaded("counter"), event: { type: "declineCall" }, confirming: "unchanged state" },
    { title: "selecting another export", from: () => asking(false), event: { type: "select", exportName: "get" }, confirming: "cleared" },
    {
      title: "selecting the waiting export again",
      from: () => asking(false),
      event: { type: "select", exportName: "_initialize" },
      confirming: "kept",
    },
    {
      title: "selecting an export the module lacks",
      from: () => asking(false),
      event: { type: "select", exportName: "missing" },
      confirming: "unchanged state",
    },
    { title: "typing while it waits", from: () => asking(false), event: { type: "watchAllMemory", isOn: true }, confirming: "kept" },
    {
      title: "loading a file anew",
      from: () => asking(true),
      event: { type: "didStartLoading", fileName: "counter.wasm" },
      confirming: "cleared",
    },
    {
      title: "a file that cannot be read",
      from: () => asking(true),
      event: { type: "didFailToOpen", fileName: "counter.wasm", message: "gone" },
      confirming: "cleared",
    },
  ];
  for (const { title, from, event, confirming } of transitions) {
    it(`${title}: ${typeof confirming === "string" ? confirming : "waits"}`, () => {
      const before = from();
      const after = reduce(before, event);
      if (confirming === "unchanged state") return assert.equal(after, before);
      if (confirming === "kept") return assert.equal(after.confirming, before.confirming);
      if (confirming === "cleared") return assert.equal(after.confirming, undefined);
      assert.deepEqual(after.confirming, confirming);
      assert.equal(after.selected, confirming.exportName);
    });
  }

  it("drops a waiting call when the module reloads: it was about the instance that is gone", () => {
    assert.equal(loaded("counter", asking(false)).confirming, undefined);
  });

  const answers: { title: string; from: () => State; event: Event; isAnswered: boolean }[] = [
    { title: "the user declines the host's request", from: () => asking(true), event: { type: "declineCall" }, isAnswered: true },
    {
      title: "the user leaves the host's request for another export",
      from: () => asking(true),
      event: { type: "select", exportName: "get" },
      isAnswered: true,
    },
    {
      title: "the module reloads under the host's request",
      from: () => asking(true),
      event: { type: "didStartLoading", fileName: "counter.wasm" },
      isAnswered: true,
    },
    {
      title: "the host asks again, replacing its request",
      from: () => asking(true),
      event: { type: "askBeforeCall", exportName: "_initialize", isFromHost: true },
      isAnswered: true,
    },
    {
      title: "the user confirms the host's request (the call answers it)",
      from: () => asking(true),
      event: { type: "confirmCall", exportName: "_initialize" },
      isAnswered: false,
    },
    {
      title: "the user confirms another export than the waiting one",
      from: () => asking(true),
      event: { type: "confirmCall", exportName: "get" },
      isAnswered: false,
    },
    {
      title: "an event that leaves the request waiting",
      from: () => asking(true),
      event: { type: "watchAllMemory", isOn: true },
      isAnswered: false,
    },
    {
      title: "the user declines their own request (the host asked nothing)",
      from: () => asking(false),
      event: { type: "declineCall" },
      isAnswered: false,
    },
  ];
  for (const { title, from, event, isAnswered } of answers) {
    it(`${title}: ${isAnswered ? "the page answers the host" : "no answer is due now"}`, () => {
      const before = from();
      const unanswered = unansweredHostCall(before, reduce(before, event), event);
      assert.deepEqual(unanswered, isAnswered ? before.confirming : undefined);
    });
  }
});
