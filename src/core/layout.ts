/**
 * The memory map of a call: labelled byte regions, a sentence for each, which bytes a call
 * changed, and warnings about regions that do not fit or that land on the module's own data.
 * It does not decide what goes where; the conventions in `abi/` produce the regions.
 */

import type { DataSegment } from "./wasm/types";
import { plural } from "./wording";

/** What a region of bytes is, in the vocabulary of the calling conventions. */
export type RegionKind = "tag" | "length" | "payload" | "terminator" | "padding" | "pointer" | "nul" | "allocation" | "result";

/**
 * A labelled span of linear memory. `offset` is an absolute address in memory 0.
 * `label` is a short noun phrase (see `narrateRegion` for how each kind uses it); `value` is the
 * decoded value as text, when the region holds one; `argIndex` ties it to an argument or result.
 */
export interface Region {
  offset: number;
  size: number;
  label: string;
  kind: RegionKind;
  value?: string;
  argIndex?: number;
}

/** A span of bytes, by absolute address. */
export interface ByteRange {
  offset: number;
  size: number;
}

/** Something about a layout the user should know before (or after) a call; plain data. */
export interface LayoutWarning {
  /** `error`: the call cannot be made as laid out; `warning`: it can, but may corrupt the module. */
  severity: "error" | "warning";
  message: string;
  offset: number;
  size: number;
}

/** What is known of the module's own use of memory, for `findOverlaps`. */
export interface MemoryFacts {
  /** Data segments as the parser reports them; only active ones with a constant offset are used. */
  dataSegments: readonly DataSegment[];
  /** The `__heap_base` global's value: memory below it holds static data and (usually) the stack. */
  heapBase?: number;
  /** The `__stack_pointer` global's value before the call: the stack grows down from here. */
  stackPointer?: number;
}

/** Formats an address as the memory view shows it: `0x` and at least four hex digits. */
export function formatOffset(offset: number): string {
  return "0x" + offset.toString(16).padStart(4, "0");
}

/**
 * One sentence for one region, starting with its address. Each kind reads its fields this way:
 *
 * - tag: `0x0008: tag 0x03 — a string follows` (`value` is the tag, `label` names what follows)
 * - length: `0x0009: its length, 7 bytes` (`value` is the length with its unit)
 * - payload: `0x000d: "passing" (7 bytes of UTF-8)` (`label` names the encoding)
 * - terminator: `0x0040: 0xFF — end of the argument list`
 * - padding: `0x0014: 3 bytes of padding (to a 4-byte multiple)`
 * - pointer: `0x0100: next, a pointer to 0x0200`
 * - nul: `0x0107: NUL — end of the C string`
 * - allocation: `0x11000: arg 0 "s" (8 bytes allocated)`
 * - result: `0x0010: result 0: 42`
 *
 * A region without a `value` falls back to its label and size.
 */
export function narrateRegion(region: Region): string {
  return `${formatOffset(region.offset)}: ${describeRegion(region)}`;
}

/** One sentence per region, in the order given (see `narrateRegion`). */
export function narrate(regions: readonly Region[]): string[] {
  return regions.map(narrateRegion);
}

/**
 * A Markdown table of the regions for teaching: offset, bytes (when the memory is given; long
 * regions are cut after `maxBytesShown` bytes), kind and meaning. `memory` may be a window
 * starting at `baseOffset`; bytes outside it are not shown.
 */
export function renderMarkdown(
  regions: readonly Region[],
  memory?: { bytes: Uint8Array; baseOffset: number },
  options: { maxBytesShown?: number } = {},
): string {
  const maxBytes = options.maxBytesShown ?? 16;
  const lines =
    memory === undefined
      ? ["| Offset | Kind | Meaning |", "| ---: | --- | --- |"]
      : ["| Offset | Bytes | Kind | Meaning |", "| ---: | --- | --- | --- |"];
  for (const r of regions) {
    const cells = [`\`${formatOffset(r.offset)}\``];
    if (memory !== undefined) cells.push(bytesCell(r, memory, maxBytes));
    cells.push(r.kind, escapeCell(describeRegion(r)));
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}

/**
 * The byte ranges that differ between two snapshots of memory, as absolute addresses
 * (`baseOffset` is the address of index 0 of both). When one snapshot is longer (memory grew),
 * its extra bytes are compared with zero, since grown pages start zeroed. Ranges at most
 * `mergeGap` unchanged bytes apart are merged (default 0: only touching ranges). With
 * `maxRanges`, once that many ranges exist the last one grows to cover every later change, so a
 * scattered diff stays small (a cover of the changes rather than an exact list).
 *
 * Compares four bytes at a time where both views allow it and allocates nothing per byte, so it
 * can run over a whole memory of hundreds of megabytes.
 */
export function diffBytes(
  before: Uint8Array,
  after: Uint8Array,
  baseOffset = 0,
  options: { mergeGap?: number; maxRanges?: number } = {},
): ByteRange[] {
  const runs = new RunBuilder(baseOffset, Math.max(0, options.mergeGap ?? 0), Math.max(1, options.maxRanges ?? Infinity));
  const common = Math.min(before.length, after.length);
  compareRange(before, after, 0, common, runs);
  const longer = before.length > after.length ? before : after;
  compareRange(longer, undefined, common, longer.length, runs);
  return runs.finish();
}

/**
 * Whether `size` bytes at `offset` fit in a memory of `memoryByteLength` bytes. Returns errors for
 * a bad offset or size and for a region that runs past the end, and a warning for a region that
 * covers address 0 (which C, Rust and Zig treat as the null pointer).
 */
export function checkFits(offset: number, size: number, memoryByteLength: number): LayoutWarning[] {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    return [{ severity: "error", message: `the offset ${String(offset)} is not an address (a whole number from 0)`, offset: 0, size: 0 }];
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    return [{ severity: "error", message: `the size ${String(size)} is not a byte count (a whole number from 0)`, offset, size: 0 }];
  }
  const warnings: LayoutWarning[] = [];
  if (offset + size > memoryByteLength) {
    warnings.push({
      severity: "error",
      message: `${size} bytes at ${formatOffset(offset)} run past the end of memory at ${formatOffset(memoryByteLength)} (${memoryByteLength} bytes)`,
      offset,
      size,
    });
  }
  if (offset === 0 && size > 0) {
    warnings.push({
      severity: "warning",
      message: "the region starts at address 0, which C, Rust and Zig treat as a null pointer",
      offset,
      size,
    });
  }
  return warnings;
}

/**
 * Warnings for regions that land where the module keeps its own data: on an active data segment,
 * below `__heap_base`, or within reach of the stack; and an error for allocations that overlap
 * each other (a broken allocator, or a pointer reused while still in use).
 *
 * The stack is taken to span from the end of the highest data segment below the stack pointer
 * (wasm-ld's default layout puts the stack right after the data) up to the stack pointer, or from
 * address 0 when no data lies below it (`--stack-first`).
 */
export function findOverlaps(regions: readonly Region[], facts: MemoryFacts): LayoutWarning[] {
  const warnings: LayoutWarning[] = [];
  const flagged: ByteRange[] = [];
  facts.dataSegments.forEach((seg, index) => {
    if (!seg.isActive || seg.offset === undefined || seg.size === 0 || seg.memoryIndex !== 0) return;
    const hit = overlapOf(regions, seg.offset, seg.offset + seg.size);
    if (hit === undefined) return;
    flagged.push(hit);
    warnings.push({
      severity: "warning",
      message: `${hit.size} bytes at ${formatOffset(hit.offset)} overwrite data segment ${index} (${formatOffset(seg.offset)}–${formatOffset(seg.offset + seg.size - 1)}), the module's static data such as string constants`,
      ...hit,
    });
  });

  if (facts.stackPointer !== undefined) {
    const sp = facts.stackPointer;
    let low = 0;
    for (const seg of facts.dataSegments) {
      if (!seg.isActive || seg.offset === undefined || seg.memoryIndex !== 0) continue;
      const end = seg.offset + seg.size;
      if (end <= sp && end > low) low = end;
    }
    const hit = overlapOf(regions, low, sp);
    if (hit !== undefined) {
      flagged.push(hit);
      warnings.push({
        severity: "warning",
        message: `${hit.size} bytes at ${formatOffset(hit.offset)} lie within the stack, which grows down from ${formatOffset(sp)}; the call may overwrite them, or they may corrupt its frames`,
        ...hit,
      });
    }
  }

  if (facts.heapBase !== undefined) {
    const hit = overlapOf(regions, 0, facts.heapBase);
    if (hit !== undefined && !flagged.some((f) => f.offset <= hit.offset && f.offset + f.size >= hit.offset + hit.size)) {
      warnings.push({
        severity: "warning",
        message: `${hit.size} bytes at ${formatOffset(hit.offset)} lie below __heap_base (${formatOffset(facts.heapBase)}), in memory the module reserves for static data and its stack`,
        ...hit,
      });
    }
  }

  const allocations = regions.filter((r) => r.kind === "allocation" && r.size > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < allocations.length; i++) {
    const prev = allocations[i - 1];
    const cur = allocations[i];
    if (prev === undefined || cur === undefined) continue;
    const prevEnd = prev.offset + prev.size;
    if (cur.offset < prevEnd) {
      const size = Math.min(prevEnd, cur.offset + cur.size) - cur.offset;
      warnings.push({
        severity: "error",
        message: `the allocations for ${prev.label} and ${cur.label} overlap by ${size} bytes at ${formatOffset(cur.offset)}: the allocator handed out the same memory twice`,
        offset: cur.offset,
        size,
      });
    }
  }
  return warnings;
}

/** The hull of the parts of `regions` that fall within [start, end), or undefined if none do. */
function overlapOf(regions: readonly Region[], start: number, end: number): ByteRange | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of regions) {
    const a = Math.max(r.offset, start);
    const b = Math.min(r.offset + r.size, end);
    if (a < b) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
  }
  return lo < hi ? { offset: lo, size: hi - lo } : undefined;
}

function describeRegion(r: Region): string {
  const v = r.value;
  switch (r.kind) {
    case "tag":
      return v === undefined ? `tag — ${r.label}` : `tag ${v} — ${r.label} follows`;
    case "length":
      return v === undefined ? `${r.label} (${plural(r.size, "byte")})` : `its length, ${v}`;
    case "payload":
      return v === undefined ? `${plural(r.size, "byte")} of ${r.label}` : `${v} (${plural(r.size, "byte")} of ${r.label})`;
    case "terminator":
      return `${v ?? "0xFF"} — ${r.label}`;
    case "padding":
      return `${plural(r.size, "byte")} of padding (${r.label})`;
    case "pointer":
      return v === undefined ? `${r.label}, a pointer` : `${r.label}, a pointer to ${v}`;
    case "nul":
      return `NUL — ${r.label}`;
    case "allocation":
      return `${r.label} (${plural(r.size, "byte")} allocated)`;
    case "result":
      return v === undefined ? `${r.label} (${plural(r.size, "byte")})` : `${r.label}: ${v}`;
  }
}

function escapeCell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function bytesCell(r: Region, memory: { bytes: Uint8Array; baseOffset: number }, maxBytes: number): string {
  const start = r.offset - memory.baseOffset;
  const shown = Math.min(r.size, maxBytes);
  const parts: string[] = [];
  for (let i = 0; i < shown; i++) {
    const b = memory.bytes[start + i];
    parts.push(b === undefined ? "??" : b.toString(16).padStart(2, "0"));
  }
  return parts.length === 0 ? "" : `\`${parts.join(" ")}${r.size > shown ? " …" : ""}\``;
}

/** Collects changed byte indices into merged absolute ranges, in increasing order. */
class RunBuilder {
  private readonly ranges: ByteRange[] = [];
  private start = -1;
  private end = -1;

  constructor(
    private readonly base: number,
    private readonly gap: number,
    private readonly maxRanges: number,
  ) {}

  /** Records that byte index `i` changed; indices must arrive in increasing order. */
  add(i: number): void {
    const isLast = this.ranges.length >= this.maxRanges - 1;
    if (this.start >= 0 && (isLast || i - this.end - 1 <= this.gap)) {
      this.end = i;
      return;
    }
    this.flush();
    this.start = i;
    this.end = i;
  }

  /** Records that every byte of [from, to) changed. */
  addSpan(from: number, to: number): void {
    this.add(from);
    this.end = to - 1;
  }

  finish(): ByteRange[] {
    this.flush();
    return this.ranges;
  }

  private flush(): void {
    if (this.start >= 0) this.ranges.push({ offset: this.base + this.start, size: this.end - this.start + 1 });
    this.start = -1;
  }
}

/** Compares a[from..to) with b (or with zeros when b is undefined), feeding changed bytes to runs. */
function compareRange(a: Uint8Array, b: Uint8Array | undefined, from: number, to: number, runs: RunBuilder): void {
  let i = from;
  // Word compares need both views aligned alike; byte-compare up to the first aligned index.
  const aligned = b === undefined || (a.byteOffset - b.byteOffset) % 4 === 0;
  if (aligned) {
    while (i < to && (a.byteOffset + i) % 4 !== 0) {
      if (a[i] !== (b === undefined ? 0 : b[i])) runs.add(i);
      i++;
    }
    const words = (to - i) >> 2;
    if (words > 0) {
      const wa = new Int32Array(a.buffer, a.byteOffset + i, words);
      const base = i;
      // Refines a differing word to its bytes; a fully changed word extends the run at once.
      const refine = (w: number, x: number, y: number): void => {
        const j = base + w * 4;
        const d = x ^ y;
        if ((d & 0xff) !== 0 && (d & 0xff00) !== 0 && (d & 0xff0000) !== 0 && (d & 0xff000000) !== 0) {
          runs.addSpan(j, j + 4);
          return;
        }
        for (let k = 0; k < 4; k++) if (a[j + k] !== (b === undefined ? 0 : b[j + k])) runs.add(j + k);
      };
      if (b !== undefined) {
        const wb = new Int32Array(b.buffer, b.byteOffset + i, words);
        // Mostly-unchanged memory is the common case: one branch per 32 bytes skips it.
        let w = 0;
        const stretches = words & ~7;
        for (; w < stretches; w += 8) {
          const any =
            (wa[w]! ^ wb[w]!) |
            (wa[w + 1]! ^ wb[w + 1]!) |
            (wa[w + 2]! ^ wb[w + 2]!) |
            (wa[w + 3]! ^ wb[w + 3]!) |
            (wa[w + 4]! ^ wb[w + 4]!) |
            (wa[w + 5]! ^ wb[w + 5]!) |
            (wa[w + 6]! ^ wb[w + 6]!) |
            (wa[w + 7]! ^ wb[w + 7]!);
          if (any === 0) continue;
          for (let k = w; k < w + 8; k++) if (wa[k] !== wb[k]) refine(k, wa[k]!, wb[k]!);
        }
        for (; w < words; w++) if (wa[w] !== wb[w]) refine(w, wa[w]!, wb[w]!);
      } else {
        for (let w = 0; w < words; w++) if (wa[w] !== 0) refine(w, wa[w]!, 0);
      }
      i += words * 4;
    }
  }
  for (; i < to; i++) {
    if (a[i] !== (b === undefined ? 0 : b[i])) runs.add(i);
  }
}
