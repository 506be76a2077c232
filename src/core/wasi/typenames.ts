/**
 * The named values of WASI preview1 (`typenames.witx` of WebAssembly/WASI, `legacy/preview1`):
 * errno codes with their one-line meanings, the flag sets and the enums, and the small functions
 * that turn a raw number into those names. It reads no memory and knows nothing of functions.
 */

/** One errno code: its number, its name as the C headers spell it (`ERRNO_BADF`), and its meaning. */
export interface ErrnoInfo {
  code: number;
  name: string;
  meaning: string;
}

// The witx names in declaration order (the code is the index) with the witx doc line for each.
const errnoTable: readonly (readonly [string, string])[] = [
  ["success", "No error occurred. System call completed successfully."],
  ["2big", "Argument list too long."],
  ["acces", "Permission denied."],
  ["addrinuse", "Address in use."],
  ["addrnotavail", "Address not available."],
  ["afnosupport", "Address family not supported."],
  ["again", "Resource unavailable, or operation would block."],
  ["already", "Connection already in progress."],
  ["badf", "Bad file descriptor."],
  ["badmsg", "Bad message."],
  ["busy", "Device or resource busy."],
  ["canceled", "Operation canceled."],
  ["child", "No child processes."],
  ["connaborted", "Connection aborted."],
  ["connrefused", "Connection refused."],
  ["connreset", "Connection reset."],
  ["deadlk", "Resource deadlock would occur."],
  ["destaddrreq", "Destination address required."],
  ["dom", "Mathematics argument out of domain of function."],
  ["dquot", "Reserved."],
  ["exist", "File exists."],
  ["fault", "Bad address."],
  ["fbig", "File too large."],
  ["hostunreach", "Host is unreachable."],
  ["idrm", "Identifier removed."],
  ["ilseq", "Illegal byte sequence."],
  ["inprogress", "Operation in progress."],
  ["intr", "Interrupted function."],
  ["inval", "Invalid argument."],
  ["io", "I/O error."],
  ["isconn", "Socket is connected."],
  ["isdir", "Is a directory."],
  ["loop", "Too many levels of symbolic links."],
  ["mfile", "File descriptor value too large."],
  ["mlink", "Too many links."],
  ["msgsize", "Message too large."],
  ["multihop", "Reserved."],
  ["nametoolong", "Filename too long."],
  ["netdown", "Network is down."],
  ["netreset", "Connection aborted by network."],
  ["netunreach", "Network unreachable."],
  ["nfile", "Too many files open in system."],
  ["nobufs", "No buffer space available."],
  ["nodev", "No such device."],
  ["noent", "No such file or directory."],
  ["noexec", "Executable file format error."],
  ["nolck", "No locks available."],
  ["nolink", "Reserved."],
  ["nomem", "Not enough space."],
  ["nomsg", "No message of the desired type."],
  ["noprotoopt", "Protocol not available."],
  ["nospc", "No space left on device."],
  ["nosys", "Function not supported."],
  ["notconn", "The socket is not connected."],
  ["notdir", "Not a directory or a symbolic link to a directory."],
  ["notempty", "Directory not empty."],
  ["notrecoverable", "State not recoverable."],
  ["notsock", "Not a socket."],
  ["notsup", "Not supported, or operation not supported on socket."],
  ["notty", "Inappropriate I/O control operation."],
  ["nxio", "No such device or address."],
  ["overflow", "Value too large to be stored in data type."],
  ["ownerdead", "Previous owner died."],
  ["perm", "Operation not permitted."],
  ["pipe", "Broken pipe."],
  ["proto", "Protocol error."],
  ["protonosupport", "Protocol not supported."],
  ["prototype", "Protocol wrong type for socket."],
  ["range", "Result too large."],
  ["rofs", "Read-only file system."],
  ["spipe", "Invalid seek."],
  ["srch", "No such process."],
  ["stale", "Reserved."],
  ["timedout", "Connection timed out."],
  ["txtbsy", "Text file busy."],
  ["xdev", "Cross-device link."],
  ["notcapable", "Extension: Capabilities insufficient."],
];

/** Every preview1 errno, indexed by its code (0 `ERRNO_SUCCESS` … 76 `ERRNO_NOTCAPABLE`). */
export const errnos: readonly ErrnoInfo[] = errnoTable.map(([name, meaning], code) => ({
  code,
  name: `ERRNO_${name.toUpperCase()}`,
  // The witx lines end with a full stop; the one-line meaning reads better in a sentence without it.
  meaning: meaning.replace(/\.$/, ""),
}));

/** The errno for a code the hook returned; a code outside the table is named as such, not dropped. */
export function errnoInfo(code: number): ErrnoInfo {
  return errnos[code] ?? { code, name: `ERRNO_${code}`, meaning: `Unknown errno ${code} (preview1 defines 0 to ${errnos.length - 1})` };
}

/** A flag set: the bit for each name, in witx order (bit i is the i-th flag). */
export interface FlagSet {
  /** The witx type name, e.g. `oflags`. */
  name: string;
  /** Flag names, lower case as in witx; bit i is `1 << i`. */
  flags: readonly string[];
}

/** `oflags` (u16): how `path_open` opens a file. */
export const oflags: FlagSet = { name: "oflags", flags: ["creat", "directory", "excl", "trunc"] };
/** `fdflags` (u16): file descriptor flags. */
export const fdflags: FlagSet = { name: "fdflags", flags: ["append", "dsync", "nonblock", "rsync", "sync"] };
/** `lookupflags` (u32): how paths are resolved. */
export const lookupflags: FlagSet = { name: "lookupflags", flags: ["symlink_follow"] };
/** `fstflags` (u16): which file times to adjust. */
export const fstflags: FlagSet = { name: "fstflags", flags: ["atim", "atim_now", "mtim", "mtim_now"] };
/** `subclockflags` (u16): whether a clock subscription's timeout is absolute. */
export const subclockflags: FlagSet = { name: "subclockflags", flags: ["subscription_clock_abstime"] };
/** `eventrwflags` (u16): the state of a polled file descriptor. */
export const eventrwflags: FlagSet = { name: "eventrwflags", flags: ["fd_readwrite_hangup"] };
/** `riflags` (u16): flags given to `sock_recv`. */
export const riflags: FlagSet = { name: "riflags", flags: ["recv_peek", "recv_waitall"] };
/** `roflags` (u16): flags returned by `sock_recv`. */
export const roflags: FlagSet = { name: "roflags", flags: ["recv_data_truncated"] };
/** `siflags` (u16): flags given to `sock_send`; none are defined, so every set bit is unknown. */
export const siflags: FlagSet = { name: "siflags", flags: [] };
/** `sdflags` (u8): which socket channels to shut down. */
export const sdflags: FlagSet = { name: "sdflags", flags: ["rd", "wr"] };
/** `rights` (u64): what may be done through a file descriptor. */
export const rights: FlagSet = {
  name: "rights",
  flags: [
    "fd_datasync",
    "fd_read",
    "fd_seek",
    "fd_fdstat_set_flags",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "fd_advise",
    "fd_allocate",
    "path_create_directory",
    "path_create_file",
    "path_link_source",
    "path_link_target",
    "path_open",
    "fd_readdir",
    "path_readlink",
    "path_rename_source",
    "path_rename_target",
    "path_filestat_get",
    "path_filestat_set_size",
    "path_filestat_set_times",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "path_symlink",
    "path_remove_directory",
    "path_unlink_file",
    "poll_fd_readwrite",
    "sock_shutdown",
    "sock_accept",
  ],
};

/** A flag value taken apart: the names of the set bits, and whatever bits no name covers. */
export interface DecodedFlags {
  names: string[];
  /** Set bits that the flag set does not define (0n when there are none). */
  unknownBits: bigint;
  /** `creat|trunc`, `0` for no flags, and `0x…` appended for unknown bits. */
  text: string;
}

/** Takes a raw flag value (number or bigint, as the hook gives it) apart into the set's names. */
export function decodeFlags(set: FlagSet, value: number | bigint): DecodedFlags {
  let bits = typeof value === "bigint" ? BigInt.asUintN(64, value) : BigInt(value >>> 0);
  const names: string[] = [];
  set.flags.forEach((name, i) => {
    const bit = 1n << BigInt(i);
    if ((bits & bit) !== 0n) {
      names.push(name);
      bits &= ~bit;
    }
  });
  const parts = [...names];
  if (bits !== 0n) parts.push(`0x${bits.toString(16)}`);
  return { names, unknownBits: bits, text: parts.length === 0 ? "0" : parts.join("|") };
}

/** An enum: the name of each value, in witx order (value i is the i-th name). */
export interface EnumType {
  /** The witx type name, e.g. `clockid`. */
  name: string;
  values: readonly string[];
}

/** `whence` (u8): what `fd_seek`'s offset is relative to. */
export const whence: EnumType = { name: "whence", values: ["set", "cur", "end"] };
/** `filetype` (u8): the type of a file or file descriptor. */
export const filetype: EnumType = {
  name: "filetype",
  values: ["unknown", "block_device", "character_device", "directory", "regular_file", "socket_dgram", "socket_stream", "symbolic_link"],
};
/** `clockid` (u32): which clock. */
export const clockid: EnumType = { name: "clockid", values: ["realtime", "monotonic", "process_cputime_id", "thread_cputime_id"] };
/** `advice` (u8): an access-pattern hint for `fd_advise`. */
export const advice: EnumType = { name: "advice", values: ["normal", "sequential", "random", "willneed", "dontneed", "noreuse"] };
/** `eventtype` (u8): what a subscription waits for. */
export const eventtype: EnumType = { name: "eventtype", values: ["clock", "fd_read", "fd_write"] };
/** `preopentype` (u8): what kind of capability a preopen is. */
export const preopentype: EnumType = { name: "preopentype", values: ["dir"] };
/** `signal` (u8): a signal condition for `proc_raise`. */
export const signal: EnumType = {
  name: "signal",
  values: [
    "none",
    "hup",
    "int",
    "quit",
    "ill",
    "trap",
    "abrt",
    "bus",
    "fpe",
    "kill",
    "usr1",
    "segv",
    "usr2",
    "pipe",
    "alrm",
    "term",
    "chld",
    "cont",
    "stop",
    "tstp",
    "ttin",
    "ttou",
    "urg",
    "xcpu",
    "xfsz",
    "vtalrm",
    "prof",
    "winch",
    "poll",
    "pwr",
    "sys",
  ],
};

/** The name of an enum value, or `unknown <type> <n>` for a value the enum does not define. */
export function enumName(type: EnumType, value: number): string {
  return type.values[value] ?? `unknown ${type.name} ${value}`;
}
