/**
 * How a call's outcome crosses from the worker to the page. Structured clone costs about half a
 * microsecond per object on each side, and a memory map is mostly small objects, so the worker
 * sends only what the page cannot derive from the request it sent and the module it loaded:
 * changed ranges as one array of numbers, exported globals as their values alone (two globals as
 * objects took 3.0 µs to clone, as numbers 1.2), and for a tagged call, bytes instead of the
 * labelled regions the page computes itself (the arguments from the call it sent, the results
 * from the few bytes they occupy) with the same functions. For the worked example the regions
 * alone took the clone of the whole answer from 58 µs to 10 (measured with `structuredClone` in
 * Chromium). This is the codec: the packed types (`CallAnswer`, `PackedReport`) are in protocol.ts.
 */
import { decodeTagged, describeTaggedCode, encodeTagged, taggedExtent, type TaggedOptions } from "./abi/tagged";
import type { ByteRange, Region } from "./layout";
import type { WasmValue } from "./abi/numbers";
import type {
  CallAnswer,
  CallEnding,
  CallOutcome,
  ConventionCall,
  DecodedResult,
  GlobalNumber,
  GlobalValue,
  MemoryReport,
  PackedReport,
} from "./protocol";
import type { ExportedGlobal } from "./wasm/types";

/** What reading a tagged call's results gives: the meaning of the code, the values and their regions. */
export interface TaggedResults {
  decoded: Extract<DecodedResult, { convention: "tagged" }>;
  regions: Region[];
  warnings: string[];
}

/**
 * Reads a tagged call's results after the export returned `code`. `memory` is all of memory, or a
 * window of it at `baseOffset` that holds every byte an earlier read of all of memory used.
 */
export function readTaggedResults(
  code: number | undefined,
  memory: Uint8Array,
  options: TaggedOptions,
  window?: { baseOffset: number; memoryEnd: number },
): TaggedResults {
  const { isSuccess, meaning } = describeTaggedCode(code);
  const decoded: TaggedResults["decoded"] = { convention: "tagged", code, isSuccess, meaning, values: [] };
  if (!isSuccess) return { decoded, regions: [], warnings: [] };
  // Reading stops at the terminator, an unknown tag or the end of memory: never a hang.
  const { startOffset, tagWidth, padStringsTo4 } = options;
  const read = decodeTagged(memory, {
    startOffset,
    tagWidth,
    padStringsTo4,
    role: "results",
    baseOffset: window?.baseOffset,
    memoryEnd: window?.memoryEnd,
  });
  decoded.values = read.values;
  if (!read.ok) decoded.error = read.error;
  return { decoded, regions: read.regions, warnings: read.warnings.map((w) => w.message) };
}

/** Adds what a tagged export returned to its memory map: the code's meaning, the values, their regions and the warnings of reading them. */
export function addTaggedResults(
  report: MemoryReport,
  code: number | undefined,
  memory: Uint8Array,
  options: TaggedOptions,
  window?: { baseOffset: number; memoryEnd: number },
): void {
  const read = readTaggedResults(code, memory, options, window);
  report.decoded = read.decoded;
  report.results = read.regions;
  report.warnings.push(...read.warnings);
}

/** A tagged export's i32 code, from its call's ending (undefined for an export that returns nothing). */
export function returnedCode(ending: Extract<CallEnding, { status: "returned" }>): number | undefined {
  return ending.results[0]?.value as number | undefined;
}

function packRanges(ranges: readonly ByteRange[]): number[] {
  const flat = new Array<number>(ranges.length * 2);
  for (let i = 0; i < ranges.length; i++) {
    flat[2 * i] = ranges[i]!.offset;
    flat[2 * i + 1] = ranges[i]!.size;
  }
  return flat;
}

function unpackRanges(flat: readonly number[]): ByteRange[] {
  const ranges = new Array<ByteRange>(flat.length / 2);
  for (let i = 0; i < ranges.length; i++) ranges[i] = { offset: flat[2 * i]!, size: flat[2 * i + 1]! };
  return ranges;
}

/**
 * Packs a memory map for the page. For a tagged call, `tagged` holds how it ended, the live memory
 * and the call's options: when the export returned a success code, the bytes its results occupy go
 * along, found with `taggedExtent` rather than decoded, since the page decodes them.
 */
export function packReport(
  report: MemoryReport,
  tagged?: { ending: CallEnding; memory: Uint8Array; options: TaggedOptions },
): PackedReport {
  const changed = packRanges(report.changed);
  if (!tagged) return { ...report, packing: "ranges", changed };
  // Written out field by field: object rest takes a slow path in V8, and this runs on every call.
  const { watched, isWholeMemoryWatched, warnings, memoryBytesBefore, changedGroups } = report;
  const packed: PackedReport = { packing: "tagged", watched, changed, isWholeMemoryWatched, warnings, memoryBytesBefore };
  if (changedGroups) packed.changedGroups = changedGroups;
  const { ending, memory, options } = tagged;
  if (ending.status === "returned" && describeTaggedCode(returnedCode(ending)).isSuccess) {
    packed.readBack = memory.slice(report.writtenBytes[0]?.offset ?? 0, taggedExtent(memory, options));
  }
  return packed;
}

/**
 * Rebuilds the memory map the worker packed; a tagged one from the call the page sent, how it
 * ended, and the size of memory after it.
 */
export function unpackReport(packed: PackedReport, call: ConventionCall, ending: CallEnding, memoryBytes: number): MemoryReport {
  const changed = unpackRanges(packed.changed);
  if (packed.packing === "ranges") {
    const { packing: _packing, ...report } = packed;
    return { ...report, changed };
  }
  if (call.convention !== "tagged") throw new TypeError("The worker packed a tagged memory map for a call that is not tagged.");
  const { args, options } = call;
  const { watched, isWholeMemoryWatched, memoryBytesBefore } = packed;
  // The worker encoded the same arguments with the same function before it wrote them.
  const encoded = encodeTagged(args, options);
  const startOffset = encoded.ok ? encoded.startOffset : 0;
  const report: MemoryReport = {
    written: encoded.ok ? encoded.regions : [],
    writtenBytes: encoded.ok ? [{ offset: startOffset, bytes: encoded.bytes }] : [],
    results: [],
    watched,
    changed,
    isWholeMemoryWatched,
    allocations: [],
    warnings: [...packed.warnings],
    memoryBytesBefore,
  };
  if (packed.changedGroups) report.changedGroups = packed.changedGroups;
  if (ending.status === "returned") {
    addTaggedResults(report, returnedCode(ending), packed.readBack ?? new Uint8Array(0), options, {
      baseOffset: startOffset,
      memoryEnd: memoryBytes,
    });
  }
  return report;
}

/** The exported globals' values with the names and types of the module's declarations. */
export function unpackGlobals(numbers: readonly GlobalNumber[], declared: readonly ExportedGlobal[]): GlobalValue[] {
  if (numbers.length !== declared.length)
    throw new TypeError(`The worker sent ${numbers.length} global value(s) for a module that exports ${declared.length}.`);
  return declared.map(({ name, valType }, i) => {
    const value = numbers[i];
    return { name, value: value === undefined ? undefined : ({ type: valType, value } as WasmValue) };
  });
}

/**
 * The outcome as the worker computed it, from its answer, the request the page sent and the
 * module's exported globals. A new object rather than the answer changed in place: in Chromium,
 * objects hung from a received message survive minor collections (the MessageEvent still holds
 * its data), and unpacked in place a tagged call took 67 µs of CPU on one core against 54, the
 * difference mostly in GC threads.
 */
export function unpackCallAnswer(
  answer: CallAnswer,
  sent: { exportName: string; call: ConventionCall },
  globals: readonly ExportedGlobal[],
): CallOutcome {
  const { memory } = answer;
  return {
    ...answer,
    exportName: sent.exportName,
    memory: memory && unpackReport(memory, sent.call, answer, answer.memoryBytes),
    globals: unpackGlobals(answer.globals, globals),
  };
}
