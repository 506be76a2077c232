/**
 * The page's handle on the reactor's worker: typed requests, a deadline per call, and a
 * restart from the newest bytes when a call runs away, is cancelled or a new module replaces it.
 * It renders nothing.
 */
import type { CallOutcome, ConventionCall, LoadReport, MemoryWindow, WorkerRequests } from "../../src/core/protocol";
import type { ExportedGlobal, ModuleInfo } from "../../src/core/wasm/types";
import { createRpcClient, type RpcClient } from "../../src/core/rpc";
import { unpackCallAnswer } from "../../src/core/callAnswer";

/** How a call ended, from the page's point of view. */
export type CallResult =
  | { status: "finished"; outcome: CallOutcome }
  /**
   * The call was stopped by its deadline, by the user, or because a new module was loaded
   * (`replaced`); the reactor was restarted and `reload` says how loading the newest bytes went.
   */
  | { status: "stopped"; reason: StopReason; reload: LoadReport };

/** Why a call was stopped before it answered. */
export type StopReason = "timeout" | "cancelled" | "replaced";

/** The call in progress: when it must end, and how to stop it. */
interface RunningCall {
  deadline: number;
  /** Ends the call as stopped; `reload` is the load that already replaced the reactor, else the reactor is restarted. */
  stop(reason: StopReason, reload?: Promise<LoadReport>): void;
}

/** What a restart loads: a module's bytes, and its compiled form once a worker has compiled it. */
interface KeptModule {
  bytes: Uint8Array;
  compiled?: unknown;
}

/** Creates the worker; injected so that tests can count restarts and drive the worker. */
export type WorkerFactory = () => Worker;

/** Creates the reactor worker from the bundled source, through a Blob URL (docs/platform.md). */
export function blobWorkerFactory(source: string): WorkerFactory {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  return () => new Worker(url, { name: "wasi-reactor" });
}

/** A reactor running in a worker. */
export class ReactorClient {
  private worker!: Worker;
  private rpc!: RpcClient<WorkerRequests>;
  /**
   * The newest module, kept from the moment `load` is called rather than when it answers: a
   * restart in between (a deadline, a cancel, a newer load) must still have the newest bytes to load.
   */
  private kept?: KeptModule;
  /** The newest load sent to a worker, restarts included; a load that a restart cut short follows it. */
  private latestLoad?: Promise<LoadReport>;
  /** The worker that has a load in flight, if any: a new load does not queue behind it. */
  private loadingIn?: Worker;
  /** The loaded module's exported globals: a call's answer carries their values alone. */
  private globals: readonly ExportedGlobal[] = [];
  private running?: RunningCall;
  private watchdog?: ReturnType<typeof setTimeout>;
  /** When the watchdog's timer fires. */
  private watchdogAt = 0;

  constructor(private readonly createWorker: WorkerFactory) {
    this.start();
  }

  private start(): void {
    const worker = this.createWorker();
    const rpc = createRpcClient<WorkerRequests>((message, transfer) =>
      transfer?.length ? worker.postMessage(message, transfer) : worker.postMessage(message),
    );
    worker.onmessage = (event: MessageEvent<unknown>) => {
      if (!rpc.handleResponse(event.data)) console.warn("wasi-reactor page: dropped an unexpected message from the worker", event.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      rpc.rejectAll({ name: "WorkerError", message: event.message || "The reactor's worker failed to start." });
    };
    this.worker = worker;
    this.rpc = rpc;
  }

  /**
   * Loads a module, replacing the current one. The client keeps `bytes` to restart from, so the
   * caller must not change them afterwards; the worker gets a copy. A running call is stopped first
   * (it ends as `stopped`, reason `replaced`), and a load still in flight is abandoned: either would
   * otherwise hold the new module back, a runaway call for ever. A load that a newer load or a
   * restart cuts short settles as that newer load does. `onParsed` receives the module, its
   * instance still starting, as soon as the worker has parsed it.
   */
  load(bytes: Uint8Array, compiled?: unknown, onParsed?: (report: LoadReport) => void): Promise<LoadReport> {
    const kept: KeptModule = { bytes, compiled };
    this.kept = kept;
    const running = this.running;
    if (running || this.loadingIn === this.worker) this.replaceWorker();
    const loading = this.follow(this.send(kept, onParsed));
    // The call settles here, before the old worker's rejection of its request (a later microtask) can.
    running?.stop("replaced", loading);
    return loading;
  }

  /**
   * Sends `kept` to the current worker. The worker gets a copy, transferred: one copy of the bytes,
   * where posting them untransferred would have the browser serialize them and copy them again.
   */
  private async send(kept: KeptModule, onParsed?: (report: LoadReport) => void): Promise<LoadReport> {
    const worker = this.worker;
    this.loadingIn = worker;
    this.globals = [];
    let module: ModuleInfo | undefined;
    try {
      const bytes = kept.bytes.slice();
      const answer = await this.rpc.request("load", { bytes, compiled: kept.compiled }, [bytes.buffer], (progress) => {
        module = progress.module;
        this.globals = module.globals;
        onParsed?.({ status: "loaded", module, instance: { status: "starting" } });
      });
      // A restart then skips compilation. The bytes the worker hands back are a copy: the page keeps its own.
      kept.compiled ??= answer.compiled;
      const { report } = answer;
      if (report.status === "invalid") return report;
      if (!module) throw new Error("The worker loaded a module without reporting it parsed.");
      return { status: "loaded", module, instance: report.instance };
    } finally {
      if (this.loadingIn === worker) this.loadingIn = undefined;
    }
  }

  /**
   * Settles as `attempt` does, unless a newer load took its place (a newer `load`, or a restart
   * that cut it short): then as that one. The page thus always hears how the newest bytes loaded.
   */
  private async follow(attempt: Promise<LoadReport>): Promise<LoadReport> {
    this.latestLoad = attempt;
    for (;;) {
      try {
        return await attempt;
      } catch (thrown) {
        const latest = this.latestLoad;
        if (latest === undefined || latest === attempt) throw thrown;
        attempt = latest;
      }
    }
  }

  /** Calls an export; a call still running after `timeoutMs` is stopped and the reactor restarted. */
  call(exportName: string, call: ConventionCall, options: { timeoutMs: number; watchAllMemory: boolean }): Promise<CallResult> {
    return new Promise<CallResult>((resolve, reject) => {
      // Settled once: by the answer, or by a stop (whose restart rejects the pending request).
      let isSettled = false;
      const settle = (): boolean => {
        if (isSettled) return false;
        isSettled = true;
        if (this.running === running) this.running = undefined;
        return true;
      };
      const running: RunningCall = {
        deadline: performance.now() + options.timeoutMs,
        stop: (reason, reload) => {
          if (settle()) (reload ?? this.restart()).then((report) => resolve({ status: "stopped", reason, reload: report }), reject);
        },
      };
      this.running = running;
      this.armWatchdog();
      this.rpc.request("call", { exportName, call, watchAllMemory: options.watchAllMemory }).then(
        (answer) => {
          if (!settle()) return;
          try {
            resolve({ status: "finished", outcome: unpackCallAnswer(answer, { exportName, call }, this.globals) });
          } catch (thrown) {
            reject(thrown);
          }
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    });
  }

  /**
   * One timer serves every call: calls in a row move the deadline, not the timer. Setting and
   * clearing a timer per call took about 5 µs of a 110 µs round trip (measured on one CPU). Only a
   * deadline earlier than the timer's (a shorter timeout than the call before) sets it again.
   */
  private armWatchdog(): void {
    if (!this.running) return;
    if (this.watchdog !== undefined) {
      if (this.running.deadline >= this.watchdogAt) return;
      clearTimeout(this.watchdog);
    }
    this.watchdogAt = this.running.deadline;
    this.watchdog = setTimeout(
      () => {
        this.watchdog = undefined;
        const running = this.running;
        if (!running) return;
        if (performance.now() >= running.deadline) running.stop("timeout");
        else this.armWatchdog();
      },
      Math.max(0, this.running.deadline - performance.now()),
    );
  }

  /** Stops the running call, if any; it then ends as `stopped` with reason `cancelled`. */
  cancel(): void {
    this.running?.stop("cancelled");
  }

  /** Whether a call is running. */
  get isCalling(): boolean {
    return this.running !== undefined;
  }

  /** Copies a window of linear memory. */
  readMemory(offset: number, length: number): Promise<MemoryWindow> {
    return this.rpc.request("readMemory", { offset, length });
  }

  /** Replaces the worker and loads the newest bytes again. */
  private restart(): Promise<LoadReport> {
    this.replaceWorker();
    if (!this.kept) return Promise.reject(new Error("Nothing to reload: no module was loaded before the call."));
    return this.follow(this.send(this.kept));
  }

  /** Terminates the worker (a runaway export cannot be interrupted otherwise) and starts a fresh one. */
  private replaceWorker(): void {
    this.worker.terminate();
    this.rpc.rejectAll({ name: "Terminated", message: "The reactor was restarted." });
    this.start();
  }

  /** Ends the worker for good. */
  dispose(): void {
    clearTimeout(this.watchdog);
    this.worker.terminate();
    this.rpc.rejectAll({ name: "Disposed", message: "The explorer was closed." });
  }
}
