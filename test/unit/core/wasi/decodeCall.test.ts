/** Each WASI preview1 decoder on real byte layouts: arguments by meaning, read and written ranges, narration, bad pointers. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  decodeWasiCall,
  decodedFunctions,
  planWasiCall,
  type DecodeOptions,
  type WasiCall,
  type WasiRange,
} from "../../../../src/core/wasi/decodeCall";
import { memoryReader } from "../../../../src/core/wasi/memoryReader";
import { narrateWasiCall } from "../../../../src/core/wasi/narrateCall";
import { preview1Functions } from "../../../../src/core/wasi/preview1";
import { Memory } from "./memoryBuilder";

type Range = [offset: number, size: number, label: string];

interface Case {
  /** The function, and what the case shows when one function has several. */
  title: string;
  args: unknown[];
  /** The errno returned; 0 unless given; `null` for proc_exit, which returns nothing. */
  errno?: number | null;
  /** Memory after the call. */
  memory?: (m: Memory) => Memory;
  /** Memory before the call, when it differs. */
  before?: (m: Memory) => Memory;
  options?: Omit<DecodeOptions, "memory" | "memoryBefore">;
  narration: string;
  reads?: Range[];
  writes?: Range[];
}

const fds = (fd: number): string | undefined => ({ 0: "stdin", 1: "stdout", 2: "stderr", 3: "/data preopen", 4: "/data/data.txt" })[fd];

function decode(c: Case): WasiCall {
  const after = (c.memory ?? ((m) => m))(new Memory(1024));
  const before = c.before?.(new Memory(1024));
  const name = c.title.split(" ")[0] ?? "";
  return decodeWasiCall(name, c.args, c.errno === null ? undefined : (c.errno ?? 0), {
    memory: memoryReader(after.bytes),
    ...(before ? { memoryBefore: memoryReader(before.bytes) } : {}),
    describeFd: fds,
    ...c.options,
  });
}

const ranges = (list: WasiRange[]): Range[] => list.map((r) => [r.offset, r.size, r.label]);

const dirent = (m: Memory, at: number, next: bigint, type: number, name: string): Memory =>
  m
    .u64(at, next)
    .u64(at + 8, 0n)
    .u32(at + 16, Buffer.byteLength(name))
    .u8(at + 20, type)
    .text(at + 24, name);

const cases: Case[] = [
  {
    title: "fd_write of one iovec to stdout",
    args: [1, 0x10, 1, 0x18],
    memory: (m) =>
      m
        .iovecs(0x10, [[0x40, 5]])
        .text(0x40, "tick\n")
        .u32(0x18, 5),
    narration: 'fd_write(1, 1 iovec at 0x10) read 5 bytes at 0x40 "tick\\n", wrote 5 to 0x18',
    reads: [
      [0x10, 8, "iovec[0]"],
      [0x40, 5, "buffer 0"],
    ],
    writes: [[0x18, 4, "nwritten"]],
  },
  {
    title: "fd_write of three iovecs, one empty",
    args: [2, 0x10, 3, 0x28],
    memory: (m) =>
      m
        .iovecs(0x10, [
          [0x40, 3],
          [0x80, 0],
          [0x50, 4],
        ])
        .text(0x40, "abc")
        .text(0x50, "defg")
        .u32(0x28, 7),
    narration: 'fd_write(2, 3 iovecs at 0x10) read 7 bytes in 2 buffers at 0x40, 0x50 "abcdefg", wrote 7 to 0x28',
    reads: [
      [0x10, 8, "iovec[0]"],
      [0x18, 8, "iovec[1]"],
      [0x20, 8, "iovec[2]"],
      [0x40, 3, "buffer 0"],
      [0x50, 4, "buffer 2"],
    ],
    writes: [[0x28, 4, "nwritten"]],
  },
  {
    title: "fd_write that failed writes nothing",
    args: [9, 0x10, 1, 0x18],
    errno: 8,
    memory: (m) => m.iovecs(0x10, [[0x40, 5]]).text(0x40, "tick\n"),
    narration: 'fd_write(9, 1 iovec at 0x10) read 5 bytes at 0x40 "tick\\n", failed: ERRNO_BADF (Bad file descriptor)',
    writes: [],
  },
  {
    title: "fd_read reads its iovecs from memory before and its data from after",
    args: [0, 0x10, 2, 0x20],
    before: (m) =>
      m.iovecs(0x10, [
        [0x40, 4],
        [0x50, 4],
      ]),
    memory: (m) => m.text(0x40, "abcd").text(0x50, "ef").u32(0x20, 6),
    narration: 'fd_read(0, 2 iovecs at 0x10) wrote 6 bytes in 2 buffers at 0x40, 0x50 "abcdef", wrote 6 to 0x20',
    reads: [
      [0x10, 8, "iovec[0]"],
      [0x18, 8, "iovec[1]"],
    ],
    writes: [
      [0x20, 4, "nread"],
      [0x40, 4, "buffer 0"],
      [0x50, 2, "buffer 1"],
    ],
  },
  {
    title: "fd_pread",
    args: [4, 0x10, 1, 100n, 0x20],
    memory: (m) =>
      m
        .iovecs(0x10, [[0x40, 8]])
        .text(0x40, "xyz")
        .u32(0x20, 3),
    narration: 'fd_pread(4, 1 iovec at 0x10, 100) wrote 3 bytes at 0x40 "xyz", wrote 3 to 0x20',
    writes: [
      [0x20, 4, "nread"],
      [0x40, 3, "buffer 0"],
    ],
  },
  {
    title: "fd_pwrite",
    args: [4, 0x10, 1, 0n, 0x20],
    memory: (m) =>
      m
        .iovecs(0x10, [[0x40, 2]])
        .text(0x40, "hi")
        .u32(0x20, 2),
    narration: 'fd_pwrite(4, 1 iovec at 0x10, 0) read 2 bytes at 0x40 "hi", wrote 2 to 0x20',
  },
  {
    title: "args_sizes_get",
    args: [0x10, 0x14],
    memory: (m) => m.u32(0x10, 2).u32(0x14, 7),
    narration: "args_sizes_get() wrote argc 2 to 0x10, wrote argv_buf_size 7 bytes to 0x14",
    reads: [],
    writes: [
      [0x10, 4, "argc"],
      [0x14, 4, "argv_buf_size"],
    ],
  },
  {
    title: "args_get with the sizes args_sizes_get gave",
    args: [0x100, 0x200],
    options: { argSizes: { count: 2, bufSize: 7 } },
    memory: (m) => m.u32(0x100, 0x200).u32(0x104, 0x205).text(0x200, "prog\0x\0"),
    narration: 'args_get(argv 0x100, argv_buf 0x200) wrote 2 pointers to 0x100, wrote ["prog", "x"] to 0x200',
    reads: [],
    writes: [
      [0x100, 8, "argv pointers"],
      [0x200, 7, "argv strings"],
    ],
  },
  {
    title: "args_get without sizes infers them from the table",
    args: [0x100, 0x200],
    memory: (m) => m.u32(0x100, 0x200).u32(0x104, 0x205).text(0x200, "prog\0x\0"),
    narration:
      'args_get(argv 0x100, argv_buf 0x200) wrote 2 pointers to 0x100, wrote ["prog", "x"] to 0x200 — argv\'s count (2) was inferred from memory: no args_sizes_get came first.',
    writes: [
      [0x100, 8, "argv pointers"],
      [0x200, 7, "argv strings"],
    ],
  },
  {
    title: "environ_sizes_get",
    args: [0x10, 0x14],
    memory: (m) => m.u32(0x10, 1).u32(0x14, 6),
    narration: "environ_sizes_get() wrote environ_count 1 to 0x10, wrote environ_buf_size 6 bytes to 0x14",
  },
  {
    title: "environ_get",
    args: [0x100, 0x200],
    options: { environSizes: { count: 1, bufSize: 6 } },
    memory: (m) => m.u32(0x100, 0x200).text(0x200, "A=one\0"),
    narration: 'environ_get(environ 0x100, environ_buf 0x200) wrote 1 pointer to 0x100, wrote ["A=one"] to 0x200',
    writes: [
      [0x100, 4, "environ pointers"],
      [0x200, 6, "environ strings"],
    ],
  },
  {
    title: "clock_time_get",
    args: [0, 1000n, 0x20],
    memory: (m) => m.u64(0x20, 1700000000000000000n),
    narration: "clock_time_get(realtime, 1000 ns) wrote time 1700000000000000000 ns to 0x20",
    writes: [[0x20, 8, "time"]],
  },
  {
    title: "clock_time_get of an unknown clock",
    args: [7, 0n, 0x20],
    errno: 28,
    narration: "clock_time_get(unknown clockid 7, 0 ns) failed: ERRNO_INVAL (Invalid argument)",
    writes: [],
  },
  {
    title: "clock_res_get",
    args: [1, 0x20],
    memory: (m) => m.u64(0x20, 1000000n),
    narration: "clock_res_get(monotonic) wrote resolution 1000000 ns to 0x20",
  },
  {
    title: "fd_fdstat_get",
    args: [1, 0x30],
    memory: (m) => m.u8(0x30, 2).u16(0x32, 1).u64(0x38, 0x42n).u64(0x40, 0n),
    narration: "fd_fdstat_get(1) wrote fdstat (character_device, flags append, 2 rights) to 0x30",
    writes: [[0x30, 24, "fdstat"]],
  },
  {
    title: "fd_filestat_get",
    args: [4, 0x40],
    memory: (m) => m.u8(0x40 + 16, 4).u64(0x40 + 32, 12n),
    narration: "fd_filestat_get(4) wrote filestat (regular_file, 12 bytes) to 0x40",
    writes: [[0x40, 64, "filestat"]],
  },
  {
    title: "fd_prestat_get",
    args: [3, 0x10],
    memory: (m) => m.u8(0x10, 0).u32(0x14, 5),
    narration: "fd_prestat_get(3) wrote prestat (dir, name length 5) to 0x10",
    writes: [[0x10, 8, "prestat"]],
  },
  {
    title: "fd_prestat_get past the preopens",
    args: [4, 0x10],
    errno: 8,
    narration: "fd_prestat_get(4) failed: ERRNO_BADF (Bad file descriptor)",
    writes: [],
  },
  {
    title: "fd_prestat_dir_name",
    args: [3, 0x60, 5],
    memory: (m) => m.text(0x60, "/data"),
    narration: 'fd_prestat_dir_name(3, 5 bytes at 0x60) wrote "/data" to 0x60',
    reads: [],
    writes: [[0x60, 5, "dir name"]],
  },
  {
    title: "fd_readdir",
    args: [3, 0x100, 128, 0n, 0x20],
    memory: (m) => dirent(dirent(m, 0x100, 1n, 3, "."), 0x119, 2n, 4, "a.txt").u32(0x20, 54),
    narration: "fd_readdir(3, 128 bytes at 0x100, 0) wrote bufused 54 bytes to 0x20, wrote 2 entries to 0x100",
    writes: [
      [0x20, 4, "bufused"],
      [0x100, 54, "dirents"],
    ],
  },
  {
    title: "fd_seek back from the end",
    args: [4, -2n, 2, 0x20],
    memory: (m) => m.u64(0x20, 10n),
    narration: "fd_seek(4, -2, end) wrote newoffset 10 to 0x20",
    writes: [[0x20, 8, "newoffset"]],
  },
  {
    title: "fd_tell",
    args: [4, 0x20],
    memory: (m) => m.u64(0x20, 10n),
    narration: "fd_tell(4) wrote offset 10 to 0x20",
  },
  {
    title: "path_open",
    args: [3, 1, 0x80, 8, 9, 0x42n, 0n, 0, 0x20],
    memory: (m) => m.text(0x80, "data.txt").u32(0x20, 10),
    narration: 'path_open(3, symlink_follow, "data.txt", creat|trunc, fd_read|fd_write, 0, 0) wrote fd 10 to 0x20',
    reads: [[0x80, 8, "path"]],
    writes: [[0x20, 4, "opened_fd"]],
  },
  {
    title: "path_open of a missing file",
    args: [3, 0, 0x80, 4, 0, 0n, 0n, 0, 0x20],
    errno: 44,
    memory: (m) => m.text(0x80, "nope"),
    narration: 'path_open(3, 0, "nope", 0, 0, 0, 0) failed: ERRNO_NOENT (No such file or directory)',
    writes: [],
  },
  {
    title: "path_filestat_get",
    args: [3, 0, 0x80, 5, 0x100],
    memory: (m) => m.text(0x80, "a.txt").u8(0x110, 3),
    narration: 'path_filestat_get(3, 0, "a.txt") wrote filestat (directory, 0 bytes) to 0x100',
    reads: [[0x80, 5, "path"]],
    writes: [[0x100, 64, "filestat"]],
  },
  {
    title: "path_filestat_set_times",
    args: [3, 0, 0x80, 5, 0n, 5n, 6],
    memory: (m) => m.text(0x80, "a.txt"),
    narration: 'path_filestat_set_times(3, 0, "a.txt", 0 ns, 5 ns, atim_now|mtim) succeeded',
  },
  {
    title: "path_create_directory",
    args: [3, 0x80, 3],
    memory: (m) => m.text(0x80, "dir"),
    narration: 'path_create_directory(3, "dir") succeeded',
    reads: [[0x80, 3, "path"]],
    writes: [],
  },
  {
    title: "path_remove_directory",
    args: [3, 0x80, 3],
    errno: 52,
    memory: (m) => m.text(0x80, "dir"),
    narration: 'path_remove_directory(3, "dir") failed: ERRNO_NOSYS (Function not supported)',
  },
  {
    title: "path_unlink_file",
    args: [3, 0x80, 5],
    memory: (m) => m.text(0x80, "a.txt"),
    narration: 'path_unlink_file(3, "a.txt") succeeded',
  },
  {
    title: "path_rename",
    args: [3, 0x80, 5, 3, 0x90, 5],
    memory: (m) => m.text(0x80, "a.txt").text(0x90, "b.txt"),
    narration: 'path_rename(3, "a.txt", 3, "b.txt") succeeded',
    reads: [
      [0x80, 5, "old_path"],
      [0x90, 5, "new_path"],
    ],
  },
  {
    title: "path_link",
    args: [3, 0, 0x80, 5, 3, 0x90, 5],
    errno: 52,
    memory: (m) => m.text(0x80, "a.txt").text(0x90, "b.txt"),
    narration: 'path_link(3, 0, "a.txt", 3, "b.txt") failed: ERRNO_NOSYS (Function not supported)',
  },
  {
    title: "path_symlink",
    args: [0x80, 5, 3, 0x90, 5],
    errno: 52,
    memory: (m) => m.text(0x80, "a.txt").text(0x90, "b.txt"),
    narration: 'path_symlink("a.txt", 3, "b.txt") failed: ERRNO_NOSYS (Function not supported)',
    reads: [
      [0x80, 5, "old_path"],
      [0x90, 5, "new_path"],
    ],
  },
  {
    title: "path_readlink",
    args: [3, 0x80, 4, 0x100, 64, 0x20],
    memory: (m) => m.text(0x80, "link").text(0x100, "a.txt").u32(0x20, 5),
    narration: 'path_readlink(3, "link", 64 bytes at 0x100) wrote bufused 5 bytes to 0x20, wrote "a.txt" to 0x100',
    writes: [
      [0x20, 4, "bufused"],
      [0x100, 5, "link contents"],
    ],
  },
  {
    title: "poll_oneoff on a clock",
    args: [0x100, 0x200, 1, 0x20],
    memory: (m) => m.u64(0x100, 0x2an).u8(0x108, 0).u32(0x110, 1).u64(0x118, 1000000n).u64(0x200, 0x2an).u32(0x20, 1),
    narration: "poll_oneoff(1 subscription at 0x100, 0x200, 1) wrote nevents 1 to 0x20, wrote 1 event to 0x200",
    reads: [[0x100, 48, "subscription[0]"]],
    writes: [
      [0x20, 4, "nevents"],
      [0x200, 32, "event[0]"],
    ],
  },
  {
    title: "random_get",
    args: [0x100, 4],
    memory: (m) => m.u8(0x100, 0x9f).u8(0x101, 0x02).u8(0x102, 0xff).u8(0x103, 0x00),
    narration: "random_get(4 bytes at 0x100) wrote 4 bytes at 0x100 <9f 02 ff 00>",
    reads: [],
    writes: [[0x100, 4, "random bytes"]],
  },
  {
    title: "sock_accept",
    args: [3, 0, 0x20],
    errno: 52,
    narration: "sock_accept(3, 0) failed: ERRNO_NOSYS (Function not supported)",
  },
  {
    title: "sock_recv",
    args: [5, 0x10, 1, 1, 0x20, 0x24],
    memory: (m) =>
      m
        .iovecs(0x10, [[0x40, 8]])
        .text(0x40, "pong")
        .u32(0x20, 4)
        .u16(0x24, 1),
    narration:
      'sock_recv(5, 1 iovec at 0x10, recv_peek) wrote 4 bytes at 0x40 "pong", wrote 4 to 0x20, wrote ro_flags recv_data_truncated to 0x24',
    writes: [
      [0x20, 4, "nread"],
      [0x24, 2, "ro_flags"],
      [0x40, 4, "buffer 0"],
    ],
  },
  {
    title: "sock_send",
    args: [5, 0x10, 1, 0, 0x20],
    memory: (m) =>
      m
        .iovecs(0x10, [[0x40, 4]])
        .text(0x40, "ping")
        .u32(0x20, 4),
    narration: 'sock_send(5, 1 iovec at 0x10, 0) read 4 bytes at 0x40 "ping", wrote 4 to 0x20',
  },
  { title: "sock_shutdown", args: [5, 3], errno: 52, narration: "sock_shutdown(5, rd|wr) failed: ERRNO_NOSYS (Function not supported)" },
  { title: "fd_advise", args: [4, 0n, 100n, 1], narration: "fd_advise(4, 0, 100, sequential) succeeded", reads: [], writes: [] },
  { title: "fd_allocate", args: [4, 0n, 10n], narration: "fd_allocate(4, 0, 10) succeeded" },
  { title: "fd_close", args: [4], narration: "fd_close(4) succeeded" },
  { title: "fd_datasync", args: [4], narration: "fd_datasync(4) succeeded" },
  { title: "fd_sync of a closed fd", args: [7], errno: 8, narration: "fd_sync(7) failed: ERRNO_BADF (Bad file descriptor)" },
  { title: "fd_fdstat_set_flags", args: [4, 5], narration: "fd_fdstat_set_flags(4, append|nonblock) succeeded" },
  { title: "fd_fdstat_set_rights", args: [4, 2n, 0n], narration: "fd_fdstat_set_rights(4, fd_read, 0) succeeded" },
  { title: "fd_filestat_set_size", args: [4, 0n], narration: "fd_filestat_set_size(4, 0) succeeded" },
  { title: "fd_filestat_set_times", args: [4, 1n, 2n, 5], narration: "fd_filestat_set_times(4, 1 ns, 2 ns, atim|mtim) succeeded" },
  { title: "fd_renumber", args: [4, 5], narration: "fd_renumber(4, 5) succeeded" },
  { title: "proc_exit", args: [3], errno: null, narration: "proc_exit(3) exits, does not return" },
  { title: "proc_raise", args: [6], errno: 52, narration: "proc_raise(abrt) failed: ERRNO_NOSYS (Function not supported)" },
  { title: "sched_yield", args: [], narration: "sched_yield() succeeded" },
];

describe("wasi: decodeWasiCall, one decoder per function", () => {
  for (const c of cases) {
    it(`${c.title}: ${c.narration}`, () => {
      const call = decode(c);
      assert.equal(narrateWasiCall(call), c.narration);
      if (c.reads) assert.deepEqual(ranges(call.reads), c.reads);
      if (c.writes) assert.deepEqual(ranges(call.writes), c.writes);
      for (const r of [...call.reads, ...call.writes]) assert.equal(r.isOutOfBounds, undefined, `${r.label} is in bounds`);
    });
  }

  it("has a case for every preview1 function, and a decoder for each", () => {
    const covered = new Set(cases.map((c) => c.title.split(" ")[0]));
    const missing = preview1Functions.map((f) => f.name).filter((n) => !covered.has(n));
    assert.deepEqual(missing, []);
    assert.deepEqual([...decodedFunctions].sort(), preview1Functions.map((f) => f.name).sort());
  });
});

describe("wasi: arguments by meaning", () => {
  it("names fds with the caller's description, and the standard streams without one", () => {
    const call = decode(cases[0] as Case);
    assert.equal(call.args[0]?.text, "1 (stdout)");
    const plain = decodeWasiCall("fd_close", [1], 0, { memory: memoryReader(new Uint8Array(0)) });
    assert.equal(plain.args[0]?.text, "1 (stdout)");
    const preopen = decodeWasiCall("fd_close", [3], 0, { memory: memoryReader(new Uint8Array(0)), describeFd: fds });
    assert.equal(preopen.args[0]?.text, "3 (/data preopen)");
  });

  it("lists each iovec entry and keeps the out pointer as an out argument", () => {
    const call = decode(cases[1] as Case);
    assert.deepEqual(
      call.args.map((a) => [a.name, a.raw, a.text, a.isOut ?? false]),
      [
        ["fd", "2", "2 (stderr)", false],
        ["iovs", "16, 3", "3 iovecs at 0x10: [0] 3 bytes at 0x40, [1] 0 bytes at 0x80, [2] 4 bytes at 0x50", false],
        ["nwritten", "40", "nwritten written to 0x28", true],
      ],
    );
  });

  it("reads pointers the hook gives as negative i32 values as unsigned", () => {
    const m = new Memory(1024).text(0x80, "a.txt");
    const call = decodeWasiCall("path_unlink_file", [3, 0x80, 5], 0, { memory: memoryReader(m.bytes) });
    assert.equal(call.args[1]?.short, '"a.txt"');
    const negative = decodeWasiCall("fd_write", [1, -16, 1, 0x18], 21, { memory: memoryReader(m.bytes) });
    assert.equal(negative.args[1]?.short, "1 iovec at 0xfffffff0 (out of bounds)");
  });

  it("decodes flag sets and enums in the full text, unknown bits included", () => {
    const m = new Memory(1024).text(0x80, "x").u32(0x20, 9);
    const call = decodeWasiCall("path_open", [3, 1, 0x80, 1, 0x13, -1n, 0n, 0x11, 0x20], 0, { memory: memoryReader(m.bytes) });
    const byName = Object.fromEntries(call.args.map((a) => [a.name, a.text]));
    assert.equal(byName.dirflags, "lookupflags symlink_follow");
    assert.equal(byName.oflags, "oflags creat|directory|0x10");
    assert.match(byName.fs_rights_base ?? "", /^rights fd_datasync\|fd_read\|.*\|sock_accept\|0xffffffffc0000000$/);
    assert.equal(byName.fdflags, "fdflags append|sync");
  });

  it("decodes poll_oneoff subscriptions and events in the full text", () => {
    const call = decode(cases.find((c) => c.title.startsWith("poll_oneoff")) as Case);
    assert.equal(call.args[0]?.text, "1 subscription at 0x100: clock monotonic timeout 1000000 ns (userdata 0x2a)");
    assert.equal(call.results.find((r) => r.label === "events")?.text, "clock ok");
  });

  it("decodes fd_readdir's entries and fdstat's rights in the full text", () => {
    const readdir = decode(cases.find((c) => c.title === "fd_readdir") as Case);
    assert.equal(readdir.results.find((r) => r.label === "dirents")?.text, '"." (directory), "a.txt" (regular_file)');
    const fdstat = decode(cases.find((c) => c.title === "fd_fdstat_get") as Case);
    assert.equal(fdstat.results[0]?.text, "filetype character_device, flags append, rights base fd_read|fd_write, rights inheriting 0");
  });

  it("keeps the values later calls need as numbers", () => {
    const call = decode(cases.find((c) => c.title === "args_sizes_get") as Case);
    assert.deepEqual(
      call.results.map((r) => [r.label, r.value]),
      [
        ["argc", 2],
        ["argv_buf_size", 7],
      ],
    );
  });
});

describe("wasi: errno", () => {
  const table: [number, string, string][] = [
    [0, "ERRNO_SUCCESS", "No error occurred. System call completed successfully"],
    [8, "ERRNO_BADF", "Bad file descriptor"],
    [28, "ERRNO_INVAL", "Invalid argument"],
    [44, "ERRNO_NOENT", "No such file or directory"],
    [52, "ERRNO_NOSYS", "Function not supported"],
    [76, "ERRNO_NOTCAPABLE", "Extension: Capabilities insufficient"],
    [77, "ERRNO_77", "Unknown errno 77 (preview1 defines 0 to 76)"],
    [0xffff, "ERRNO_65535", "Unknown errno 65535 (preview1 defines 0 to 76)"],
  ];
  for (const [code, name, meaning] of table) {
    it(`maps ${code} to ${name}`, () => {
      const call = decodeWasiCall("fd_close", [4], code, { memory: memoryReader(new Uint8Array(0)) });
      assert.deepEqual(call.errno, { code, name, meaning });
    });
  }
});

describe("wasi: out-of-bounds pointers", () => {
  const small = (): Memory => new Memory(256);
  const table: { title: string; name: string; args: unknown[]; errno: number; memory: Memory; narration: string; oob: Range[] }[] = [
    {
      title: "an iovec array past the end",
      name: "fd_write",
      args: [1, 0xfffffff0, 1, 0x18],
      errno: 21,
      memory: small(),
      narration:
        "fd_write(1, 1 iovec at 0xfffffff0 (out of bounds)) failed: ERRNO_FAULT (Bad address) — iovec array at 0xfffffff0 (8 bytes) is out of bounds: memory is 256 bytes.",
      oob: [[0xfffffff0, 8, "iovec array"]],
    },
    {
      title: "an iovec count that would take 8 GiB",
      name: "fd_write",
      args: [1, 0x10, 0x40000000, 0x18],
      errno: 21,
      memory: small(),
      narration:
        "fd_write(1, 1073741824 iovecs at 0x10 (out of bounds)) failed: ERRNO_FAULT (Bad address) — iovec array at 0x10 (8589934592 bytes) is out of bounds: memory is 256 bytes.",
      oob: [[0x10, 8589934592, "iovec array"]],
    },
    {
      title: "a buffer running past the end",
      name: "fd_write",
      args: [1, 0x10, 1, 0x18],
      errno: 0,
      memory: small()
        .iovecs(0x10, [[0xf0, 0x20]])
        .u32(0x18, 0x20),
      narration: "fd_write(1, 1 iovec at 0x10) wrote 32 to 0x18 — buffer 0 at 0xf0 (32 bytes) is out of bounds: memory is 256 bytes.",
      oob: [[0xf0, 0x20, "buffer 0"]],
    },
    {
      title: "a path past the end",
      name: "path_open",
      args: [3, 0, 0x1000, 4, 0, 0n, 0n, 0, 0x20],
      errno: 44,
      memory: small(),
      narration:
        "path_open(3, 0, path at 0x1000 (4 bytes, out of bounds), 0, 0, 0, 0) failed: ERRNO_NOENT (No such file or directory) — path at 0x1000 (4 bytes) is out of bounds: memory is 256 bytes.",
      oob: [[0x1000, 4, "path"]],
    },
    {
      title: "an out pointer past the end (memory shrank or the pointer is wild)",
      name: "clock_time_get",
      args: [0, 0n, 0xfc],
      errno: 0,
      memory: small(),
      narration: "clock_time_get(realtime, 0 ns) succeeded — time at 0xfc (8 bytes) is out of bounds: memory is 256 bytes.",
      oob: [[0xfc, 8, "time"]],
    },
    {
      title: "read buffers past the end",
      name: "fd_read",
      args: [0, 0x10, 1, 0x18],
      errno: 0,
      memory: small()
        .iovecs(0x10, [[0x1000, 4]])
        .u32(0x18, 4),
      narration: "fd_read(0, 1 iovec at 0x10) wrote 4 to 0x18 — buffer 0 at 0x1000 (4 bytes) is out of bounds: memory is 256 bytes.",
      oob: [[0x1000, 4, "buffer 0"]],
    },
  ];
  for (const c of table) {
    it(`says so for ${c.title}`, () => {
      const call = decodeWasiCall(c.name, c.args, c.errno, { memory: memoryReader(c.memory.bytes) });
      assert.equal(narrateWasiCall(call), c.narration);
      assert.deepEqual(ranges([...call.reads, ...call.writes].filter((r) => r.isOutOfBounds === true)), c.oob);
    });
  }

  it("decodes the first 1,024 of a huge in-bounds iovec array and counts the rest", () => {
    const m = new Memory(32 * 1024);
    const call = decodeWasiCall("fd_write", [1, 0, 2000, 0x7ff0], 0, { memory: memoryReader(m.bytes) });
    assert.equal(call.reads.length, 1025);
    assert.deepEqual(ranges(call.reads.slice(-1)), [[1024 * 8, 976 * 8, "iovec[1024…1999]"]]);
    assert.ok(call.problems.includes("Only the first 1024 of 2000 iovecs are decoded."));
  });

  it("never throws, and marks every range outside memory, whatever the arguments and memory", () => {
    const i32 = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 600 }));
    const i64 = fc.bigInt(-(2n ** 63n), 2n ** 64n - 1n);
    const fnArb = fc.constantFrom(...preview1Functions);
    const arb = fnArb.chain((f) =>
      fc.record({
        f: fc.constant(f),
        args: fc.tuple(...f.params.map((p) => (p.type === "i64" ? i64 : i32))),
        errno: fc.constantFrom(0, 8, 77),
        memory: fc.uint8Array({ maxLength: 512 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ f, args, errno, memory }) => {
        const options = { memory: memoryReader(memory) };
        for (const call of [decodeWasiCall(f.name, args, errno, options), planWasiCall(f.name, args, options)]) {
          for (const r of [...call.reads, ...call.writes]) {
            const inside = r.offset + r.size <= memory.length;
            assert.equal(r.isOutOfBounds === true, !inside, `${f.name} ${r.label} at ${r.offset}+${r.size} in ${memory.length}`);
          }
          assert.equal(typeof narrateWasiCall(call), "string");
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("wasi: bad calls", () => {
  const memory = memoryReader(new Uint8Array(64));
  it("shows an unknown function's arguments raw", () => {
    const call = decodeWasiCall("sock_open", [1, 2], 52, { memory });
    assert.equal(call.isKnown, false);
    assert.equal(
      narrateWasiCall(call),
      "sock_open(1, 2) failed: ERRNO_NOSYS (Function not supported) — sock_open is not a WASI preview1 function; its arguments are shown raw.",
    );
  });

  it("shows a call with the wrong number of arguments raw", () => {
    const call = decodeWasiCall("fd_write", [1, 16], 0, { memory });
    assert.equal(
      narrateWasiCall(call),
      "fd_write(1, 16) succeeded — fd_write takes 4 argument(s) but was given 2; its arguments are shown raw.",
    );
    assert.deepEqual(call.reads, []);
  });

  it("decodes an argument that is not a wasm integer as 0, and says so", () => {
    const call = decodeWasiCall("fd_close", ["four"], 0, { memory });
    assert.equal(narrateWasiCall(call), "fd_close(0) succeeded — Argument 0 is not a wasm integer (string); it is decoded as 0.");
  });
});

describe("wasi: data kept per call", () => {
  it("keeps at most the cap of fd_write's bytes and marks the preview cut", () => {
    const m = new Memory(1024)
      .iovecs(0x10, [[0x40, 300]])
      .text(0x40, "a".repeat(300))
      .u32(0x18, 300);
    const call = decodeWasiCall("fd_write", [1, 0x10, 1, 0x18], 0, { memory: memoryReader(m.bytes), dataCap: 16 });
    assert.equal(call.data[0]?.bytes.length, 16);
    assert.equal(call.data[0]?.totalSize, 300);
    assert.equal(call.data[0]?.isTruncated, true);
    assert.equal(narrateWasiCall(call), `fd_write(1, 1 iovec at 0x10) read 300 bytes at 0x40 "${"a".repeat(16)}"…, wrote 300 to 0x18`);
  });

  it("copies the bytes it keeps, so later writes to memory do not change the record", () => {
    const m = new Memory(1024)
      .iovecs(0x10, [[0x40, 2]])
      .text(0x40, "hi")
      .u32(0x18, 2);
    const call = decodeWasiCall("fd_write", [1, 0x10, 1, 0x18], 0, { memory: memoryReader(m.bytes) });
    m.text(0x40, "no");
    assert.equal(Buffer.from(call.data[0]?.bytes ?? []).toString(), "hi");
  });

  it("keeps only the bytes fd_read filled, across buffers", () => {
    const call = decode(cases.find((c) => c.title.startsWith("fd_read")) as Case);
    assert.deepEqual(call.data[0]?.segments, [
      { offset: 0x40, size: 4 },
      { offset: 0x50, size: 2 },
    ]);
    assert.equal(Buffer.from(call.data[0]?.bytes ?? []).toString(), "abcdef");
    assert.equal(call.data[0]?.direction, "output");
  });
});

describe("wasi: planWasiCall, what to snapshot before and after", () => {
  const plan = (name: string, args: unknown[], m: Memory, options: Partial<DecodeOptions> = {}): WasiCall =>
    planWasiCall(name, args, { memory: memoryReader(m.bytes), ...options });

  it("plans fd_read's whole buffers and nread as outputs", () => {
    const m = new Memory().iovecs(0x10, [
      [0x40, 4],
      [0x50, 4],
    ]);
    const call = plan("fd_read", [0, 0x10, 2, 0x20], m);
    assert.deepEqual(ranges(call.reads), [
      [0x10, 8, "iovec[0]"],
      [0x18, 8, "iovec[1]"],
    ]);
    assert.deepEqual(ranges(call.writes), [
      [0x20, 4, "nread"],
      [0x40, 4, "buffer 0"],
      [0x50, 4, "buffer 1"],
    ]);
    assert.equal(call.errno, undefined);
    assert.deepEqual(call.results, []);
  });

  it("plans fd_write's buffers as inputs", () => {
    const m = new Memory().iovecs(0x10, [[0x40, 5]]);
    const call = plan("fd_write", [1, 0x10, 1, 0x18], m);
    assert.deepEqual(ranges(call.reads), [
      [0x10, 8, "iovec[0]"],
      [0x40, 5, "buffer 0"],
    ]);
    assert.deepEqual(ranges(call.writes), [[0x18, 4, "nwritten"]]);
  });

  it("plans args_get's tables from the sizes, and says when it cannot", () => {
    assert.deepEqual(ranges(plan("args_get", [0x100, 0x200], new Memory(), { argSizes: { count: 2, bufSize: 7 } }).writes), [
      [0x100, 8, "argv pointers"],
      [0x200, 7, "argv strings"],
    ]);
    const unknown = plan("args_get", [0x100, 0x200], new Memory());
    assert.deepEqual(unknown.writes, []);
    assert.deepEqual(unknown.problems, ["The size of argv's tables is unknown without an earlier args_sizes_get."]);
  });

  it("plans poll_oneoff's events for every subscription", () => {
    const call = plan("poll_oneoff", [0x100, 0x200, 2, 0x20], new Memory());
    assert.deepEqual(ranges(call.writes), [
      [0x200, 64, "events"],
      [0x20, 4, "nevents"],
    ]);
  });
});
