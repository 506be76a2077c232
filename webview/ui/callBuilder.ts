/**
 * Turns what the user typed for an export, under its chosen convention, into the call the worker
 * makes, or into reasons per field; and previews the layout before anything is written.
 * Pure, so the unit tests run it under Node; it does not render.
 */
import {
  DEFAULT_CSTRING_MAX_BYTES,
  changeSlot,
  parseSlotArgument,
  plainPlan,
  planAllocations,
  type CallPlan,
  type ResultReading,
  type SlotValue,
} from "../../src/core/abi/allocator";
import { proposeConvention, type ConventionProposal } from "../../src/core/abi/convention";
import { parseScalar, type Parsed } from "../../src/core/abi/numbers";
import {
  DEFAULT_TAGGED_OPTIONS,
  encodeTagged,
  parseTaggedArg,
  type TaggedArg,
  type TaggedOptions,
  type TaggedType,
} from "../../src/core/abi/tagged";
import type { Region } from "../../src/core/layout";
import type { ConventionCall } from "../../src/core/protocol";
import type { ExportedFunction, ModuleInfo } from "../../src/core/wasm/types";

/** One row of a tagged argument list. */
export interface TaggedRow {
  type: TaggedType;
  text: string;
}

/** How the user chose to call one export. */
export type ExportChoice =
  | { convention: "plain" }
  | { convention: "tagged"; rows: TaggedRow[]; options: TaggedOptions }
  | { convention: "allocator"; plan: CallPlan; keepAllocations: boolean };

/** The conventions offered, with the names the selector shows. */
export const conventionLabels: Record<ExportChoice["convention"], string> = {
  plain: "Plain wasm numbers",
  tagged: "Tagged arguments in memory (Runno PR #335)",
  allocator: "Module allocator: pointer + length, C strings",
};

/**
 * The choice a fresh export starts with. A proposed allocator convention applies at once: it only
 * uses memory the module's own allocator hands out. The tagged convention is suggested, not
 * applied: it writes at a fixed address the module never agreed to, and many `() -> i32` exports
 * (a counter's `get`) simply return a number.
 */
export function proposedChoice(proposal: ConventionProposal): ExportChoice {
  switch (proposal.convention) {
    case "tagged":
      return { convention: "plain" };
    case "allocator":
    case "cstring":
      return { convention: "allocator", plan: proposal.plan, keepAllocations: false };
    case "plain":
      // A plan that reads its result from memory (a returned C string) needs the allocator form.
      return proposal.plan.result.kind === "plain"
        ? { convention: "plain" }
        : { convention: "allocator", plan: proposal.plan, keepAllocations: false };
  }
}

/** The choice for a convention the user switched to. */
export function choiceFor(convention: ExportChoice["convention"], fn: ExportedFunction, module: ModuleInfo): ExportChoice {
  if (convention === "tagged") return { convention, rows: [{ type: "Int32", text: "" }], options: { ...DEFAULT_TAGGED_OPTIONS } };
  if (convention === "allocator") {
    const proposal = proposeConvention(fn, module);
    return {
      convention,
      plan: proposal.convention === "allocator" || proposal.convention === "cstring" ? proposal.plan : plainPlan(fn),
      keepAllocations: false,
    };
  }
  return { convention };
}

/** A field's problem: which field (by index in the form) and why. */
export interface FieldProblem {
  index: number;
  reason: string;
}

/** The call to make, with the texts as typed (for history and the host), or the problems. */
export type BuiltCall = { ok: true; call: ConventionCall; argTexts: string[] } | { ok: false; problems: FieldProblem[] };

/** Parses every field of `choice`; one result per field, in form order. */
export function parseFields(fn: ExportedFunction, choice: ExportChoice, texts: string[]): Parsed<unknown>[] {
  switch (choice.convention) {
    case "plain":
      return fn.type.params.map((type, i) =>
        type === "i32" || type === "i64" || type === "f32" || type === "f64"
          ? parseScalar(type, texts[i] ?? "")
          : { ok: false, reason: `Parameters of type ${type} cannot be entered.` },
      );
    case "allocator":
      return choice.plan.slots.map((slot, i) => parseSlotArgument(slot, texts[i] ?? ""));
    case "tagged":
      return choice.rows.map((row) => parseTaggedArg(row.type, row.text));
  }
}

/** The texts of the form's fields, in order. */
export function fieldTexts(choice: ExportChoice, texts: string[], count: number): string[] {
  return choice.convention === "tagged" ? choice.rows.map((r) => r.text) : Array.from({ length: count }, (_, i) => texts[i] ?? "");
}

/** How many fields the form has. */
export function fieldCount(fn: ExportedFunction, choice: ExportChoice): number {
  return choice.convention === "plain"
    ? fn.type.params.length
    : choice.convention === "allocator"
      ? choice.plan.slots.length
      : choice.rows.length;
}

/** Builds the call, or says what is wrong with which field. */
export function buildCall(fn: ExportedFunction, choice: ExportChoice, texts: string[]): BuiltCall {
  const parsed = parseFields(fn, choice, texts);
  const problems = parsed.flatMap((p, index) => (p.ok ? [] : [{ index, reason: p.reason }]));
  if (problems.length) return { ok: false, problems };
  const argTexts = fieldTexts(choice, texts, parsed.length);
  const values = parsed.map((p) => (p as { value: unknown }).value);
  switch (choice.convention) {
    case "plain":
      return { ok: true, call: { convention: "plain", args: values as never }, argTexts };
    case "allocator":
      return {
        ok: true,
        call: { convention: "allocator", plan: choice.plan, values: values as SlotValue[], keepAllocations: choice.keepAllocations },
        argTexts,
      };
    case "tagged":
      return { ok: true, call: { convention: "tagged", args: values as TaggedArg[], options: choice.options }, argTexts };
  }
}

/** A row of the layout preview: where an argument will go before anything is written. */
export interface PreviewRow {
  /** An absolute address (tagged) or an offset within an allocation the allocator will choose. */
  where: string;
  size: number;
  label: string;
  value?: string;
}

/** The layout a call would write, or why it cannot be shown yet. */
export function previewLayout(
  fn: ExportedFunction,
  choice: ExportChoice,
  texts: string[],
): { ok: true; rows: PreviewRow[]; regions: Region[] } | { ok: false; reason: string } {
  const built = buildCall(fn, choice, texts);
  if (!built.ok) return { ok: false, reason: "Fill in every argument to see where it will be written." };
  const call = built.call;
  if (call.convention === "tagged") {
    const encoded = encodeTagged(call.args, call.options);
    if (!encoded.ok) return { ok: false, reason: encoded.error.message };
    return {
      ok: true,
      regions: encoded.regions,
      rows: encoded.regions.map((r) => ({
        where: `0x${r.offset.toString(16).padStart(4, "0")}`,
        size: r.size,
        label: r.label,
        value: r.value,
      })),
    };
  }
  if (call.convention === "allocator") {
    const planned = planAllocations(call.plan, call.values);
    if (!planned.ok) return { ok: false, reason: planned.reason };
    const rows = planned.allocations.flatMap((a, n) => [
      { where: `block ${n + 1}`, size: a.size, label: `${a.label}: ${a.size} byte(s) from the allocator, aligned to ${a.align}` },
      ...a.regions.map((r) => ({ where: `block ${n + 1} + ${r.offset}`, size: r.size, label: r.label, value: r.value })),
    ]);
    return { ok: true, rows, regions: [] };
  }
  return { ok: true, rows: [], regions: [] };
}

/** Applies a slot change to an allocator choice; the reason when the change is not possible. */
export function withSlot(
  choice: ExportChoice,
  slotIndex: number,
  kind: string,
): { ok: true; choice: ExportChoice } | { ok: false; reason: string } {
  if (choice.convention !== "allocator") return { ok: false, reason: "Only the allocator convention has slots." };
  const [head, holds] = kind.split(":");
  const edit = changeSlot(
    choice.plan,
    slotIndex,
    head === "pointerLength"
      ? { kind: "pointerLength", holds: holds as never }
      : head === "cstring"
        ? { kind: "cstring" }
        : { kind: "scalar" },
  );
  return edit.ok ? { ok: true, choice: { ...choice, plan: edit.plan } } : { ok: false, reason: edit.reason };
}

/** The ways an allocator call's result can be read, as `[kind, label]`: numbers always, text when the results fit. */
export function resultReadings(fn: ExportedFunction): [ResultReading["kind"], string][] {
  const readings: [ResultReading["kind"], string][] = [["plain", "as numbers"]];
  const results = fn.type.results;
  if (results.length === 1 && results[0] === "i32") readings.push(["cstring", "as a pointer to a C string"]);
  if (results.length === 2 && results.every((t) => t === "i32")) readings.push(["pointerLength", "as pointer + length of a UTF-8 string"]);
  return readings;
}

/** Applies a result reading to an allocator choice; the reason when `fn`'s results cannot be read that way. */
export function withResultReading(
  choice: ExportChoice,
  fn: ExportedFunction,
  kind: string,
): { ok: true; choice: ExportChoice } | { ok: false; reason: string } {
  if (choice.convention !== "allocator") return { ok: false, reason: "Only the allocator convention reads results from memory." };
  if (!resultReadings(fn).some(([offered]) => offered === kind))
    return {
      ok: false,
      reason: `${fn.name}'s results cannot be read ${kind === "cstring" ? "as a C string" : kind === "pointerLength" ? "as pointer + length" : `as "${kind}"`}.`,
    };
  const result: ResultReading =
    kind === "cstring"
      ? { kind: "cstring", maxBytes: DEFAULT_CSTRING_MAX_BYTES }
      : kind === "pointerLength"
        ? { kind: "pointerLength", holds: "string", lengthUnit: "bytes" }
        : { kind: "plain" };
  return { ok: true, choice: { ...choice, plan: { ...choice.plan, result } } };
}
