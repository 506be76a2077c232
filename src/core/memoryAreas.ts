/**
 * Where a module keeps what in linear memory, as far as the module itself says (its data segments
 * and their names, and the linker's globals `__stack_pointer`, `__data_end` and `__heap_base`), and
 * which of those areas the bytes a call changed lie in. It reads no live memory and runs nothing.
 */

import type { ByteRange } from "./layout";
import type { ModuleInfo } from "./wasm/types";

/** What the module tells about its use of memory 0; every field may be missing. */
export interface MemoryLayout {
  /** `__stack_pointer`'s initial value: the stack grows down from here. */
  stackPointer?: number;
  /** `__data_end`: the end of the static data, zero-initialized data (`.bss`) included. */
  dataEnd?: number;
  /** `__heap_base`: where memory for the allocator starts. */
  heapBase?: number;
  /** Active segments of memory 0 at constant offsets, with the name section's names for them. */
  segments: { index: number; offset: number; size: number; name?: string }[];
}

/** What an area of memory holds: static data, the stack, or memory for the allocator. */
export type AreaKind = "data" | "stack" | "heap";

/** A span of memory the module uses for one purpose; `name` is what the page calls it. */
export interface MemoryArea {
  kind: AreaKind;
  name: string;
  offset: number;
  /** Bytes; the heap's area reaches to the largest address there is. */
  size: number;
}

/** Where a changed byte lies: in the call's arguments or results, in one of the module's areas, or in memory nothing describes. */
export type ChangeKind = "arguments" | AreaKind | "unknown";

/** The bytes a call changed in one place, with the ranges that hold them. */
export interface ChangeGroup {
  kind: ChangeKind;
  /** The area's name: `.data`, `data segment 2`, `stack`, `heap`; for the other kinds a fixed phrase. */
  name: string;
  bytes: number;
  /** How many ranges hold those bytes (ranges that cross an area's edge count once on each side). */
  rangeCount: number;
  /**
   * The first `maxGroupRanges` of those ranges, cut to the area, as offset and size pairs (one
   * array of numbers: objects would cost the page's copy of every answer dearly); see `groupRanges`.
   */
  ranges: number[];
}

/** The most ranges a group carries: the page lists these, and counts the rest. */
export const maxGroupRanges = 24;

/** The largest address + 1 that a 64-bit memory can have, within what a number holds exactly. */
const addressEnd = Number.MAX_SAFE_INTEGER;

/**
 * The layout facts a parsed module gives: its active data segments of memory 0 with their names,
 * and the initial values of the linker's globals, found by export or by the name section's global
 * names (the parser records both). A module that says nothing gives an empty layout, never an error.
 */
export function readMemoryLayout(module: ModuleInfo): MemoryLayout {
  const segments: MemoryLayout["segments"] = [];
  module.dataSegments.forEach((seg, index) => {
    if (seg.isActive && seg.memoryIndex === 0 && seg.offset !== undefined && seg.size > 0)
      segments.push({ index, offset: seg.offset, size: seg.size, ...(seg.name === undefined ? {} : { name: seg.name }) });
  });
  const layout: MemoryLayout = { segments };
  // The parser lists globals named by exports first: an export names a global exactly, and the
  // name section's names are debug information, used when no export says.
  const valueOf = (name: string): number | undefined => module.namedGlobals.find((g) => g.name === name)?.initial;
  const stackPointer = valueOf("__stack_pointer");
  const dataEnd = valueOf("__data_end");
  const heapBase = valueOf("__heap_base");
  if (stackPointer !== undefined) layout.stackPointer = stackPointer;
  if (dataEnd !== undefined) layout.dataEnd = dataEnd;
  if (heapBase !== undefined) layout.heapBase = heapBase;
  return layout;
}

/**
 * The areas a layout describes, in address order and not overlapping: each data segment (by its
 * name, else `data segment N`); zero-initialized data from the last segment to `__data_end`
 * (`.bss`, which wasm-ld does not write as a segment); the stack, below the initial
 * `__stack_pointer` down to the end of the data below it, or to address 0 when the stack comes
 * first (`--stack-first`); and the heap, from `__heap_base` up. wasm-ld's default layout puts the
 * data at 1024, the stack above it, and `__heap_base` at or above the stack's top.
 */
export function memoryAreas(layout: MemoryLayout): MemoryArea[] {
  const areas: MemoryArea[] = [];
  const segments = [...layout.segments].sort((a, b) => a.offset - b.offset);
  let dataTop = 0;
  for (const seg of segments) {
    areas.push({ kind: "data", name: seg.name ?? `data segment ${seg.index}`, offset: seg.offset, size: seg.size });
    dataTop = Math.max(dataTop, seg.offset + seg.size);
  }
  const { stackPointer: sp, dataEnd, heapBase } = layout;
  if (dataEnd !== undefined && dataEnd > dataTop && segments.length > 0 && !segments.some((s) => s.name === ".bss")) {
    areas.push({ kind: "data", name: ".bss", offset: dataTop, size: dataEnd - dataTop });
  }
  if (sp !== undefined && sp > 0) {
    // The stack ends (at its low address) where the highest static data below the stack pointer does.
    let low = 0;
    for (const area of areas) {
      const end = area.offset + area.size;
      if (end <= sp && end > low) low = end;
    }
    if (dataEnd !== undefined && dataEnd <= sp && dataEnd > low) low = dataEnd;
    if (sp > low) areas.push({ kind: "stack", name: "stack", offset: low, size: sp - low });
  }
  if (heapBase !== undefined) areas.push({ kind: "heap", name: "heap", offset: heapBase, size: addressEnd - heapBase });
  return withoutOverlaps(areas);
}

/**
 * Sorts the bytes a call changed into groups: first those inside `argumentSpans` (the bytes the
 * explorer wrote, and the results it read back or allocated), then the rest by the area they lie
 * in, in address order of each area's first change, and last what lies in no area (`unknown`).
 * Ranges are cut where they cross a span's or an area's edge, so every byte counts once.
 */
export function groupChanges(
  changed: readonly ByteRange[],
  argumentSpans: readonly ByteRange[],
  areas: readonly MemoryArea[],
): ChangeGroup[] {
  if (changed.length === 0) return [];
  const spans = mergeSpans(argumentSpans);
  // One slot per area (one name may cover several areas), then the arguments and unknown memory.
  const slots: (ChangeGroup | undefined)[] = [];
  const argumentSlot = areas.length;
  const unknownSlot = areas.length + 1;
  const add = (slot: number, kind: ChangeKind, name: string, offset: number, size: number): void => {
    let group = slots[slot];
    if (!group) {
      group = slots.find((g) => g !== undefined && g.kind === kind && g.name === name) ?? {
        kind,
        name,
        bytes: 0,
        rangeCount: 0,
        ranges: [],
      };
      slots[slot] = group;
    }
    group.bytes += size;
    group.rangeCount++;
    if (group.ranges.length < 2 * maxGroupRanges) group.ranges.push(offset, size);
  };
  // Both lists are in address order, as are the ranges: one cursor each walks them once.
  let s = 0;
  let a = 0;
  for (const range of changed) {
    let at = range.offset;
    const end = range.offset + range.size;
    while (at < end) {
      while (s < spans.length && spans[s]!.offset + spans[s]!.size <= at) s++;
      const span = spans[s];
      if (span && span.offset <= at) {
        const to = Math.min(end, span.offset + span.size);
        add(argumentSlot, "arguments", "arguments/results", at, to - at);
        at = to;
        continue;
      }
      // Up to the next argument span, the bytes belong to the areas.
      const stop = span ? Math.min(end, span.offset) : end;
      while (at < stop) {
        while (a < areas.length && areas[a]!.offset + areas[a]!.size <= at) a++;
        const area = areas[a];
        if (area && area.offset <= at) {
          const to = Math.min(stop, area.offset + area.size);
          add(a, area.kind, area.name, at, to - at);
          at = to;
        } else {
          const to = area ? Math.min(stop, area.offset) : stop;
          add(unknownSlot, "unknown", "unknown", at, to - at);
          at = to;
        }
      }
    }
  }
  const order: ChangeKind[] = ["arguments", "stack", "data", "heap", "unknown"];
  const groups = [...new Set(slots.filter((g): g is ChangeGroup => g !== undefined))];
  return groups.sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind) || (x.ranges[0] ?? 0) - (y.ranges[0] ?? 0));
}

/** A group's ranges as `ByteRange`s. */
export function groupRanges(group: Pick<ChangeGroup, "ranges">): ByteRange[] {
  const ranges: ByteRange[] = [];
  for (let i = 0; i + 1 < group.ranges.length; i += 2) ranges.push({ offset: group.ranges[i]!, size: group.ranges[i + 1]! });
  return ranges;
}

/** How many bytes, as a teacher reads it: `1 byte`, `12 bytes`. */
function bytesText(n: number): string {
  return `${n} byte${n === 1 ? "" : "s"}`;
}

/** Where a group's bytes are, after its byte count: `of stack`, `in .data`, `in the heap`. */
export function changePlace(group: Pick<ChangeGroup, "kind" | "name">): string {
  switch (group.kind) {
    case "arguments":
      return "in the arguments/results";
    case "stack":
      return "of stack";
    case "data":
      return `in ${group.name}`;
    case "heap":
      return "in the heap";
    case "unknown":
      return "in memory the module does not describe";
  }
}

/** What a group's kind of memory is for, for a teacher: one clause. */
export function changeMeaning(kind: ChangeKind): string {
  switch (kind) {
    case "arguments":
      return "the bytes the explorer passed, and the results read back";
    case "stack":
      return "the export's own scratch space (local variables, saved values), below the initial __stack_pointer";
    case "data":
      return "the module's static data: global and static variables, and constants";
    case "heap":
      return "memory the allocator hands out, from __heap_base up";
    case "unknown":
      return "neither the data segments nor the linker's globals say what is kept here";
  }
}

/**
 * One sentence for the bytes a call changed: `The export changed 12 bytes in the
 * arguments/results; elsewhere: 40 bytes of stack, 17 bytes in .data.` A call that passed nothing
 * through memory (`hasArguments` false: a plain call) lists the places after a colon.
 */
export function describeChanges(groups: readonly ChangeGroup[], hasArguments: boolean): string {
  const total = groups.reduce((n, g) => n + g.bytes, 0);
  const others = groups.filter((g) => g.kind !== "arguments").map((g) => `${bytesText(g.bytes)} ${changePlace(g)}`);
  if (!hasArguments) return total === 0 ? "The export changed no bytes." : `The export changed ${bytesText(total)}: ${others.join(", ")}.`;
  const args = groups.find((g) => g.kind === "arguments");
  const head =
    args === undefined
      ? "The export changed nothing in the arguments/results"
      : `The export changed ${bytesText(args.bytes)} in the arguments/results`;
  return others.length === 0 ? `${head}, and nothing elsewhere.` : `${head}; elsewhere: ${others.join(", ")}.`;
}

/** Sorted spans with overlapping or touching ones joined; empty spans dropped. */
function mergeSpans(spans: readonly ByteRange[]): ByteRange[] {
  const sorted = spans.filter((r) => r.size > 0).sort((x, y) => x.offset - y.offset);
  const merged: ByteRange[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.offset <= last.offset + last.size) last.size = Math.max(last.size, r.offset + r.size - last.offset);
    else merged.push({ offset: r.offset, size: r.size });
  }
  return merged;
}

/** Areas in address order where an earlier area in `areas` keeps the bytes two claim (data before stack before heap). */
function withoutOverlaps(areas: readonly MemoryArea[]): MemoryArea[] {
  let kept: MemoryArea[] = [];
  for (const area of areas) {
    let pieces: MemoryArea[] = area.size > 0 ? [area] : [];
    for (const k of kept) {
      pieces = pieces.flatMap((p) => {
        const kEnd = k.offset + k.size;
        const pEnd = p.offset + p.size;
        if (kEnd <= p.offset || k.offset >= pEnd) return [p];
        const out: MemoryArea[] = [];
        if (p.offset < k.offset) out.push({ ...p, size: k.offset - p.offset });
        if (kEnd < pEnd) out.push({ ...p, offset: kEnd, size: pEnd - kEnd });
        return out;
      });
    }
    kept = kept.concat(pieces);
  }
  return kept.sort((x, y) => x.offset - y.offset);
}
