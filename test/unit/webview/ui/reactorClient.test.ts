/**
 * The page's reactor client through every interleaving of loads, deadlines, cancels and restarts,
 * over a worker that runs the real handlers (webview/worker/handlers.ts) in this process. The
 * browser's Worker and its thread are what the fake stands in for, nothing else.
 */
import assert from "node:assert/strict";
import type { ConventionCall, LoadReport } from "../../../../src/core/protocol";
import { isRpcRequest, serveRpc } from "../../../../src/core/rpc";
import { ReactorClient, type CallResult, type WorkerFactory } from "../../../../webview/ui/reactorClient";
import { createHandlers, transferOf } from "../../../../webview/worker/handlers";
import { fixture } from "../../fixtures";

/** Exports that never return: running one for real would block this process as it blocks a worker's thread. */
const runaways = new Set(["spin"]);

/**
 * A Worker whose thread is this process: messages are cloned as the browser clones them
 * (transferred buffers are detached on the sending side) and arrive in order, one task each. A
 * worker running a runaway export, stalled in a long load or crashed receives and answers nothing.
 */
class InProcessWorker {
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  isTerminated = false;
  /** Whether the thread is held up (a runaway export, a load that takes long, a crash): messages wait. */
  private isBusy = false;
  private readonly backlog: unknown[] = [];
  private readonly serve = serveRpc(createHandlers(), (message, transfer) => this.answer(message, transfer), transferOf);

  constructor(private readonly workers: Workers) {}

  postMessage(message: unknown, transfer?: Transferable[]): void {
    const data: unknown = structuredClone(message, { transfer });
    const trouble = isRpcRequest(data) && data.method === "load" ? this.workers.nextLoadTrouble.shift() : undefined;
    setImmediate(() => this.receive(data, trouble));
  }

  terminate(): void {
    this.isTerminated = true;
  }

  private receive(data: unknown, trouble?: LoadTrouble): void {
    if (this.isTerminated) return;
    if (this.isBusy) {
      this.backlog.push(data);
      return;
    }
    if (!isRpcRequest(data)) throw new Error("The page posted a message that is not a request.");
    const params = data.params as { exportName?: string };
    if (data.method === "call" && runaways.has(params.exportName ?? "")) {
      this.isBusy = true;
      return;
    }
    if (trouble === "crash") {
      this.isBusy = true;
      setImmediate(() => this.onerror?.({ message: "Out of memory.", preventDefault() {} } as ErrorEvent));
      return;
    }
    if (trouble) {
      // A load whose `_initialize` runs long: nothing else is received until it is done.
      this.isBusy = true;
      void trouble.then(() => {
        if (this.isTerminated) return;
        this.isBusy = false;
        void this.serve(data);
        for (const waiting of this.backlog.splice(0)) this.receive(waiting);
      });
      return;
    }
    void this.serve(data);
  }

  private answer(message: unknown, transfer?: ArrayBuffer[]): void {
    if (this.isBusy) return;
    const data: unknown = structuredClone(message, { transfer });
    setImmediate(() => {
      if (!this.isTerminated) this.onmessage?.({ data } as MessageEvent<unknown>);
    });
  }
}

/** What a load runs into: its worker crashes, or is held up until the promise settles. */
type LoadTrouble = "crash" | Promise<void>;

/** Every worker a client created, newest last, and what the next loads will run into. */
class Workers {
  readonly created: InProcessWorker[] = [];
  /** What the next loads the page sends run into, in order. */
  readonly nextLoadTrouble: LoadTrouble[] = [];
  readonly factory: WorkerFactory = () => {
    const worker = new InProcessWorker(this);
    this.created.push(worker);
    return worker as unknown as Worker;
  };
}

const never = new Promise<void>(() => {});
const plain: ConventionCall = { convention: "plain", args: [] };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails, instead of hanging the suite, when `promise` does not settle in time. */
function within<T>(promise: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)),
  );
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function exportsOf(report: LoadReport): string[] {
  if (report.status !== "loaded" || report.instance.status !== "ready")
    assert.fail(`expected a ready module, got ${JSON.stringify(report).slice(0, 300)}`);
  return report.module.functions.map((f) => f.name);
}

/** The counter fixture counts from 1 after `_initialize`: 1 means its newest instance answered. */
async function increment(client: ReactorClient): Promise<number> {
  const result = await within(client.call("increment", plain, { timeoutMs: 60_000, watchAllMemory: false }), "increment");
  if (result.status !== "finished" || result.outcome.status !== "returned")
    assert.fail(`increment did not return: ${JSON.stringify(result).slice(0, 300)}`);
  return result.outcome.results[0]?.value as number;
}

function stopped(result: CallResult, reason: string): LoadReport {
  if (result.status !== "stopped") assert.fail(`expected the call to be stopped, got ${result.status}`);
  assert.equal(result.reason, reason);
  return result.reload;
}

describe("ui: the reactor client's loads, stops and restarts, over the real worker handlers", () => {
  let workers: Workers;
  let client: ReactorClient;
  beforeEach(() => {
    workers = new Workers();
    client = new ReactorClient(workers.factory);
  });
  afterEach(() => client.dispose());

  it("keeps an instance's state between calls, and restarts a runaway from the same bytes", async () => {
    assert.ok(exportsOf(await client.load(fixture("counter"))).includes("increment"));
    assert.equal(await increment(client), 1);
    assert.equal(await increment(client), 2);
    const report = await client.load(fixture("traps"));
    const spinning = client.call("spin", plain, { timeoutMs: 50, watchAllMemory: false });
    // The increments' longer deadline set the watchdog first: the shorter one must still be kept.
    assert.deepEqual(stopped(await within(spinning, "the runaway call"), "timeout"), report);
    const ok = await client.call("ok", plain, { timeoutMs: 5000, watchAllMemory: false });
    assert.deepEqual(ok.status === "finished" && ok.outcome.status === "returned" && ok.outcome.results, [{ type: "i32", value: 7 }]);
    assert.equal(workers.created.length, 2);
  });

  it("a load during a running call stops the call and loads the new bytes at once", async () => {
    exportsOf(await client.load(fixture("traps")));
    const spinning = client.call("spin", plain, { timeoutMs: 60_000, watchAllMemory: false });
    await pause(20);
    const report = await within(client.load(fixture("counter")), "the load during the runaway call");
    assert.ok(exportsOf(report).includes("increment"));
    assert.deepEqual(stopped(await within(spinning, "the replaced call"), "replaced"), report);
    assert.equal(await increment(client), 1);
    assert.equal(workers.created.length, 2);
  });

  // The reproduced defect: the file changes during a long call, whose deadline or cancel then
  // restarted the worker that held the new bytes.
  for (const trigger of ["timeout", "cancel"] as const) {
    it(`a ${trigger} while the new module loads behind a running call keeps the new module`, async () => {
      exportsOf(await client.load(fixture("traps")));
      const spinning = client.call("spin", plain, { timeoutMs: trigger === "timeout" ? 50 : 60_000, watchAllMemory: false });
      // At once: the worker takes the call first, and the deadline passes while the load is in flight.
      const loading = client.load(fixture("counter"));
      if (trigger === "cancel") client.cancel();
      await pause(100);
      const report = await within(loading, "the load");
      assert.ok(exportsOf(report).includes("increment"));
      assert.deepEqual(stopped(await within(spinning, "the call"), "replaced"), report);
      assert.equal(await increment(client), 1);
      // The load replaced the spinning worker; the deadline or cancel that came after restarted nothing.
      assert.equal(workers.created.length, 2);
    });

    it(`a ${trigger} of a call made while a load is in flight restarts from the load's bytes`, async () => {
      exportsOf(await client.load(fixture("traps")));
      workers.nextLoadTrouble.push(never);
      const loading = client.load(fixture("counter"));
      const calling = client.call("increment", plain, { timeoutMs: trigger === "timeout" ? 50 : 60_000, watchAllMemory: false });
      await pause(20);
      if (trigger === "cancel") client.cancel();
      const report = await within(loading, "the load cut short by the restart");
      assert.ok(exportsOf(report).includes("increment"));
      assert.deepEqual(stopped(await within(calling, "the call"), trigger === "timeout" ? "timeout" : "cancelled"), report);
      assert.equal(await increment(client), 1);
      assert.equal(workers.created.length, 2);
    });
  }

  it("restarts from the newest bytes after a load that failed", async () => {
    exportsOf(await client.load(fixture("traps")));
    workers.nextLoadTrouble.push("crash");
    await assert.rejects(within(client.load(fixture("counter")), "the load in a crashing worker"), {
      name: "WorkerError",
      message: "Out of memory.",
    });
    // The crashed worker never answers; the call's deadline restarts the reactor from the bytes that failed to load.
    const calling = client.call("increment", plain, { timeoutMs: 50, watchAllMemory: false });
    assert.ok(exportsOf(stopped(await within(calling, "the call to the crashed worker"), "timeout")).includes("increment"));
    assert.equal(await increment(client), 1);
    assert.equal(workers.created.length, 2);
  });

  it("two loads in a row both settle with the newest module, even when the first never finishes", async () => {
    exportsOf(await client.load(fixture("numbers")));
    workers.nextLoadTrouble.push(never);
    const first = client.load(fixture("traps"));
    const second = client.load(fixture("counter"));
    const [a, b] = await within(Promise.all([first, second]), "the two loads");
    assert.ok(exportsOf(b).includes("increment"));
    assert.deepEqual(a, b);
    assert.equal(await increment(client), 1);
    assert.equal(workers.created.length, 2);
  });

  it("two loads in a row of modules that load normally both settle with the newer one", async () => {
    const first = client.load(fixture("traps"));
    const second = client.load(fixture("counter"));
    const [a, b] = await within(Promise.all([first, second]), "the two loads");
    assert.ok(exportsOf(b).includes("increment"));
    assert.deepEqual(a, b);
    assert.equal(await increment(client), 1);
  });

  it("keeps the caller's bytes intact to restart from: the worker gets a copy", async () => {
    const bytes = fixture("counter");
    const length = bytes.byteLength;
    exportsOf(await client.load(bytes));
    assert.equal(bytes.byteLength, length);
  });
});
