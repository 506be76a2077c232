/**
 * How a call's outcome crosses from the worker to the page. Structured clone costs about half a
 * microsecond per object on each side, and a memory map is mostly small objects, so the worker
 * packs it: changed ranges as one array of numbers, and for a tagged call, bytes instead of the
 * labelled regions the page can compute itself (the arguments from the call it sent, the results
 * from the few bytes they occupy) with the same functions. For the worked example this took the
 * clone of the whole answer from 58 µs to 10, and of its memory map from 48 µs to 7 (measured with
 * `structuredClone` in Chromium).
 */
import { decodeTagged, describeTaggedCode, encodeTagged, type TaggedOptions } from "./abi/tagged";
import type { ByteRange, Region } from "./layout";
import type { CallDetails, CallEnding, CallOutcome, ConventionCall, DecodedResult, MemoryReport, MemoryWindow } from "./protocol";

/** The parts of a memory map a tagged call's page derives. */
type DerivedParts = "written" | "writtenBytes" | "results" | "decoded";

/** A memory map as the worker sends it. `changed` holds each range as two numbers, offset and size. */
export type PackedReport =
  | (Omit<MemoryReport, "changed"> & { packing: "ranges"; changed: Float64Array })
  | (Omit<MemoryReport, "changed" | DerivedParts> & {
      packing: "tagged";
      changed: Float64Array;
      /** Set when the export returned: its i32 code, and the bytes its results were read from. */
      returned?: { code: number | undefined; readBack?: MemoryWindow };
    });

/** A call's outcome as the worker sends it. */
export type CallAnswer = CallEnding & CallDetails<PackedReport>;

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

function packRanges(ranges: readonly ByteRange[]): Float64Array {
  const flat = new Float64Array(ranges.length * 2);
  ranges.forEach(({ offset, size }, i) => {
    flat[2 * i] = offset;
    flat[2 * i + 1] = size;
  });
  return flat;
}

function unpackRanges(flat: Float64Array): ByteRange[] {
  const ranges: ByteRange[] = new Array<ByteRange>(flat.length / 2);
  for (let i = 0; i < ranges.length; i++) ranges[i] = { offset: flat[2 * i]!, size: flat[2 * i + 1]! };
  return ranges;
}

/**
 * Packs a memory map for the page. For a tagged call, `tagged` holds the results the worker read
 * and the live memory it read them from; the warnings reading gave are left for the page to add.
 */
export function packReport(report: MemoryReport, tagged?: { results: TaggedResults | undefined; memory: Uint8Array }): PackedReport {
  const changed = packRanges(report.changed);
  if (!tagged) return { ...report, packing: "ranges", changed };
  // Written out field by field: object rest takes a slow path in V8, and this runs on every call.
  const { results, memory } = tagged;
  const warnings = results ? report.warnings.slice(0, report.warnings.length - results.warnings.length) : report.warnings;
  const { watched, isWholeMemoryWatched, allocations, memoryBytesBefore } = report;
  const packed: PackedReport = { packing: "tagged", watched, changed, isWholeMemoryWatched, allocations, warnings, memoryBytesBefore };
  if (results) {
    const start = report.writtenBytes[0]?.offset ?? 0;
    // Sent whenever results were read, even empty: the page checks bounds against `memoryBytes`.
    const readBack = results.decoded.isSuccess ? { offset: start, bytes: memory.slice(start, results.readEnd), memoryBytes: memory.length } : undefined;
    packed.returned = { code: results.decoded.code, readBack };
  }
  return packed;
}

/** Rebuilds the memory map the worker packed; a tagged one from the call the page sent. */
export function unpackReport(packed: PackedReport, call: ConventionCall): MemoryReport {
  const changed = unpackRanges(packed.changed);
  if (packed.packing === "ranges") {
    const { packing: _packing, ...report } = packed;
    return { ...report, changed };
  }
  if (call.convention !== "tagged") throw new TypeError("The worker packed a tagged memory map for a call that is not tagged.");
  const { args, options } = call;
  const { watched, isWholeMemoryWatched, allocations, memoryBytesBefore, returned } = packed;
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

/**
 * The outcome as the worker computed it, from its answer and the call the page sent. A new object
 * rather than the answer changed in place: in Chromium, objects hung from a received message
 * survive minor collections (the MessageEvent still holds its data), and unpacked in place a
 * tagged call took 67 µs of CPU on one core against 54, the difference mostly in GC threads.
 */
export function unpackCallAnswer(answer: CallAnswer, call: ConventionCall): CallOutcome {
  const { memory } = answer;
  return memory ? { ...answer, memory: unpackReport(memory, call) } : (answer as CallOutcome);
}
