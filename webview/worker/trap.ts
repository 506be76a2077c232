/**
 * Classifies what an export threw into the traps a user knows from the core spec, so the
 * explorer can say "integer divide by zero" instead of repeating an engine's wording.
 * It does not catch anything itself; the reactor hands it what it caught.
 */
import type { TrapInfo, TrapKind } from "../../src/core/protocol";

/** Thrown by a stub standing in for an import the explorer cannot provide. */
export class MissingImportError extends Error {
  constructor(
    readonly module: string,
    readonly field: string,
  ) {
    super(`The export called the import "${module}.${field}", which the explorer does not provide (it is a stub that traps).`);
    this.name = "MissingImportError";
  }
}

const patterns: [RegExp, TrapKind, string][] = [
  [/unreachable/i, "unreachable", "The export reached an `unreachable` instruction."],
  [
    /memory access out of bounds|out of bounds memory access/i,
    "memoryOutOfBounds",
    "Out-of-bounds memory access: the export read or wrote outside linear memory.",
  ],
  [/divide by zero|remainder by zero|division by zero/i, "divideByZero", "Integer divide by zero."],
  [/divide result unrepresentable|integer overflow/i, "integerOverflow", "Integer overflow: the result of a signed division does not fit."],
  [
    /float unrepresentable|invalid conversion/i,
    "invalidConversion",
    "Invalid conversion to integer: the float is NaN or out of the integer's range.",
  ],
  [
    /signature mismatch|indirect call/i,
    "indirectCallMismatch",
    "Indirect call type mismatch: call_indirect reached a null entry or a function of another type.",
  ],
  [
    /table index is out of bounds|table.*out of bounds/i,
    "tableOutOfBounds",
    "Undefined element: call_indirect used an index outside the table.",
  ],
];

/** Returns the trap `thrown` represents, or undefined when it is not a trap (a proc_exit, say). */
export function classifyTrap(thrown: unknown): TrapInfo | undefined {
  if (thrown instanceof MissingImportError) {
    return { kind: "missingImport", description: thrown.message, engineMessage: thrown.message };
  }
  if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) {
    return {
      kind: "stackOverflow",
      description: "Stack overflow: the export recursed too deeply (call stack exhausted).",
      engineMessage: thrown.message,
    };
  }
  if (thrown instanceof WebAssembly.RuntimeError) {
    for (const [pattern, kind, description] of patterns) {
      if (pattern.test(thrown.message)) return { kind, description, engineMessage: thrown.message };
    }
    return { kind: "other", description: `The export trapped: ${thrown.message}`, engineMessage: thrown.message };
  }
  return undefined;
}

/** The exit code when `thrown` is WASI's `proc_exit` (its class is not exported; it has a numeric `code`). */
export function exitCodeOf(thrown: unknown): number | undefined {
  if (typeof thrown !== "object" || thrown === null || thrown instanceof WebAssembly.RuntimeError) return undefined;
  const code = (thrown as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}
