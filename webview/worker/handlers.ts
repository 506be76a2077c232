/**
 * The worker's request handlers as plain functions over one reactor, validated at the boundary.
 * They hold no reference to the worker global, so unit tests call them directly under Node.
 */
import type { WasmValue } from "../../src/core/abi/numbers";
import type { ConventionCall, MemoryWindow, WorkerRequests } from "../../src/core/protocol";
import type { Handlers } from "../../src/core/rpc";
import { Reactor } from "./reactor";

/** The largest window `readMemory` copies at once; the memory view asks for screens, not memories. */
export const maxWindowBytes = 1 << 20;

const numericTypes = new Set(["i32", "i64", "f32", "f64"]);

function isWasmValue(value: unknown): value is WasmValue {
  const v = value as WasmValue | null;
  if (typeof v !== "object" || v === null || !numericTypes.has(v.type)) return false;
  return v.type === "i64" ? typeof v.value === "bigint" : typeof v.value === "number";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

const taggedTypes = new Set(["Int32", "Uint32", "string", "Int32Array", "Uint32Array"]);

function isTaggedArg(value: unknown): boolean {
  if (!isRecord(value) || !taggedTypes.has(value.type as string)) return false;
  if (value.type === "string") return typeof value.value === "string";
  if (value.type === "Int32" || value.type === "Uint32") return typeof value.value === "number";
  return Array.isArray(value.value) && value.value.every((v) => typeof v === "number");
}

function isSlotValue(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (value.kind === "scalar") return isWasmValue(value.value);
  return value.kind === "memory" && isRecord(value.value) && value.value.bytes instanceof Uint8Array;
}

/** Checks a call's shape; the convention code checks meaning (ranges, fit, the plan against the signature). */
function isConventionCall(value: unknown): value is ConventionCall {
  if (!isRecord(value)) return false;
  switch (value.convention) {
    case "plain":
      return Array.isArray(value.args) && value.args.every(isWasmValue);
    case "tagged":
      return Array.isArray(value.args) && value.args.every(isTaggedArg) && isRecord(value.options);
    case "allocator":
      return isRecord(value.plan) && Array.isArray(value.plan.slots) && Array.isArray(value.values) && value.values.every(isSlotValue) && typeof value.keepAllocations === "boolean";
    default:
      return false;
  }
}

/** Creates the handlers for one worker; each `load` replaces the reactor. */
export function createHandlers(): Handlers<WorkerRequests> {
  let reactor: Reactor | undefined;
  const requireReactor = (): Reactor => {
    if (!reactor) throw new Error("No reactor is running: load a module first.");
    return reactor;
  };
  return {
    async load(params, progress) {
      if (!isRecord(params) || !(params.bytes instanceof Uint8Array) || !(params.compiled === undefined || params.compiled instanceof WebAssembly.Module)) {
        throw new TypeError("load needs { bytes: Uint8Array, compiled?: WebAssembly.Module }.");
      }
      reactor = undefined;
      const loaded = await Reactor.load(params.bytes, params.compiled, (module) => progress({ module }));
      reactor = loaded.reactor;
      const { report } = loaded;
      return { report: report.status === "loaded" ? { status: "loaded", instance: report.instance } : report, bytes: params.bytes, compiled: loaded.compiled };
    },
    call(params) {
      if (!isRecord(params) || typeof params.exportName !== "string" || !isConventionCall(params.call)) {
        throw new TypeError("call needs { exportName: string, call: ConventionCall }.");
      }
      return requireReactor().answer(params.exportName, params.call, params.watchAllMemory === true);
    },
    readMemory(params): MemoryWindow {
      if (!isRecord(params) || !Number.isSafeInteger(params.offset) || !Number.isSafeInteger(params.length)) {
        throw new TypeError("readMemory needs integer { offset, length }.");
      }
      return requireReactor().readWindow(params.offset, Math.min(params.length, maxWindowBytes));
    },
  };
}

/** Transfers the byte windows a result carries instead of copying them. */
export function transferOf(result: unknown): ArrayBuffer[] {
  if (isRecord(result) && result.bytes instanceof Uint8Array && result.bytes.buffer instanceof ArrayBuffer) return [result.bytes.buffer];
  return [];
}
