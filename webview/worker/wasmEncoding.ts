/** The WebAssembly binary format's encodings, for modules the worker assembles itself. */

/** Unsigned LEB128 (WebAssembly core spec 5.2.2). */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value & 0x7f;
    value = Math.floor(value / 128);
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
  return out;
}

/** A name: its UTF-8 length, then its bytes (spec 5.2.4); only ASCII names are written. */
export function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

/** A vector: its length, then its items (spec 5.1.3). */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: its id and byte length, then its contents (spec 5.5.2). */
export function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}
