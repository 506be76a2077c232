/**
 * The module-allocator convention: the host asks the module's own allocator (`malloc`, `alloc`,
 * `cabi_realloc`, `__wbindgen_malloc`) for memory, copies strings and arrays there, and passes
 * pointers (and lengths) as ordinary wasm parameters. This file detects the allocator, edits a
 * per-export call plan, and turns values into allocations and arguments; it calls nothing itself,
 * so the worker runs the allocator between `planAllocations` and `finishArguments`. Which
 * convention to propose for an export, and why, is convention.ts.
 */

import { checkFits, formatOffset, type ByteRange, type LayoutWarning, type Region } from "../layout";
import type { ExportedFunction, ModuleInfo, ValType } from "../wasm/types";
import { formatValue, isNumericType, isWasmValue, parseScalar, type Parsed, type WasmValue } from "./numbers";
import { decodeUtf8Lossy } from "./utf8";
import { plural } from "../wording";
import {
  ELEMENT_CODECS,
  formatArray,
  formatBytes,
  isElementKind,
  parseArrayArg,
  parseBytesArg,
  parseCStringArg,
  parseStringArg,
  quoteString,
  readElements,
  type ElementKind,
  type MemoryValue,
} from "./values";

/** Which allocator family a module exports. */
export type AllocatorFamily = "malloc" | "alloc" | "wbindgen" | "cabi_realloc";

/** What each argument of the alloc export is: the byte count, the alignment, or a literal 0. */
export type AllocArgRole = "size" | "align" | "zero";

/** What each argument of the free export is: the pointer, the byte count, or the alignment. */
export type FreeArgRole = "ptr" | "size" | "align";

/** How to call a module's allocator; plain data. */
export interface AllocatorInfo {
  family: AllocatorFamily;
  alloc: { exportName: string; args: AllocArgRole[] };
  /** Absent when the module exports no matching free (memory is then leaked until reload). */
  free?: { exportName: string; args: FreeArgRole[] };
  /** A sentence for the user, e.g. `malloc(size) and free(ptr)`. */
  description: string;
}

/** The allocator found (if any), and sentences about near misses such as a wrong signature. */
export interface AllocatorDetection {
  allocator?: AllocatorInfo;
  notes: string[];
}

/** What a pointer + length pair points at: UTF-8 text, raw bytes, or a typed array. */
export type Holds = "string" | "bytes" | ElementKind;

/**
 * What the length parameter counts. Our default follows C habit: bytes for strings and raw
 * bytes, elements for typed arrays (`int32_t *xs, size_t n`).
 */
export type LengthUnit = "bytes" | "elements";

/** How one user argument maps onto the export's wasm parameters (by index). */
export type PlanSlot =
  | { kind: "scalar"; param: number; type: ValType; name: string }
  | { kind: "pointerLength"; ptrParam: number; lenParam: number; name: string; lenName: string; holds: Holds; lengthUnit: LengthUnit }
  | { kind: "cstring"; param: number; name: string };

/** How to read what the export returns. */
export type ResultReading =
  { kind: "plain" } | { kind: "cstring"; maxBytes: number } | { kind: "pointerLength"; holds: Holds; lengthUnit: LengthUnit };

/**
 * A per-export plan: one slot per user argument, covering every wasm parameter once, in order,
 * and how to read the result. Plain data, so it can be stored and sent between threads.
 */
export interface CallPlan {
  exportName: string;
  params: ValType[];
  results: ValType[];
  slots: PlanSlot[];
  result: ResultReading;
}

/** A new slot kind chosen by the user (see `changeSlot`). */
export type SlotChoice = { kind: "scalar" } | { kind: "cstring" } | { kind: "pointerLength"; holds: Holds; lengthUnit?: LengthUnit };

/** The outcome of editing a plan. */
export type PlanEdit = { ok: true; plan: CallPlan } | { ok: false; reason: string };

/** A user argument after parsing: a number for a scalar slot, bytes for a memory slot. */
export type SlotValue = { kind: "scalar"; value: WasmValue } | { kind: "memory"; value: MemoryValue };

/** Whether `value` has the shape of a `SlotValue`: a wasm number, or memory with its bytes (`planAllocations` checks it against the plan). */
export function isSlotValue(value: unknown): value is SlotValue {
  const v = value as { kind?: unknown; value?: unknown } | null;
  if (typeof v !== "object" || v === null) return false;
  if (v.kind === "scalar") return isWasmValue(v.value);
  const m = v.value as { bytes?: unknown } | null;
  return v.kind === "memory" && typeof m === "object" && m !== null && m.bytes instanceof Uint8Array;
}

/**
 * Memory the worker must allocate for one slot: call the allocator for `size` bytes aligned to
 * `align`, then copy `bytes` to the pointer. `regions` are relative to the allocation's start.
 * `size` is at least 1 even for empty values, so the pointer is a real block, not null.
 */
export interface AllocationRequest {
  slotIndex: number;
  size: number;
  align: number;
  bytes: Uint8Array;
  label: string;
  regions: Region[];
}

/** The wasm arguments for the call and the labelled regions written, or why they cannot be built. */
export type FinishedArguments =
  { ok: true; args: (number | bigint)[]; regions: Region[]; warnings: LayoutWarning[] } | { ok: false; reason: string; slotIndex?: number };

/** A C string read from memory. `isTruncated` says no NUL came within `maxBytes`. */
export type CStringRead =
  | { ok: true; text: string; byteLength: number; isTruncated: boolean; invalid: ByteRange[]; regions: Region[] }
  | { ok: false; message: string; offset: number };

/** A (pointer, length) value read from memory. */
export type PointerLengthRead =
  { ok: true; value: MemoryValue; text: string; invalid: ByteRange[]; regions: Region[] } | { ok: false; message: string; offset: number };

/** What a call returned, read according to the plan: the raw values, and any memory they point at. */
export type ResultRead =
  | { ok: true; values: WasmValue[]; text?: string; memoryValue?: MemoryValue; regions: Region[]; warnings: string[] }
  | { ok: false; message: string; offset?: number };

/** Default cap when reading a returned C string, so a missing NUL cannot read all of memory. */
export const DEFAULT_CSTRING_MAX_BYTES = 64 * 1024;

type Sig = { params: ValType[]; results: ValType[] };

const ALLOC_SHAPES: {
  family: AllocatorFamily;
  names: string[];
  shapes: { sig: Sig; args: AllocArgRole[] }[];
  free: { names: string[]; shapes: { sig: Sig; args: FreeArgRole[] }[] };
}[] = [
  {
    family: "malloc",
    names: ["malloc"],
    shapes: [{ sig: { params: ["i32"], results: ["i32"] }, args: ["size"] }],
    free: { names: ["free"], shapes: [{ sig: { params: ["i32"], results: [] }, args: ["ptr"] }] },
  },
  {
    family: "alloc",
    names: ["alloc", "allocate"],
    shapes: [
      { sig: { params: ["i32"], results: ["i32"] }, args: ["size"] },
      { sig: { params: ["i32", "i32"], results: ["i32"] }, args: ["size", "align"] },
    ],
    free: {
      names: ["dealloc", "deallocate", "free"],
      shapes: [
        { sig: { params: ["i32"], results: [] }, args: ["ptr"] },
        { sig: { params: ["i32", "i32"], results: [] }, args: ["ptr", "size"] },
        { sig: { params: ["i32", "i32", "i32"], results: [] }, args: ["ptr", "size", "align"] },
      ],
    },
  },
  {
    family: "wbindgen",
    names: ["__wbindgen_malloc"],
    shapes: [
      { sig: { params: ["i32"], results: ["i32"] }, args: ["size"] },
      { sig: { params: ["i32", "i32"], results: ["i32"] }, args: ["size", "align"] },
    ],
    free: {
      names: ["__wbindgen_free"],
      shapes: [
        { sig: { params: ["i32", "i32"], results: [] }, args: ["ptr", "size"] },
        { sig: { params: ["i32", "i32", "i32"], results: [] }, args: ["ptr", "size", "align"] },
      ],
    },
  },
  {
    family: "cabi_realloc",
    names: ["cabi_realloc"],
    // The component model's realloc(old_ptr, old_size, align, new_size); (0, 0, align, size) allocates.
    shapes: [{ sig: { params: ["i32", "i32", "i32", "i32"], results: ["i32"] }, args: ["zero", "zero", "align", "size"] }],
    free: { names: [], shapes: [] },
  },
];

/** Whether `name` is an export of an allocator family (an alloc or a free), which takes plain numbers itself. */
export function isAllocatorExport(name: string): boolean {
  return ALLOC_SHAPES.some((f) => f.names.includes(name) || f.free.names.includes(name));
}

/**
 * Finds the module's allocator among the exports, checking signatures: `malloc(size)` +
 * `free(ptr)`; `alloc`/`allocate(size[, align])` + `dealloc`/`deallocate(ptr[, size[, align]])`;
 * `__wbindgen_malloc(size[, align])` + `__wbindgen_free(ptr, size[, align])`;
 * `cabi_realloc(0, 0, align, size)` (no free). The first family found in that order wins.
 * Memory64 allocators are not recognised.
 */
export function detectAllocator(module: ModuleInfo): AllocatorDetection {
  let detection = detections.get(module);
  if (detection === undefined) {
    detection = findAllocator(module);
    detections.set(module, detection);
  }
  return detection;
}

/** Detections by module: a module's exports are searched once, however often the page asks. Read only. */
const detections = new WeakMap<ModuleInfo, AllocatorDetection>();

function findAllocator(module: ModuleInfo): AllocatorDetection {
  const notes: string[] = [];
  const byName = new Map(module.functions.map((f) => [f.name, f]));
  let found: AllocatorInfo | undefined;
  for (const family of ALLOC_SHAPES) {
    if (found !== undefined) break;
    for (const name of family.names) {
      const fn = byName.get(name);
      if (fn === undefined) continue;
      const shape = family.shapes.find((s) => sameSig(s.sig, fn.type));
      if (shape === undefined) {
        notes.push(
          `${name} is exported but its signature ${signature(fn.type)} is not ${family.shapes.map((s) => signature(s.sig)).join(" or ")}, so it is not used as the allocator`,
        );
        continue;
      }
      if (found !== undefined) break;
      let free: AllocatorInfo["free"];
      for (const freeName of family.free.names) {
        const f = byName.get(freeName);
        if (f === undefined) continue;
        const fs = family.free.shapes.find((s) => sameSig(s.sig, f.type));
        if (fs === undefined) {
          notes.push(`${freeName} is exported but its signature ${signature(f.type)} does not match ${name}, so memory will not be freed`);
          continue;
        }
        free = { exportName: freeName, args: fs.args };
        break;
      }
      const describe = (fnName: string, args: readonly string[]): string =>
        `${fnName}(${args.map((a) => (a === "zero" ? "0" : a)).join(", ")})`;
      const description =
        describe(name, shape.args) +
        (free !== undefined
          ? ` and ${describe(free.exportName, free.args)}`
          : family.family === "cabi_realloc"
            ? ", which has no free: blocks stay allocated until the module is reloaded"
            : ", with no matching free: blocks stay allocated until the module is reloaded");
      found =
        free === undefined
          ? { family: family.family, alloc: { exportName: name, args: shape.args }, description }
          : { family: family.family, alloc: { exportName: name, args: shape.args }, free, description };
      break;
    }
  }
  if (found !== undefined && !module.memories.some((m) => m.exportNames.length > 0)) {
    notes.push(`the module exports ${found.alloc.exportName} but no memory, so the host cannot copy arguments into it`);
    return { notes };
  }
  return found === undefined ? { notes } : { allocator: found, notes };
}

/** The arguments to pass to the alloc export for a block of `size` bytes aligned to `align`. */
export function allocCallArgs(allocator: AllocatorInfo, size: number, align: number): number[] {
  return allocator.alloc.args.map((role) => (role === "size" ? size : role === "align" ? align : 0));
}

/** The arguments to pass to the free export for a block, or undefined when there is no free. */
export function freeCallArgs(allocator: AllocatorInfo, ptr: number, size: number, align: number): number[] | undefined {
  if (allocator.free === undefined) return undefined;
  return allocator.free.args.map((role) => (role === "ptr" ? ptr : role === "size" ? size : align));
}

/** The plain plan for an export: one scalar slot per wasm parameter, results read as numbers. */
export function plainPlan(fn: ExportedFunction): CallPlan {
  return {
    exportName: fn.name,
    params: [...fn.type.params],
    results: [...fn.type.results],
    slots: fn.type.params.map((type, param) => ({ kind: "scalar", param, type, name: paramName(fn, param) })),
    result: { kind: "plain" },
  };
}

/**
 * Changes what one slot holds, returning a new plan (the old one is not modified):
 * a pointer + length or C string back to plain numbers (a pair becomes two scalars); an i32
 * scalar to a C string; an i32 scalar followed by another i32 parameter to a pointer + length
 * (the two slots merge); or a pointer + length to hold something else.
 */
export function changeSlot(plan: CallPlan, slotIndex: number, choice: SlotChoice): PlanEdit {
  const slot = plan.slots[slotIndex];
  if (slot === undefined) return { ok: false, reason: `there is no argument ${slotIndex}` };
  const before = plan.slots.slice(0, slotIndex);
  const after = plan.slots.slice(slotIndex + 1);
  const done = (replacement: PlanSlot[], rest = after): PlanEdit => ({
    ok: true,
    plan: { ...plan, slots: [...before, ...replacement, ...rest] },
  });
  const scalarsOf = (s: PlanSlot): PlanSlot[] =>
    s.kind === "pointerLength"
      ? [
          { kind: "scalar", param: s.ptrParam, type: "i32", name: s.name },
          { kind: "scalar", param: s.lenParam, type: "i32", name: s.lenName },
        ]
      : s.kind === "cstring"
        ? [{ kind: "scalar", param: s.param, type: "i32", name: s.name }]
        : [s];

  switch (choice.kind) {
    case "scalar":
      return done(scalarsOf(slot));
    case "cstring": {
      if (slot.kind === "cstring") return done([slot]);
      const [first, ...others] = scalarsOf(slot);
      if (first === undefined || first.kind !== "scalar" || first.type !== "i32") {
        return { ok: false, reason: `argument ${slotIndex} is ${slotTypeText(slot)}; a C string pointer must be an i32` };
      }
      return done([{ kind: "cstring", param: first.param, name: first.name }, ...others]);
    }
    case "pointerLength": {
      if (!isHolds(choice.holds)) return { ok: false, reason: `${String(choice.holds)} is not something a pointer can hold here` };
      const lengthUnit = choice.lengthUnit ?? defaultUnit(choice.holds);
      if (slot.kind === "pointerLength") return done([{ ...slot, holds: choice.holds, lengthUnit }]);
      const param = slot.param;
      if (slot.kind === "scalar" && slot.type !== "i32") {
        return { ok: false, reason: `argument ${slotIndex} (${slot.name}) is ${slot.type}; a pointer must be an i32` };
      }
      const next = after[0];
      const nextIsI32 =
        next !== undefined && ((next.kind === "scalar" && next.type === "i32") || next.kind === "cstring") && next.param === param + 1;
      if (!nextIsI32 || next === undefined) {
        return {
          ok: false,
          reason: `a pointer + length needs the parameter after ${slot.name} to be an i32 on its own, to hold the length`,
        };
      }
      return done(
        [
          {
            kind: "pointerLength",
            ptrParam: param,
            lenParam: next.param,
            name: slot.name,
            lenName: next.name,
            holds: choice.holds,
            lengthUnit,
          },
        ],
        after.slice(1),
      );
    }
  }
}

/** Changes how the result is read. A pointer + length result needs two i32 results; a C string one i32. */
export function changeResultReading(plan: CallPlan, reading: ResultReading): PlanEdit {
  if (reading.kind === "cstring" && !sameTypes(plan.results, ["i32"]))
    return { ok: false, reason: `a C string result needs the export to return one i32, not ${typesText(plan.results)}` };
  if (reading.kind === "pointerLength" && !sameTypes(plan.results, ["i32", "i32"]))
    return { ok: false, reason: `a pointer + length result needs the export to return (i32, i32), not ${typesText(plan.results)}` };
  if (reading.kind === "pointerLength" && !isHolds(reading.holds))
    return { ok: false, reason: `${String(reading.holds)} is not something a pointer can hold here` };
  return { ok: true, plan: { ...plan, result: reading } };
}

/**
 * Checks that a plan (for instance one restored from saved state) still fits the export: same
 * name and signature, every parameter covered once and in order, pairs and C strings on i32s.
 * Returns a reason when it does not.
 */
export function checkPlan(plan: CallPlan, fn: ExportedFunction): string | undefined {
  if (plan.exportName !== fn.name) return `the plan is for ${plan.exportName}, not ${fn.name}`;
  if (!sameTypes(plan.params, fn.type.params) || !sameTypes(plan.results, fn.type.results)) {
    return `${fn.name}'s signature changed to ${signature(fn.type)} since the plan was made`;
  }
  let expected = 0;
  for (const [i, s] of plan.slots.entries()) {
    const params = s.kind === "pointerLength" ? [s.ptrParam, s.lenParam] : [s.param];
    for (const p of params) {
      if (p !== expected) return `argument ${i} does not cover parameter ${expected} in order`;
      if (s.kind !== "scalar" && fn.type.params[p] !== "i32")
        return `argument ${i} treats parameter ${p} (${String(fn.type.params[p])}) as a pointer or length`;
      if (s.kind === "scalar" && fn.type.params[p] !== s.type)
        return `argument ${i} says parameter ${p} is ${s.type}, but it is ${String(fn.type.params[p])}`;
      expected++;
    }
    if (s.kind === "pointerLength" && (!isHolds(s.holds) || (s.lengthUnit !== "bytes" && s.lengthUnit !== "elements")))
      return `argument ${i} holds an unknown kind of value`;
  }
  if (expected !== fn.type.params.length) return `the plan covers ${expected} of ${fn.name}'s ${fn.type.params.length} parameters`;
  const r = changeResultReading(plan, plan.result);
  return r.ok ? undefined : r.reason;
}

/**
 * Reads user text for one slot: a number for a scalar (see `parseScalar`), text for a string or
 * C string, hex for bytes (see `parseBytesArg`), `[1, 2, 3]` for a typed array.
 */
export function parseSlotArgument(slot: PlanSlot, text: string): Parsed<SlotValue> {
  const wrapMemory = (p: Parsed<MemoryValue>): Parsed<SlotValue> =>
    p.ok ? { ok: true, value: { kind: "memory", value: p.value }, note: p.note } : p;
  switch (slot.kind) {
    case "scalar": {
      if (!isNumericType(slot.type)) return { ok: false, reason: `${slot.type} parameters cannot be entered as text` };
      const p = parseScalar(slot.type, text);
      return p.ok ? { ok: true, value: { kind: "scalar", value: p.value }, note: p.note } : p;
    }
    case "cstring":
      return wrapMemory(parseCStringArg(text));
    case "pointerLength":
      if (slot.holds === "string") return wrapMemory(parseStringArg(text));
      if (slot.holds === "bytes") return wrapMemory(parseBytesArg(text));
      return wrapMemory(parseArrayArg(text, slot.holds));
  }
}

/**
 * The memory to allocate before the call, one request per pointer slot, in slot order. Checks
 * that each value suits its slot; the reason names the argument.
 */
export function planAllocations(
  plan: CallPlan,
  values: readonly SlotValue[],
): { ok: true; allocations: AllocationRequest[] } | { ok: false; reason: string; slotIndex: number } {
  if (values.length !== plan.slots.length)
    return {
      ok: false,
      reason: `${plan.exportName} takes ${plural(plan.slots.length, "argument")}, not ${values.length}`,
      slotIndex: Math.min(values.length, plan.slots.length),
    };
  const allocations: AllocationRequest[] = [];
  for (const [i, slot] of plan.slots.entries()) {
    const v = values[i] as SlotValue;
    const mismatch = checkSlotValue(slot, v);
    if (mismatch !== undefined) return { ok: false, reason: `argument ${i} (${slot.name}): ${mismatch}`, slotIndex: i };
    if (slot.kind === "scalar" || v.kind !== "memory") continue;
    const m = v.value;
    const align = m.kind === "array" ? ELEMENT_CODECS[m.element].size : 1;
    allocations.push({
      slotIndex: i,
      size: Math.max(m.bytes.length, 1),
      align,
      bytes: m.bytes,
      label: `argument ${i} "${slot.name}"`,
      regions: memoryRegions(m, i),
    });
  }
  return { ok: true, allocations };
}

/**
 * The final wasm arguments, given the pointers the allocator returned for `allocations` (same
 * order), and every region written: each allocation and what lies in it, at absolute addresses.
 * Pointers are read as unsigned; a null pointer or (with `memoryByteLength`) a block that does
 * not fit in memory is an error. Lengths follow each slot's `lengthUnit`.
 */
export function finishArguments(
  plan: CallPlan,
  values: readonly SlotValue[],
  allocations: readonly AllocationRequest[],
  pointers: readonly number[],
  memoryByteLength?: number,
): FinishedArguments {
  if (pointers.length !== allocations.length)
    return { ok: false, reason: `${allocations.length} blocks were needed but ${pointers.length} pointers were given` };
  const pointerOf = new Map<number, number>();
  const regions: Region[] = [];
  const warnings: LayoutWarning[] = [];
  for (const [k, a] of allocations.entries()) {
    const ptr = (pointers[k] ?? 0) >>> 0;
    if (ptr === 0)
      return {
        ok: false,
        reason: `the allocator returned a null pointer for ${a.label} (${plural(a.size, "byte")}): is the module out of memory?`,
        slotIndex: a.slotIndex,
      };
    if (ptr % a.align !== 0)
      warnings.push({
        severity: "warning",
        message: `the block for ${a.label} at ${formatOffset(ptr)} is not aligned to ${a.align} bytes`,
        offset: ptr,
        size: a.size,
      });
    if (memoryByteLength !== undefined) {
      const fit = checkFits(ptr, a.size, memoryByteLength);
      const err = fit.find((w) => w.severity === "error");
      if (err !== undefined) return { ok: false, reason: `the block for ${a.label}: ${err.message}`, slotIndex: a.slotIndex };
    }
    pointerOf.set(a.slotIndex, ptr);
    regions.push({ offset: ptr, size: a.size, kind: "allocation", label: a.label, argIndex: a.slotIndex });
    for (const r of a.regions) regions.push({ ...r, offset: ptr + r.offset });
  }
  const args: (number | bigint)[] = [];
  for (const [i, slot] of plan.slots.entries()) {
    const v = values[i];
    if (v === undefined) return { ok: false, reason: `argument ${i} (${slot.name}) has no value`, slotIndex: i };
    if (slot.kind === "scalar") {
      if (v.kind !== "scalar") return { ok: false, reason: `argument ${i} (${slot.name}) needs a number`, slotIndex: i };
      args.push(v.value.value);
      continue;
    }
    const ptr = pointerOf.get(i);
    if (ptr === undefined || v.kind !== "memory")
      return { ok: false, reason: `argument ${i} (${slot.name}) has no block in memory`, slotIndex: i };
    // Wasm takes i32 arguments as signed; a pointer above 2 GiB must be passed as its negative twin.
    args.push(ptr | 0);
    if (slot.kind === "pointerLength") args.push(lengthOf(v.value, slot.lengthUnit) | 0);
  }
  return { ok: true, args, regions, warnings };
}

/**
 * Reads a NUL-terminated string at `ptr`, at most `maxBytes` bytes (default 64 KiB), decoding
 * UTF-8 lossily. `memory` is the whole memory or a window starting at `baseOffset`.
 */
export function readCString(
  memory: Uint8Array,
  ptr: number,
  options: { baseOffset?: number; maxBytes?: number; label?: string } = {},
): CStringRead {
  const base = options.baseOffset ?? 0;
  const max = options.maxBytes ?? DEFAULT_CSTRING_MAX_BYTES;
  const address = ptr >>> 0;
  const label = options.label ?? "the result";
  if (address === 0) return { ok: false, message: `${label} is a null pointer`, offset: 0 };
  const start = address - base;
  if (start < 0 || start >= memory.length)
    return {
      ok: false,
      message: `${label} points to ${formatOffset(address)}, outside memory (${formatOffset(base)}–${formatOffset(base + memory.length)})`,
      offset: address,
    };
  const limit = Math.min(memory.length, start + max);
  // Search only up to the limit: a missing NUL must not cost a scan of the whole memory.
  const found = memory.subarray(start, limit).indexOf(0);
  const end = found < 0 ? -1 : start + found;
  const isTruncated = end < 0;
  const stop = isTruncated ? limit : end;
  const decoded = decodeUtf8Lossy(memory, start, stop, base);
  const regions: Region[] = [];
  if (stop > start)
    regions.push({ offset: address, size: stop - start, kind: "payload", label: "UTF-8", value: quoteString(decoded.text) });
  if (!isTruncated) regions.push({ offset: base + end, size: 1, kind: "nul", label: "end of the C string" });
  return { ok: true, text: decoded.text, byteLength: stop - start, isTruncated, invalid: decoded.invalid, regions };
}

/**
 * Reads `len` units (bytes or elements, per `lengthUnit`) at `ptr` as a string, bytes or typed
 * array. Fails, with the address, when the span runs past the memory given.
 */
export function readPointerLength(
  memory: Uint8Array,
  ptr: number,
  len: number,
  holds: Holds,
  options: { baseOffset?: number; lengthUnit?: LengthUnit; label?: string } = {},
): PointerLengthRead {
  const base = options.baseOffset ?? 0;
  const address = ptr >>> 0;
  const count = len >>> 0;
  const unit = options.lengthUnit ?? defaultUnit(holds);
  const elementSize = holds === "string" || holds === "bytes" ? 1 : ELEMENT_CODECS[holds].size;
  const size = unit === "bytes" ? count : count * elementSize;
  const label = options.label ?? "the result";
  // Rust and C may return (0, 0) or a dangling pointer for an empty value; it is still empty.
  if (size === 0) return emptyRead(holds);
  const start = address - base;
  if (start < 0 || start + size > memory.length) {
    return {
      ok: false,
      message: `${label}: ${plural(size, "byte")} at ${formatOffset(address)} run past the memory given (${formatOffset(base)}–${formatOffset(base + memory.length)})`,
      offset: address,
    };
  }
  if (holds === "string") {
    const decoded = decodeUtf8Lossy(memory, start, start + size, base);
    const regions: Region[] =
      size > 0 ? [{ offset: address, size, kind: "payload", label: "UTF-8", value: quoteString(decoded.text) }] : [];
    const bytes = memory.slice(start, start + size);
    return {
      ok: true,
      value: { kind: "string", text: decoded.text, bytes },
      text: quoteString(decoded.text),
      invalid: decoded.invalid,
      regions,
    };
  }
  const bytes = memory.slice(start, start + size);
  if (holds === "bytes") {
    const text = formatBytes(bytes);
    return {
      ok: true,
      value: { kind: "bytes", bytes },
      text,
      invalid: [],
      regions: size > 0 ? [{ offset: address, size, kind: "payload", label: "raw bytes", value: text }] : [],
    };
  }
  if (size % elementSize !== 0)
    return { ok: false, message: `${label}: ${plural(size, "byte")} is not a whole number of ${holds} elements`, offset: address };
  const values = readElements(holds, bytes, 0, size / elementSize);
  const text = formatArray(holds, values);
  return {
    ok: true,
    value: { kind: "array", element: holds, values, bytes },
    text,
    invalid: [],
    regions: size > 0 ? [{ offset: address, size, kind: "payload", label: holds, value: text }] : [],
  };
}

/**
 * Normalises what a wasm export returned (a number, a BigInt, an array of them for multi-value,
 * or undefined) to typed values, checking that it matches the result types.
 */
export function toWasmValues(results: readonly ValType[], returned: unknown): Parsed<WasmValue[]> {
  const list: unknown[] = results.length === 0 ? [] : results.length === 1 ? [returned] : Array.isArray(returned) ? returned : [];
  if (list.length !== results.length)
    return { ok: false, reason: `expected ${plural(results.length, "result")} (${typesText(results)}), got ${describeJs(returned)}` };
  const out: WasmValue[] = [];
  for (const [i, type] of results.entries()) {
    const v = list[i];
    if (type === "i64") {
      if (typeof v !== "bigint") return { ok: false, reason: `result ${i} should be an i64 (BigInt), got ${describeJs(v)}` };
      out.push({ type, value: BigInt.asIntN(64, v) });
    } else if (type === "i32" || type === "f32" || type === "f64") {
      if (typeof v !== "number") return { ok: false, reason: `result ${i} should be an ${type} (number), got ${describeJs(v)}` };
      out.push(type === "i32" ? { type, value: v | 0 } : type === "f32" ? { type, value: Math.fround(v) } : { type, value: v });
    } else {
      return { ok: false, reason: `result ${i} is a ${type}, which cannot be shown as a number` };
    }
  }
  return { ok: true, value: out, note: out.map((v) => `${v.type} ${formatValue(v).decimal}`).join(", ") };
}

/**
 * Reads a call's return value according to the plan: as numbers, as a pointer to a C string, or
 * as a (pointer, length) pair. `memory` is the memory after the call (or a window of it).
 */
export function interpretResult(plan: CallPlan, returned: unknown, memory: Uint8Array, options: { baseOffset?: number } = {}): ResultRead {
  const values = toWasmValues(plan.results, returned);
  if (!values.ok) return { ok: false, message: values.reason };
  const reading = plan.result;
  if (reading.kind === "plain") return { ok: true, values: values.value, regions: [], warnings: [] };
  if (reading.kind === "cstring") {
    const ptr = values.value[0];
    if (ptr?.type !== "i32") return { ok: false, message: "a C string result needs one i32" };
    const r = readCString(memory, ptr.value, { ...options, maxBytes: reading.maxBytes });
    if (!r.ok) return r;
    const warnings = r.invalid.map((b) => `invalid UTF-8 at ${formatOffset(b.offset)}, shown as U+FFFD`);
    if (r.isTruncated)
      warnings.push(`no NUL within ${plural(reading.maxBytes, "byte")} of ${formatOffset(ptr.value >>> 0)}; the text is cut there`);
    return {
      ok: true,
      values: values.value,
      text: quoteString(r.text, 4096),
      regions: r.regions.map((x) => ({ ...x, argIndex: 0 })),
      warnings,
    };
  }
  const [p, n] = values.value;
  if (p?.type !== "i32" || n?.type !== "i32") return { ok: false, message: "a pointer + length result needs two i32s" };
  const r = readPointerLength(memory, p.value, n.value, reading.holds, { ...options, lengthUnit: reading.lengthUnit });
  if (!r.ok) return r;
  return {
    ok: true,
    values: values.value,
    text: r.text,
    memoryValue: r.value,
    regions: r.regions.map((x) => ({ ...x, argIndex: 0 })),
    warnings: r.invalid.map((b) => `invalid UTF-8 at ${formatOffset(b.offset)}, shown as U+FFFD`),
  };
}

/** The length unit a pointer + length slot holding `holds` counts in unless the user says otherwise. */
export function defaultUnit(holds: Holds): LengthUnit {
  return holds === "string" || holds === "bytes" ? "bytes" : "elements";
}

function isHolds(h: unknown): h is Holds {
  return h === "string" || h === "bytes" || (typeof h === "string" && isElementKind(h));
}

function lengthOf(m: MemoryValue, unit: LengthUnit): number {
  if (m.kind === "array" && unit === "elements") return m.values.length;
  // A C string's length excludes its NUL, as strlen counts.
  if (m.kind === "cstring") return m.bytes.length - 1;
  return m.bytes.length;
}

function checkSlotValue(slot: PlanSlot, v: SlotValue | undefined): string | undefined {
  if (v === undefined) return "has no value";
  switch (slot.kind) {
    case "scalar":
      if (v.kind !== "scalar") return "needs a number";
      return v.value.type === slot.type ? undefined : `needs an ${slot.type}, not an ${v.value.type}`;
    case "cstring":
      return v.kind === "memory" && v.value.kind === "cstring" ? undefined : "needs a C string";
    case "pointerLength": {
      if (v.kind !== "memory") return "needs a value in memory";
      const m = v.value;
      if (slot.holds === "string") return m.kind === "string" ? undefined : "needs a string";
      if (slot.holds === "bytes") return m.kind === "bytes" ? undefined : "needs bytes";
      return m.kind === "array" && m.element === slot.holds ? undefined : `needs a ${slot.holds} array`;
    }
  }
}

function memoryRegions(m: MemoryValue, argIndex: number): Region[] {
  const regions: Region[] = [];
  switch (m.kind) {
    case "string":
      if (m.bytes.length > 0)
        regions.push({ offset: 0, size: m.bytes.length, kind: "payload", label: "UTF-8", value: quoteString(m.text), argIndex });
      break;
    case "cstring":
      if (m.bytes.length > 1)
        regions.push({ offset: 0, size: m.bytes.length - 1, kind: "payload", label: "UTF-8", value: quoteString(m.text), argIndex });
      regions.push({ offset: m.bytes.length - 1, size: 1, kind: "nul", label: "end of the C string", argIndex });
      break;
    case "bytes":
      if (m.bytes.length > 0)
        regions.push({ offset: 0, size: m.bytes.length, kind: "payload", label: "raw bytes", value: formatBytes(m.bytes), argIndex });
      break;
    case "array":
      if (m.bytes.length > 0)
        regions.push({
          offset: 0,
          size: m.bytes.length,
          kind: "payload",
          label: m.element,
          value: formatArray(m.element, m.values),
          argIndex,
        });
      break;
  }
  return regions;
}

function emptyRead(holds: Holds): PointerLengthRead {
  const bytes = new Uint8Array(0);
  if (holds === "string") return { ok: true, value: { kind: "string", text: "", bytes }, text: '""', invalid: [], regions: [] };
  if (holds === "bytes") return { ok: true, value: { kind: "bytes", bytes }, text: "", invalid: [], regions: [] };
  return { ok: true, value: { kind: "array", element: holds, values: [], bytes }, text: "[]", invalid: [], regions: [] };
}

/** A parameter's name from the name section, or `p0`, `p1`… where it has none. */
export function paramName(fn: ExportedFunction, i: number): string {
  const n = fn.paramNames[i];
  return n === undefined || n === "" ? `p${i}` : n;
}

/** Whether two type lists are the same types in the same order. */
export function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function sameSig(a: Sig, b: Sig): boolean {
  return sameTypes(a.params, b.params) && sameTypes(a.results, b.results);
}

function typesText(types: readonly ValType[]): string {
  return types.length === 0 ? "nothing" : types.length === 1 ? (types[0] as string) : `(${types.join(", ")})`;
}

function signature(sig: Sig): string {
  return `(${sig.params.join(", ")}) -> ${typesText(sig.results)}`;
}

function slotTypeText(slot: PlanSlot): string {
  return slot.kind === "scalar" ? `an ${slot.type}` : slot.kind === "cstring" ? "a C string" : "a pointer + length";
}

function describeJs(v: unknown): string {
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return `${v.length} values`;
  return `a ${typeof v}`;
}
