/**
 * The WASI example reactors (wasi_args, wasi_files, wasi_stdin, wasi_clock_random): each loads in the
 * worker's `Reactor` with today's defaults, and each export does what its source comment says under
 * `@runno/wasi` given arguments, environment, files and stdin. Not a test of the explorer's UI.
 */
import assert from "node:assert/strict";
import { WASI, type WASIContextOptions, type WASIFS } from "@runno/wasi";
import type { WasmValue } from "../../../../src/core/abi/numbers";
import type { CallEnding, ConventionCall } from "../../../../src/core/protocol";
import { Reactor } from "../../../../webview/worker/reactor";
import { fixture } from "../../fixtures";

const i32 = (value: number): WasmValue => ({ type: "i32", value });
const plain = (args: WasmValue[]): ConventionCall => ({ convention: "plain", args });

/** wasi-libc's errno values (WASI numbering), as the exports return them negated. */
const EINVAL = 28;
const ENOTCAPABLE = 76;

function returned(outcome: CallEnding): WasmValue[] {
  if (outcome.status !== "returned") assert.fail(`expected a return, got ${outcome.status}`);
  return outcome.results;
}

/** A module instantiated directly with @runno/wasi, its stdout collected between calls. */
interface Guest {
  wasi: WASI;
  exports: WebAssembly.Exports;
  /** Calls an exported function and returns its result with what it printed on stdout. */
  call: (name: string, ...args: number[]) => { result: unknown; stdout: string };
}

async function guest(name: string, context: Partial<WASIContextOptions> = {}): Promise<Guest> {
  let stdout = "";
  const wasi = new WASI({ stdout: (text) => (stdout += text), ...context });
  const module = await WebAssembly.compile(new Uint8Array(fixture(name)));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  wasi.initialize({ module, instance });
  const exports = instance.exports;
  return {
    wasi,
    exports,
    call: (exportName, ...args) => {
      const fn = exports[exportName];
      if (typeof fn !== "function") return assert.fail(`${name} has no exported function ${exportName}`);
      stdout = "";
      // Every export these tests call takes and returns numbers (i32, or i64 as a BigInt).
      const result = (fn as (...values: number[]) => unknown)(...args);
      return { result, stdout };
    },
  };
}

/** A text file for @runno/wasi's in-memory file system. */
function textFile(path: string, content: string): WASIFS[string] {
  const at = new Date(0);
  return { path, content, mode: "string", timestamps: { access: at, modification: at, change: at } };
}

/** A stdin callback that hands out `text` honouring each request's byte limit, then reports end of input. */
function stdinOf(text: string): { stdin: (maxByteLength: number) => string | null; requests: number[]; more: (text: string) => void } {
  let rest = text;
  const requests: number[] = [];
  return {
    requests,
    more: (added) => {
      rest += added;
    },
    stdin: (maxByteLength) => {
      requests.push(maxByteLength);
      // ASCII only in these tests, so characters are bytes.
      const chunk = rest.slice(0, maxByteLength);
      rest = rest.slice(chunk.length);
      return chunk === "" ? null : chunk;
    },
  };
}

describe("worker: the WASI example reactors", () => {
  describe("load in the worker's Reactor and behave as documented with today's defaults", () => {
    const modules = ["wasi_args", "wasi_files", "wasi_stdin", "wasi_clock_random"];
    for (const name of modules) {
      it(`${name} loads as a ready reactor with _initialize`, async () => {
        const { report, reactor } = await Reactor.load(fixture(name));
        assert.ok(reactor, JSON.stringify(report));
        if (report.status !== "loaded" || report.instance.status !== "ready") return assert.fail(JSON.stringify(report));
        assert.equal(report.module.kind, "reactor");
        assert.ok(report.module.functions.some((f) => f.name === "_initialize"));
      });
    }

    it("wasi_args: no arguments (argc = 0) and an empty environment", async () => {
      const { reactor } = await Reactor.load(fixture("wasi_args"));
      assert.ok(reactor);
      const args = reactor.call("print_args", plain([]));
      assert.deepEqual(returned(args), [i32(0)]);
      assert.equal(args.stdout, "argc = 0\n");
      const env = reactor.call("print_env", plain([]));
      assert.deepEqual(returned(env), [i32(0)]);
      assert.equal(env.stdout, "");
    });

    it("wasi_files: the preopened directory is empty, input.txt is missing, notes.txt can be created", async () => {
      const { reactor } = await Reactor.load(fixture("wasi_files"));
      assert.ok(reactor);
      assert.deepEqual(returned(reactor.call("read_file_len", plain([]))), [i32(-ENOTCAPABLE)]);
      assert.deepEqual(returned(reactor.call("list_dir", plain([]))), [i32(0)]);
      assert.deepEqual(returned(reactor.call("append_line", plain([i32(1)]))), [i32("line 1\n".length)]);
      const listed = reactor.call("list_dir", plain([]));
      assert.deepEqual(returned(listed), [i32(1)]);
      assert.equal(listed.stdout, "notes.txt\n");
    });

    it("wasi_stdin: stdin is empty, so read_line and count_bytes return 0", async () => {
      const { reactor } = await Reactor.load(fixture("wasi_stdin"));
      assert.ok(reactor);
      const line = reactor.call("read_line", plain([]));
      assert.deepEqual(returned(line), [i32(0)]);
      assert.equal(line.stdout, "");
      const count = reactor.call("count_bytes", plain([]));
      assert.deepEqual(returned(count), [i32(0)]);
      assert.equal(count.stdout, "0 bytes, 1 read() calls\n");
    });

    it("wasi_clock_random: the real clock and real randomness", async () => {
      const { reactor } = await Reactor.load(fixture("wasi_clock_random"));
      assert.ok(reactor);
      const before = Date.now();
      const [now] = returned(reactor.call("now_ms", plain([])));
      assert.equal(now?.type, "i64");
      const ms = Number(now?.value);
      assert.ok(ms >= before && ms <= Date.now(), `now_ms() = ${ms}, expected about ${before}`);
      const [die] = returned(reactor.call("roll_dice", plain([])));
      assert.ok(die?.type === "i32" && die.value >= 1 && die.value <= 6, JSON.stringify(die));
    });
  });

  describe("wasi_args under @runno/wasi", () => {
    const context = { args: ["wasi_args.wasm", "--name", "Ada"], env: { HOME: "/home/ada", LANG: "C" } };

    it("print_args prints argc and each argument and returns argc", async () => {
      const { call } = await guest("wasi_args", context);
      assert.deepEqual(call("print_args"), {
        result: 3,
        stdout: "argc = 3\nargv[0] = wasi_args.wasm\nargv[1] = --name\nargv[2] = Ada\n",
      });
    });

    it("print_env prints NAME=value lines and returns their count", async () => {
      const { call } = await guest("wasi_args", context);
      assert.deepEqual(call("print_env"), { result: 2, stdout: "HOME=/home/ada\nLANG=C\n" });
    });

    it("getenv_len takes the name as (ptr, len) in malloc'd memory and returns the value's length, or -1", async () => {
      const { call, exports } = await guest("wasi_args", context);
      const memory = exports.memory;
      assert.ok(memory instanceof WebAssembly.Memory);
      const pass = (name: string): { result: unknown; stdout: string } => {
        const bytes = new TextEncoder().encode(name);
        const ptr = call("malloc", bytes.length).result;
        assert.ok(typeof ptr === "number" && ptr > 0);
        new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
        const answer = call("getenv_len", ptr, bytes.length);
        call("free", ptr);
        return answer;
      };
      assert.deepEqual(pass("HOME"), { result: "/home/ada".length, stdout: "HOME=/home/ada\n" });
      assert.deepEqual(pass("USER"), { result: -1, stdout: "USER is not set\n" });
    });
  });

  describe("wasi_files under @runno/wasi", () => {
    const seeded = (): WASIFS => ({
      "/input.txt": textFile("/input.txt", "hello from a file\n"),
      "/data/a.txt": textFile("/data/a.txt", "a"),
    });

    it("list_dir prints the preopen's entries, subdirectories with a slash", async () => {
      const { call } = await guest("wasi_files", { fs: seeded() });
      assert.deepEqual(call("list_dir"), { result: 2, stdout: "input.txt\ndata/\n" });
    });

    it("read_file_len copies input.txt to stdout and returns its size", async () => {
      const { call } = await guest("wasi_files", { fs: seeded() });
      assert.deepEqual(call("read_file_len"), { result: 18, stdout: "hello from a file\n" });
    });

    it("read_file_len returns -ENOTCAPABLE when input.txt is missing", async () => {
      const { call } = await guest("wasi_files", { fs: {} });
      assert.deepEqual(call("read_file_len"), { result: -ENOTCAPABLE, stdout: "" });
    });

    it("append_line creates notes.txt, appends, and returns the size; the host's file system holds the lines", async () => {
      const { call, wasi } = await guest("wasi_files", { fs: seeded() });
      assert.equal(call("append_line", 1).result, 7);
      assert.equal(call("append_line", 22).result, 15);
      const notes = wasi.drive.fs["/notes.txt"];
      assert.ok(notes);
      const text = notes.mode === "string" ? notes.content : new TextDecoder().decode(notes.content);
      assert.equal(text, "line 1\nline 22\n");
    });
  });

  describe("wasi_stdin under @runno/wasi", () => {
    it("read_line reads one line per call, without or with a final newline, then 0 at end of input", async () => {
      const input = stdinOf("first\nsecond line\nlast");
      const { call } = await guest("wasi_stdin", { stdin: input.stdin });
      assert.deepEqual(call("read_line"), { result: 6, stdout: "read: first\n" });
      assert.deepEqual(call("read_line"), { result: 12, stdout: "read: second line\n" });
      assert.deepEqual(call("read_line"), { result: 4, stdout: "read: last\n" });
      assert.deepEqual(call("read_line"), { result: 0, stdout: "" });
      // One byte per request, so nothing after a newline is taken from the host early.
      assert.ok(input.requests.every((n) => n === 1));
    });

    it("end of input is not sticky: after a 0, input the host supplies later is read", async () => {
      const input = stdinOf("");
      const { call } = await guest("wasi_stdin", { stdin: input.stdin });
      assert.deepEqual(call("read_line"), { result: 0, stdout: "" });
      input.more("again\n");
      assert.deepEqual(call("read_line"), { result: 6, stdout: "read: again\n" });
    });

    it("count_bytes reads to the end in 64-byte reads and returns the total", async () => {
      const input = stdinOf("x".repeat(150));
      const { call } = await guest("wasi_stdin", { stdin: input.stdin });
      assert.deepEqual(call("count_bytes"), { result: 150, stdout: "150 bytes, 4 read() calls\n" });
      assert.deepEqual(input.requests, [64, 64, 64, 64]);
      assert.deepEqual(call("count_bytes"), { result: 0, stdout: "0 bytes, 1 read() calls\n" });
    });
  });

  describe("wasi_clock_random under @runno/wasi", () => {
    it("now_ms follows the host's clock and elapsed_ns counts from _initialize", async () => {
      const { call } = await guest("wasi_clock_random");
      const before = BigInt(Date.now());
      const now = call("now_ms").result;
      assert.ok(typeof now === "bigint" && now >= before && now <= BigInt(Date.now()), String(now));
      const elapsed = call("elapsed_ns").result;
      assert.ok(typeof elapsed === "bigint" && elapsed >= 0n, String(elapsed));
      // @runno/wasi's clocks all come from Date: whole milliseconds.
      assert.equal(elapsed % 1_000_000n, 0n);
    });

    it("roll_dice returns 1 to 6, and every face turns up", async () => {
      const { call } = await guest("wasi_clock_random");
      const faces = new Set<unknown>();
      for (let i = 0; i < 600; i++) faces.add(call("roll_dice").result);
      assert.deepEqual([...faces].sort(), [1, 2, 3, 4, 5, 6]);
    });

    it("fill_random prints n random bytes as hex and returns n; -EINVAL past 256", async () => {
      const { call } = await guest("wasi_clock_random");
      const eight = call("fill_random", 8);
      assert.equal(eight.result, 8);
      assert.match(eight.stdout, /^[0-9a-f]{16}\n$/);
      assert.notEqual(call("fill_random", 8).stdout, eight.stdout);
      assert.match(call("fill_random", 256).stdout, /^[0-9a-f]{512}\n$/);
      assert.deepEqual(call("fill_random", 257), { result: -EINVAL, stdout: "" });
      assert.deepEqual(call("fill_random", -1), { result: -EINVAL, stdout: "" });
    });

    it("a host that fixes the clock and the random bytes makes the exports repeat", async () => {
      // @runno/wasi reads the clock from Date and randomness from globalThis.crypto: replace both for one run.
      const realNow = Date.now;
      const crypto = globalThis.crypto;
      const getRandomValues = crypto.getRandomValues.bind(crypto);
      const fixedMs = Date.UTC(2024, 0, 1);
      Date.now = () => fixedMs;
      const RealDate = Date;
      globalThis.Date = class extends RealDate {
        constructor(...args: []) {
          super(...((args.length === 0 ? [fixedMs] : args) as []));
        }
      } as DateConstructor;
      crypto.getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
        if (array) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(7);
        return array;
      };
      try {
        const { call } = await guest("wasi_clock_random");
        assert.equal(call("now_ms").result, BigInt(fixedMs));
        assert.equal(call("elapsed_ns").result, 0n);
        assert.equal(call("roll_dice").result, 2);
        assert.deepEqual(call("fill_random", 4), { result: 4, stdout: "07070707\n" });
        // Bytes 252..255 are drawn again (they would bias the die): 255 and 252 are skipped, 5 gives 6.
        const draws = [255, 252, 5];
        crypto.getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
          if (array) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(draws.shift() ?? 0);
          return array;
        };
        assert.equal(call("roll_dice").result, 6);
        assert.deepEqual(draws, []);
      } finally {
        globalThis.Date = RealDate;
        Date.now = realNow;
        crypto.getRandomValues = getRandomValues;
      }
    });
  });
});
