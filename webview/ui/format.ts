/**
 * Text for what the page shows: signatures, sizes, kinds and values. Pure, so the unit tests
 * and the host-bound summaries use the very same wording.
 */
import { formatValue, type WasmValue } from "../../src/core/abi/numbers";
import type { CallOutcome } from "../../src/core/protocol";
import { wasmPageBytes, type BinaryKind, type ExportedFunction, type FuncType, type Limits } from "../../src/core/wasm/types";
import { byteSizeText, plural } from "../../src/core/wording";

/** `(a: i32, b: i64) → f64`, `() → (i32, i32)`, `(x: f32)`. */
export function signatureText(fn: Pick<ExportedFunction, "paramNames" | "type">): string {
  const params = fn.type.params.map((type, i) => `${fn.paramNames[i] ?? `p${i}`}: ${type}`).join(", ");
  return `(${params})${resultsText(fn.type)}`;
}

function resultsText(type: FuncType): string {
  if (type.results.length === 0) return "";
  return type.results.length === 1 ? ` → ${type.results[0]}` : ` → (${type.results.join(", ")})`;
}

/** Memory limits in pages and bytes: `1 page (64 KiB) – max 4 pages (256 KiB)`. */
export function limitsText(limits: Limits): string {
  const pages = (n: number) => `${plural(n, "page")} (${byteSizeText(n * wasmPageBytes)})`;
  const max = limits.max === undefined ? "no maximum" : `max ${pages(limits.max)}`;
  const flags = [limits.isShared ? "shared" : "", limits.is64 ? "64-bit" : ""].filter(Boolean).join(", ");
  return `${pages(limits.min)} – ${max}${flags ? ` (${flags})` : ""}`;
}

/** What each kind of binary is, in a sentence. */
export const kindDescriptions: Record<BinaryKind, string> = {
  reactor: "WASI reactor: `_initialize` runs once, then exports can be called.",
  command: "WASI command: it exports `_start` and is meant to run once as a program.",
  ambiguous: "Exports both `_start` and `_initialize`.",
  module: "Core module without a WASI entry point: exports can be called directly.",
};

/** A value in every base a user may want, as one line: `-1 (unsigned 4294967295, 0xffffffff)`. */
export function valueText(value: WasmValue): string {
  const f = formatValue(value);
  const extras = [
    f.unsigned !== undefined && f.unsigned !== f.decimal ? `unsigned ${f.unsigned}` : "",
    f.hex ?? "",
    f.bits ? `bits ${f.bits}` : "",
  ].filter(Boolean);
  return extras.length ? `${f.decimal} (${extras.join(", ")})` : f.decimal;
}

/** A duration with sensible precision. */
export function durationText(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** One line for a call, as the history lists it. */
export function recordSummary(
  record:
    | { status: "done"; outcome: CallOutcome; argTexts: string[] }
    | { status: "failed"; exportName: string; argTexts: string[]; message: string },
): string {
  const name = record.status === "done" ? record.outcome.exportName : record.exportName;
  const call = `${name}(${record.argTexts.join(", ")})`;
  if (record.status === "failed") return `${call} — ${record.message}`;
  const { outcome } = record;
  switch (outcome.status) {
    case "returned":
      return `${call} → ${outcome.results.map((r) => formatValue(r).decimal).join(", ") || "returned"}`;
    case "trapped":
      return `${call} — trap: ${outcome.trap.description}`;
    case "exited":
      return `${call} — exited with code ${outcome.exitCode}`;
    case "refused":
      return `${call} — refused: ${outcome.message}`;
  }
}
