/**
 * Which convention to propose for an export, and why: the vocabulary of conventions and the
 * heuristics that read an export's signature and names (see docs/allocator-conventions.md). It
 * proposes only; what a call allocates, writes and frees is the call plan in allocator.ts.
 */

import type { ExportedFunction, ModuleInfo, ValType } from "../wasm/types";
import {
  DEFAULT_CSTRING_MAX_BYTES,
  defaultUnit,
  detectAllocator,
  isAllocatorExport,
  paramName,
  plainPlan,
  sameTypes,
  type CallPlan,
  type Holds,
  type PlanSlot,
  type ResultReading,
} from "./allocator";

/**
 * The conventions the explorer calls an export by, one word each wherever they are named: plain
 * wasm numbers, the tagged layout of Runno PR #335, the module's allocator (pointer + length),
 * and NUL-terminated C strings, which also travel through the allocator.
 */
export type Convention = "plain" | "tagged" | "allocator" | "cstring";

/** A proposed convention for an export, with the reason in a sentence or two and the plan. */
export interface ConventionProposal {
  convention: Convention;
  reason: string;
  plan: CallPlan;
}

/**
 * Proposes how to call an export:
 *
 * - `() -> i32` in a module with no allocator (and an exported memory): the tagged convention.
 * - With an allocator, consecutive `(i32, i32)` parameters named like a pointer and a length
 *   (`ptr, len`, `s, n`, `buf, size`, `data, data_len`) become a pointer + length slot; what it
 *   holds is guessed from the pointer's name (string by default). Without parameter names, only
 *   when the export's own name suggests text or data (`reverse_string`, `sum_array`).
 * - With an allocator, an i32 parameter named like a string (`str`, `s`, `cstr`, `name`, `path`)
 *   becomes a NUL-terminated C string.
 * - Otherwise plain numbers.
 *
 * Results: `(i32, i32)` with an allocator is read as pointer + length; a single i32 from an
 * export named like it returns text (`get_name`, `greeting`, `version_string`) as a C string.
 */
export function proposeConvention(fn: ExportedFunction, module: ModuleInfo): ConventionProposal {
  const { allocator } = detectAllocator(module);
  const plan = plainPlan(fn);
  const hasMemory = module.memories.some((m) => m.exportNames.length > 0);
  const isAllocatorItself = isAllocatorExport(fn.name);

  if (fn.type.params.length === 0 && sameTypes(fn.type.results, ["i32"]) && allocator === undefined && hasMemory && !isAllocatorItself) {
    return {
      convention: "tagged",
      reason: `${fn.name} takes no parameters and returns an i32, and the module exports no allocator: that is the shape of the tagged convention (Runno PR #335), where arguments are written to memory at offset 8 and the i32 is an error code. If it simply returns a number, switch to plain.`,
      plan,
    };
  }
  if (allocator === undefined || isAllocatorItself) {
    return {
      convention: "plain",
      reason:
        allocator === undefined
          ? "The module exports no allocator, so arguments are passed as plain numbers."
          : `${fn.name} is part of the allocator; it takes plain numbers.`,
      plan,
    };
  }

  const names = fn.type.params.map((_, i) => paramName(fn, i));
  const hasNames = names.some((n, i) => n !== `p${i}`);
  const fnHint = DATA_FN_HINT.test(fn.name) || (fn.debugName !== undefined && DATA_FN_HINT.test(fn.debugName));
  const slots: PlanSlot[] = [];
  const why: string[] = [];
  for (let i = 0; i < fn.type.params.length; i++) {
    const type = fn.type.params[i] as ValType;
    const name = names[i] ?? `p${i}`;
    const nextType = fn.type.params[i + 1];
    const nextName = names[i + 1] ?? `p${i + 1}`;
    if (type === "i32" && nextType === "i32") {
      const named = hasNames && LENGTH_NAME.test(nextName) && !LENGTH_NAME.test(name);
      const guessed = !hasNames && fnHint;
      if (named || guessed) {
        const holds = guessHolds(name, fn.name);
        slots.push({ kind: "pointerLength", ptrParam: i, lenParam: i + 1, name, lenName: nextName, holds, lengthUnit: defaultUnit(holds) });
        why.push(
          named
            ? `parameters ${i} and ${i + 1} (${name}, ${nextName}) look like a pointer and a length`
            : `parameters ${i} and ${i + 1} are two i32s and the export's name suggests it takes ${holds === "string" ? "text" : "data"} (a guess: the module has no parameter names)`,
        );
        i++;
        continue;
      }
    }
    if (type === "i32" && hasNames && CSTRING_NAME.test(name)) {
      slots.push({ kind: "cstring", param: i, name });
      why.push(`parameter ${i} (${name}) looks like a C string`);
      continue;
    }
    slots.push({ kind: "scalar", param: i, type, name });
  }
  let result: ResultReading = { kind: "plain" };
  if (sameTypes(fn.type.results, ["i32", "i32"])) {
    result = { kind: "pointerLength", holds: "string", lengthUnit: "bytes" };
    why.push("the two i32 results look like a pointer and a length");
  } else if (sameTypes(fn.type.results, ["i32"]) && TEXT_RESULT_HINT.test(fn.name) && !/(len|length|count|size)/i.test(fn.name)) {
    result = { kind: "cstring", maxBytes: DEFAULT_CSTRING_MAX_BYTES };
    why.push("its name suggests it returns text, so the i32 result is read as a pointer to a C string");
  }
  const proposed: CallPlan = { ...plan, slots, result };
  const convention: Convention = slots.some((s) => s.kind === "pointerLength")
    ? "allocator"
    : slots.some((s) => s.kind === "cstring")
      ? "cstring"
      : "plain";
  const allocNote = ` Memory comes from ${allocator.description}.`;
  const reason =
    why.length === 0
      ? `No parameter looks like a pointer, so arguments are passed as plain numbers.${hasNames ? "" : " (The module has no parameter names; mark pointer parameters yourself if there are any.)"}`
      : capitalise(why.join("; ")) + "." + (convention === "plain" ? "" : allocNote) + " Change any slot if the guess is wrong.";
  return { convention, reason, plan: proposed };
}

// Names that suggest what a parameter or an export is, as C, Rust and AssemblyScript sources spell them.
const LENGTH_NAME =
  /^(len|length|n|size|count|cnt|num|nbytes|sz|cap|capacity|[a-z]*_?(len|length|size|count)|[a-z]+(Len|Length|Size|Count))$/i;
const CSTRING_NAME = /^(c?str|s|string|name|text|msg|message|path|filename|file|input|word|key|label|greeting|[a-z]+_(c?str|name|path))$/i;
const DATA_FN_HINT =
  /(str|text|utf8|bytes|buf|data|array|arr|slice|vec|hash|parse|reverse|upper|lower|greet|hello|msg|message|sort|encode|decode|copy|fill|print|echo|sum|count|concat)/i;
const TEXT_RESULT_HINT = /(str|string|text|name|greet|hello|message|msg|version|describe|to_s)/i;

function guessHolds(ptrName: string, fnName: string): Holds {
  const n = ptrName.toLowerCase();
  if (/^(f32s|floats|fs)$/.test(n)) return "Float32";
  if (/^(f64s|doubles|ds)$/.test(n)) return "Float64";
  if (/^(arr|array|values|vals|xs|nums|numbers|ints|items|a|v|vec)(_?ptr)?$/.test(n)) return "Int32";
  if (/^(buf|buffer|data|bytes|src|dst|payload|mem)(_?ptr)?$/.test(n)) return "bytes";
  if (/^p\d+$/.test(n) && /(array|arr|sum|sort|vec|nums|ints)/i.test(fnName)) return "Int32";
  if (/^p\d+$/.test(n) && /(bytes|buf|data|hash)/i.test(fnName)) return "bytes";
  return "string";
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
