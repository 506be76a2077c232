import assert from "node:assert/strict";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import { warmUpModule, warmUpParser } from "../../../../webview/worker/warmUp";

describe("worker: the parser's warm-up module", () => {
  it("is a valid module with the shapes the parser's hot paths read: many functions, exports, names", async () => {
    const bytes = warmUpModule();
    const parsed = parseModule(bytes);
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.error.message);
    const { functions, memories } = parsed.module;
    assert.equal(functions.length, 600);
    assert.equal(memories[0]?.exportNames[0], "memory");
    const last = functions[599]!;
    assert.equal(last.name, "export_11980");
    assert.equal(last.debugName, "module::function_11980");
    assert.deepEqual(
      last.paramNames,
      Array.from({ length: last.type.params.length }, (_, i) => `arg${i}`),
    );
    const engine = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    assert.equal(WebAssembly.Module.exports(engine).length, 601, "the engine reads it too");
    assert.doesNotThrow(() => warmUpParser());
  });
});
