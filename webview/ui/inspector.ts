/**
 * The memory view's value inspector: what the bytes at one offset mean as each wasm number type,
 * as a pointer and as a UTF-8 string, in either byte order. It decodes the bytes it is handed and
 * never reads memory itself; the memory view feeds it from its cache.
 */
import { plural } from "../../src/core/wording";
import { h } from "./dom";

/** How many bytes the string row reads at most, and so how many the inspector wants loaded. */
export const inspectedBytes = 64;

/** The bytes at the inspected offset, as far as they are known. */
export interface InspectedBytes {
  offset: number;
  /** Bytes from `offset` on, as many as are loaded contiguously (at most `inspectedBytes`). */
  bytes: Uint8Array;
  /** The memory's size, so that values running past its end say so. */
  memoryBytes: number;
}

/** One row of the inspector: a type name and what the bytes mean as that type. */
export interface InspectedValue {
  type: string;
  /** The value as text, or why there is none (`runs past the end of memory`, `loading…`). */
  text: string;
  /** `ok`: `text` is a value; `pastEnd`: the value would run past the end of memory; `loading`: bytes are still on their way. */
  status: "ok" | "pastEnd" | "loading";
  /** For the pointer row: the address it points to, when that address is inside memory. */
  target?: number;
}

const hexByte = (v: number) => v.toString(16).padStart(2, "0");

/** `0x` and eight hex digits, the width of a 32-bit address. */
export function hex8(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}

/** The shortest decimal that reads back as the same f32, so that 0.1f shows as 0.1, not 0.10000000149011612. */
export function f32Text(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (Object.is(x, -0)) return "-0";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(x.toPrecision(precision));
    if (Math.fround(candidate) === x) return String(candidate);
  }
  return String(x);
}

/** An f64 as JavaScript prints it, except that negative zero keeps its sign. */
export function f64Text(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

/**
 * Decodes the bytes at one offset as every type the inspector shows, in the order it shows them.
 * A value needing bytes past the end of memory says so; one needing bytes not yet loaded says `loading…`.
 */
export function inspect(input: InspectedBytes, isLittleEndian: boolean): InspectedValue[] {
  const left = Math.max(0, input.memoryBytes - input.offset);
  const view = new DataView(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const rows: InspectedValue[] = [];

  const add = (type: string, size: number, decode: (v: DataView) => string | { text: string; target?: number }) => {
    if (size > left) {
      rows.push({ type, status: "pastEnd", text: `runs past the end of memory (${size} bytes needed, ${left} left)` });
    } else if (size > input.bytes.length) {
      rows.push({ type, status: "loading", text: "loading…" });
    } else {
      const decoded = decode(view);
      rows.push(typeof decoded === "string" ? { type, status: "ok", text: decoded } : { type, status: "ok", ...decoded });
    }
  };
  const le = isLittleEndian;
  add("i8", 1, (v) => String(v.getInt8(0)));
  add("u8", 1, (v) => `${v.getUint8(0)} (0x${hexByte(v.getUint8(0))})`);
  add("i16", 2, (v) => String(v.getInt16(0, le)));
  add("u16", 2, (v) => `${v.getUint16(0, le)} (0x${v.getUint16(0, le).toString(16).padStart(4, "0")})`);
  add("i32", 4, (v) => String(v.getInt32(0, le)));
  add("u32", 4, (v) => `${v.getUint32(0, le)} (${hex8(v.getUint32(0, le))})`);
  add("i64", 8, (v) => v.getBigInt64(0, le).toString());
  add("u64", 8, (v) => `${v.getBigUint64(0, le).toString()} (0x${v.getBigUint64(0, le).toString(16).padStart(16, "0")})`);
  add("f32", 4, (v) => {
    const x = v.getFloat32(0, le);
    // NaNs differ only in their bits, so show those too.
    return Number.isNaN(x) ? `NaN (bits ${hex8(v.getUint32(0, le))})` : f32Text(x);
  });
  add("f64", 8, (v) => f64Text(v.getFloat64(0, le)));
  add("pointer", 4, (v) => {
    const address = v.getUint32(0, le);
    const inside = address < input.memoryBytes;
    return { text: `${hex8(address)} (${address})${inside ? "" : " — outside memory"}`, target: inside ? address : undefined };
  });
  rows.push(stringAt(input, left));
  return rows;
}

/** The UTF-8 string row: up to a NUL, `inspectedBytes` bytes or the end of memory, whichever comes first. */
function stringAt(input: InspectedBytes, left: number): InspectedValue {
  const limit = Math.min(inspectedBytes, left);
  const nul = input.bytes.subarray(0, limit).indexOf(0);
  if (nul < 0 && input.bytes.length < limit) return { type: "UTF-8", status: "loading", text: "loading…" };
  const end = nul < 0 ? limit : nul;
  // Lossy on purpose: memory is not text, and invalid bytes show as U+FFFD rather than an error.
  const text = new TextDecoder("utf-8", { fatal: false }).decode(input.bytes.subarray(0, end));
  const why =
    nul >= 0
      ? `NUL at ${hex8(input.offset + nul)}`
      : limit < inspectedBytes
        ? "stops at the end of memory"
        : `no NUL within ${inspectedBytes} bytes`;
  return { type: "UTF-8", status: "ok", text: `${JSON.stringify(text)} (${plural(end, "byte")}, ${why})` };
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The inspector's table and byte-order switch; it renders what `inspect` decodes. */
export class Inspector {
  /** The element to place in the page. */
  readonly element: HTMLElement;
  private isLittleEndian = true;
  private readonly caption = h("caption", {});
  private readonly body = h("tbody", {});
  private readonly cells = new Map<string, HTMLTableCellElement>();
  private readonly follow: HTMLButtonElement;
  private target?: number;
  private last?: InspectedBytes;
  private isRendered = false;

  constructor(idPrefix: string, onFollow: (address: number) => void) {
    const order = (value: "little" | "big", label: string) => {
      const id = `${idPrefix}-order-${value}`;
      return h(
        "span",
        { className: "mv-radio" },
        h("input", {
          type: "radio",
          id,
          name: `${idPrefix}-order`,
          value,
          checked: value === "little",
          onchange: () => this.setLittleEndian(value === "little"),
        }),
        h("label", { for: id }, label),
      );
    };
    this.follow = h(
      "button",
      {
        type: "button",
        className: "secondary mv-follow",
        disabled: true,
        onclick: () => this.target !== undefined && onFollow(this.target),
      },
      "Follow pointer",
    );
    for (const type of ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "pointer", "UTF-8"]) {
      const cell = h("td", {});
      this.cells.set(type, cell);
      this.body.append(h("tr", {}, h("th", { scope: "row" }, type), cell));
    }
    this.element = h(
      "section",
      { className: "mv-inspector", "aria-labelledby": `${idPrefix}-inspector-title` },
      h("h3", { id: `${idPrefix}-inspector-title` }, "Value inspector"),
      h("fieldset", { className: "mv-order" }, h("legend", {}, "Byte order"), order("little", "Little endian"), order("big", "Big endian")),
      h(
        "table",
        { "aria-label": "Value inspector" },
        this.caption,
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Type"), h("th", { scope: "col" }, "Value"))),
        this.body,
      ),
      h("div", { className: "mv-follow-row" }, this.follow),
    );
    this.update(undefined);
  }

  /** Shows the values at an offset, or a hint when nothing is selected. */
  update(input: InspectedBytes | undefined): void {
    // The view calls this in every frame it paints; unchanged text is left alone so nothing is laid out again.
    const isSame =
      input === this.last ||
      (input !== undefined &&
        this.last !== undefined &&
        input.offset === this.last.offset &&
        sameBytes(input.bytes, this.last.bytes) &&
        input.memoryBytes === this.last.memoryBytes);
    if (isSame && this.isRendered) return;
    this.last = input;
    this.isRendered = true;
    if (input === undefined) {
      setText(this.caption, "Select a byte to see what it starts.");
      for (const cell of this.cells.values()) setText(cell, "—");
      this.target = undefined;
      this.follow.disabled = true;
      return;
    }
    setText(this.caption, `At ${hex8(input.offset)} (${input.offset}), ${this.isLittleEndian ? "little" : "big"} endian`);
    for (const row of inspect(input, this.isLittleEndian)) {
      const cell = this.cells.get(row.type);
      if (cell === undefined) continue;
      setText(cell, row.text);
      const className = row.status === "ok" ? "" : `mv-value-${row.status}`;
      if (cell.className !== className) cell.className = className;
      if (row.type === "pointer") {
        this.target = row.target;
        this.follow.disabled = row.target === undefined;
        this.follow.title = row.target === undefined ? "The pointer does not point into memory." : `Reveal ${hex8(row.target)}`;
      }
    }
  }

  private setLittleEndian(isLittleEndian: boolean): void {
    this.isLittleEndian = isLittleEndian;
    this.isRendered = false;
    this.update(this.last);
  }
}
