/**
 * How a call's outcome crosses from the worker to the page. A tagged call's memory map is mostly
 * labelled regions that the page can compute itself: the arguments from the call it sent, the
 * results from the few bytes they occupy. Cloning those objects cost more than the rest of the
 * call (about 48 µs of 58 for the worked example, measured with `structuredClone`), so the worker
 * sends the bytes and the page derives the same map with the same functions.
 */
import { decodeTagged, describeTaggedCode, encodeTagged, type TaggedArg, type TaggedOptions } from "./abi/tagged";
import type { Region } from "./layout";
import type { CallDetails, CallEnding, CallOutcome, ConventionCall, DecodedResult, MemoryReport, MemoryWindow } from "./protocol";

/** A tagged call's memory map without what the page derives (`written`, `writtenBytes`, `results`, `decoded`). */
export interface PackedTaggedReport extends Omit<MemoryReport, "written" | "writtenBytes" | "results" | "decoded"> {
  packing: "tagged";
  /** Set when the export returned: its i32 code, and the bytes its results were read from. */
  returned?: { code: number | undefined; readBack?: MemoryWindow };
}

/** A call's outcome as the worker sends it. */
export type CallAnswer = CallEnding & CallDetails<MemoryReport | PackedTaggedReport>;

/** What reading a tagged call's results gives: the meaning of the code, the values and their regions. */
export interface TaggedResults {
  decoded: Extract<DecodedResult, { convention: "tagged" }>;
  regions: Region[];
  warnings: string[];
  /** The end of the bytes read: a window from the start offset to here reads the same again. */
  readEnd: number;
}

/**
 * Reads a tagged call's results after the export returned `code`. `memory` is all of memory, or a
 * window of it at `baseOffset` that holds every byte an earlier read of all of memory used.
 */
export function readTaggedResults(code: number | undefined, memory: Uint8Array, options: TaggedOptions, window?: { baseOffset: number; memoryEnd: number }): TaggedResults {
  const { isSuccess, meaning } = describeTaggedCode(code);
  const decoded: TaggedResults["decoded"] = { convention: "tagged", code, isSuccess, meaning, values: [] };
  if (!isSuccess) return { decoded, regions: [], warnings: [], readEnd: options.startOffset };
  // Reading stops at the terminator, an unknown tag or the end of memory: never a hang.
  const { startOffset, tagWidth, padStringsTo4 } = options;
  const read = decodeTagged(memory, { startOffset, tagWidth, padStringsTo4, role: "results", baseOffset: window?.baseOffset, memoryEnd: window?.memoryEnd });
  decoded.values = read.values;
  if (!read.ok) decoded.error = read.error;
  return { decoded, regions: read.regions, warnings: read.warnings.map((w) => w.message), readEnd: read.readEnd };
}

/**
 * Packs a tagged call's memory map for the page. `results` is what the worker read, `memory` the
 * live memory it read them from; the warnings that reading gave are left for the page to add again.
 */
export function packTaggedReport(report: MemoryReport, results: TaggedResults | undefined, memory: Uint8Array): PackedTaggedReport {
  // Written out field by field: object rest takes a slow path in V8, and this runs on every call.
  const warnings = results ? report.warnings.slice(0, report.warnings.length - results.warnings.length) : report.warnings;
  const { watched, changed, isWholeMemoryWatched, allocations, memoryBytesBefore } = report;
  const packed: PackedTaggedReport = { packing: "tagged", watched, changed, isWholeMemoryWatched, allocations, warnings, memoryBytesBefore };
  if (results) {
    const start = report.writtenBytes[0]?.offset ?? 0;
    // Sent whenever results were read, even empty: the page checks bounds against `memoryBytes`.
    const readBack = results.decoded.isSuccess ? { offset: start, bytes: memory.slice(start, results.readEnd), memoryBytes: memory.length } : undefined;
    packed.returned = { code: results.decoded.code, readBack };
  }
  return packed;
}

/** Rebuilds the tagged memory map the worker packed, from the call the page sent. */
export function unpackTaggedReport(packed: PackedTaggedReport, args: TaggedArg[], options: TaggedOptions): MemoryReport {
  const { watched, changed, isWholeMemoryWatched, allocations, memoryBytesBefore, returned } = packed;
  // The worker encoded the same arguments with the same function before it wrote them.
  const encoded = encodeTagged(args, options);
  const report: MemoryReport = {
    written: encoded.ok ? encoded.regions : [],
    writtenBytes: encoded.ok ? [{ offset: encoded.startOffset, bytes: encoded.bytes }] : [],
    results: [],
    watched,
    changed,
    isWholeMemoryWatched,
    allocations,
    warnings: [...packed.warnings],
    memoryBytesBefore,
  };
  if (returned) {
    const { readBack } = returned;
    const read = readTaggedResults(returned.code, readBack?.bytes ?? new Uint8Array(0), options, readBack && { baseOffset: readBack.offset, memoryEnd: readBack.memoryBytes });
    report.decoded = read.decoded;
    report.results = read.regions;
    report.warnings.push(...read.warnings);
  }
  return report;
}

/** The outcome as the worker computed it, from its answer and the call the page sent. */
export function unpackCallAnswer(answer: CallAnswer, call: ConventionCall): CallOutcome {
  const { memory } = answer;
  if (!memory || !("packing" in memory)) return answer as CallOutcome;
  if (call.convention !== "tagged") throw new TypeError("The worker packed a memory map for a call that is not tagged.");
  return { ...answer, memory: unpackTaggedReport(memory, call.args, call.options) };
}
