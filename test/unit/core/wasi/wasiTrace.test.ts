/** The capped trace of one run's WASI calls, and the data previews its narration uses. */
import { strict as assert } from "node:assert";
import { previewBytes, quoteText } from "../../../../src/core/wasi/bytesText";
import { decodeWasiCall, type WasiCall } from "../../../../src/core/wasi/decodeCall";
import { memoryReader } from "../../../../src/core/wasi/memoryReader";
import { narrateWasiCall } from "../../../../src/core/wasi/narrateCall";
import { maxFunctionNames, WasiTrace } from "../../../../src/core/wasi/wasiTrace";
import { Memory } from "./memoryBuilder";

const empty = memoryReader(new Uint8Array(0));
const call = (name: string, errno = 0, args: unknown[] = [4]): WasiCall => decodeWasiCall(name, args, errno, { memory: empty });

describe("wasi: WasiTrace", () => {
  it("keeps the first calls up to the cap and counts the rest by function", () => {
    const trace = new WasiTrace(3);
    for (const name of ["fd_close", "fd_sync", "fd_close", "fd_close", "fd_sync"]) trace.add(call(name, name === "fd_sync" ? 8 : 0));
    const s = trace.summary();
    assert.equal(s.total, 5);
    assert.equal(s.dropped, 2);
    assert.deepEqual(
      s.kept.map((c) => c.name),
      ["fd_close", "fd_sync", "fd_close"],
    );
    assert.deepEqual(s.byFunction, {
      fd_close: { calls: 3, failures: 0, dropped: 1 },
      fd_sync: { calls: 2, failures: 2, dropped: 1 },
    });
  });

  it("keeps 1,000 calls by default and stays at that however many come", () => {
    const trace = new WasiTrace();
    const one = call("sched_yield", 0, []);
    for (let i = 0; i < 100_000; i++) trace.add(one);
    const s = trace.summary();
    assert.equal(s.kept.length, 1000);
    assert.equal(s.total, 100_000);
    assert.equal(s.byFunction.sched_yield?.dropped, 99_000);
  });

  it("keeps nothing with a cap of 0, and floors a bad cap", () => {
    const zero = new WasiTrace(0);
    zero.add(call("fd_close"));
    assert.deepEqual([zero.summary().kept.length, zero.summary().dropped], [0, 1]);
    assert.equal(new WasiTrace(-5).cap, 0);
    assert.equal(new WasiTrace(2.7).cap, 2);
    assert.equal(new WasiTrace(Number.NaN).cap, 1000);
  });

  it("counts distinct names up to a bound, the rest under (other)", () => {
    const trace = new WasiTrace(0);
    for (let i = 0; i < maxFunctionNames + 10; i++) trace.add(call(`made_up_${i}`, 52, []));
    const s = trace.summary();
    assert.equal(Object.keys(s.byFunction).length, maxFunctionNames + 1);
    assert.deepEqual(s.byFunction["(other)"], { calls: 10, failures: 10, dropped: 10 });
  });

  it("gives a summary that later calls do not change", () => {
    const trace = new WasiTrace();
    trace.add(call("fd_close"));
    const before = trace.summary();
    trace.add(call("fd_close"));
    assert.equal(before.total, 1);
    assert.equal(before.byFunction.fd_close?.calls, 1);
  });

  it("remembers args_sizes_get's answer so args_get can be decoded without guessing", () => {
    const m = new Memory().u32(0x10, 2).u32(0x14, 7).u32(0x100, 0x200).u32(0x104, 0x205).text(0x200, "prog\0x\0");
    const memory = memoryReader(m.bytes);
    const trace = new WasiTrace();
    trace.add(decodeWasiCall("args_sizes_get", [0x10, 0x14], 0, { memory }));
    assert.deepEqual(trace.argSizes, { count: 2, bufSize: 7 });
    const argsGet = decodeWasiCall("args_get", [0x100, 0x200], 0, { memory, argSizes: trace.argSizes });
    assert.deepEqual(argsGet.problems, []);
    assert.equal(trace.environSizes, undefined);
  });

  it("ignores sizes from a failed args_sizes_get", () => {
    const trace = new WasiTrace();
    trace.add(decodeWasiCall("args_sizes_get", [0x10, 0x14], 8, { memory: memoryReader(new Memory().bytes) }));
    assert.equal(trace.argSizes, undefined);
  });
});

describe("wasi: previews", () => {
  const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));
  const table: [string, Uint8Array, string][] = [
    ["plain text", bytes("tick\n"), '"tick\\n"'],
    ["escapes", bytes('a\tb"\\\x01\r\0'), '"a\\tb\\"\\\\\\x01\\r\\0"'],
    ["non-ASCII text", bytes("héllo 😀"), '"héllo 😀"'],
    ["a line separator, which would break a line", bytes("a\u2028b"), '"a\\u{2028}b"'],
    ["binary", new Uint8Array([0x9f, 0x02, 0xff]), "<9f 02 ff>"],
    ["long text, cut at 40 characters", bytes("x".repeat(50)), `"${"x".repeat(40)}"…`],
    ["long binary, cut at 20 bytes", new Uint8Array(30).fill(0xff), `<${Array(20).fill("ff").join(" ")} …>`],
    ["nothing", new Uint8Array(0), '""'],
  ];
  for (const [title, b, want] of table) {
    it(`shows ${title} as ${want}`, () => assert.equal(previewBytes(b), want));
  }

  it("treats a character split by the cap as text", () => {
    const b = bytes("é").subarray(0, 1);
    assert.equal(previewBytes(b, { isTruncated: true }), '""…');
    assert.equal(previewBytes(b), "<c3>");
  });

  it("cuts quoted text by characters, not UTF-16 units", () => {
    assert.equal(quoteText("😀😀😀", 2), '"😀😀"…');
  });

  it("narrates a call with several problems by the first and a count", () => {
    const c = decodeWasiCall("path_rename", [3, 0x1000, 1, 3, 0x2000, 1], 21, { memory: empty });
    assert.equal(
      narrateWasiCall(c),
      "path_rename(3, old_path at 0x1000 (1 bytes, out of bounds), 3, new_path at 0x2000 (1 bytes, out of bounds)) failed: ERRNO_FAULT (Bad address) — old_path at 0x1000 (1 bytes) is out of bounds: memory is 0 bytes. (and 1 more)",
    );
  });

  it("narrates more than three buffers with an ellipsis", () => {
    const m = new Memory()
      .iovecs(0x10, [
        [0x80, 1],
        [0x90, 1],
        [0xa0, 1],
        [0xb0, 1],
      ])
      .text(0x80, "a")
      .text(0x90, "b")
      .text(0xa0, "c")
      .text(0xb0, "d")
      .u32(0x40, 4);
    const c = decodeWasiCall("fd_write", [1, 0x10, 4, 0x40], 0, { memory: memoryReader(m.bytes) });
    assert.equal(
      narrateWasiCall(c),
      'fd_write(1, 4 iovecs at 0x10) read 4 bytes in 4 buffers at 0x80, 0x90, 0xa0, … "abcd", wrote 4 to 0x40',
    );
  });
});
