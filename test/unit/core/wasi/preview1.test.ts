/** The preview1 function table, its named values, and the sorting of a module's WASI imports. */
import { strict as assert } from "node:assert";
import { classifyPreview1Imports, preview1FuncType, preview1Function, preview1Functions } from "../../../../src/core/wasi/preview1";
import {
  clockid,
  decodeFlags,
  enumName,
  errnoInfo,
  errnos,
  fdflags,
  filetype,
  fstflags,
  lookupflags,
  oflags,
  rights,
  signal,
  whence,
} from "../../../../src/core/wasi/typenames";
import type { FuncType, Import } from "../../../../src/core/wasm/types";

describe("wasi: the preview1 function table", () => {
  it("has the 46 functions of wasi_snapshot_preview1.witx, each once", () => {
    const names = preview1Functions.map((f) => f.name);
    assert.equal(names.length, 46);
    assert.equal(new Set(names).size, 46);
  });

  // Core wasm signatures as wasi-libc's generated `api.h` declares the imports.
  const signatures: [string, string][] = [
    ["args_get", "i32 i32 -> i32"],
    ["args_sizes_get", "i32 i32 -> i32"],
    ["clock_time_get", "i32 i64 i32 -> i32"],
    ["fd_advise", "i32 i64 i64 i32 -> i32"],
    ["fd_fdstat_set_rights", "i32 i64 i64 -> i32"],
    ["fd_filestat_set_times", "i32 i64 i64 i32 -> i32"],
    ["fd_pread", "i32 i32 i32 i64 i32 -> i32"],
    ["fd_readdir", "i32 i32 i32 i64 i32 -> i32"],
    ["fd_seek", "i32 i64 i32 i32 -> i32"],
    ["fd_write", "i32 i32 i32 i32 -> i32"],
    ["path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32 -> i32"],
    ["path_link", "i32 i32 i32 i32 i32 i32 i32 -> i32"],
    ["path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32 -> i32"],
    ["path_readlink", "i32 i32 i32 i32 i32 i32 -> i32"],
    ["path_symlink", "i32 i32 i32 i32 i32 -> i32"],
    ["poll_oneoff", "i32 i32 i32 i32 -> i32"],
    ["proc_exit", "i32 -> "],
    ["sched_yield", " -> i32"],
    ["sock_accept", "i32 i32 i32 -> i32"],
    ["sock_recv", "i32 i32 i32 i32 i32 i32 -> i32"],
    ["sock_send", "i32 i32 i32 i32 i32 -> i32"],
  ];
  for (const [name, want] of signatures) {
    it(`types ${name} as ${want}`, () => {
      const f = preview1Function(name);
      assert.ok(f);
      const t = preview1FuncType(f);
      assert.equal(`${t.params.join(" ")} -> ${t.results.join(" ")}`, want);
    });
  }

  it("marks what @runno/wasi 0.10 leaves unimplemented", () => {
    const unsupported = preview1Functions.filter((f) => f.runno !== "implemented").map((f) => `${f.name}:${f.runno}`);
    assert.deepEqual(unsupported, [
      "fd_advise:noop",
      "fd_fdstat_set_rights:noop",
      "path_link:enosys",
      "path_readlink:enosys",
      "path_remove_directory:enosys",
      "path_symlink:enosys",
      "proc_raise:enosys",
      "sock_accept:enosys",
      "sock_recv:enosys",
      "sock_send:enosys",
      "sock_shutdown:enosys",
    ]);
  });
});

describe("wasi: classifyPreview1Imports", () => {
  const func = (name: string, type: FuncType, module = "wasi_snapshot_preview1"): Import => ({
    module,
    name,
    desc: { kind: "func", typeIndex: 0, type },
  });
  const write: FuncType = { params: ["i32", "i32", "i32", "i32"], results: ["i32"] };

  it("sorts imports into known, unknown, mistyped and other kinds, ignoring other modules", () => {
    const imports: Import[] = [
      func("fd_write", write),
      func("proc_exit", { params: ["i32"], results: [] }),
      func("sock_open", { params: ["i32", "i32", "i32"], results: ["i32"] }),
      func("fd_close", { params: ["i64"], results: ["i32"] }),
      func("fd_write", write, "wasi_unstable"),
      func("log", { params: ["i32"], results: [] }, "env"),
      { module: "wasi_snapshot_preview1", name: "memory", desc: { kind: "memory", limits: { min: 1 } } },
    ];
    const r = classifyPreview1Imports(imports);
    assert.deepEqual(
      r.known.map((i) => i.name),
      ["fd_write", "proc_exit"],
    );
    assert.deepEqual(r.unknown, [{ name: "sock_open" }]);
    assert.deepEqual(
      r.mistyped.map((i) => [i.name, i.typeMismatch]),
      [["fd_close", { expected: { params: ["i32"], results: ["i32"] }, found: { params: ["i64"], results: ["i32"] } }]],
    );
    assert.deepEqual(r.otherKinds, ["memory memory"]);
  });

  it("finds nothing in a module without WASI imports", () => {
    assert.deepEqual(classifyPreview1Imports([]), { known: [], unknown: [], mistyped: [], otherKinds: [] });
  });
});

describe("wasi: errno names", () => {
  it("has the 77 errnos of typenames.witx, named as the C headers name them", () => {
    assert.equal(errnos.length, 77);
    assert.deepEqual(errnoInfo(8), { code: 8, name: "ERRNO_BADF", meaning: "Bad file descriptor" });
    assert.deepEqual(errnoInfo(1), { code: 1, name: "ERRNO_2BIG", meaning: "Argument list too long" });
    assert.deepEqual(errnoInfo(2), { code: 2, name: "ERRNO_ACCES", meaning: "Permission denied" });
    assert.equal(errnoInfo(-1).name, "ERRNO_-1");
  });
});

describe("wasi: flags", () => {
  const table: [string, Parameters<typeof decodeFlags>[0], number | bigint, string][] = [
    ["no oflags", oflags, 0, "0"],
    ["creat and trunc", oflags, 9, "creat|trunc"],
    ["every oflag and an unknown bit", oflags, 0x1f, "creat|directory|excl|trunc|0x10"],
    ["fdflags", fdflags, 0b10101, "append|nonblock|sync"],
    ["lookupflags", lookupflags, 1, "symlink_follow"],
    ["fstflags", fstflags, 0b1010, "atim_now|mtim_now"],
    ["rights read and write", rights, 0x42n, "fd_read|fd_write"],
    ["rights' last bit", rights, 1n << 29n, "sock_accept"],
    ["rights past the defined ones", rights, 1n << 63n, "0x8000000000000000"],
    ["rights as a negative i64 (all bits)", rights, -1n, `${rights.flags.join("|")}|0xffffffffc0000000`],
    ["a negative i32 flag value", lookupflags, -1, "symlink_follow|0xfffffffe"],
  ];
  for (const [title, set, value, want] of table) {
    it(`decodes ${title} as ${want.length > 60 ? `${want.slice(0, 60)}…` : want}`, () => {
      assert.equal(decodeFlags(set, value).text, want);
    });
  }

  it("separates names from unknown bits", () => {
    assert.deepEqual(decodeFlags(oflags, 0x21), { names: ["creat"], unknownBits: 0x20n, text: "creat|0x20" });
  });
});

describe("wasi: enums", () => {
  const table: [Parameters<typeof enumName>[0], number, string][] = [
    [whence, 0, "set"],
    [whence, 2, "end"],
    [whence, 3, "unknown whence 3"],
    [filetype, 7, "symbolic_link"],
    [clockid, 3, "thread_cputime_id"],
    [signal, 9, "kill"],
    [signal, 30, "sys"],
  ];
  for (const [type, value, want] of table) {
    it(`names ${type.name} ${value} ${want}`, () => assert.equal(enumName(type, value), want));
  }
});
