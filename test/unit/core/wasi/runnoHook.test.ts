/**
 * The decoders on real calls: the hello fixture (C on wasi-libc) runs under @runno/wasi in Node, its
 * debug hook hands every WASI call to `decodeWasiCall`, and the trace must say what the C code did.
 */
import { strict as assert } from "node:assert";
import { WASI } from "@runno/wasi";
import { decodeWasiCall, planWasiCall, type WasiCall } from "../../../../src/core/wasi/decodeCall";
import { memoryReader } from "../../../../src/core/wasi/memoryReader";
import { narrateWasiCall } from "../../../../src/core/wasi/narrateCall";
import { classifyPreview1Imports } from "../../../../src/core/wasi/preview1";
import { WasiTrace } from "../../../../src/core/wasi/wasiTrace";
import { parseModule } from "../../../../src/core/wasm/parseModule";
import { fixture } from "../../fixtures";

interface Run {
  exports: WebAssembly.Exports;
  /** The calls decoded from the debug hook, after each call. */
  trace: WasiTrace;
  /** The calls planned before each call, by wrapping the imports. */
  plans: WasiCall[];
  stdout: string[];
}

async function run(): Promise<Run> {
  let memory: WebAssembly.Memory | undefined = undefined;
  const trace = new WasiTrace();
  const plans: WasiCall[] = [];
  const stdout: string[] = [];
  const wasi = new WASI({
    stdout: (text) => stdout.push(text),
    isTTY: true,
    debug: (name, args, ret) => {
      if (!memory) return undefined;
      // The hook's declared argument type is string[], but it passes the wasm values themselves.
      const raw: unknown[] = args;
      trace.add(
        decodeWasiCall(name, raw, ret, {
          memory: memoryReader(new Uint8Array(memory.buffer)),
          argSizes: trace.argSizes,
          environSizes: trace.environSizes,
        }),
      );
      return undefined;
    },
  });
  // The worker will wrap the imports like this to snapshot a call's inputs before it runs: the hook only runs after.
  const imports = wasi.getImportObject();
  const preview1: WebAssembly.ModuleImports = {};
  for (const [name, f] of Object.entries(imports.wasi_snapshot_preview1)) {
    if (typeof f !== "function") continue;
    preview1[name] = (...args: unknown[]): unknown => {
      if (memory) plans.push(planWasiCall(name, args, { memory: memoryReader(new Uint8Array(memory.buffer)) }));
      return (f as (...args: unknown[]) => unknown)(...args);
    };
  }
  const module = await WebAssembly.compile(fixture("hello") as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, { ...imports, wasi_snapshot_preview1: preview1 });
  memory = instance.exports.memory as WebAssembly.Memory;
  wasi.initialize({ instance, module });
  return { exports: instance.exports, trace, plans, stdout };
}

describe("wasi: decoding @runno/wasi's debug hook on a real C reactor", () => {
  it("knows every WASI function the fixture imports", () => {
    const parsed = parseModule(fixture("hello"));
    assert.ok(parsed.ok);
    const sorted = classifyPreview1Imports(parsed.module.imports);
    assert.deepEqual(sorted.unknown, []);
    assert.deepEqual(sorted.mistyped, []);
    assert.ok(sorted.known.some((i) => i.name === "fd_write"));
  });

  it("traces greet(5): printf's fd_write with its iovecs, the bytes written and nwritten", async () => {
    const { exports, trace, plans, stdout } = await run();
    const before = trace.summary().total;
    assert.equal((exports.greet as (n: number) => number)(5), 10);
    assert.equal(stdout.join(""), "hello 5\n");
    const calls = trace.summary().kept.slice(before);
    const write = calls.find((c) => c.name === "fd_write");
    assert.ok(write, `fd_write among ${calls.map((c) => c.name).join(", ")}`);
    assert.equal(write.errno?.name, "ERRNO_SUCCESS");
    assert.deepEqual(write.problems, []);
    assert.equal(Buffer.from(write.data[0]?.bytes ?? []).toString(), "hello 5\n");
    assert.equal(write.results.find((r) => r.label === "nwritten")?.value, 8);
    const line = narrateWasiCall(write);
    assert.match(
      line,
      /^fd_write\(1, \d+ iovecs? at 0x[0-9a-f]+\) read 8 bytes (at|in \d+ buffers at) 0x[0-9a-f]+.* "hello 5\\n", wrote 8 to 0x[0-9a-f]+$/,
    );
    // What was planned before the call covers what the call was then seen to read and write.
    const plan = plans.filter((p) => p.name === "fd_write").at(-1);
    assert.deepEqual(plan?.reads, write.reads);
    assert.deepEqual(plan?.writes, write.writes);
  });

  it("traces the fdstat wasi-libc asks for stdout, as the character device @runno/wasi reports", async () => {
    const { exports, trace } = await run();
    (exports.greet as (n: number) => number)(1);
    const fdstat = trace.summary().kept.find((c) => c.name === "fd_fdstat_get");
    assert.ok(fdstat);
    assert.match(fdstat.results[0]?.short ?? "", /^fdstat \(character_device, flags 0, \d+ rights\)$/);
    assert.equal(fdstat.writes[0]?.size, 24);
  });
});
