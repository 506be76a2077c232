/**
 * Reading and showing the four WebAssembly number types: user text in, a value JavaScript can pass
 * to an export out, with a sentence saying exactly what will be passed.
 * It does not touch memory or know about calling conventions; those live beside it in `abi/`.
 */

/**
 * A value for one wasm parameter or result, normalised to what JavaScript hands to WebAssembly:
 * i32 as a signed int32, i64 as a signed 64-bit BigInt, f32 already `Math.fround`-ed.
 */
export type WasmValue =
  { type: "i32"; value: number } | { type: "i64"; value: bigint } | { type: "f32"; value: number } | { type: "f64"; value: number };

/** Whether `value` is a `WasmValue`: one of the four types, with an i64 as a BigInt and the others as numbers. */
export function isWasmValue(value: unknown): value is WasmValue {
  const v = value as WasmValue | null;
  if (typeof v !== "object" || v === null || typeof v.type !== "string" || !isNumericType(v.type)) return false;
  return v.type === "i64" ? typeof v.value === "bigint" : typeof v.value === "number";
}

/** The four number types of the core spec (5.3.1). */
export type NumericType = WasmValue["type"];

/**
 * The outcome of reading user text: a value and a note for the user saying how it will be
 * passed, or a reason the user can act on. Errors are values here, never exceptions.
 */
export type Parsed<T> = { ok: true; value: T; note: string } | { ok: false; reason: string };

/**
 * A value shown several ways. Integers fill `decimal` (signed), `unsigned` and `hex` (zero-padded
 * to the type's width); floats fill `decimal` (the shortest text that reads back to the same
 * value) and `bits` (the raw IEEE 754 bits, so NaN payloads are visible).
 */
export interface FormattedValue {
  decimal: string;
  unsigned?: string;
  hex?: string;
  bits?: string;
}

/** An integer as the user wrote it, read exactly (never through `Number`). */
export interface IntegerLiteral {
  value: bigint;
  /** Whether it was written in `0x` hex, which callers may treat as a bit pattern. */
  isHex: boolean;
}

/** A float as the user wrote it, before any rounding to a narrower type. */
export interface FloatLiteral {
  /** The value the text denotes, rounded to the target width (f32 values are `Math.fround`-ed). */
  value: number;
  /** Present when the text gave raw bits in hex; keeps a NaN payload exact for memory writes. */
  bits?: bigint;
  /** Whether the value differs, exactly, from the decimal the user wrote (true for 0.1, which binary cannot hold). */
  isRounded: boolean;
}

/** The typographic minus used in sentences for people; values meant to be copied use ASCII `-`. */
export const MINUS = "\u2212";

const I32_MIN = -(2n ** 31n);
const U32_MAX = 2n ** 32n - 1n;
const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

/** Inputs longer than this are refused so exact decimal arithmetic stays cheap. */
const MAX_LITERAL_LENGTH = 1000;

/** Whether a wasm value type (or any string) is one of the four number types. */
export function isNumericType(t: string): t is NumericType {
  return t === "i32" || t === "i64" || t === "f32" || t === "f64";
}

/**
 * Reads user text as a value of a wasm number type.
 *
 * - `i32`: decimal from −2147483648 to 4294967295 (unsigned values wrap to the signed value JS
 *   passes), `0x` hex up to `0xffffffff`, `-0x…` down to `-0x80000000`.
 * - `i64`: the same over −2^63 … 2^64−1, hex up to 16 digits, exact (never through `Number`).
 * - `f32`/`f64`: decimal or exponent numbers, `NaN`, `Infinity`, `+Infinity`, `-Infinity`
 *   (also `inf`), `-0`; or the raw bits as `0x` followed by exactly 8 (f32) or 16 (f64) hex
 *   digits, e.g. `0x7fc00000`. Finite input that overflows the type is refused.
 *
 * All types accept `_` between digits, surrounding whitespace, and a leading U+2212 minus.
 */
export function parseScalar(type: NumericType, text: string): Parsed<WasmValue> {
  switch (type) {
    case "i32": {
      const lit = readIntegerLiteral(text, "i32");
      if (!lit.ok) return lit;
      const range = checkRange(lit.value.value, I32_MIN, U32_MAX, "i32", text);
      if (range !== undefined) return { ok: false, reason: range };
      const value = Number(BigInt.asIntN(32, lit.value.value));
      return { ok: true, value: { type, value }, note: integerNote("i32", BigInt(value), 32) };
    }
    case "i64": {
      const lit = readIntegerLiteral(text, "i64");
      if (!lit.ok) return lit;
      const range = checkRange(lit.value.value, I64_MIN, U64_MAX, "i64", text);
      if (range !== undefined) return { ok: false, reason: range };
      const value = BigInt.asIntN(64, lit.value.value);
      return { ok: true, value: { type, value }, note: integerNote("i64", value, 64) };
    }
    case "f32":
    case "f64": {
      const lit = readFloatLiteral(text, type);
      if (!lit.ok) return lit;
      return { ok: true, value: { type, value: lit.value.value }, note: lit.note };
    }
  }
}

/** Shows a value as decimal, unsigned and hex (integers) or shortest decimal and raw bits (floats). */
export function formatValue(v: WasmValue): FormattedValue {
  switch (v.type) {
    case "i32": {
      const signed = BigInt.asIntN(32, BigInt(v.value));
      return formatInteger(signed, 32);
    }
    case "i64":
      return formatInteger(BigInt.asIntN(64, v.value), 64);
    case "f32":
      return { decimal: shortestF32(v.value), bits: hexBits(f32Bits(v.value), 8) };
    case "f64":
      return { decimal: formatF64(v.value), bits: hexBits(f64Bits(v.value), 16) };
  }
}

/**
 * Reads an integer literal exactly: optional sign, decimal or `0x` hex digits with `_` between
 * digits. Range checks are the caller's, because the valid range depends on the type.
 * `what` names the type in reasons, e.g. `i32` or `element 3 (Int8)`.
 */
export function readIntegerLiteral(text: string, what: string): Parsed<IntegerLiteral> {
  const s = normaliseSign(text.trim());
  if (s === "") return { ok: false, reason: `enter a whole number for ${what}, e.g. 42, -1 or 0xff` };
  if (s.length > MAX_LITERAL_LENGTH) return { ok: false, reason: `the text for ${what} is too long (${s.length} characters)` };
  const m = /^([+-]?)(0[xX])?([0-9a-fA-F_]*)$/.exec(s);
  if (m === null || (m[2] === undefined && /[a-fA-F]/.test(m[3] ?? ""))) {
    return { ok: false, reason: diagnoseInteger(s, what) };
  }
  const sign = m[1] ?? "";
  const isHex = m[2] !== undefined;
  const digits = m[3] ?? "";
  if (digits === "") {
    return { ok: false, reason: isHex ? `"${s}" needs hex digits after 0x` : `"${s}" has no digits` };
  }
  if (!/^[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(digits)) {
    return { ok: false, reason: `"${s}": _ may only stand between two digits` };
  }
  const magnitude = BigInt((isHex ? "0x" : "") + digits.replace(/_/g, ""));
  const value = sign === "-" ? -magnitude : magnitude;
  return { ok: true, value: { value, isHex }, note: "" };
}

/**
 * Reads a float literal for an f32 or f64 (see `parseScalar` for the accepted forms), rounding
 * correctly from the decimal the user wrote: f32 is rounded once from the exact decimal, not
 * through f64 first. The note says what will be passed and whether it was rounded.
 */
export function readFloatLiteral(text: string, type: "f32" | "f64", what: string = type): Parsed<FloatLiteral> {
  const s = normaliseSign(text.trim());
  const width = type === "f32" ? 32 : 64;
  if (s === "") return { ok: false, reason: `enter a number for ${what}, e.g. 1.5, -0, NaN or Infinity` };
  if (s.length > MAX_LITERAL_LENGTH) return { ok: false, reason: `the text for ${what} is too long (${s.length} characters)` };

  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(s);
  if (special !== null) {
    const sign = special[1] ?? "";
    if ((special[2] ?? "").toLowerCase() === "nan") {
      // JavaScript has one NaN value as far as the language is concerned, so a sign or payload
      // can only be asked for through the raw bits.
      if (sign === "-") {
        return {
          ok: false,
          reason: `a NaN's sign cannot be chosen as text; give the bits instead, e.g. ${type === "f32" ? "0xffc00000" : "0xfff8000000000000"}`,
        };
      }
      return floatResult(NaN, type, undefined, false, s);
    }
    return floatResult(sign === "-" ? -Infinity : Infinity, type, undefined, false, s);
  }

  const hex = /^([+-]?)0[xX]([0-9a-fA-F_]*)$/.exec(s);
  if (hex !== null) {
    const digits = (hex[2] ?? "").replace(/_/g, "");
    const want = width / 4;
    if (hex[1] === "-") {
      return {
        ok: false,
        reason: `hex input for ${what} gives the raw bits, so it has no sign; set the top bit instead (e.g. ${type === "f32" ? "0xbf800000" : "0xbff0000000000000"} is -1)`,
      };
    }
    if (digits.length !== want || !/^[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(hex[2] ?? "")) {
      return {
        ok: false,
        reason: `hex input for ${what} gives the raw bits and needs exactly ${want} hex digits, e.g. ${type === "f32" ? "0x3f800000" : "0x3ff0000000000000"} for 1`,
      };
    }
    const bits = BigInt("0x" + digits);
    const value = type === "f32" ? f32FromBits(Number(bits)) : f64FromBits(bits);
    return floatResult(value, type, bits, false, s);
  }

  const dec = parseDecimal(s);
  if (dec === undefined) return { ok: false, reason: diagnoseFloat(s, what) };
  const asDouble = Number(dec.clean);
  if (type === "f64") {
    if (!Number.isFinite(asDouble)) {
      return {
        ok: false,
        reason: `${s} is too large for ${what} (largest finite value is ${human(String(Number.MAX_VALUE))}); enter Infinity if you mean infinity`,
      };
    }
    return floatResult(asDouble, type, undefined, !isExact(dec, asDouble), s);
  }
  const value = roundToF32(asDouble, dec);
  if (!Number.isFinite(value)) {
    return {
      ok: false,
      reason: `${s} is too large for ${what} (largest finite value is ${human(String(F32_MAX))}); enter Infinity if you mean infinity`,
    };
  }
  return floatResult(value, type, undefined, !isExact(dec, value), s);
}

/** The largest finite f32, as a double. */
const F32_MAX = 3.4028234663852886e38;

function floatResult(
  value: number,
  type: "f32" | "f64",
  bits: bigint | undefined,
  isRounded: boolean,
  input: string,
): Parsed<FloatLiteral> {
  const shown = human(formatF64(value));
  let note = `passed as ${type} ${shown}`;
  if (bits !== undefined) {
    note += ` (bits ${hexBits(bits, type === "f32" ? 8 : 16)})`;
    if (Number.isNaN(value)) note += "; JavaScript may not keep a NaN's sign and payload when it passes it to wasm";
  } else if (isRounded && !sameDecimal(input, formatF64(value))) {
    // Every decimal such as 0.1 is inexact in binary; only say "rounded" when JavaScript will
    // read back a different decimal than the one typed, which is what the user would notice.
    note += value === 0 ? ` (rounded from ${input}: too small for ${type}, it underflows to zero)` : ` (rounded from ${input})`;
  }
  const literal: FloatLiteral = bits === undefined ? { value, isRounded } : { value, bits, isRounded };
  return { ok: true, value: literal, note };
}

function checkRange(v: bigint, min: bigint, max: bigint, type: string, text: string): string | undefined {
  if (v >= min && v <= max) return undefined;
  return `${text.trim()} is out of range for ${type} (${human(min.toString())} to ${max.toString()})`;
}

function integerNote(type: "i32" | "i64", signed: bigint, width: 32 | 64): string {
  const f = formatInteger(signed, width);
  const extra = f.unsigned !== f.decimal ? `unsigned ${f.unsigned ?? ""}, ${f.hex ?? ""}` : (f.hex ?? "");
  return `passed as ${type} ${human(f.decimal)} (${extra})`;
}

function formatInteger(signed: bigint, width: 32 | 64): FormattedValue {
  const unsigned = BigInt.asUintN(width, signed);
  return {
    decimal: signed.toString(),
    unsigned: unsigned.toString(),
    hex: "0x" + unsigned.toString(16).padStart(width / 4, "0"),
  };
}

/** Turns a leading U+2212 into ASCII so people may paste our own sentences back in. */
function normaliseSign(s: string): string {
  return s.startsWith(MINUS) ? "-" + s.slice(1) : s;
}

/** Writes a leading minus as U+2212 for sentences meant for people. */
function human(s: string): string {
  return s.startsWith("-") ? MINUS + s.slice(1) : s;
}

function diagnoseInteger(s: string, what: string): string {
  if (/^[+-]?[0-9_]*\.[0-9_]*$/.test(s) && /[0-9]/.test(s)) {
    return `${s} is not a whole number; ${what} takes integers (no decimal point)`;
  }
  if (/^[+-]?[0-9_.]+[eE][+-]?[0-9]+$/.test(s)) {
    return `${s} uses an exponent; write ${what} values out in full, e.g. 1000 rather than 1e3`;
  }
  if (/^[+-]?0[bBoO]/.test(s)) {
    return `${s}: binary and octal are not accepted; use decimal or 0x hex`;
  }
  return `"${s}" is not a number: ${what} takes decimal (-5, 4294967295) or 0x hex (0xff)${badIntegerCharacter(s)}`;
}

function diagnoseFloat(s: string, what: string): string {
  return `"${s}" is not a number: ${what} takes decimals such as 1.5, -0 or 6.02e23, NaN, Infinity, or raw bits in hex${badCharacter(s, /[0-9eE._+-]/)}`;
}

/** Names the first character that cannot appear in an integer literal, to point the user at it. */
function badIntegerCharacter(s: string): string {
  const prefix = /^[+-]?(0[xX])?/.exec(s);
  const start = prefix === null ? 0 : prefix[0].length;
  const digit = prefix?.[1] !== undefined ? /[0-9a-fA-F_]/ : /[0-9_]/;
  for (let i = start; i < s.length; i++) {
    const c = s[i] ?? "";
    if (!digit.test(c)) return ` (unexpected "${c}" at position ${i + 1})`;
  }
  return "";
}

/** Names the first character that cannot appear in a number, to point the user at it. */
function badCharacter(s: string, allowed: RegExp): string {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    if (!allowed.test(c)) return ` (unexpected "${c}" at position ${i + 1})`;
  }
  return "";
}

/** A decimal literal as an exact rational: digits × 10^exp10, with its sign. */
interface Decimal {
  clean: string;
  isNegative: boolean;
  digits: bigint;
  exp10: number;
}

function parseDecimal(s: string): Decimal | undefined {
  const m = /^([+-]?)(?:([0-9]+(?:_[0-9]+)*)(?:\.([0-9]+(?:_[0-9]+)*)?)?|\.([0-9]+(?:_[0-9]+)*))(?:[eE]([+-]?[0-9]+))?$/.exec(s);
  if (m === null) return undefined;
  const intPart = (m[2] ?? "").replace(/_/g, "");
  const fracPart = (m[3] ?? m[4] ?? "").replace(/_/g, "");
  const expText = m[5] ?? "0";
  const exp = Number(expText);
  const clean = `${m[1] ?? ""}${intPart === "" ? "0" : intPart}${fracPart === "" ? "" : "." + fracPart}e${expText}`;
  return {
    clean,
    isNegative: m[1] === "-",
    digits: BigInt((intPart + fracPart).replace(/^0+(?=.)/, "") || "0"),
    exp10: exp - fracPart.length,
  };
}

/** Compares |decimal| with a finite non-negative double exactly, using BigInt arithmetic. */
/** Whether two decimal texts denote the same number (ignoring trailing zeros and exponent style). */
function sameDecimal(a: string, b: string): boolean {
  const x = parseDecimal(a);
  const y = parseDecimal(b.replace("e+", "e"));
  if (x === undefined || y === undefined) return false;
  const nx = normaliseDecimal(x);
  const ny = normaliseDecimal(y);
  return nx.digits === ny.digits && nx.exp10 === ny.exp10 && (nx.digits === 0n || x.isNegative === y.isNegative);
}

function normaliseDecimal(d: Decimal): { digits: bigint; exp10: number } {
  let digits = d.digits;
  let exp10 = d.exp10;
  if (digits === 0n) return { digits, exp10: 0 };
  while (digits % 10n === 0n) {
    digits /= 10n;
    exp10 += 1;
  }
  return { digits, exp10 };
}

function compareMagnitude(dec: Decimal, x: number): -1 | 0 | 1 {
  if (dec.digits === 0n) return x === 0 ? 0 : -1;
  if (x === 0) return 1;
  // An exponent this far out means the decimal is far beyond any double (which needs about 330
  // decimal orders of magnitude plus the digits typed); skip the huge powers.
  const digitCount = dec.digits.toString().length;
  const order = dec.exp10 + digitCount;
  if (order > 400) return 1;
  if (order < -400) return -1;
  const bits = f64Bits(x);
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = bits & 0xfffffffffffffn;
  const sig = e === 0 ? m : m | (1n << 52n);
  const b = e === 0 ? -1074 : e - 1075;
  const lhs = dec.digits * 10n ** BigInt(Math.max(dec.exp10, 0)) * 2n ** BigInt(Math.max(-b, 0));
  const rhs = sig * 2n ** BigInt(Math.max(b, 0)) * 10n ** BigInt(Math.max(-dec.exp10, 0));
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

function isExact(dec: Decimal, value: number): boolean {
  if (dec.digits === 0n) return true;
  return compareMagnitude(dec, Math.abs(value)) === 0;
}

/**
 * Rounds a decimal to f32. `Math.fround(Number(text))` rounds twice and is wrong when the first
 * rounding lands exactly on the midpoint between two f32 values; then the exact decimal decides.
 */
function roundToF32(d: number, dec: Decimal): number {
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(d)) return f;
  const a = Math.abs(d);
  const fa = Math.abs(f);
  let lo: number;
  let hi: number;
  if (fa < a) {
    lo = fa;
    hi = nextUpF32(fa);
  } else {
    hi = fa === Infinity ? 2 ** 128 : fa;
    lo = fa === Infinity ? F32_MAX : nextDownF32(fa);
  }
  if ((lo + hi) / 2 !== a) return f;
  const c = compareMagnitude(dec, a);
  if (c === 0) return f;
  const r = c > 0 ? hi : lo;
  const signed = r === 2 ** 128 ? Infinity : r;
  return d < 0 ? -signed : signed;
}

/** The next f32 above a non-negative finite f32; past the largest, 2^128 (the overflow boundary). */
function nextUpF32(x: number): number {
  const bits = f32Bits(x);
  if (bits === 0x7f7fffffn) return 2 ** 128;
  return f32FromBits(Number(bits) + 1);
}

function nextDownF32(x: number): number {
  return f32FromBits(Number(f32Bits(x)) - 1);
}

const scratch = new DataView(new ArrayBuffer(8));

/** The raw bits of a number stored as f32 (after the engine's f64 → f32 conversion). */
function f32Bits(x: number): bigint {
  scratch.setFloat32(0, x, true);
  return BigInt(scratch.getUint32(0, true));
}

function f64Bits(x: number): bigint {
  scratch.setFloat64(0, x, true);
  return scratch.getBigUint64(0, true);
}

function f32FromBits(bits: number): number {
  scratch.setUint32(0, bits >>> 0, true);
  return scratch.getFloat32(0, true);
}

function f64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return scratch.getFloat64(0, true);
}

function hexBits(bits: bigint, digits: number): string {
  return "0x" + bits.toString(16).padStart(digits, "0");
}

/** JavaScript's shortest round-trip text for a double, except that negative zero keeps its sign. */
function formatF64(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

/** The shortest decimal that reads back (through f32 rounding) to the same f32. */
function shortestF32(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatF64(x);
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(f);
}
