/**
 * Calls that pass values through linear memory: the tagged convention and the module's own
 * allocator. Each writes only after checking that its bytes fit, snapshots what it will compare,
 * calls, and reports the memory map of the call, with the allocator's results decoded (a tagged
 * call's results are decoded where they are needed: see callAnswer.ts). The copies of memory that
 * calls compare with are the reactor's (see changeDetector.ts); this file keeps no state.
 */
import {
  allocCallArgs,
  checkPlan,
  detectAllocator,
  finishArguments,
  freeCallArgs,
  interpretResult,
  planAllocations,
  type AllocationRequest,
  type CallPlan,
  type SlotValue,
} from "../../src/core/abi/allocator";
import type { WasmValue } from "../../src/core/abi/numbers";
import { encodeTagged, taggedExtent, type TaggedArg, type TaggedOptions } from "../../src/core/abi/tagged";
import { findOverlaps, formatOffset, type ByteRange, type MemoryFacts } from "../../src/core/layout";
import { groupChanges, type ChangeGroup, type MemoryArea } from "../../src/core/memoryAreas";
import type { Allocation, CallEnding, MemoryReport } from "../../src/core/protocol";
import { wasmPageBytes as pageBytes, type ExportedFunction, type ModuleInfo, type ValType } from "../../src/core/wasm/types";
import { plural } from "../../src/core/wording";
import type { ChangeDetector } from "./changeDetector";

/** What the memory calls need of a reactor. */
export interface ReactorAccess {
  module: ModuleInfo;
  memory: WebAssembly.Memory | undefined;
  /** Calls an export with raw wasm values; a trap or exit comes back as the call's ending. */
  invoke(exportName: string, args: unknown[]): { ok: true; raw: unknown } | { ok: false; ending: CallEnding };
  /** Reads an exported integer global (`__heap_base`), when there is one. */
  readGlobal(name: string): number | undefined;
  /** How many times this instance has invoked an export: any invocation may have changed memory. */
  invocations(): number;
  /** This instance's change detector, which keeps the copy of memory watched calls compare with. */
  changes: ChangeDetector;
  /** Where the module keeps its data, stack and heap (memoryAreas.ts), found once at load; changes elsewhere are `unknown`. */
  areas?: readonly MemoryArea[];
}

/** A memory call's ending, the wasm arguments it passed, and its memory map. */
export interface MemoryCallResult {
  ending: CallEnding;
  args: WasmValue[];
  memory?: MemoryReport;
}

/** Past this many changed ranges, the last one covers every later change (see `diffBytes`). */
const maxChangedRanges = 10_000;

/**
 * The least area compared before and after a tagged call, from the start offset: results usually
 * fit in it, and a guest's scratch space just above (a C stack) shows too. Comparing more would
 * cost every call time in proportion.
 */
const taggedWatchBytes = 4096;

function refuse(message: string): MemoryCallResult {
  return { ending: { status: "refused", message }, args: [] };
}

/** Grows memory so that `end` fits, where the module allows; returns a refusal reason otherwise. */
function makeRoom(memory: WebAssembly.Memory, end: number, module: ModuleInfo, what: string): { grewBy?: number; error?: string } {
  const size = memory.buffer.byteLength;
  if (end <= size) return {};
  const pages = Math.ceil((end - size) / pageBytes);
  const max = module.memories[0]?.limits.max;
  try {
    memory.grow(pages);
    return { grewBy: pages };
  } catch {
    return {
      error: `${what} need memory up to ${formatOffset(end)} (${end} bytes), but memory is ${size} bytes and cannot grow by ${pages} page(s)${max === undefined ? "" : ` (its maximum is ${max} pages)`}. Nothing was written.`,
    };
  }
}

/**
 * Writes a call's argument bytes and starts watching what the call changes: all of memory through
 * the reactor's change detector, or copies of a few areas. All of memory is watched from before the
 * writes, which the detector's copy mirrors; areas are copied after them. Either way the arguments
 * do not show as changed. `changed()` runs after the call; memory may have grown meanwhile.
 */
function writeAndWatch(
  access: ReactorAccess,
  memory: WebAssembly.Memory,
  writes: { offset: number; bytes: Uint8Array }[],
  areas: ByteRange[] | "all",
): { changed(): ByteRange[] } {
  if (areas === "all") access.changes.prepare(memory, access.invocations());
  for (const { offset, bytes } of writes) {
    new Uint8Array(memory.buffer).set(bytes, offset);
    access.changes.wrote(offset, bytes);
  }
  if (areas === "all") return { changed: () => access.changes.collect(memory, access.invocations(), maxChangedRanges) };
  return access.changes.watchAreas(memory, areas, maxChangedRanges);
}

/** Sorts a call's changes into those in its arguments and results (`spans`) and those in each area of the module's memory. */
function groupChanged(access: ReactorAccess, changed: readonly ByteRange[], spans: readonly ByteRange[]): ChangeGroup[] {
  return groupChanges(changed, spans, access.areas ?? []);
}

function memoryFacts(access: ReactorAccess): MemoryFacts {
  return {
    dataSegments: access.module.dataSegments,
    heapBase: access.readGlobal("__heap_base"),
    stackPointer: access.readGlobal("__stack_pointer"),
  };
}

/** Wasm arguments as values of the export's parameter types. */
function asWasmValues(params: ValType[], raw: (number | bigint)[]): WasmValue[] {
  return params.map((type, i) =>
    type === "i64" ? { type, value: BigInt.asIntN(64, BigInt(raw[i] ?? 0)) } : ({ type, value: Number(raw[i] ?? 0) } as WasmValue),
  );
}

/** Reads a wasm result or global value as a number of the declared type; undefined for other types. */
export function wasmNumber(type: ValType, raw: unknown): number | bigint | undefined {
  switch (type) {
    case "i32":
      return Number(raw) | 0;
    case "i64":
      return BigInt.asIntN(64, BigInt(raw as bigint));
    case "f32":
    case "f64":
      return Number(raw);
    default:
      return undefined;
  }
}

/**
 * An export's results as WasmValues of its result types; results of other types are left out. A
 * function with several results returns them as an array (the JS API's multi-value rule).
 */
export function resultValues(types: ValType[], raw: unknown): WasmValue[] {
  const list = types.length === 0 ? [] : types.length === 1 ? [raw] : Array.from(raw as Iterable<unknown>);
  return types.flatMap((type, i): WasmValue[] => {
    const value = wasmNumber(type, list[i]);
    return value === undefined ? [] : [{ type, value } as WasmValue];
  });
}

/** Runs a plain call while watching all of memory for changes. */
export function callPlainWatched(access: ReactorAccess, fn: ExportedFunction, args: WasmValue[]): MemoryCallResult {
  const { memory } = access;
  if (!memory) return refuse("The module has no memory to watch.");
  const before = memory.buffer.byteLength;
  const watching = writeAndWatch(access, memory, [], "all");
  const invoked = access.invoke(
    fn.name,
    args.map((a) => a.value),
  );
  const ending: CallEnding = invoked.ok ? { status: "returned", results: resultValues(fn.type.results, invoked.raw) } : invoked.ending;
  const changed = watching.changed();
  const report: MemoryReport = {
    written: [],
    writtenBytes: [],
    results: [],
    watched: [{ offset: 0, size: memory.buffer.byteLength }],
    changed,
    isWholeMemoryWatched: true,
    allocations: [],
    warnings: memory.buffer.byteLength > before ? [`Memory grew from ${before} to ${memory.buffer.byteLength} bytes during the call.`] : [],
    memoryBytesBefore: before,
    changedGroups: groupChanged(access, changed, []),
  };
  return { ending, args, memory: report };
}

/** A call by the tagged convention (docs/tagged-convention.md, "Calling"). */
export function callTagged(
  access: ReactorAccess,
  fn: ExportedFunction,
  args: TaggedArg[],
  options: TaggedOptions,
  watchAllMemory: boolean,
): MemoryCallResult {
  const { memory, module } = access;
  if (fn.type.params.length > 0) {
    return refuse(
      `The tagged convention calls an export with no parameters, but ${fn.name} takes ${fn.type.params.length}. Choose plain numbers or the module allocator for it.`,
    );
  }
  const results = fn.type.results;
  if (!(results.length === 0 || (results.length === 1 && results[0] === "i32"))) {
    return refuse(
      `Under the tagged convention an export returns an i32 error code (or nothing), but ${fn.name} returns (${results.join(", ")}).`,
    );
  }
  if (!memory) return refuse("The module has no memory, so tagged arguments have nowhere to go.");
  const encoded = encodeTagged(args, options);
  if (!encoded.ok) return refuse(`${encoded.error.message} Nothing was written.`);
  const { bytes, regions, startOffset } = encoded;
  const memoryBytesBefore = memory.buffer.byteLength;
  const room = makeRoom(
    memory,
    startOffset + bytes.length,
    module,
    `The tagged arguments (${plural(bytes.length, "byte")} at ${formatOffset(startOffset)})`,
  );
  if (room.error) return refuse(room.error);
  const warnings = findOverlaps(regions, memoryFacts(access)).map((w) => w.message);
  if (room.grewBy) warnings.push(`Memory grew by ${room.grewBy} page(s) to make room for the arguments.`);

  const areas = watchAllMemory
    ? [{ offset: 0, size: memory.buffer.byteLength }]
    : [{ offset: startOffset, size: Math.min(Math.max(2 * bytes.length, taggedWatchBytes), memory.buffer.byteLength - startOffset) }];
  const writtenBytes = [{ offset: startOffset, bytes }];
  const changes = writeAndWatch(access, memory, writtenBytes, watchAllMemory ? "all" : areas);
  const invoked = access.invoke(fn.name, []);
  const changed = changes.changed();
  // The results overwrite the arguments from the start offset and may run past them; what the
  // export wrote there is the call's answer, not a side effect.
  const extent = invoked.ok ? taggedExtent(new Uint8Array(memory.buffer), options) : 0;
  const spans = [{ offset: startOffset, size: Math.max(bytes.length, extent - startOffset) }];
  const changedGroups = groupChanged(access, changed, spans);
  const report: MemoryReport = {
    written: regions,
    writtenBytes,
    results: [],
    watched: areas,
    changed,
    isWholeMemoryWatched: watchAllMemory,
    allocations: [],
    warnings,
    memoryBytesBefore,
    changedGroups,
  };
  if (!invoked.ok) return { ending: invoked.ending, args: [], memory: report };

  // The results are decoded where they are needed (see callAnswer.ts): the page reads them from
  // the bytes the answer carries, and `Reactor.call` from memory.
  const code = results.length === 1 ? Number(invoked.raw) | 0 : undefined;
  return { ending: { status: "returned", results: code === undefined ? [] : [{ type: "i32", value: code }] }, args: [], memory: report };
}

/** A call whose strings and arrays are copied into memory from the module's own allocator. */
export function callWithAllocator(
  access: ReactorAccess,
  fn: ExportedFunction,
  plan: CallPlan,
  values: SlotValue[],
  keepAllocations: boolean,
  watchAllMemory: boolean,
): MemoryCallResult {
  const { memory, module } = access;
  const planProblem = checkPlan(plan, fn);
  if (planProblem) return refuse(planProblem);
  if (!memory) return refuse("The module has no memory, so strings and arrays have nowhere to go.");
  const planned = planAllocations(plan, values);
  if (!planned.ok) return refuse(planned.reason);
  const { allocator } = detectAllocator(module);
  if (planned.allocations.length > 0 && !allocator) {
    return refuse(
      "The module exports no allocator (malloc/free, alloc/dealloc, cabi_realloc or __wbindgen_malloc), so the explorer cannot place strings or arrays in its memory.",
    );
  }
  const memoryBytesBefore = memory.buffer.byteLength;
  const allocations: Allocation[] = [];
  const pointers: number[] = [];
  const release = (requests: readonly AllocationRequest[]): string[] => {
    const problems: string[] = [];
    if (!allocator?.free)
      return allocations.length
        ? [`${allocator?.alloc.exportName ?? "The allocator"} has no matching free, so the argument memory stays allocated.`]
        : [];
    requests.forEach((request, i) => {
      const allocation = allocations[i];
      if (!allocation || allocation.isFreed) return;
      const args = freeCallArgs(allocator, allocation.pointer, request.size, request.align);
      const freed = args
        ? access.invoke(allocator.free!.exportName, args)
        : { ok: false as const, ending: { status: "refused" as const, message: "no free" } };
      if (freed.ok) allocation.isFreed = true;
      else problems.push(`Freeing ${allocation.label} at ${formatOffset(allocation.pointer)} failed.`);
    });
    return problems;
  };

  for (const request of planned.allocations) {
    const got = access.invoke(allocator!.alloc.exportName, allocCallArgs(allocator!, request.size, request.align));
    if (!got.ok) {
      release(planned.allocations);
      const ending =
        got.ending.status === "trapped"
          ? {
              ...got.ending,
              trap: {
                ...got.ending.trap,
                description: `The allocator ${allocator!.alloc.exportName} trapped: ${got.ending.trap.description}`,
              },
            }
          : got.ending;
      return { ending, args: [] };
    }
    const pointer = Number(got.raw) >>> 0;
    if (pointer === 0) {
      release(planned.allocations);
      return refuse(
        `${allocator!.alloc.exportName}(${request.size}) returned a null pointer: the module is out of memory. Nothing was written.`,
      );
    }
    pointers.push(pointer);
    allocations.push({ pointer, size: request.size, label: request.label, isFreed: false });
  }
  // The allocator may have grown memory, which detaches old views: take a fresh one.
  const finished = finishArguments(plan, values, planned.allocations, pointers, memory.buffer.byteLength);
  if (!finished.ok) {
    release(planned.allocations);
    return refuse(finished.reason);
  }
  const warnings = finished.warnings.map((w) => w.message);
  // A result that points into memory may point anywhere the export wrote, so then all of memory
  // is compared: otherwise the bytes it returned would show as unchanged.
  const isWholeMemory = watchAllMemory || plan.result.kind !== "plain";
  const areas = isWholeMemory
    ? [{ offset: 0, size: memory.buffer.byteLength }]
    : allocations.map((a) => ({ offset: a.pointer, size: a.size }));
  const writtenBytes = planned.allocations.map((request, i) => ({ offset: pointers[i] as number, bytes: request.bytes }));
  const changes = writeAndWatch(access, memory, writtenBytes, isWholeMemory ? "all" : areas);
  const args = asWasmValues(fn.type.params, finished.args);
  const invoked = access.invoke(fn.name, finished.args);
  const report: MemoryReport = {
    written: finished.regions,
    writtenBytes,
    results: [],
    watched: areas,
    changed: changes.changed(),
    isWholeMemoryWatched: isWholeMemory,
    allocations,
    warnings,
    memoryBytesBefore,
  };
  let ending: CallEnding;
  if (invoked.ok) {
    const read = interpretResult(plan, invoked.raw, new Uint8Array(memory.buffer));
    ending = { status: "returned", results: read.ok ? read.values : resultValues(fn.type.results, invoked.raw) };
    if (plan.result.kind !== "plain") {
      report.decoded = read.ok
        ? { convention: "allocator", text: read.text }
        : { convention: "allocator", error: { message: read.message, offset: read.offset } };
    }
    if (read.ok) {
      report.results = read.regions;
      report.warnings.push(...read.warnings);
      // What the export returned was allocated by the module: its owner frees it, not the explorer.
      if (read.regions.length && plan.result.kind !== "plain")
        report.warnings.push("The returned memory belongs to the module; the explorer does not free it.");
    }
  } else {
    ending = invoked.ending;
  }
  // Results that point into memory are the call's answer, as the allocations are its arguments.
  const spans = [...allocations.map((a) => ({ offset: a.pointer, size: a.size })), ...report.results];
  report.changedGroups = groupChanged(access, report.changed, spans);
  if (!keepAllocations) report.warnings.push(...release(planned.allocations));
  return { ending, args, memory: report };
}
