/**
 * Decodes one WASI preview1 call, as @runno/wasi's debug hook sees it (the raw wasm arguments and
 * the errno), into a `WasiCall`: arguments by meaning, the errno by name, the data moved, and the
 * exact byte ranges of linear memory the call read (its inputs) and wrote (its outputs). One decoder
 * per function. It never throws on bad pointers: out-of-bounds ranges are marked and explained.
 * It does not run, hook or snapshot anything; the caller hands it memory readers.
 */

import { decodeUtf8Lossy } from "../abi/utf8";
import { hex, previewBytes, quoteText } from "./bytesText";
import type { MemoryReader } from "./memoryReader";
import { preview1Function, type Preview1Function, type Preview1Param } from "./preview1";
import {
  decodeFlags,
  enumName,
  errnoInfo,
  eventtype,
  fdflags,
  filetype,
  preopentype,
  rights,
  roflags,
  subclockflags,
  clockid,
  eventrwflags,
  type ErrnoInfo,
} from "./typenames";

/** A raw wasm value as the hook gives it: a number for i32 (possibly negative), a bigint for i64. */
export type RawWasmValue = number | bigint;

/** A span of linear memory a call read or wrote, labelled for the memory view (`iovec[0]`, `nwritten`). */
export interface WasiRange {
  offset: number;
  size: number;
  label: string;
  /** Set when the span does not lie inside the memory snapshot; nothing was decoded from it. */
  isOutOfBounds?: boolean;
}

/** One argument by meaning. Pointer-and-length pairs are one argument (`1 iovec at 0x10`). */
export interface WasiArg {
  /** The witx parameter name (`fd`, `iovs`, `path`, `nwritten`). */
  name: string;
  /** The raw wasm values, as decimal text (`"1"`, `"16, 1"`). */
  raw: string;
  /** For the narration: terse (`1`, `1 iovec at 0x10`, `"data.txt"`). */
  short: string;
  /** For a tooltip or detail row: everything known (`1 (stdout)`, the iovec entries, the flag names). */
  text: string;
  /** An out pointer: where the callee writes a result. The narration names it with the result instead. */
  isOut?: boolean;
}

/** A value the call wrote through a pointer (`nwritten`, `fdstat`, the argv table). */
export interface WasiResult {
  label: string;
  offset: number;
  size: number;
  /** Terse, for the narration (`5`, `fd 4`, `"/"`). */
  short: string;
  /** Everything decoded. */
  text: string;
  /** The value as a number, for counts and sizes that later calls need (e.g. `argc`). */
  value?: number;
}

/** Bytes a call moved: what `fd_write` wrote out (an input), what `fd_read` filled in (an output). */
export interface WasiData {
  label: string;
  /** `input`: read from memory before the call; `output`: written to memory by it. */
  direction: "input" | "output";
  /** The buffers, in order; empty ones are left out. */
  segments: { offset: number; size: number }[];
  /** All bytes moved, across the segments. */
  totalSize: number;
  /** The first bytes, at most the cap; a copy. */
  bytes: Uint8Array;
  /** The bytes kept are fewer than `totalSize`, or some could not be read. */
  isTruncated: boolean;
}

/** One decoded WASI call. Plain data: it crosses postMessage unchanged. */
export interface WasiCall {
  name: string;
  /** Whether preview1 defines a function of this name; an unknown one is decoded from the raw values only. */
  isKnown: boolean;
  args: WasiArg[];
  /** The errno returned; absent for `proc_exit` (it does not return) and when planning. */
  errno?: ErrnoInfo;
  /** Memory the call reads: snapshot these before the call. */
  reads: WasiRange[];
  /** Memory the call writes: snapshot these after it. Only a successful call's outputs are listed. */
  writes: WasiRange[];
  results: WasiResult[];
  data: WasiData[];
  /** What could not be decoded, in sentences (out-of-bounds pointers, wrong argument counts, caps). */
  problems: string[];
}

/** Argument and environment counts a call to `args_get`/`environ_get` needs, from `*_sizes_get`. */
export interface WasiSizes {
  count: number;
  bufSize: number;
}

/** What the caller knows that the raw call does not say. */
export interface DecodeOptions {
  /** Memory after the call: outputs are decoded from it. */
  memory: MemoryReader;
  /** Memory before the call, for inputs; `memory` is used when absent (the hook only sees after). */
  memoryBefore?: MemoryReader;
  /** What a file descriptor is (`stdout`, `/work` preopen); `standardFdDescription` when absent. */
  describeFd?: (fd: number) => string | undefined;
  /** Bytes of data kept per call (default 256). */
  dataCap?: number;
  /** Sizes reported earlier by `args_sizes_get`, to decode `args_get`. */
  argSizes?: WasiSizes;
  /** Sizes reported earlier by `environ_sizes_get`, to decode `environ_get`. */
  environSizes?: WasiSizes;
}

/** Entries of an iovec array or subscriptions decoded at most, so a huge count stays cheap. */
export const maxEntries = 1024;
/** Directory entries and strings listed at most in a result's text. */
const maxListed = 32;
/** Bytes of a path or name decoded at most: enough for any real path, and cheap for a wild length. */
const maxTextBytes = 16 * 1024;

/** Decodes the start of `bytes` as UTF-8 for display. */
function textOf(bytes: Uint8Array): string {
  return decodeUtf8Lossy(bytes, 0, Math.min(bytes.length, maxTextBytes)).text;
}

/** 0, 1 and 2 are stdin, stdout and stderr; nothing else is known without the caller's help. */
export function standardFdDescription(fd: number): string | undefined {
  return ["stdin", "stdout", "stderr"][fd];
}

/**
 * Decodes a call the hook saw: `errno` is what the function returned (undefined for `proc_exit`).
 * Never throws: bad pointers, unknown names and wrong argument counts end up in `problems`.
 */
export function decodeWasiCall(name: string, args: readonly unknown[], errno: number | undefined, options: DecodeOptions): WasiCall {
  return run(name, args, errno, options, false);
}

/**
 * The ranges a call is about to read, and the most it may write, from memory before the call: for a
 * worker to snapshot exactly those bytes before and after. Outputs whose size only the call decides
 * (bytes read, events) are planned at their buffers' full size.
 */
export function planWasiCall(name: string, args: readonly unknown[], options: Omit<DecodeOptions, "memoryBefore">): WasiCall {
  return run(name, args, undefined, options, true);
}

function run(name: string, given: readonly unknown[], errno: number | undefined, options: DecodeOptions, isPlan: boolean): WasiCall {
  const fn = preview1Function(name);
  const notIntegers: number[] = [];
  // The hook's values come from the engine, but its declared type is loose: anything that is not a
  // wasm integer is decoded as 0 and named, rather than thrown on.
  const args = given.map((v, i): RawWasmValue => {
    if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return v;
    notIntegers.push(i);
    return 0;
  });
  const d = new Decoding(name, fn, args, errno, options, isPlan);
  for (const i of notIntegers) d.problems.push(`Argument ${i} is not a wasm integer (${typeof given[i]}); it is decoded as 0.`);
  if (!fn) {
    d.problems.push(`${name} is not a WASI preview1 function; its arguments are shown raw.`);
    return d.finish();
  }
  if (args.length !== fn.params.length) {
    d.problems.push(`${name} takes ${fn.params.length} argument(s) but was given ${args.length}; its arguments are shown raw.`);
    return d.finish();
  }
  if (fn.results.length > 0 && errno === undefined && !isPlan) d.problems.push(`${name} returned no errno.`);
  decoders[name]?.(d);
  return d.finish();
}

type Decoder = (d: Decoding) => void;

/** The decoding of one call in progress: argument helpers and the ranges found so far. */
class Decoding {
  readonly reads: WasiRange[] = [];
  readonly writes: WasiRange[] = [];
  readonly results: WasiResult[] = [];
  readonly data: WasiData[] = [];
  readonly problems: string[] = [];
  private readonly args: (WasiArg | undefined)[];
  readonly input: MemoryReader;
  readonly output: MemoryReader;
  readonly cap: number;
  /** Whether outputs are there to decode: after a successful call, or (planning) hypothetically. */
  readonly hasOutputs: boolean;

  constructor(
    readonly name: string,
    readonly fn: Preview1Function | undefined,
    readonly raw: readonly RawWasmValue[],
    readonly errno: number | undefined,
    readonly options: DecodeOptions,
    readonly isPlan: boolean,
  ) {
    this.input = options.memoryBefore ?? options.memory;
    this.output = options.memory;
    const cap = options.dataCap ?? 256;
    this.cap = Number.isFinite(cap) ? Math.max(0, Math.floor(cap)) : 256;
    this.hasOutputs = isPlan || errno === 0;
    const params = fn && fn.params.length === raw.length ? fn.params : undefined;
    this.args = raw.map((value, i) =>
      params?.[i] ? this.plainArg(params[i], value) : { name: `arg${i}`, raw: String(value), short: String(value), text: String(value) },
    );
  }

  /** Argument `i` as an unsigned 32-bit number (the hook gives i32 values signed). */
  u32(i: number): number {
    const v = this.raw[i];
    return typeof v === "bigint" ? Number(BigInt.asUintN(32, v)) : Number(v) >>> 0;
  }

  /** Argument `i` as an unsigned 64-bit bigint. */
  u64(i: number): bigint {
    const v = this.raw[i];
    return typeof v === "bigint" ? BigInt.asUintN(64, v) : BigInt(Number(v) >>> 0);
  }

  describeFd(fd: number): string {
    const what = (this.options.describeFd ?? standardFdDescription)(fd);
    return what === undefined ? String(fd) : `${fd} (${what})`;
  }

  /** Replaces argument `i` (and the argument `alsoI` folded into it, e.g. a length) by one by meaning. */
  setArg(i: number, short: string, text: string, alsoI?: number): void {
    const a = this.args[i];
    if (!a) return;
    this.args[i] = { name: a.name, raw: alsoI === undefined ? a.raw : `${a.raw}, ${this.args[alsoI]?.raw ?? ""}`, short, text };
    if (alsoI !== undefined) this.args[alsoI] = undefined;
  }

  /** Reads `size` input bytes and records the range; undefined (and a problem) when out of bounds. */
  read(offset: number, size: number, label: string): Uint8Array | undefined {
    const bytes = this.input.bytes(offset, size);
    this.reads.push(this.range(offset, size, label, bytes === undefined));
    return bytes;
  }

  /**
   * Records `size` output bytes the call wrote and returns them; undefined when there is nothing
   * to decode (planning, or out of bounds, which is also recorded as a problem).
   */
  wrote(offset: number, size: number, label: string): Uint8Array | undefined {
    const bytes = this.output.bytes(offset, size);
    this.writes.push(this.range(offset, size, label, bytes === undefined));
    // Planning has only memory from before the call, so what is there now is not the output.
    return this.isPlan ? undefined : bytes;
  }

  /** A result of fixed size written through out pointer `i` and decoded by `decode`. */
  out(
    i: number,
    size: number,
    label: string,
    decode: (bytes: Uint8Array) => Omit<WasiResult, "label" | "offset" | "size">,
  ): WasiResult | undefined {
    if (!this.hasOutputs) return undefined;
    const offset = this.u32(i);
    const bytes = this.wrote(offset, size, label);
    if (!bytes) return undefined;
    const result = { label, offset, size, ...decode(bytes) };
    this.results.push(result);
    return result;
  }

  /** A u32 count or size written through out pointer `i`. */
  outU32(i: number, label: string, describe: (n: number) => string = (n) => `${label} ${n}`): number | undefined {
    return this.out(i, 4, label, (b) => {
      const n = le32(b, 0);
      return { short: describe(n), text: `${label} = ${n}`, value: n };
    })?.value;
  }

  /** A u64 (a timestamp or file offset) written through out pointer `i`. */
  outU64(i: number, label: string, unit: string): void {
    this.out(i, 8, label, (b) => {
      const n = le64(b, 0);
      const value = n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
      return { short: `${label} ${n}${unit}`, text: `${label} = ${n}${unit}`, value };
    });
  }

  /** Keeps up to the cap of the bytes moved through `segments`, reading them from `memory`. */
  keepData(label: string, direction: "input" | "output", segments: { offset: number; size: number }[]): void {
    const present = segments.filter((s) => s.size > 0);
    if (this.isPlan || present.length === 0) return;
    const memory = direction === "input" ? this.input : this.output;
    const totalSize = present.reduce((n, s) => n + s.size, 0);
    const kept = new Uint8Array(Math.min(totalSize, this.cap));
    let at = 0;
    let isComplete = true;
    for (const s of present) {
      if (at >= kept.length) break;
      const take = Math.min(s.size, kept.length - at);
      const bytes = memory.bytes(s.offset, take);
      if (!bytes) {
        isComplete = false;
        break;
      }
      kept.set(bytes, at);
      at += take;
    }
    this.data.push({
      label,
      direction,
      segments: present,
      totalSize,
      bytes: kept.slice(0, at),
      isTruncated: !isComplete || at < totalSize,
    });
  }

  /** Reads a string argument (pointer `i`, length `i + 1`) as UTF-8 and shows it in place of the pair. */
  path(i: number, label = this.fn?.params[i]?.name ?? "path"): string | undefined {
    const offset = this.u32(i);
    const size = this.u32(i + 1);
    const bytes = this.read(offset, size, label);
    if (!bytes) {
      const what = `${label} at ${hex(offset)} (${size} bytes, out of bounds)`;
      this.setArg(i, what, what, i + 1);
      return undefined;
    }
    const text = textOf(bytes);
    this.setArg(i, quoteText(text), `${quoteText(text, 4096)} (${size} bytes at ${hex(offset)})`, i + 1);
    return text;
  }

  /**
   * Reads an iovec or ciovec array (pointer `i`, count `i + 1`; witx `iovec`: u32 buf, u32 buf_len)
   * and shows it in place of the pair. Entries past `maxEntries` are counted, not decoded.
   */
  iovecs(i: number): { buf: number; len: number }[] {
    const offset = this.u32(i);
    const count = this.u32(i + 1);
    const noun = count === 1 ? "iovec" : "iovecs";
    const decoded = Math.min(count, maxEntries);
    const array = this.input.bytes(offset, count * 8);
    if (!array) {
      this.reads.push(this.range(offset, count * 8, "iovec array", true));
      const what = `${count} ${noun} at ${hex(offset)} (out of bounds)`;
      this.setArg(i, what, what, i + 1);
      return [];
    }
    const entries: { buf: number; len: number }[] = [];
    for (let k = 0; k < decoded; k++) {
      this.reads.push({ offset: offset + k * 8, size: 8, label: `iovec[${k}]` });
      entries.push({ buf: le32(array, k * 8), len: le32(array, k * 8 + 4) });
    }
    if (count > decoded) {
      this.reads.push({ offset: offset + decoded * 8, size: (count - decoded) * 8, label: `iovec[${decoded}…${count - 1}]` });
      this.problems.push(`Only the first ${decoded} of ${count} iovecs are decoded.`);
    }
    const list = entries.map((e, k) => `[${k}] ${e.len} bytes at ${hex(e.buf)}`).join(", ");
    this.setArg(
      i,
      `${count} ${noun} at ${hex(offset)}`,
      `${count} ${noun} at ${hex(offset)}${list ? `: ${list}` : ""}${count > decoded ? ", …" : ""}`,
      i + 1,
    );
    return entries;
  }

  /** The buffers an iovec array points to, read as the call's input (fd_write, fd_pwrite, sock_send). */
  gather(entries: { buf: number; len: number }[]): void {
    const segments: { offset: number; size: number }[] = [];
    entries.forEach((e, k) => {
      if (e.len === 0) return;
      if (this.read(e.buf, e.len, `buffer ${k}`)) segments.push({ offset: e.buf, size: e.len });
    });
    this.keepData("data written", "input", segments);
  }

  /**
   * The buffers an iovec array points to, filled in order with `total` bytes (fd_read, fd_pread,
   * sock_recv): each buffer's filled part is an output. Planning marks the whole buffers.
   */
  scatter(entries: { buf: number; len: number }[], total: number | undefined): void {
    if (!this.hasOutputs) return;
    let remaining = this.isPlan ? Infinity : (total ?? 0);
    const segments: { offset: number; size: number }[] = [];
    entries.forEach((e, k) => {
      const size = Math.min(e.len, remaining);
      if (size <= 0) return;
      remaining -= size;
      if (this.wrote(e.buf, size, `buffer ${k}`)) segments.push({ offset: e.buf, size });
    });
    this.keepData("data read", "output", segments);
  }

  private range(offset: number, size: number, label: string, isOutOfBounds: boolean): WasiRange {
    if (!isOutOfBounds) return { offset, size, label };
    this.problems.push(`${label} at ${hex(offset)} (${size} bytes) is out of bounds: memory is ${this.output.byteLength} bytes.`);
    return { offset, size, label, isOutOfBounds: true };
  }

  private plainArg(p: Preview1Param, value: RawWasmValue): WasiArg {
    const raw = String(value);
    const arg = (short: string, text = short, isOut?: boolean): WasiArg =>
      isOut ? { name: p.name, raw, short, text, isOut } : { name: p.name, raw, short, text };
    const u32 = typeof value === "bigint" ? Number(BigInt.asUintN(32, value)) : Number(value) >>> 0;
    switch (p.role) {
      case "fd":
        return arg(String(u32), this.describeFd(u32));
      case "pointer":
        return arg(hex(u32), `${p.name} at ${hex(u32)}`);
      case "out":
        return arg(hex(u32), `${p.name} written to ${hex(u32)}`, true);
      case "flags": {
        const f = decodeFlags(p.flags ?? { name: "flags", flags: [] }, value);
        return arg(f.text, `${p.flags?.name ?? "flags"} ${f.text}`);
      }
      case "enum": {
        const n = enumName(p.enum ?? { name: "enum", values: [] }, u32);
        return arg(n, `${p.enum?.name ?? "enum"} ${n} (${u32})`);
      }
      case "filedelta":
        return arg(String(BigInt.asIntN(64, BigInt(value))));
      case "filesize":
      case "dircookie":
        return arg(String(BigInt.asUintN(64, BigInt(value))));
      case "timestamp":
        return arg(`${BigInt.asUintN(64, BigInt(value))} ns`);
      case "length":
      case "size":
      case "exitcode":
        return arg(String(u32));
    }
  }

  finish(): WasiCall {
    const call: WasiCall = {
      name: this.name,
      isKnown: this.fn !== undefined,
      args: this.args.filter((a): a is WasiArg => a !== undefined),
      reads: this.reads,
      writes: this.writes,
      results: this.results,
      data: this.data,
      problems: this.problems,
    };
    if (this.errno !== undefined && !this.isPlan) call.errno = errnoInfo(this.errno);
    return call;
  }
}

function le32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

function le16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function le64(b: Uint8Array, at: number): bigint {
  return BigInt(le32(b, at)) | (BigInt(le32(b, at + 4)) << 32n);
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** witx `fdstat`: u8 filetype @0, u16 fdflags @2, u64 rights base @8, u64 rights inheriting @16; 24 bytes. */
function decodeFdstat(b: Uint8Array): Omit<WasiResult, "label" | "offset" | "size"> {
  const type = enumName(filetype, b[0] ?? 0);
  const flags = decodeFlags(fdflags, le16(b, 2));
  const base = decodeFlags(rights, le64(b, 8));
  const inheriting = decodeFlags(rights, le64(b, 16));
  return {
    short: `fdstat (${type}, flags ${flags.text}, ${plural(base.names.length, "right")})`,
    text: `filetype ${type}, flags ${flags.text}, rights base ${base.text}, rights inheriting ${inheriting.text}`,
  };
}

/** witx `filestat`: dev @0, ino @8, u8 filetype @16, nlink @24, size @32, atim @40, mtim @48, ctim @56; 64 bytes. */
function decodeFilestat(b: Uint8Array): Omit<WasiResult, "label" | "offset" | "size"> {
  const type = enumName(filetype, b[16] ?? 0);
  const size = le64(b, 32);
  return {
    short: `filestat (${type}, ${size} bytes)`,
    text: `dev ${le64(b, 0)}, ino ${le64(b, 8)}, filetype ${type}, nlink ${le64(b, 24)}, size ${size}, atim ${le64(b, 40)} ns, mtim ${le64(b, 48)} ns, ctim ${le64(b, 56)} ns`,
  };
}

/** witx `prestat`: u8 tag @0 (`preopentype`), u32 `pr_name_len` @4; 8 bytes. */
function decodePrestat(b: Uint8Array): Omit<WasiResult, "label" | "offset" | "size"> {
  const tag = enumName(preopentype, b[0] ?? 0);
  const nameLength = le32(b, 4);
  return {
    short: `prestat (${tag}, name length ${nameLength})`,
    text: `preopen type ${tag}, name length ${nameLength}`,
    value: nameLength,
  };
}

/**
 * `args_get` and `environ_get`: a table of `count` pointers at `table` and their NUL-terminated
 * strings in `buf`. The count comes from the earlier `*_sizes_get`; without it, the table is
 * followed while each pointer is the end of the string before it.
 */
function stringTable(d: Decoding, what: "argv" | "environ", sizes: WasiSizes | undefined): void {
  const table = d.u32(0);
  const buf = d.u32(1);
  d.setArg(0, `${what} ${hex(table)}`, `${what} pointers written to ${hex(table)}`);
  d.setArg(1, `${what}_buf ${hex(buf)}`, `${what} strings written to ${hex(buf)}`);
  if (!d.hasOutputs) return;
  let count = sizes?.count;
  let bufSize = sizes?.bufSize;
  if (count === undefined || bufSize === undefined) {
    if (d.isPlan) {
      d.problems.push(`The size of ${what}'s tables is unknown without an earlier ${what === "argv" ? "args" : "environ"}_sizes_get.`);
      return;
    }
    const inferred = inferStringTable(d.output, table, buf);
    count = inferred.count;
    bufSize = inferred.bufSize;
    d.problems.push(
      `${what}'s count (${count}) was inferred from memory: no ${what === "argv" ? "args" : "environ"}_sizes_get came first.`,
    );
  }
  const pointers = d.wrote(table, count * 4, `${what} pointers`);
  const strings = d.wrote(buf, bufSize, `${what} strings`);
  if (d.isPlan) return;
  if (pointers)
    d.results.push({
      label: `${what} pointers`,
      offset: table,
      size: count * 4,
      short: plural(count, "pointer"),
      text: `${plural(count, "pointer")} into ${hex(buf)}`,
      value: count,
    });
  if (strings) {
    const texts: string[] = [];
    let start = 0;
    for (let i = 0; i < strings.length && texts.length < maxListed; i++) {
      if (strings[i] !== 0) continue;
      texts.push(quoteText(textOf(strings.subarray(start, i))));
      start = i + 1;
    }
    const list = texts.join(", ") + (texts.length < count ? ", …" : "");
    d.results.push({
      label: `${what} strings`,
      offset: buf,
      size: bufSize,
      short: `[${list}]`,
      text: `${bufSize} bytes: ${list}`,
      value: bufSize,
    });
  }
}

function inferStringTable(memory: MemoryReader, table: number, buf: number): WasiSizes {
  let expected = buf;
  let count = 0;
  while (count < maxEntries && memory.u32(table + count * 4) === expected) {
    let end = expected;
    while (memory.u8(end) !== undefined && memory.u8(end) !== 0) end++;
    if (memory.u8(end) === undefined) break;
    expected = end + 1;
    count++;
  }
  return { count, bufSize: expected - buf };
}

/** `*_sizes_get`: two u32 written through out pointers 0 and 1. */
function sizes(label0: string, label1: string): Decoder {
  return (d) => {
    d.outU32(0, label0);
    d.outU32(1, label1, (n) => `${label1} ${n} bytes`);
  };
}

/** A function whose arguments say it all: no memory is read or written. */
const noMemory: Decoder = () => undefined;

/**
 * witx `subscription` (48 bytes): u64 userdata @0, u8 eventtype tag @8, then @16 either
 * `subscription_clock` (u32 id @16, u64 timeout @24, u64 precision @32, u16 flags @40) or
 * `subscription_fd_readwrite` (u32 fd @16).
 */
function describeSubscription(d: Decoding, b: Uint8Array): string {
  const type = enumName(eventtype, b[8] ?? 0);
  const userdata = `userdata ${hex(Number(le64(b, 0) & 0xffffffffn))}${le64(b, 0) > 0xffffffffn ? "+" : ""}`;
  if ((b[8] ?? 0) === 0) {
    const flags = decodeFlags(subclockflags, le16(b, 40));
    return `clock ${enumName(clockid, le32(b, 16))} timeout ${le64(b, 24)} ns${flags.names.length ? " absolute" : ""} (${userdata})`;
  }
  return `${type} on ${d.describeFd(le32(b, 16))} (${userdata})`;
}

/** witx `event` (32 bytes): u64 userdata @0, u16 errno @8, u8 eventtype @10, u64 nbytes @16, u16 eventrwflags @24. */
function describeEvent(b: Uint8Array): string {
  const type = enumName(eventtype, b[10] ?? 0);
  const error = le16(b, 8);
  const status = error === 0 ? "ok" : errnoInfo(error).name;
  if ((b[10] ?? 0) === 0) return `clock ${status}`;
  const flags = decodeFlags(eventrwflags, le16(b, 24));
  return `${type} ${status}, ${le64(b, 16)} bytes${flags.names.length ? ` ${flags.text}` : ""}`;
}

/** One decoder per preview1 function, keyed by name. */
const decoders: Record<string, Decoder> = {
  args_get: (d) => stringTable(d, "argv", d.options.argSizes),
  args_sizes_get: sizes("argc", "argv_buf_size"),
  environ_get: (d) => stringTable(d, "environ", d.options.environSizes),
  environ_sizes_get: sizes("environ_count", "environ_buf_size"),
  clock_res_get: (d) => d.outU64(1, "resolution", " ns"),
  clock_time_get: (d) => d.outU64(2, "time", " ns"),
  fd_advise: noMemory,
  fd_allocate: noMemory,
  fd_close: noMemory,
  fd_datasync: noMemory,
  fd_fdstat_get: (d) => void d.out(1, 24, "fdstat", decodeFdstat),
  fd_fdstat_set_flags: noMemory,
  fd_fdstat_set_rights: noMemory,
  fd_filestat_get: (d) => void d.out(1, 64, "filestat", decodeFilestat),
  fd_filestat_set_size: noMemory,
  fd_filestat_set_times: noMemory,
  fd_pread: (d) => {
    const entries = d.iovecs(1);
    d.scatter(entries, d.outU32(4, "nread", String));
  },
  fd_prestat_get: (d) => void d.out(1, 8, "prestat", decodePrestat),
  fd_prestat_dir_name: (d) => {
    const offset = d.u32(1);
    const size = d.u32(2);
    d.setArg(1, `${size} bytes at ${hex(offset)}`, `buffer of ${size} bytes at ${hex(offset)} for the name`, 2);
    if (!d.hasOutputs) return;
    const bytes = d.wrote(offset, size, "dir name");
    if (bytes) {
      const text = quoteText(textOf(bytes));
      d.results.push({ label: "dir name", offset, size, short: text, text: `preopened directory name ${text}` });
    }
  },
  fd_pwrite: (d) => {
    d.gather(d.iovecs(1));
    d.outU32(4, "nwritten", String);
  },
  fd_read: (d) => {
    const entries = d.iovecs(1);
    d.scatter(entries, d.outU32(3, "nread", String));
  },
  fd_readdir: (d) => {
    const offset = d.u32(1);
    const size = d.u32(2);
    d.setArg(1, `${size} bytes at ${hex(offset)}`, `buffer of ${size} bytes at ${hex(offset)} for dirents`, 2);
    if (d.isPlan) {
      d.wrote(offset, size, "dirents");
      d.outU32(4, "bufused");
      return;
    }
    const used = d.outU32(4, "bufused", (n) => `bufused ${n} bytes`);
    if (used === undefined) return;
    const filled = Math.min(used, size);
    const bytes = d.wrote(offset, filled, "dirents");
    if (!bytes) return;
    // witx `dirent` (24 bytes): u64 d_next @0, u64 d_ino @8, u32 d_namlen @16, u8 d_type @20; the name follows.
    const names: string[] = [];
    let at = 0;
    let count = 0;
    while (at + 24 <= bytes.length) {
      const nameLength = le32(bytes, at + 16);
      const name = bytes.subarray(at + 24, Math.min(bytes.length, at + 24 + nameLength));
      if (names.length < maxListed)
        names.push(
          `${quoteText(textOf(name))} (${enumName(filetype, bytes[at + 20] ?? 0)}${name.length < nameLength ? ", cut short" : ""})`,
        );
      count++;
      at += 24 + nameLength;
    }
    const list = names.join(", ") + (count > names.length ? ", …" : "");
    d.results.push({
      label: "dirents",
      offset,
      size: filled,
      short: plural(count, "entry", "entries"),
      text: list || "no entries",
      value: count,
    });
  },
  fd_renumber: noMemory,
  fd_seek: (d) => d.outU64(3, "newoffset", ""),
  fd_sync: noMemory,
  fd_tell: (d) => d.outU64(1, "offset", ""),
  fd_write: (d) => {
    d.gather(d.iovecs(1));
    d.outU32(3, "nwritten", String);
  },
  path_create_directory: (d) => void d.path(1),
  path_filestat_get: (d) => {
    d.path(2);
    d.out(4, 64, "filestat", decodeFilestat);
  },
  path_filestat_set_times: (d) => void d.path(2),
  path_link: (d) => {
    d.path(2);
    d.path(5);
  },
  path_open: (d) => {
    d.path(2);
    d.outU32(8, "opened_fd", (n) => `fd ${n}`);
  },
  path_readlink: (d) => {
    d.path(1);
    const offset = d.u32(3);
    const size = d.u32(4);
    d.setArg(3, `${size} bytes at ${hex(offset)}`, `buffer of ${size} bytes at ${hex(offset)} for the link's contents`, 4);
    if (d.isPlan) {
      d.wrote(offset, size, "link contents");
      d.outU32(5, "bufused");
      return;
    }
    const used = d.outU32(5, "bufused", (n) => `bufused ${n} bytes`);
    if (used === undefined) return;
    const filled = Math.min(used, size);
    const bytes = d.wrote(offset, filled, "link contents");
    if (bytes) {
      const text = quoteText(textOf(bytes));
      d.results.push({ label: "link contents", offset, size: filled, short: text, text: `the link points to ${text}` });
    }
  },
  path_remove_directory: (d) => void d.path(1),
  path_rename: (d) => {
    d.path(1);
    d.path(4);
  },
  path_symlink: (d) => {
    d.path(0);
    d.path(3);
  },
  path_unlink_file: (d) => void d.path(1),
  poll_oneoff: (d) => {
    const inPtr = d.u32(0);
    const outPtr = d.u32(1);
    const count = d.u32(2);
    const decoded = Math.min(count, maxEntries);
    const subscriptions: string[] = [];
    const array = d.input.bytes(inPtr, count * 48);
    if (!array) d.read(inPtr, count * 48, "subscriptions");
    else {
      for (let k = 0; k < decoded; k++) {
        d.reads.push({ offset: inPtr + k * 48, size: 48, label: `subscription[${k}]` });
        if (k < maxListed) subscriptions.push(describeSubscription(d, array.subarray(k * 48, k * 48 + 48)));
      }
      if (count > decoded) {
        d.reads.push({ offset: inPtr + decoded * 48, size: (count - decoded) * 48, label: `subscription[${decoded}…${count - 1}]` });
        d.problems.push(`Only the first ${decoded} of ${count} subscriptions are decoded.`);
      }
    }
    const noun = plural(count, "subscription");
    d.setArg(
      0,
      `${noun} at ${hex(inPtr)}`,
      `${noun} at ${hex(inPtr)}${!array ? " (out of bounds)" : subscriptions.length ? `: ${subscriptions.join("; ")}` : ""}`,
    );
    d.setArg(2, String(count), String(count));
    if (d.isPlan) {
      d.wrote(outPtr, count * 32, "events");
      d.outU32(3, "nevents");
      return;
    }
    const nevents = d.outU32(3, "nevents");
    if (nevents === undefined) return;
    const shown = Math.min(nevents, count, maxEntries);
    const events: string[] = [];
    for (let k = 0; k < shown; k++) {
      const b = d.wrote(outPtr + k * 32, 32, `event[${k}]`);
      if (!b) break;
      if (k < maxListed) events.push(describeEvent(b));
    }
    if (nevents > count) d.problems.push(`nevents (${nevents}) is more than the ${count} subscriptions.`);
    d.results.push({
      label: "events",
      offset: outPtr,
      size: shown * 32,
      short: plural(shown, "event"),
      text: events.join("; ") || "no events",
      value: shown,
    });
  },
  proc_exit: noMemory,
  proc_raise: noMemory,
  sched_yield: noMemory,
  random_get: (d) => {
    const offset = d.u32(0);
    const size = d.u32(1);
    d.setArg(0, `${size} bytes at ${hex(offset)}`, `buffer of ${size} bytes at ${hex(offset)}`, 1);
    if (!d.hasOutputs || size === 0) return;
    if (d.wrote(offset, size, "random bytes")) d.keepData("random bytes", "output", [{ offset, size }]);
  },
  sock_accept: (d) => d.outU32(2, "accepted_fd", (n) => `fd ${n}`),
  sock_recv: (d) => {
    const entries = d.iovecs(1);
    const total = d.outU32(4, "nread", String);
    d.out(5, 2, "ro_flags", (b) => {
      const f = decodeFlags(roflags, le16(b, 0));
      return { short: `ro_flags ${f.text}`, text: `roflags ${f.text}` };
    });
    d.scatter(entries, total);
  },
  sock_send: (d) => {
    d.gather(d.iovecs(1));
    d.outU32(4, "nwritten", String);
  },
  sock_shutdown: noMemory,
};

/** The names of the functions with a decoder: every preview1 function. */
export const decodedFunctions: readonly string[] = Object.keys(decoders);

/** Shows a data entry's bytes as a short escaped preview (`"tick\n"`, `<9f 02 …>`). */
export function previewData(data: WasiData, maxChars = 40): string {
  return previewBytes(data.bytes, { maxChars, isTruncated: data.isTruncated });
}
