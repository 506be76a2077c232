/**
 * Warms the module parser up when the worker starts. A fresh worker runs the parser's loops in
 * V8's interpreter, which on a module of a hundred thousand functions costs ten times what the
 * compiled code does, and the user's first module would wait on that. Parsing a generated module
 * of the same shape (many types, functions, exports and names) while the page is still starting
 * moves that cost to idle time.
 */
import { parseModule } from "../../src/core/wasm/parseModule";

const typeCount = 300;
const functionCount = 12_000;
const exportEvery = 20;

/**
 * A growable byte buffer with the binary format's encodings (core spec 5.1–5.2). The module is
 * hundreds of kilobytes, so it is written in place: the array-building helpers of wasmEncoding.ts,
 * fine for a small kernel, would take a hundred milliseconds here.
 */
class Bytes {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  byte(value: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = value;
  }

  u32(value: number): void {
    do {
      const low = value & 0x7f;
      value >>>= 7;
      this.byte(value === 0 ? low : low | 0x80);
    } while (value !== 0);
  }

  name(text: string): void {
    this.u32(text.length);
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  append(other: Bytes): void {
    for (let i = 0; i < other.length; i++) this.byte(other.bytes[i] as number);
  }

  section(id: number, content: Bytes): void {
    this.byte(id);
    this.u32(content.length);
    this.append(content);
  }
}

/** A module with `functionCount` functions of `typeCount` signatures, exports and a full name section. */
export function warmUpModule(): Uint8Array {
  const out = new Bytes();
  for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.byte(b);
  const types = new Bytes();
  types.u32(typeCount);
  for (let t = 0; t < typeCount; t++) {
    const params = 1 + (t % 4);
    types.byte(0x60);
    types.u32(params);
    for (let p = 0; p < params; p++) types.byte(0x7f - ((t + p) % 4));
    types.u32(1);
    types.byte(0x7f);
  }
  out.section(1, types);
  const functions = new Bytes();
  functions.u32(functionCount);
  for (let f = 0; f < functionCount; f++) functions.u32(f % typeCount);
  out.section(3, functions);
  const memory = new Bytes();
  memory.u32(1);
  memory.byte(0x00);
  memory.u32(1);
  out.section(5, memory);
  const exports = new Bytes();
  exports.u32(functionCount / exportEvery + 1);
  exports.name("memory");
  exports.byte(0x02);
  exports.u32(0);
  for (let f = 0; f < functionCount; f += exportEvery) {
    exports.name(`export_${f}`);
    exports.byte(0x00);
    exports.u32(f);
  }
  out.section(7, exports);
  // Bodies are never read (the parser skips the code section), so each is just `unreachable`.
  const code = new Bytes();
  code.u32(functionCount);
  for (let f = 0; f < functionCount; f++) for (const b of [0x03, 0x00, 0x00, 0x0b]) code.byte(b);
  out.section(10, code);
  const functionNames = new Bytes();
  functionNames.u32(functionCount);
  for (let f = 0; f < functionCount; f++) {
    functionNames.u32(f);
    functionNames.name(`module::function_${f}`);
  }
  const localNames = new Bytes();
  localNames.u32(functionCount / exportEvery);
  for (let f = 0; f < functionCount; f += exportEvery) {
    localNames.u32(f);
    const params = 1 + ((f % typeCount) % 4);
    localNames.u32(params);
    for (let p = 0; p < params; p++) {
      localNames.u32(p);
      localNames.name(`arg${p}`);
    }
  }
  const names = new Bytes();
  names.name("name");
  names.byte(1);
  names.u32(functionNames.length);
  names.append(functionNames);
  names.byte(2);
  names.u32(localNames.length);
  names.append(localNames);
  out.section(0, names);
  return out.bytes.subarray(0, out.length);
}

/** Parses the generated module a few times, so that V8 compiles the parser's hot paths. */
export function warmUpParser(): void {
  const bytes = warmUpModule();
  for (let i = 0; i < 3; i++) parseModule(bytes);
}
