/**
 * The tagged-argument convention of Runno PR #335, byte-exact to
 * docs/tagged-convention.md ("Byte layout"): typed arguments written to memory with
 * a tag per argument and a 0xFF terminator, the export called with no parameters, results read
 * back in the same format. It encodes and decodes bytes only; the worker writes and calls.
 */

import { formatOffset, type Region } from "../layout";
import { readIntegerLiteral, type Parsed } from "./numbers";
import { decodeUtf8Lossy, encodeUtf8 } from "./utf8";
import { elementProblem, elementsProblem, formatArray, parseArrayArg, quoteString, readElements } from "./values";
import { plural } from "../wording";

/** The argument types the convention knows, spelled as the PR spells them. */
export type TaggedType = "Int32" | "Uint32" | "string" | "Int32Array" | "Uint32Array";

/** One tagged argument or result. Numbers are plain JS numbers in the type's range. */
export type TaggedArg =
  { type: "Int32" | "Uint32"; value: number } | { type: "string"; value: string } | { type: "Int32Array" | "Uint32Array"; value: number[] };

/** Whether `value` has the shape of a `TaggedArg`: a type of the tag table and a value of that type's kind (ranges are `encodeTagged`'s to check). */
export function isTaggedArg(value: unknown): value is TaggedArg {
  const v = value as { type?: unknown; value?: unknown } | null;
  if (typeof v !== "object" || v === null || !isTaggedType(v.type)) return false;
  switch (v.type) {
    case "string":
      return typeof v.value === "string";
    case "Int32":
    case "Uint32":
      return typeof v.value === "number";
    case "Int32Array":
    case "Uint32Array":
      return Array.isArray(v.value) && v.value.every((n) => typeof n === "number");
  }
}

/**
 * The convention's parameters. The defaults are the PR's exact layout; the others are the
 * variants its author used later ("Variants seen in the wild"): 4-byte tags, start offset 4,
 * strings padded to a 4-byte multiple.
 */
export interface TaggedOptions {
  /** Address of the first tag. The PR uses 8 to stay clear of the null address. */
  startOffset: number;
  /** Bytes per tag: 1 (an i8, the PR) or 4 (a little-endian i32; the terminator is then ff ff ff ff). */
  tagWidth: 1 | 4;
  /**
   * Whether zero bytes follow a string's UTF-8 to make its byte count a multiple of 4. The length
   * field still holds the unpadded count, which is how we read the author's later guest code.
   */
  padStringsTo4: boolean;
}

/** The PR's own layout: start offset 8, one-byte tags, no padding. */
export const DEFAULT_TAGGED_OPTIONS: Readonly<TaggedOptions> = { startOffset: 8, tagWidth: 1, padStringsTo4: false };

/** The tag value of each type (docs/tagged-convention.md, "Byte layout"). The terminator is −1. */
export const TAGS: Readonly<Record<TaggedType, number>> = { Int32: 0x01, Uint32: 0x02, string: 0x03, Int32Array: 0x04, Uint32Array: 0x05 };

/** Every type of the tag table, in tag order. */
export const TAGGED_TYPES: readonly TaggedType[] = Object.keys(TAGS) as TaggedType[];

/** Whether `value` names a type of the tag table. */
export function isTaggedType(value: unknown): value is TaggedType {
  return typeof value === "string" && Object.hasOwn(TAGS, value);
}

/** Where and why encoding or decoding failed. `offset` is an address in memory. */
export interface TaggedError {
  message: string;
  offset: number;
  /** The argument (encoding) or the value (decoding) concerned, when there is one. */
  argIndex?: number;
}

/** Encoding's outcome: the bytes to write at `startOffset`, and a region for every part of them. */
export type TaggedEncoded = { ok: true; bytes: Uint8Array; regions: Region[]; startOffset: number } | { ok: false; error: TaggedError };

/** Options for decoding: the convention's parameters, and where the given bytes sit in memory. */
export interface TaggedDecodeOptions extends Partial<TaggedOptions> {
  /** Address of `memory[0]` when `memory` is a window rather than the whole memory (default 0). */
  baseOffset?: number;
  /**
   * Where memory ends, when the window stops before it. Bounds are checked against it, so a window
   * that holds every byte a decode of the whole memory read (its `readEnd`) decodes the same.
   */
  memoryEnd?: number;
  /** Names the list in labels and messages: arguments before a call, results after (default results). */
  role?: "arguments" | "results";
}

/** Something odd but readable in decoded data, such as invalid UTF-8 or non-zero padding. */
export interface TaggedWarning {
  message: string;
  offset: number;
}

/**
 * Decoding's outcome. On failure, `values` and `regions` hold what was read before the problem,
 * so the memory view can still show it.
 */
export type TaggedDecoded =
  | { ok: true; values: TaggedArg[]; regions: Region[]; warnings: TaggedWarning[]; endOffset: number; readEnd: number }
  | { ok: false; error: TaggedError; values: TaggedArg[]; regions: Region[]; warnings: TaggedWarning[]; readEnd: number };

/** What an export's i32 result code means under the convention. */
export interface TaggedCodeMeaning {
  isSuccess: boolean;
  meaning: string;
}

const TYPE_OF_TAG: ReadonlyMap<number, TaggedType> = new Map(Object.entries(TAGS).map(([t, n]) => [n, t as TaggedType]));

const NOUN: Readonly<Record<TaggedType, string>> = {
  Int32: "an Int32",
  Uint32: "a Uint32",
  string: "a string",
  Int32Array: "an Int32Array",
  Uint32Array: "a Uint32Array",
};

/** Fills in defaults and checks the options; the error is a sentence for the user. */
export function resolveTaggedOptions(options: Partial<TaggedOptions> = {}): Parsed<TaggedOptions> {
  const o: TaggedOptions = {
    startOffset: options.startOffset ?? DEFAULT_TAGGED_OPTIONS.startOffset,
    tagWidth: options.tagWidth ?? DEFAULT_TAGGED_OPTIONS.tagWidth,
    padStringsTo4: options.padStringsTo4 ?? DEFAULT_TAGGED_OPTIONS.padStringsTo4,
  };
  if (!Number.isSafeInteger(o.startOffset) || o.startOffset < 0) {
    return { ok: false, reason: `the start offset ${String(o.startOffset)} is not an address (a whole number from 0)` };
  }
  if (o.tagWidth !== 1 && o.tagWidth !== 4) return { ok: false, reason: `the tag width must be 1 or 4 bytes, not ${String(o.tagWidth)}` };
  return { ok: true, value: o, note: "" };
}

/**
 * Lays out arguments in the tagged format, ending with the terminator. Every value is checked
 * (Int32 in −2^31…2^31−1, Uint32 in 0…2^32−1, each array element likewise, strings free of lone
 * surrogates); the error names the argument and, for arrays, the element.
 */
export function encodeTagged(args: readonly TaggedArg[], options: Partial<TaggedOptions> = {}): TaggedEncoded {
  const resolved = resolveTaggedOptions(options);
  if (!resolved.ok) return { ok: false, error: { message: resolved.reason, offset: options.startOffset ?? 0 } };
  const { startOffset, tagWidth: w, padStringsTo4 } = resolved.value;
  // Two passes, check and measure, then write into one buffer: this runs on both sides of every
  // call (the worker writes the bytes, the page labels them), so it builds no intermediate arrays.
  const utf8: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(args.length);
  let at = startOffset;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as TaggedArg;
    if (TAGS[arg.type] === undefined)
      return {
        ok: false,
        error: {
          message: `argument ${i} has the unknown type ${JSON.stringify((arg as { type: unknown }).type)}`,
          offset: at,
          argIndex: i,
        },
      };
    let problem: string | undefined;
    let size = w + 4;
    if (arg.type === "string") {
      const enc = encodeUtf8(arg.value);
      if (enc.ok) {
        utf8[i] = enc.bytes;
        size += enc.bytes.length + stringPadding(enc.bytes.length, padStringsTo4);
      } else {
        problem = enc.reason;
      }
    } else {
      problem = numberProblem(arg);
      if (arg.type === "Int32Array" || arg.type === "Uint32Array") size += 4 * arg.value.length;
    }
    if (problem !== undefined) return { ok: false, error: { message: `argument ${i} (${arg.type}): ${problem}`, offset: at, argIndex: i } };
    at += size;
  }
  at += w;

  const bytes = new Uint8Array(at - startOffset);
  const regions: Region[] = [];
  let p = 0;
  const putTag = (tag: number, region: Region): void => {
    if (w === 1) bytes[p] = tag;
    else putU32(bytes, p, tag);
    regions.push(region);
    p += w;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as TaggedArg;
    const tag = TAGS[arg.type];
    putTag(tag, { offset: startOffset + p, size: w, kind: "tag", label: NOUN[arg.type], value: tagText(tag, w), argIndex: i });
    switch (arg.type) {
      case "Int32":
      case "Uint32":
        putU32(bytes, p, arg.value);
        regions.push({
          offset: startOffset + p,
          size: 4,
          kind: "payload",
          label: arg.type === "Int32" ? "i32" : "u32",
          value: String(arg.value),
          argIndex: i,
        });
        p += 4;
        break;
      case "string": {
        const text = utf8[i] as Uint8Array;
        putU32(bytes, p, text.length);
        regions.push({
          offset: startOffset + p,
          size: 4,
          kind: "length",
          label: `length of argument ${i}`,
          value: plural(text.length, "byte"),
          argIndex: i,
        });
        p += 4;
        bytes.set(text, p);
        if (text.length > 0)
          regions.push({
            offset: startOffset + p,
            size: text.length,
            kind: "payload",
            label: "UTF-8",
            value: quoteString(arg.value),
            argIndex: i,
          });
        p += text.length;
        // The padding bytes stay zero, as the buffer starts.
        const pad = stringPadding(text.length, padStringsTo4);
        if (pad > 0) regions.push({ offset: startOffset + p, size: pad, kind: "padding", label: "to a 4-byte multiple", argIndex: i });
        p += pad;
        break;
      }
      case "Int32Array":
      case "Uint32Array": {
        const values = arg.value;
        putU32(bytes, p, values.length);
        regions.push({
          offset: startOffset + p,
          size: 4,
          kind: "length",
          label: `length of argument ${i}`,
          value: plural(values.length, "element"),
          argIndex: i,
        });
        p += 4;
        const element = arg.type === "Int32Array" ? "Int32" : "Uint32";
        if (values.length > 0)
          regions.push({
            offset: startOffset + p,
            size: 4 * values.length,
            kind: "payload",
            label: element === "Int32" ? "i32" : "u32",
            value: formatArray(element, values),
            argIndex: i,
          });
        for (const v of values) {
          putU32(bytes, p, v);
          p += 4;
        }
        break;
      }
    }
  }
  putTag(-1, { offset: startOffset + p, size: w, kind: "terminator", label: "end of the argument list", value: tagText(-1, w) });
  return { ok: true, bytes, regions, startOffset };
}

/** Why a number or array argument cannot be encoded (its range, or an element's), or undefined. */
function numberProblem(arg: Exclude<TaggedArg, { type: "string" }>): string | undefined {
  switch (arg.type) {
    case "Int32":
    case "Uint32": {
      const problem = elementProblem(arg.type, arg.value);
      return problem === undefined ? undefined : `(${String(arg.value)}) ${problem}`;
    }
    case "Int32Array":
    case "Uint32Array":
      return elementsProblem(arg.type === "Int32Array" ? "Int32" : "Uint32", arg.value);
  }
}

/** The zero bytes after a string of `length` bytes that end it on a 4-byte multiple, in the variant that pads. */
function stringPadding(length: number, padStringsTo4: boolean): number {
  return padStringsTo4 && length % 4 !== 0 ? 4 - (length % 4) : 0;
}

/**
 * Reads a tagged list from `startOffset` up to its terminator. `memory` is the whole memory or a
 * window starting at `baseOffset`. Fails with the offending address for an unknown tag, a
 * missing terminator, or a length that runs past the end of the bytes given; never throws, and
 * every step advances, so it ends within `memory.length` steps.
 */
export function decodeTagged(memory: Uint8Array, options: TaggedDecodeOptions = {}): TaggedDecoded {
  const values: TaggedArg[] = [];
  const regions: Region[] = [];
  const warnings: TaggedWarning[] = [];
  const resolved = resolveTaggedOptions(options);
  const base = options.baseOffset ?? 0;
  const listName = (options.role ?? "results") === "results" ? "results" : "argument list";
  // The end of the bytes read so far: what a window must hold to decode the same (see memoryEnd).
  let readEnd = 0;
  const fail = (message: string, offset: number, argIndex?: number): TaggedDecoded => ({
    ok: false,
    error: argIndex === undefined ? { message, offset } : { message, offset, argIndex },
    values,
    regions,
    warnings,
    readEnd,
  });
  if (!resolved.ok) return fail(resolved.reason, options.startOffset ?? 0);
  const o = resolved.value;
  readEnd = o.startOffset;
  const end = options.memoryEnd ?? base + memory.length;
  if (o.startOffset < base || o.startOffset >= end) {
    return fail(
      `the start offset ${formatOffset(o.startOffset)} is outside the memory given (${formatOffset(base)}–${formatOffset(end)})`,
      o.startOffset,
    );
  }
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  const w = o.tagWidth;
  let at = o.startOffset;

  for (let i = 0; ; i++) {
    if (at + w > end) {
      return fail(`no ${tagText(-1, w)} terminator: memory ends at ${formatOffset(end)} before the end of the ${listName}`, at);
    }
    const tag = w === 1 ? view.getUint8(at - base) : view.getInt32(at - base, true);
    readEnd = at + w;
    if (tag === (w === 1 ? 0xff : -1)) {
      regions.push({ offset: at, size: w, kind: "terminator", label: `end of the ${listName}`, value: tagText(-1, w) });
      return { ok: true, values, regions, warnings, endOffset: at + w, readEnd };
    }
    const type = TYPE_OF_TAG.get(tag);
    if (type === undefined) {
      const hint = tag === 0 ? " (zero bytes: was anything written here?)" : "";
      return fail(`unknown tag ${tagText(tag, w)} at ${formatOffset(at)}${hint}; known tags are 0x01–0x05 and ${tagText(-1, w)}`, at, i);
    }
    regions.push({ offset: at, size: w, kind: "tag", label: NOUN[type], value: tagText(tag, w), argIndex: i });
    at += w;

    if (type === "Int32" || type === "Uint32") {
      if (at + 4 > end) return fail(`the ${type} value at ${formatOffset(at)} runs past the end of memory at ${formatOffset(end)}`, at, i);
      const value = type === "Int32" ? view.getInt32(at - base, true) : view.getUint32(at - base, true);
      readEnd = at + 4;
      regions.push({ offset: at, size: 4, kind: "payload", label: type === "Int32" ? "i32" : "u32", value: String(value), argIndex: i });
      values.push({ type, value });
      at += 4;
      continue;
    }

    if (at + 4 > end)
      return fail(`the length of ${NOUN[type]} at ${formatOffset(at)} runs past the end of memory at ${formatOffset(end)}`, at, i);
    const count = view.getUint32(at - base, true);
    const lengthAt = at;
    at += 4;
    readEnd = at;
    const elementSize = type === "string" ? 1 : 4;
    const size = count * elementSize;
    regions.push({
      offset: lengthAt,
      size: 4,
      kind: "length",
      label: `length of value ${i}`,
      value: plural(count, type === "string" ? "byte" : "element"),
      argIndex: i,
    });
    if (at + size > end) {
      return fail(
        `${NOUN[type]} at ${formatOffset(lengthAt)} claims ${plural(count, type === "string" ? "byte" : "element")}, which run past the end of memory at ${formatOffset(end)}`,
        lengthAt,
        i,
      );
    }
    readEnd = at + size;
    if (type === "string") {
      const decoded = decodeUtf8Lossy(memory, at - base, at - base + size, base);
      for (const bad of decoded.invalid)
        warnings.push({
          message: `invalid UTF-8 at ${formatOffset(bad.offset)} (${plural(bad.size, "byte")}) in value ${i}, shown as U+FFFD`,
          offset: bad.offset,
        });
      if (size > 0) regions.push({ offset: at, size, kind: "payload", label: "UTF-8", value: quoteString(decoded.text), argIndex: i });
      values.push({ type, value: decoded.text });
      at += size;
      const pad = stringPadding(size, o.padStringsTo4);
      if (pad > 0) {
        if (at + pad > end)
          return fail(`the padding after the string at ${formatOffset(at)} runs past the end of memory at ${formatOffset(end)}`, at, i);
        readEnd = at + pad;
        for (let k = 0; k < pad; k++) {
          if (memory[at - base + k] !== 0) {
            warnings.push({ message: `padding byte at ${formatOffset(at + k)} is not zero`, offset: at + k });
            break;
          }
        }
        regions.push({ offset: at, size: pad, kind: "padding", label: "to a 4-byte multiple", argIndex: i });
        at += pad;
      }
      continue;
    }
    const element = type === "Int32Array" ? "Int32" : "Uint32";
    const elements = readElements(element, memory, at - base, count) as number[];
    if (size > 0)
      regions.push({
        offset: at,
        size,
        kind: "payload",
        label: element === "Int32" ? "i32" : "u32",
        value: formatArray(element, elements),
        argIndex: i,
      });
    values.push({ type, value: elements });
    at += size;
  }
}

/**
 * Where a read of a tagged list from the start offset stops: `decodeTagged(...).readEnd`, found
 * without building values, regions or text. The worker needs only this, to send the bytes the
 * page will decode; walking the list costs a small part of decoding it.
 */
export function taggedExtent(memory: Uint8Array, options: Partial<TaggedOptions>): number {
  const resolved = resolveTaggedOptions(options);
  if (!resolved.ok) return 0;
  const { startOffset, tagWidth: w, padStringsTo4 } = resolved.value;
  const end = memory.length;
  if (startOffset >= end) return startOffset;
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  for (let at = startOffset; ;) {
    if (at + w > end) return at;
    const tag = w === 1 ? view.getUint8(at) : view.getInt32(at, true);
    at += w;
    const type = TYPE_OF_TAG.get(tag);
    if (type === undefined) return at;
    // Four bytes follow every tag: a number, or the length of a string or an array.
    if (at + 4 > end) return at;
    if (type === "Int32" || type === "Uint32") {
      at += 4;
      continue;
    }
    const size = view.getUint32(at, true) * (type === "string" ? 1 : 4);
    at += 4;
    if (at + size > end) return at;
    at += size;
    if (type === "string") {
      const pad = stringPadding(size, padStringsTo4);
      if (at + pad > end) return at;
      at += pad;
    }
  }
}

/**
 * What a tagged export's i32 result means: 0 is success; 1, 2, 4 and 5 are the codes the PR's
 * author used; any other value is application-defined. `undefined` (a void export) counts as
 * success, which the PR got wrong by rejecting it.
 */
export function describeTaggedCode(code: number | undefined): TaggedCodeMeaning {
  if (code === undefined) return { isSuccess: true, meaning: "the export returned nothing, which counts as success" };
  switch (code) {
    case 0:
      return { isSuccess: true, meaning: "0: success" };
    case 1:
      return { isSuccess: false, meaning: "1: unhandled error (as the PR's author numbered errors)" };
    case 2:
      return { isSuccess: false, meaning: "2: type mismatch (as the PR's author numbered errors)" };
    case 4:
      return { isSuccess: false, meaning: "4: out of memory (as the PR's author numbered errors)" };
    case 5:
      return { isSuccess: false, meaning: "5: unknown tag (as the PR's author numbered errors)" };
    default:
      return { isSuccess: false, meaning: `${code}: an application-defined error code` };
  }
}

/**
 * Reads user text as a tagged argument of the given type: whole numbers for Int32/Uint32 (hex
 * as a 32-bit pattern), the text itself for strings, `[1, 2, 3]` for the arrays.
 */
export function parseTaggedArg(type: TaggedType, text: string): Parsed<TaggedArg> {
  switch (type) {
    case "Int32":
    case "Uint32": {
      const lit = readIntegerLiteral(text, type);
      if (!lit.ok) return lit;
      const v = lit.value.value;
      const signed = type === "Int32";
      const min = signed ? -(2n ** 31n) : 0n;
      const max = signed ? 2n ** 31n - 1n : 2n ** 32n - 1n;
      const inRange = lit.value.isHex ? v >= -(2n ** 31n) && v <= 2n ** 32n - 1n && (signed || v >= 0n) : v >= min && v <= max;
      if (!inRange) return { ok: false, reason: `${text.trim()} is out of range for ${type} (${min} to ${max})` };
      const value = Number(signed ? BigInt.asIntN(32, v) : BigInt.asUintN(32, v));
      return { ok: true, value: { type, value }, note: `${type} ${value}` };
    }
    case "string": {
      const enc = encodeUtf8(text);
      if (!enc.ok) return { ok: false, reason: enc.reason };
      return { ok: true, value: { type, value: text }, note: plural(enc.bytes.length, "byte") + " of UTF-8" };
    }
    case "Int32Array":
    case "Uint32Array": {
      const parsed = parseArrayArg(text, type === "Int32Array" ? "Int32" : "Uint32");
      if (!parsed.ok) return parsed;
      if (parsed.value.kind !== "array") return { ok: false, reason: "not an array" };
      return { ok: true, value: { type, value: parsed.value.values as number[] }, note: parsed.note };
    }
  }
}

/** The number of bytes `encodeTagged` would write, for checking fit before encoding large input. */
export function taggedSize(args: readonly TaggedArg[], options: Partial<TaggedOptions> = {}): number {
  const w = options.tagWidth ?? DEFAULT_TAGGED_OPTIONS.tagWidth;
  let size = w;
  for (const a of args) {
    switch (a.type) {
      case "Int32":
      case "Uint32":
        size += w + 4;
        break;
      case "string": {
        const n = encodeUtf8(a.value);
        const len = n.ok ? n.bytes.length : 0;
        size += w + 4 + len + stringPadding(len, options.padStringsTo4 === true);
        break;
      }
      case "Int32Array":
      case "Uint32Array":
        size += w + 4 + 4 * a.value.length;
        break;
    }
  }
  return size;
}

/** Writes `n` (an Int32 or a Uint32) little-endian at `p`; a Uint8Array keeps each byte's low 8 bits. */
function putU32(bytes: Uint8Array, p: number, n: number): void {
  bytes[p] = n;
  bytes[p + 1] = n >>> 8;
  bytes[p + 2] = n >>> 16;
  bytes[p + 3] = n >>> 24;
}

/** A tag as the memory view shows it: `0x03`, `0xFF`; with 4-byte tags, all eight digits. */
function tagText(tag: number, width: 1 | 4): string {
  const digits = (width === 1 ? tag & 0xff : tag >>> 0)
    .toString(16)
    .toUpperCase()
    .padStart(width * 2, "0");
  return tag === -1 ? `0x${digits}` : `0x${digits.toLowerCase()}`;
}
