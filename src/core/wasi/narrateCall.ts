/**
 * One line of words for one decoded WASI call, for the trace and for screen readers:
 * `fd_write(1, 1 iovec at 0x10) read 5 bytes at 0x40 "tick\n", wrote 5 to 0x18`.
 * It reads only the `WasiCall` record; decoding is `decodeWasiCall`'s job.
 */

import { hex } from "./bytesText";
import { previewData, type WasiCall, type WasiData } from "./decodeCall";

/** How long previews get. */
export interface NarrateOptions {
  /** Characters of a data preview at most (default 40). */
  maxPreviewChars?: number;
}

/**
 * Narrates a call: the function with its arguments by meaning (out pointers left out, they
 * appear with what was written), then the bytes it read, the bytes and values it wrote, and the
 * errno when it failed; the first problem, if any, closes the line.
 */
export function narrateWasiCall(call: WasiCall, options: NarrateOptions = {}): string {
  const head = `${call.name}(${call.args
    .filter((a) => a.isOut !== true)
    .map((a) => a.short)
    .join(", ")})`;
  const parts: string[] = [];
  for (const d of call.data) if (d.direction === "input") parts.push(`read ${describeData(d, options)}`);
  for (const d of call.data) if (d.direction === "output") parts.push(`wrote ${describeData(d, options)}`);
  for (const r of call.results) parts.push(`wrote ${r.short} to ${hex(r.offset)}`);
  if (call.errno && call.errno.code !== 0) parts.push(`failed: ${call.errno.name} (${call.errno.meaning})`);
  if (call.name === "proc_exit") parts.push("exits, does not return");
  if (parts.length === 0 && call.errno?.code === 0) parts.push("succeeded");
  let line = parts.length > 0 ? `${head} ${parts.join(", ")}` : head;
  if (call.problems.length > 0)
    line += ` — ${call.problems[0]}${call.problems.length > 1 ? ` (and ${call.problems.length - 1} more)` : ""}`;
  return line;
}

function describeData(d: WasiData, options: NarrateOptions): string {
  const bytes = `${d.totalSize} ${d.totalSize === 1 ? "byte" : "bytes"}`;
  const shown = d.segments.slice(0, 3).map((s) => hex(s.offset));
  const where =
    d.segments.length === 1
      ? `at ${shown[0] ?? ""}`
      : `in ${d.segments.length} buffers at ${shown.join(", ")}${d.segments.length > 3 ? ", …" : ""}`;
  return `${bytes} ${where} ${previewData(d, options.maxPreviewChars)}`;
}
