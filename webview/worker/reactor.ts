/**
 * One live reactor: compiles and instantiates a module with WASI from @runno/wasi, stubs the
 * imports it cannot provide, calls exports and reports each outcome as a value.
 * It is not the worker's message loop (see main.ts), so it runs under plain Node for tests.
 */
import { WASI } from "@runno/wasi";
import type { WasmValue } from "../../src/core/abi/numbers";
import { addTaggedResults, packReport, returnedCode, unpackGlobals } from "../../src/core/callAnswer";
import type {
  CallAnswer,
  CallEnding,
  CallOutcome,
  ConventionCall,
  GlobalNumber,
  GlobalValue,
  InstanceReport,
  LoadReport,
  MemoryWindow,
  ProvidedImport,
} from "../../src/core/protocol";
import { memoryAreas, readMemoryLayout } from "../../src/core/memoryAreas";
import { parseModule } from "../../src/core/wasm/parseModule";
import type { ExportedFunction, FuncType, Import, ModuleInfo, ValType } from "../../src/core/wasm/types";
import { ChangeDetector } from "./changeDetector";
import {
  callPlainWatched,
  callTagged,
  callWithAllocator,
  resultValues,
  wasmNumber,
  type MemoryCallResult,
  type ReactorAccess,
} from "./memoryCall";
import { classifyTrap, exitCodeOf, MissingImportError } from "./trap";

/** Output beyond this many characters per stream and call is cut, so a chatty loop cannot exhaust memory. */
const maxOutputChars = 1 << 20;

/** How much memory a load report carries: one block of the memory view, more than a screen of rows. */
const firstMemoryBytes = 4096;

const wasiModules = new Set(["wasi_snapshot_preview1", "wasi_unstable"]);

/** Collects what the module writes to stdout and stderr during one call. */
class OutputSink {
  stdout = "";
  stderr = "";
  write(stream: "stdout" | "stderr", text: string): void {
    const current = this[stream];
    if (current.length >= maxOutputChars) return;
    const room = maxOutputChars - current.length;
    this[stream] = text.length > room ? current + text.slice(0, room) + "\n[output truncated]\n" : current + text;
  }
  take(): { stdout: string; stderr: string } {
    const taken = { stdout: this.stdout, stderr: this.stderr };
    this.stdout = "";
    this.stderr = "";
    return taken;
  }
}

function zeroOf(type: ValType): number | bigint {
  return type === "i64" ? 0n : 0;
}

/** A WebAssembly.Global descriptor's value type, where the JS API has one. */
function globalValueType(type: ValType): WebAssembly.ValueType | undefined {
  switch (type) {
    case "i32":
    case "i64":
    case "f32":
    case "f64":
    case "externref":
      return type;
    case "funcref":
      return "anyfunc";
    default:
      return undefined;
  }
}

/** Builds the import object: WASI from @runno/wasi, and a stand-in for every other import. */
function provideImports(
  imports: Import[],
  wasi: WASI,
): { object: WebAssembly.Imports; provided: ProvidedImport[]; memory?: WebAssembly.Memory; notes: string[] } {
  const object: WebAssembly.Imports = { ...wasi.getImportObject() };
  const provided: ProvidedImport[] = [];
  const notes: string[] = [];
  let memory: WebAssembly.Memory | undefined;
  for (const { module, name, desc } of imports) {
    const namespace = (object[module] ??= {});
    if (wasiModules.has(module) && desc.kind === "func") {
      const isImplemented = name in namespace;
      if (!isImplemented) namespace[name] = stub(module, name);
      provided.push({
        module,
        name,
        provision: isImplemented ? "wasi" : "stub",
        note: isImplemented ? undefined : "not implemented by the WASI layer",
      });
      continue;
    }
    switch (desc.kind) {
      case "func":
        namespace[name] = stub(module, name);
        provided.push({ module, name, provision: "stub" });
        break;
      case "memory": {
        const { min, max, isShared, is64 } = desc.limits;
        if (isShared || is64)
          throw new LinkRefusal(
            `The module imports a ${isShared ? "shared" : "64-bit"} memory "${module}.${name}", which the explorer cannot provide here.`,
          );
        memory = new WebAssembly.Memory(max === undefined ? { initial: min } : { initial: min, maximum: max });
        namespace[name] = memory;
        provided.push({ module, name, provision: "memory", note: `a fresh memory of ${min} page(s)` });
        notes.push(
          `The module imports its memory (${module}.${name}); the explorer provides a fresh one of ${min} page(s)${max === undefined ? "" : `, at most ${max}`}.`,
        );
        break;
      }
      case "table": {
        const element = desc.elemType === "externref" ? "externref" : "anyfunc";
        const { min, max } = desc.limits;
        namespace[name] = new WebAssembly.Table(max === undefined ? { element, initial: min } : { element, initial: min, maximum: max });
        provided.push({ module, name, provision: "table", note: `an empty table of ${min} element(s)` });
        break;
      }
      case "global": {
        const value = globalValueType(desc.valType);
        if (!value)
          throw new LinkRefusal(
            `The module imports a global "${module}.${name}" of type ${desc.valType}, which the explorer cannot provide.`,
          );
        namespace[name] = new WebAssembly.Global(
          { value, mutable: desc.isMutable },
          value === "anyfunc" || value === "externref" ? null : zeroOf(desc.valType),
        );
        provided.push({ module, name, provision: "global", note: "zero" });
        break;
      }
      case "tag":
        throw new LinkRefusal(`The module imports an exception tag "${module}.${name}", which the explorer cannot provide.`);
    }
  }
  return { object, provided, memory, notes };
}

function stub(module: string, name: string): () => never {
  return () => {
    throw new MissingImportError(module, name);
  };
}

/** A reason the explorer itself refuses to link a module. */
class LinkRefusal extends Error {}

function describeFailure(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** A reactor instance and what the explorer knows of it. */
export class Reactor {
  private readonly output = new OutputSink();
  private instance?: WebAssembly.Instance;
  private memory?: WebAssembly.Memory;
  /** Exports invoked so far: the change detector trusts its copy of memory only while this stays put. */
  private invocations = 0;
  private readonly changes = new ChangeDetector();
  /** The exported functions by name, built at the first call: a module may export thousands. */
  private functions?: ReadonlyMap<string, ExportedFunction>;
  /** What the memory calls use of this reactor, built once rather than per call. */
  private readonly access: ReactorAccess;

  private constructor(readonly module: ModuleInfo) {
    this.access = {
      module,
      memory: undefined,
      invoke: (name, args) => this.invoke(name, args),
      readGlobal: (name) => {
        const global = this.exports[name];
        return global instanceof WebAssembly.Global && typeof global.value === "number" ? global.value >>> 0 : undefined;
      },
      invocations: () => this.invocations,
      changes: this.changes,
    };
  }

  /**
   * Parses, compiles, instantiates and initializes `bytes`; every failure is part of the report.
   * `onParsed` hears of the module as soon as it is parsed, while the engine still compiles it.
   */
  static async load(
    bytes: Uint8Array,
    compiled?: WebAssembly.Module,
    onParsed?: (module: ModuleInfo) => void,
  ): Promise<{ report: LoadReport; reactor?: Reactor; compiled?: WebAssembly.Module }> {
    // The signatures first, then compilation: beside the engine's compiler threads the parse takes
    // twice as long or more (31–39 ms against 12–17 ms alone, for 20 MB on two cores), and the
    // page lists the exports as soon as it has them. The processor's work is the same either way.
    const parsed = parseModule(bytes);
    if (!parsed.ok) return { report: { status: "invalid", error: parsed.error } };
    const module = parsed.module;
    onParsed?.(module);
    // The engine copies the bytes before it returns, so the caller may hand them on afterwards.
    // Bytes that arrive by postMessage are always backed by an ArrayBuffer.
    const compiling = compiled ? Promise.resolve(compiled) : WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    const reactor = new Reactor(module);
    reactor.access.areas = memoryAreas(readMemoryLayout(module));
    const instance = await reactor.instantiate(compiling);
    return {
      report: { status: "loaded", module, instance },
      reactor: instance.status === "ready" ? reactor : undefined,
      compiled: await compiling.catch(() => undefined),
    };
  }

  private async instantiate(compiling: Promise<WebAssembly.Module>): Promise<InstanceReport> {
    const { module: info } = this;
    if (info.kind === "command") {
      return {
        status: "notInstantiated",
        reason:
          "This is a WASI command: it exports `_start`, so it is meant to run once as a program. Its exports are listed, but the explorer runs reactors only (modules with `_initialize` or no entry point).",
      };
    }
    const wasi = new WASI({
      stdout: (text) => this.output.write("stdout", text),
      stderr: (text) => this.output.write("stderr", text),
      // As in a terminal: wasi-libc then flushes stdout at each newline, so printf output shows per call.
      isTTY: true,
      // A hook must always be installed: @runno/wasi's debug data list is emptied only when one runs.
      debug: () => undefined,
    });
    let compiled: WebAssembly.Module;
    try {
      compiled = await compiling;
    } catch (thrown) {
      return { status: "failed", stage: "compile", message: `The WebAssembly engine rejected the module: ${describeFailure(thrown)}` };
    }
    let imports: ReturnType<typeof provideImports>;
    try {
      imports = provideImports(info.imports, wasi);
    } catch (thrown) {
      return { status: "failed", stage: "link", message: describeFailure(thrown) };
    }
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(compiled, imports.object);
    } catch (thrown) {
      const trap = classifyTrap(thrown);
      if (trap) return { status: "failed", stage: "start", message: `The module's start function trapped: ${trap.description}`, trap };
      return { status: "failed", stage: "link", message: `The module could not be instantiated: ${describeFailure(thrown)}` };
    }
    const notes = [...imports.notes];
    let exportsForWasi: WebAssembly.Exports = instance.exports;
    if (info.kind === "ambiguous") {
      // The WASI application ABI lets a module be a command or a reactor, not both. An explorer
      // is for calling exports, so such a module is treated as a reactor: `_initialize` runs,
      // `_start` never does. @runno/wasi refuses a module exporting `_start`, so it is shown the
      // exports without it.
      exportsForWasi = Object.fromEntries(Object.entries(instance.exports).filter(([name]) => name !== "_start"));
      notes.push(
        "The module exports both `_start` and `_initialize`, which the WASI application ABI does not allow. The explorer treats it as a reactor: it runs `_initialize` and never `_start`.",
      );
    }
    this.memory = imports.memory ?? Object.values(instance.exports).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
    this.access.memory = this.memory;
    try {
      wasi.initialize({ module: compiled, instance: { exports: exportsForWasi } }, this.memory ? { memory: this.memory } : {});
    } catch (thrown) {
      const exitCode = exitCodeOf(thrown);
      const trap = classifyTrap(thrown);
      const message =
        exitCode !== undefined
          ? `\`_initialize\` exited with code ${exitCode} (proc_exit).`
          : trap
            ? `\`_initialize\` trapped: ${trap.description}`
            : `\`_initialize\` failed: ${describeFailure(thrown)}`;
      return { status: "failed", stage: "initialize", message, trap };
    }
    this.instance = instance;
    if (!this.memory) notes.push("The module has no memory; conventions that pass values through memory are unavailable.");
    const { stdout, stderr } = this.output.take();
    const firstMemory = this.memory ? this.readWindow(0, firstMemoryBytes) : undefined;
    return {
      status: "ready",
      memoryBytes: this.memoryBytes,
      firstMemory,
      globals: this.globals(),
      imports: imports.provided,
      stdout,
      stderr,
      notes,
    };
  }

  /** Copies up to `length` bytes of memory from `offset`, clamped to memory; never the live buffer. */
  readWindow(offset: number, length: number): MemoryWindow {
    const memoryBytes = this.memoryBytes;
    const start = Math.min(Math.max(0, offset), memoryBytes);
    const size = Math.min(Math.max(0, length), memoryBytes - start);
    // A copy: posting memory.buffer itself would clone all of memory.
    const bytes = this.memory ? new Uint8Array(this.memory.buffer, start, size).slice() : new Uint8Array(0);
    return { offset: start, bytes, memoryBytes };
  }

  /** The current size of linear memory in bytes (0 without a memory). */
  get memoryBytes(): number {
    return this.memory?.buffer.byteLength ?? 0;
  }

  /** The live linear memory, when the module has one. */
  get linearMemory(): WebAssembly.Memory | undefined {
    return this.memory;
  }

  /** The live instance's exports. */
  get exports(): WebAssembly.Exports {
    return this.instance?.exports ?? {};
  }

  /** The current values of the exported globals. */
  globals(): GlobalValue[] {
    return unpackGlobals(this.globalNumbers(), this.module.globals);
  }

  /** The same values as numbers alone, in the order of the module's exported globals. */
  private globalNumbers(): GlobalNumber[] {
    return this.module.globals.map(({ name, valType }) => {
      const global = this.exports[name];
      return global instanceof WebAssembly.Global ? wasmNumber(valType, global.value) : undefined;
    });
  }

  /**
   * Calls an export by a convention; every failure is part of the outcome, never thrown. This is the
   * outcome in full, as the page unpacks it from `answer`.
   */
  call(exportName: string, call: ConventionCall, watchAllMemory = false): CallOutcome {
    const { ran, details } = this.timedRun(exportName, call, watchAllMemory);
    // An answer leaves a tagged call's results to the page; the full outcome reads them here.
    if (call.convention === "tagged" && ran.memory && ran.ending.status === "returned" && this.memory) {
      addTaggedResults(ran.memory, returnedCode(ran.ending), new Uint8Array(this.memory.buffer), call.options);
    }
    return Object.assign(ran.ending, { exportName, args: ran.args, memory: ran.memory, ...details, globals: this.globals() });
  }

  /** The same call as the page receives it, packed (see callAnswer.ts). */
  answer(exportName: string, call: ConventionCall, watchAllMemory = false): CallAnswer {
    const { ran, details } = this.timedRun(exportName, call, watchAllMemory);
    const tagged =
      call.convention === "tagged" && this.memory
        ? { ending: ran.ending, memory: new Uint8Array(this.memory.buffer), options: call.options }
        : undefined;
    const memory = ran.memory && packReport(ran.memory, tagged);
    return Object.assign(ran.ending, { args: ran.args, memory, ...details, globals: this.globalNumbers() });
  }

  /** Runs a call, timing it and taking what it wrote to stdout and stderr. */
  private timedRun(exportName: string, call: ConventionCall, watchAllMemory: boolean) {
    const started = performance.now();
    const ran = this.run(exportName, call, watchAllMemory);
    const durationMs = performance.now() - started;
    const { stdout, stderr } = this.output.take();
    return { ran, details: { stdout, stderr, durationMs, memoryBytes: this.memoryBytes } };
  }

  private run(exportName: string, call: ConventionCall, watchAllMemory: boolean): MemoryCallResult {
    this.functions ??= new Map(this.module.functions.map((f) => [f.name, f]));
    const fn = this.functions.get(exportName);
    if (!fn || typeof this.exports[exportName] !== "function")
      return { ending: { status: "refused", message: `The module has no exported function "${exportName}".` }, args: [] };
    switch (call.convention) {
      case "plain": {
        const mismatch = checkArgs(fn.type, call.args);
        if (mismatch) return { ending: { status: "refused", message: mismatch }, args: call.args };
        if (watchAllMemory) return callPlainWatched(this.access, fn, call.args);
        const invoked = this.invoke(
          exportName,
          call.args.map((a) => a.value),
        );
        if (!invoked.ok) return { ending: invoked.ending, args: call.args };
        return { ending: { status: "returned", results: resultValues(fn.type.results, invoked.raw) }, args: call.args };
      }
      case "tagged":
        return callTagged(this.access, fn, call.args, call.options, watchAllMemory);
      case "allocator":
        return callWithAllocator(this.access, fn, call.plan, call.values, call.keepAllocations, watchAllMemory);
    }
  }

  /** Calls an export with raw values, turning a trap or an exit into the call's ending. */
  private invoke(exportName: string, args: unknown[]): { ok: true; raw: unknown } | { ok: false; ending: CallEnding } {
    const callable = this.exports[exportName] as (...a: unknown[]) => unknown;
    this.invocations++;
    try {
      return { ok: true, raw: callable(...args) };
    } catch (thrown) {
      const exitCode = exitCodeOf(thrown);
      if (exitCode !== undefined) return { ok: false, ending: { status: "exited", exitCode } };
      const trap = classifyTrap(thrown) ?? { kind: "other", description: describeFailure(thrown), engineMessage: describeFailure(thrown) };
      return { ok: false, ending: { status: "trapped", trap } };
    }
  }
}

/** Explains why `args` cannot be passed to a function of type `type`, or returns undefined. */
export function checkArgs(type: FuncType, args: WasmValue[]): string | undefined {
  const unsupported = [...type.params, ...type.results].find((t) => t === "v128");
  if (unsupported) return "Functions with v128 parameters or results cannot be called from JavaScript.";
  if (args.length !== type.params.length) return `Expected ${type.params.length} argument(s), got ${args.length}.`;
  // An index loop: this runs on every plain call, where `entries()` would allocate an iterator
  // and a pair per argument.
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const expected = type.params[i];
    if (arg.type !== expected) return `Argument ${i} is ${arg.type}, but the parameter is ${expected}.`;
    const isWellFormed =
      arg.type === "i64"
        ? typeof arg.value === "bigint"
        : typeof arg.value === "number" && (arg.type !== "i32" || Number.isInteger(arg.value));
    if (!isWellFormed) return `Argument ${i} is not a valid ${arg.type} value.`;
  }
  return undefined;
}
