/**
 * Values that travel through linear memory rather than as wasm parameters: strings, raw bytes and
 * typed arrays, read from user text into the exact bytes to write, and read back from memory.
 * One small codec object per element kind `{ size, write, read }`, little-endian as wasm is
 * (core spec 4.4.7, memory instructions). It does not decide where the bytes go; conventions do.
 */

import { formatValue, readFloatLiteral, readIntegerLiteral, type Parsed } from "./numbers";
import { encodeUtf8 } from "./utf8";
import { plural } from "../wording";

/** The element kinds of typed arrays, named after JavaScript's typed array constructors. */
export type ElementKind = "Int8" | "Uint8" | "Int16" | "Uint16" | "Int32" | "Uint32" | "BigInt64" | "BigUint64" | "Float32" | "Float64";

/** Every element kind, in the order a picker should list them. */
export const ELEMENT_KINDS: readonly ElementKind[] = [
  "Int8",
  "Uint8",
  "Int16",
  "Uint16",
  "Int32",
  "Uint32",
  "BigInt64",
  "BigUint64",
  "Float32",
  "Float64",
];

/** The JavaScript type of one element: bigint for the 64-bit integer kinds, number otherwise. */
export type ElementValue = number | bigint;

/** Reads and writes one value of a fixed size at a byte offset of a DataView, little-endian. */
export interface Codec<T> {
  /** Bytes per value; also the natural alignment. */
  readonly size: number;
  write(view: DataView, offset: number, value: T): void;
  read(view: DataView, offset: number): T;
}

/** A codec for one element kind, with its integer range when it has one. */
export interface ElementCodec<T extends ElementValue = ElementValue> extends Codec<T> {
  readonly kind: ElementKind;
  /** Smallest and largest values a user may type in decimal (integers only). */
  readonly range?: { min: bigint; max: bigint };
  /** The same range as numbers, for kinds of 32 bits or fewer: checks compare without BigInt. */
  readonly numberRange?: { min: number; max: number };
  /** Whether the kind is a float, whose elements may also be given as raw bits in hex. */
  readonly isFloat: boolean;
}

const int = (kind: ElementKind, size: 1 | 2 | 4, signed: boolean): ElementCodec<number> => {
  const bits = BigInt(size * 8);
  const range = signed ? { min: -(2n ** (bits - 1n)), max: 2n ** (bits - 1n) - 1n } : { min: 0n, max: 2n ** bits - 1n };
  const io = intAccessors(size, signed);
  return { kind, size, range, numberRange: { min: Number(range.min), max: Number(range.max) }, isFloat: false, ...io };
};

function intAccessors(size: 1 | 2 | 4, signed: boolean): Pick<Codec<number>, "write" | "read"> {
  switch (size) {
    case 1:
      return signed
        ? { write: (v, o, x) => v.setInt8(o, x), read: (v, o) => v.getInt8(o) }
        : { write: (v, o, x) => v.setUint8(o, x), read: (v, o) => v.getUint8(o) };
    case 2:
      return signed
        ? { write: (v, o, x) => v.setInt16(o, x, true), read: (v, o) => v.getInt16(o, true) }
        : { write: (v, o, x) => v.setUint16(o, x, true), read: (v, o) => v.getUint16(o, true) };
    case 4:
      return signed
        ? { write: (v, o, x) => v.setInt32(o, x, true), read: (v, o) => v.getInt32(o, true) }
        : { write: (v, o, x) => v.setUint32(o, x, true), read: (v, o) => v.getUint32(o, true) };
  }
}

/** The codec of each element kind. */
export const ELEMENT_CODECS: {
  readonly [K in ElementKind]: ElementCodec<K extends "BigInt64" | "BigUint64" ? bigint : number>;
} = {
  Int8: int("Int8", 1, true),
  Uint8: int("Uint8", 1, false),
  Int16: int("Int16", 2, true),
  Uint16: int("Uint16", 2, false),
  Int32: int("Int32", 4, true),
  Uint32: int("Uint32", 4, false),
  BigInt64: {
    kind: "BigInt64",
    size: 8,
    range: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
    isFloat: false,
    write: (view, offset, value) => view.setBigInt64(offset, value, true),
    read: (view, offset) => view.getBigInt64(offset, true),
  },
  BigUint64: {
    kind: "BigUint64",
    size: 8,
    range: { min: 0n, max: 2n ** 64n - 1n },
    isFloat: false,
    write: (view, offset, value) => view.setBigUint64(offset, value, true),
    read: (view, offset) => view.getBigUint64(offset, true),
  },
  Float32: {
    kind: "Float32",
    size: 4,
    isFloat: true,
    write: (view, offset, value) => view.setFloat32(offset, value, true),
    read: (view, offset) => view.getFloat32(offset, true),
  },
  Float64: {
    kind: "Float64",
    size: 8,
    isFloat: true,
    write: (view, offset, value) => view.setFloat64(offset, value, true),
    read: (view, offset) => view.getFloat64(offset, true),
  },
};

/** Whether a string names an element kind (for validating plans that crossed a boundary). */
export function isElementKind(s: string): s is ElementKind {
  return (ELEMENT_KINDS as readonly string[]).includes(s);
}

/**
 * A value bound for linear memory, with the exact bytes to write.
 * `cstring` bytes end with the NUL; `text` never includes it.
 */
export type MemoryValue =
  | { kind: "string"; text: string; bytes: Uint8Array }
  | { kind: "cstring"; text: string; bytes: Uint8Array }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "array"; element: ElementKind; values: ElementValue[]; bytes: Uint8Array };

/** Reads text as a string argument: its UTF-8 bytes, no NUL. Refuses lone surrogates. */
export function parseStringArg(text: string): Parsed<MemoryValue> {
  const enc = encodeUtf8(text);
  if (!enc.ok) return { ok: false, reason: enc.reason };
  return { ok: true, value: { kind: "string", text, bytes: enc.bytes }, note: `${plural(enc.bytes.length, "byte")} of UTF-8` };
}

/** Reads text as a NUL-terminated C string. Refuses a NUL inside, where C would stop reading. */
export function parseCStringArg(text: string): Parsed<MemoryValue> {
  const nul = text.indexOf("\0");
  if (nul >= 0) return { ok: false, reason: `the text has a NUL character at index ${nul}; C would read the string only up to there` };
  const enc = encodeUtf8(text);
  if (!enc.ok) return { ok: false, reason: enc.reason };
  const bytes = new Uint8Array(enc.bytes.length + 1);
  bytes.set(enc.bytes);
  return { ok: true, value: { kind: "cstring", text, bytes }, note: `${plural(enc.bytes.length, "byte")} of UTF-8 and a NUL` };
}

/**
 * Reads hex text as raw bytes. Accepts `de ad be ef`, `deadbeef`, `0xdeadbeef`, `de:ad`,
 * `0xde, 0xad` and empty text (no bytes). Each group needs an even number of hex digits.
 */
export function parseBytesArg(text: string): Parsed<MemoryValue> {
  const tokens = text
    .trim()
    .split(/[\s:,]+/)
    .filter((t) => t !== "");
  const out: number[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] ?? "";
    const digits = token.replace(/^0[xX]/, "");
    const bad = /[^0-9a-fA-F]/.exec(digits);
    if (bad !== null)
      return { ok: false, reason: `"${token}" is not hex: unexpected "${bad[0]}" (bytes are written as hex, e.g. de ad be ef)` };
    if (digits.length === 0) return { ok: false, reason: `"${token}" has no hex digits` };
    if (digits.length % 2 !== 0)
      return {
        ok: false,
        reason: `"${token}" has an odd number of hex digits; each byte takes two (write 0${digits.slice(-1)} for one digit)`,
      };
    for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
  }
  return { ok: true, value: { kind: "bytes", bytes: Uint8Array.from(out) }, note: plural(out.length, "byte") };
}

/**
 * Reads text such as `[1, -2, 0x10]` as a typed array of `element`s. Brackets are optional;
 * elements are separated by commas or, without commas, by spaces; a trailing comma is allowed.
 * Integer elements are range-checked: decimal within the kind's range, and hex as a bit pattern
 * of the kind's width (so `0xff` is -1 as Int8). Float elements accept what `parseScalar` does,
 * including raw bits, which are written exactly (NaN payloads survive).
 */
export function parseArrayArg(text: string, element: ElementKind): Parsed<MemoryValue> {
  const split = splitElements(text);
  if (!split.ok) return split;
  const codec = ELEMENT_CODECS[element] as ElementCodec;
  const bytes = new Uint8Array(split.value.length * codec.size);
  const view = new DataView(bytes.buffer);
  const values: ElementValue[] = [];
  for (let i = 0; i < split.value.length; i++) {
    const raw = split.value[i] ?? "";
    const what = `element ${i} (${element})`;
    const offset = i * codec.size;
    if (codec.isFloat) {
      const lit = readFloatLiteral(raw, element === "Float32" ? "f32" : "f64", what);
      if (!lit.ok) return { ok: false, reason: lit.reason };
      if (lit.value.bits !== undefined) {
        if (codec.size === 4) view.setUint32(offset, Number(lit.value.bits), true);
        else view.setBigUint64(offset, lit.value.bits, true);
      } else {
        (codec as ElementCodec<number>).write(view, offset, lit.value.value);
      }
      values.push(lit.value.value);
      continue;
    }
    const lit = readIntegerLiteral(raw, what);
    if (!lit.ok) return { ok: false, reason: lit.reason };
    const range = codec.range ?? { min: 0n, max: 0n };
    const width = codec.size * 8;
    const v = lit.value.value;
    const isSigned = range.min < 0n;
    const fits = lit.value.isHex
      ? v >= -(2n ** BigInt(width - 1)) && v <= 2n ** BigInt(width) - 1n && (isSigned || v >= 0n)
      : v >= range.min && v <= range.max;
    if (!fits) {
      return { ok: false, reason: `element ${i} (${raw.trim()}) is out of range for ${element} (${range.min} to ${range.max})` };
    }
    const normal = isSigned ? BigInt.asIntN(width, v) : BigInt.asUintN(width, v);
    const value: ElementValue = width === 64 ? normal : Number(normal);
    codec.write(view, offset, value);
    values.push(value);
  }
  return {
    ok: true,
    value: { kind: "array", element, values, bytes },
    note: `${plural(values.length, `${element} element`)}, ${plural(bytes.length, "byte")}`,
  };
}

/** Why `values` are not all elements of `element` (`element 1 (-1) is out of range for Uint32…`), or undefined. */
export function elementsProblem(element: ElementKind, values: readonly unknown[]): string | undefined {
  const codec = ELEMENT_CODECS[element] as ElementCodec;
  for (let i = 0; i < values.length; i++) {
    const problem = checkElement(codec, values[i]);
    if (problem !== undefined) return `element ${i} (${String(values[i])}) ${problem}`;
  }
  return undefined;
}

/** Reads `count` elements starting at `index` of `memory`; the caller has checked the bounds. */
export function readElements(element: ElementKind, memory: Uint8Array, index: number, count: number): ElementValue[] {
  const codec = ELEMENT_CODECS[element] as ElementCodec;
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  const out: ElementValue[] = new Array<ElementValue>(count);
  for (let i = 0; i < count; i++) out[i] = codec.read(view, index + i * codec.size);
  return out;
}

/** One element as text: decimal for integers, shortest round-trip decimal for floats (`-0` kept). */
export function formatElement(element: ElementKind, v: ElementValue): string {
  if (element === "Float32") return formatValue({ type: "f32", value: Number(v) }).decimal;
  if (element === "Float64") return formatValue({ type: "f64", value: Number(v) }).decimal;
  return String(v);
}

/** An array as text, `[1, -2, 3]`, cut after `maxShown` elements with the count of the rest. */
export function formatArray(element: ElementKind, values: readonly ElementValue[], maxShown = 16): string {
  const shown = Math.min(values.length, maxShown);
  let text = "[";
  for (let i = 0; i < shown; i++) text += (i === 0 ? "" : ", ") + formatElement(element, values[i] as ElementValue);
  return text + (values.length > maxShown ? `, … ${values.length - maxShown} more]` : "]");
}

/** Bytes as spaced hex, `de ad be ef`, cut after `maxShown` bytes. */
export function formatBytes(bytes: Uint8Array, maxShown = 32): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(bytes.length, maxShown); i++) parts.push((bytes[i] as number).toString(16).padStart(2, "0"));
  return parts.join(" ") + (bytes.length > maxShown ? ` … (${bytes.length} bytes)` : "");
}

/** A string quoted with JSON escapes for control characters, cut after `maxChars` characters. */
export function quoteString(text: string, maxChars = 64): string {
  if (text.length <= maxChars) return JSON.stringify(text);
  return JSON.stringify(text.slice(0, maxChars)) + `… (${text.length} characters)`;
}

/** Why `v` is not a value of `element` (`is out of range for Int32 (…)`), or undefined when it is one. */
export function elementProblem(element: ElementKind, v: unknown): string | undefined {
  return checkElement(ELEMENT_CODECS[element], v);
}

function checkElement(codec: ElementCodec, v: unknown): string | undefined {
  if (codec.isFloat) return typeof v === "number" ? undefined : `is not a number`;
  const range = codec.range ?? { min: 0n, max: 0n };
  const bounds = codec.numberRange;
  if (bounds === undefined) {
    if (typeof v !== "bigint") return `is not a BigInt`;
    if (v >= range.min && v <= range.max) return undefined;
  } else {
    if (typeof v !== "number" || !Number.isInteger(v)) return `is not a whole number`;
    if (v >= bounds.min && v <= bounds.max) return undefined;
  }
  return `is out of range for ${codec.kind} (${range.min} to ${range.max})`;
}

/** Splits array text into element texts, or says why it cannot. */
function splitElements(text: string): Parsed<string[]> {
  let s = text.trim();
  if (s.startsWith("[") || s.endsWith("]")) {
    if (!s.startsWith("[")) return { ok: false, reason: `the array ends with ] but does not start with [` };
    if (!s.endsWith("]")) return { ok: false, reason: `the array starts with [ but does not end with ]` };
    s = s.slice(1, -1).trim();
  }
  if (s === "") return { ok: true, value: [], note: "" };
  if (!s.includes(",")) return { ok: true, value: s.split(/\s+/), note: "" };
  const parts = s.split(",").map((p) => p.trim());
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  const empty = parts.indexOf("");
  if (empty >= 0) return { ok: false, reason: `element ${empty} is empty (two commas in a row?)` };
  return { ok: true, value: parts, note: "" };
}
