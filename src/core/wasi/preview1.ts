/**
 * The `wasi_snapshot_preview1` function table: each function's core wasm parameters (as the witx
 * spec lowers them: strings and lists become a pointer and a length, results become pointers the
 * callee writes through) with a role for each, and which of a module's imports are preview1
 * functions. It decodes no call; `decodeWasiCall` does that with this table.
 */

import type { FuncType, Import, ValType } from "../wasm/types";
import {
  advice,
  clockid,
  fdflags,
  fstflags,
  lookupflags,
  oflags,
  riflags,
  rights,
  sdflags,
  siflags,
  signal,
  whence,
  type EnumType,
  type FlagSet,
} from "./typenames";

/** The import module name of WASI preview1. */
export const preview1Module = "wasi_snapshot_preview1";

/**
 * What a core wasm parameter means. `pointer`/`length` pairs are buffers, strings and arrays the
 * callee reads or fills; `out` is a pointer the callee writes one result through.
 */
export type ParamRole =
  "fd" | "pointer" | "length" | "out" | "flags" | "enum" | "size" | "filesize" | "filedelta" | "timestamp" | "dircookie" | "exitcode";

/** One core wasm parameter of a preview1 function. */
export interface Preview1Param {
  /** The witx parameter name; results passed by pointer are named after what they hold. */
  name: string;
  type: "i32" | "i64";
  role: ParamRole;
  /** The flag set of a `flags` parameter. */
  flags?: FlagSet;
  /** The enum of an `enum` parameter. */
  enum?: EnumType;
}

/**
 * How @runno/wasi 0.10 (the WASI layer the explorer's worker uses) answers a function:
 * `implemented`, `noop` (returns success and does nothing) or `enosys` (always `ERRNO_NOSYS`).
 */
export type RunnoSupport = "implemented" | "noop" | "enosys";

/** One `wasi_snapshot_preview1` function. */
export interface Preview1Function {
  name: string;
  params: readonly Preview1Param[];
  /** `["i32"]` (an errno) for every function except `proc_exit`, which does not return. */
  results: readonly ValType[];
  /** The witx doc's first line. */
  doc: string;
  runno: RunnoSupport;
}

const fd = (name = "fd"): Preview1Param => ({ name, type: "i32", role: "fd" });
const ptr = (name: string): Preview1Param => ({ name, type: "i32", role: "pointer" });
const len = (name: string): Preview1Param => ({ name, type: "i32", role: "length" });
const out = (name: string): Preview1Param => ({ name, type: "i32", role: "out" });
const flagsOf = (name: string, set: FlagSet, type: "i32" | "i64" = "i32"): Preview1Param => ({ name, type, role: "flags", flags: set });
const enumOf = (name: string, type: EnumType): Preview1Param => ({ name, type: "i32", role: "enum", enum: type });
const wide = (name: string, role: "filesize" | "filedelta" | "timestamp" | "dircookie"): Preview1Param => ({ name, type: "i64", role });
const fn = (name: string, doc: string, params: Preview1Param[], runno: RunnoSupport = "implemented"): Preview1Function => ({
  name,
  params,
  results: ["i32"],
  doc,
  runno,
});

/** Every preview1 function, in the order of `wasi_snapshot_preview1.witx`. */
export const preview1Functions: readonly Preview1Function[] = [
  fn("args_get", "Read command-line argument data.", [ptr("argv"), ptr("argv_buf")]),
  fn("args_sizes_get", "Return command-line argument data sizes.", [out("argc"), out("argv_buf_size")]),
  fn("environ_get", "Read environment variable data.", [ptr("environ"), ptr("environ_buf")]),
  fn("environ_sizes_get", "Return environment variable data sizes.", [out("environ_count"), out("environ_buf_size")]),
  fn("clock_res_get", "Return the resolution of a clock.", [enumOf("id", clockid), out("resolution")]),
  fn("clock_time_get", "Return the time value of a clock.", [enumOf("id", clockid), wide("precision", "timestamp"), out("time")]),
  fn(
    "fd_advise",
    "Provide file advisory information on a file descriptor.",
    [fd(), wide("offset", "filesize"), wide("len", "filesize"), enumOf("advice", advice)],
    "noop",
  ),
  fn("fd_allocate", "Force the allocation of space in a file.", [fd(), wide("offset", "filesize"), wide("len", "filesize")]),
  fn("fd_close", "Close a file descriptor.", [fd()]),
  fn("fd_datasync", "Synchronize the data of a file to disk.", [fd()]),
  fn("fd_fdstat_get", "Get the attributes of a file descriptor.", [fd(), out("fdstat")]),
  fn("fd_fdstat_set_flags", "Adjust the flags associated with a file descriptor.", [fd(), flagsOf("flags", fdflags)]),
  fn(
    "fd_fdstat_set_rights",
    "Adjust the rights associated with a file descriptor.",
    [fd(), flagsOf("fs_rights_base", rights, "i64"), flagsOf("fs_rights_inheriting", rights, "i64")],
    "noop",
  ),
  fn("fd_filestat_get", "Return the attributes of an open file.", [fd(), out("filestat")]),
  fn("fd_filestat_set_size", "Adjust the size of an open file.", [fd(), wide("size", "filesize")]),
  fn("fd_filestat_set_times", "Adjust the timestamps of an open file or directory.", [
    fd(),
    wide("atim", "timestamp"),
    wide("mtim", "timestamp"),
    flagsOf("fst_flags", fstflags),
  ]),
  fn("fd_pread", "Read from a file descriptor, without using and updating the file descriptor's offset.", [
    fd(),
    ptr("iovs"),
    len("iovs_len"),
    wide("offset", "filesize"),
    out("nread"),
  ]),
  fn("fd_prestat_get", "Return a description of the given preopened file descriptor.", [fd(), out("prestat")]),
  fn("fd_prestat_dir_name", "Return a description of the given preopened file descriptor.", [fd(), ptr("path"), len("path_len")]),
  fn("fd_pwrite", "Write to a file descriptor, without using and updating the file descriptor's offset.", [
    fd(),
    ptr("iovs"),
    len("iovs_len"),
    wide("offset", "filesize"),
    out("nwritten"),
  ]),
  fn("fd_read", "Read from a file descriptor.", [fd(), ptr("iovs"), len("iovs_len"), out("nread")]),
  fn("fd_readdir", "Read directory entries from a directory.", [
    fd(),
    ptr("buf"),
    len("buf_len"),
    wide("cookie", "dircookie"),
    out("bufused"),
  ]),
  fn("fd_renumber", "Atomically replace a file descriptor by renumbering another file descriptor.", [fd(), fd("to")]),
  fn("fd_seek", "Move the offset of a file descriptor.", [fd(), wide("offset", "filedelta"), enumOf("whence", whence), out("newoffset")]),
  fn("fd_sync", "Synchronize the data and metadata of a file to disk.", [fd()]),
  fn("fd_tell", "Return the current offset of a file descriptor.", [fd(), out("offset")]),
  fn("fd_write", "Write to a file descriptor.", [fd(), ptr("iovs"), len("iovs_len"), out("nwritten")]),
  fn("path_create_directory", "Create a directory.", [fd(), ptr("path"), len("path_len")]),
  fn("path_filestat_get", "Return the attributes of a file or directory.", [
    fd(),
    flagsOf("flags", lookupflags),
    ptr("path"),
    len("path_len"),
    out("filestat"),
  ]),
  fn("path_filestat_set_times", "Adjust the timestamps of a file or directory.", [
    fd(),
    flagsOf("flags", lookupflags),
    ptr("path"),
    len("path_len"),
    wide("atim", "timestamp"),
    wide("mtim", "timestamp"),
    flagsOf("fst_flags", fstflags),
  ]),
  fn(
    "path_link",
    "Create a hard link.",
    [
      fd("old_fd"),
      flagsOf("old_flags", lookupflags),
      ptr("old_path"),
      len("old_path_len"),
      fd("new_fd"),
      ptr("new_path"),
      len("new_path_len"),
    ],
    "enosys",
  ),
  fn("path_open", "Open a file or directory.", [
    fd(),
    flagsOf("dirflags", lookupflags),
    ptr("path"),
    len("path_len"),
    flagsOf("oflags", oflags),
    flagsOf("fs_rights_base", rights, "i64"),
    flagsOf("fs_rights_inheriting", rights, "i64"),
    flagsOf("fdflags", fdflags),
    out("opened_fd"),
  ]),
  fn(
    "path_readlink",
    "Read the contents of a symbolic link.",
    [fd(), ptr("path"), len("path_len"), ptr("buf"), len("buf_len"), out("bufused")],
    "enosys",
  ),
  fn("path_remove_directory", "Remove a directory.", [fd(), ptr("path"), len("path_len")], "enosys"),
  fn("path_rename", "Rename a file or directory.", [
    fd(),
    ptr("old_path"),
    len("old_path_len"),
    fd("new_fd"),
    ptr("new_path"),
    len("new_path_len"),
  ]),
  fn(
    "path_symlink",
    "Create a symbolic link.",
    [ptr("old_path"), len("old_path_len"), fd(), ptr("new_path"), len("new_path_len")],
    "enosys",
  ),
  fn("path_unlink_file", "Unlink a file.", [fd(), ptr("path"), len("path_len")]),
  fn("poll_oneoff", "Concurrently poll for the occurrence of a set of events.", [
    ptr("in"),
    ptr("out"),
    { name: "nsubscriptions", type: "i32", role: "size" },
    out("nevents"),
  ]),
  {
    name: "proc_exit",
    params: [{ name: "rval", type: "i32", role: "exitcode" }],
    results: [],
    doc: "Terminate the process normally.",
    runno: "implemented",
  },
  fn("proc_raise", "Send a signal to the process of the calling thread.", [enumOf("sig", signal)], "enosys"),
  fn("sched_yield", "Temporarily yield execution of the calling thread.", []),
  fn("random_get", "Write high-quality random data into a buffer.", [ptr("buf"), len("buf_len")]),
  fn("sock_accept", "Accept a new incoming connection.", [fd(), flagsOf("flags", fdflags), out("accepted_fd")], "enosys"),
  fn(
    "sock_recv",
    "Receive a message from a socket.",
    [fd(), ptr("ri_data"), len("ri_data_len"), flagsOf("ri_flags", riflags), out("nread"), out("ro_flags")],
    "enosys",
  ),
  fn(
    "sock_send",
    "Send a message on a socket.",
    [fd(), ptr("si_data"), len("si_data_len"), flagsOf("si_flags", siflags), out("nwritten")],
    "enosys",
  ),
  fn("sock_shutdown", "Shut down socket send and receive channels.", [fd(), flagsOf("how", sdflags)], "enosys"),
];

const byName = new Map(preview1Functions.map((f) => [f.name, f]));

/** The preview1 function of that name, or undefined for a name preview1 does not define. */
export function preview1Function(name: string): Preview1Function | undefined {
  return byName.get(name);
}

/** The core wasm type a preview1 function must be imported with. */
export function preview1FuncType(f: Preview1Function): FuncType {
  return { params: f.params.map((p) => p.type), results: [...f.results] };
}

/** One function import from `wasi_snapshot_preview1`, checked against the table. */
export interface Preview1Import {
  name: string;
  /** Undefined when preview1 has no function of that name. */
  function?: Preview1Function;
  /** Present when the import's type differs from the spec's: what was expected and what was found. */
  typeMismatch?: { expected: FuncType; found: FuncType };
}

/** What a module imports from WASI preview1, sorted out. */
export interface Preview1Imports {
  /** Preview1 functions imported with the right type, in import order. */
  known: Preview1Import[];
  /** Imports from `wasi_snapshot_preview1` with a name preview1 does not define (e.g. WASIX additions). */
  unknown: Preview1Import[];
  /** Preview1 functions imported with a different type than the spec's: calls to them cannot be decoded. */
  mistyped: Preview1Import[];
  /** Non-function imports from `wasi_snapshot_preview1` (preview1 exports only functions), as `kind name`. */
  otherKinds: string[];
}

/** Sorts a module's imports from `wasi_snapshot_preview1` into known, unknown and mistyped functions. */
export function classifyPreview1Imports(imports: readonly Import[]): Preview1Imports {
  const result: Preview1Imports = { known: [], unknown: [], mistyped: [], otherKinds: [] };
  for (const { module, name, desc } of imports) {
    if (module !== preview1Module) continue;
    if (desc.kind !== "func") {
      result.otherKinds.push(`${desc.kind} ${name}`);
      continue;
    }
    const f = byName.get(name);
    if (!f) {
      result.unknown.push({ name });
      continue;
    }
    const expected = preview1FuncType(f);
    if (sameType(expected, desc.type)) result.known.push({ name, function: f });
    else result.mistyped.push({ name, function: f, typeMismatch: { expected, found: desc.type } });
  }
  return result;
}

function sameType(a: FuncType, b: FuncType): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}
