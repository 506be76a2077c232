/**
 * The bench page's script: drives the product's worker through the product's own client
 * (webview/ui/reactorClient.ts) without the rest of the UI, with the baselines on the same worker
 * thread (probeWorker.ts), and times everything in the page with performance.now().
 * bench/browser/*.mjs call it through `window.bench`; loops run here, so no Playwright round trip
 * is ever inside a measurement.
 */
import { ReactorClient, blobWorkerFactory } from "../../webview/ui/reactorClient";
import type { ConventionCall } from "../../src/core/protocol";
import { workedExampleArgs } from "../../test/workedExample.mjs";
import type { ProbeMessage } from "./probeMessages";

declare const __PRODUCT_WORKER__: string;
declare const __PROBE_WORKER__: string;

const callOptions = { timeoutMs: 60_000, watchAllMemory: false };

/** The worked example of docs/tagged-convention.md: five tagged arguments. */
const fiveTaggedArgs: ConventionCall = {
  convention: "tagged",
  args: workedExampleArgs,
  options: { startOffset: 8, tagWidth: 1, padStringsTo4: false },
};

const plainAdd: ConventionCall = {
  convention: "plain",
  args: [
    { type: "i32", value: 2 },
    { type: "i32", value: 3 },
  ],
};

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The product's client on the probe worker (probeWorker.ts), and a second channel to the same
 * worker for the baselines that run beside the product's code there. The channel takes the answer
 * to its one outstanding message before the client sees it; the client's own messages pass.
 */
function probedClient(): {
  client: ReactorClient;
  probe: (message: ProbeMessage) => Promise<unknown>;
  capture: () => Promise<{ request: unknown; answer: unknown }>;
} {
  let worker!: Worker;
  let waiting: ((value: unknown) => void) | undefined;
  const create = blobWorkerFactory(__PROBE_WORKER__);
  // The channel's listener goes first, before the client sets its own.
  const client = new ReactorClient(() => {
    worker = create();
    worker.addEventListener("message", (event) => {
      const resolve = waiting;
      if (!resolve) return;
      waiting = undefined;
      event.stopImmediatePropagation();
      resolve(event.data);
    });
    return worker;
  });
  return {
    client,
    probe(message) {
      return new Promise((resolve) => {
        waiting = resolve;
        worker.postMessage(message);
      });
    },
    /** Records the client's next exchange with its worker: the request the page posted and the answer, exactly as they crossed. */
    capture() {
      return new Promise((resolve) => {
        let request: unknown;
        worker.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) {
          request = message;
          delete (worker as Partial<Worker>).postMessage;
          // The prototype's own method, called with this worker as `this`.
          // eslint-disable-next-line @typescript-eslint/unbound-method
          Reflect.apply(Worker.prototype.postMessage, this, [message, transfer]);
        };
        worker.addEventListener("message", (event) => resolve({ request, answer: event.data }), { once: true });
      });
    },
  };
}

/**
 * A product client with the module loaded, after one tagged call of `echo` (how many results it
 * decoded), and the ways to call `echo`, all on the one worker thread: bare (the product's instance
 * called directly), the floor (that tagged call's request answered with its recorded answer: the
 * messages alone), plainly through the product, and tagged through the product.
 */
async function prepareEcho(bytes: Uint8Array) {
  const { client: product, probe, capture } = probedClient();
  await loaded(product, bytes);
  const captured = capture();
  const first = await call(product, "echo", fiveTaggedArgs);
  const decodedResults = first.memory?.decoded?.convention === "tagged" ? first.memory.decoded.values.length : -1;
  const { request, answer } = await captured;
  await probe({ kind: "keep", answer: answer as object });
  // The recorded request, marked for the floor: the same fields, so the same clone.
  const floor: ProbeMessage = { ...(request as { id: number }), kind: "floor" };
  const bare: ProbeMessage = { kind: "bare", name: "echo" };
  const plainEcho: ConventionCall = { convention: "plain", args: [] };
  const ways = {
    bare: () => probe(bare),
    floor: () => probe(floor),
    plain: () => call(product, "echo", plainEcho),
    tagged: () => call(product, "echo", fiveTaggedArgs),
  };
  return { product, ways, decodedResults };
}

/** Loads a copy of `bytes`: the client transfers what it is given. */
async function loaded(client: ReactorClient, bytes: Uint8Array): Promise<void> {
  const report = await client.load(bytes.slice());
  if (report.status !== "loaded" || report.instance.status !== "ready")
    throw new Error(`load failed: ${JSON.stringify(report).slice(0, 300)}`);
}

async function call(client: ReactorClient, exportName: string, convention: ConventionCall, watchAllMemory = false) {
  const result = await client.call(exportName, convention, { ...callOptions, watchAllMemory });
  if (result.status !== "finished" || result.outcome.status !== "returned")
    throw new Error(`call ${exportName} failed: ${JSON.stringify(result).slice(0, 300)}`);
  return result.outcome;
}

/**
 * The time per call of `block` calls of `once` in a row, timed whole: in a cross-origin isolated
 * page performance.now() ticks in 5 µs, a quarter of a bare round trip on one CPU, so single calls
 * would measure the clock's steps more than the calls.
 */
async function perCall(block: number, once: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < block; i++) await once();
  return (performance.now() - started) / block;
}

/** What `bench.callLoop` runs. */
let loopWorkers: Awaited<ReturnType<typeof prepareEcho>> | undefined;

const bench = {
  /** Loads the module into a product client for `callLoop`. */
  async prepareCallLoop(options: { wasm: string }) {
    loopWorkers = await prepareEcho(fromBase64(options.wasm));
  },

  /** Calls `echo` one way (`floor`: the tagged call's messages alone), one call after another, for `ms` milliseconds; returns how many calls ran. */
  async callLoop(options: { kind: "bare" | "floor" | "plain" | "tagged"; ms: number }) {
    if (!loopWorkers) throw new Error("prepareCallLoop first");
    const once = loopWorkers.ways[options.kind];
    const end = performance.now() + options.ms;
    let calls = 0;
    for (; performance.now() < end; calls++) await once();
    return calls;
  },

  /** The call pipeline of a tagged call against a bare round trip that calls the same export; the ways take turns in blocks of `block` calls. */
  async pipeline(options: { wasm: string; rounds: number; calls: number; block: number; warmup: number }) {
    const { product, ways: echo, decodedResults } = await prepareEcho(fromBase64(options.wasm));
    let workerMs = 0;
    const ways = {
      productMs: async () => (workerMs = (await echo.tagged()).durationMs),
      baselineMs: echo.bare,
      // Context for the split of the cost: the same export called plainly through the product, and the messages alone.
      plainMs: echo.plain,
      floorMs: echo.floor,
    };
    for (let i = 0; i < options.warmup; i++) for (const once of Object.values(ways)) await once();
    const rounds = [];
    for (let r = 0; r < options.rounds; r++) {
      const round: Record<keyof typeof ways | "workerMs", number[]> = {
        productMs: [],
        baselineMs: [],
        plainMs: [],
        floorMs: [],
        workerMs: [],
      };
      for (let b = 0; b < options.calls / options.block; b++) {
        for (const [key, once] of Object.entries(ways) as [keyof typeof ways, () => Promise<unknown>][])
          round[key].push(await perCall(options.block, once));
        // The worker's own time of the block's last tagged call.
        round.workerMs.push(workerMs);
      }
      rounds.push(round);
    }
    product.dispose();
    return { decodedResults, rounds };
  },

  /** The same calls on a memory of `smallPages` pages and on one grown to `largePages` pages. */
  async memorySize(options: { wasm: string; largePages: number; rounds: number; calls: number; block: number; warmup: number }) {
    const bytes = fromBase64(options.wasm);
    const small = new ReactorClient(blobWorkerFactory(__PRODUCT_WORKER__));
    const large = new ReactorClient(blobWorkerFactory(__PRODUCT_WORKER__));
    await loaded(small, bytes);
    await loaded(large, bytes);
    const before = (await call(large, "grow", { convention: "plain", args: [{ type: "i32", value: 0 }] })).memoryBytes;
    const grown = await call(large, "grow", { convention: "plain", args: [{ type: "i32", value: options.largePages - before / 65536 }] });
    const sizes = { small: (await call(small, "add", plainAdd)).memoryBytes, large: grown.memoryBytes };
    const kinds = { plain: ["add", plainAdd], tagged: ["echo", fiveTaggedArgs] } as const;
    for (let i = 0; i < options.warmup; i++)
      for (const [name, args] of Object.values(kinds)) for (const c of [small, large]) await call(c, name, args);
    const rounds = [];
    for (let r = 0; r < options.rounds; r++) {
      const ms: Record<string, number[]> = { plainSmall: [], plainLarge: [], taggedSmall: [], taggedLarge: [] };
      for (let b = 0; b < options.calls / options.block; b++) {
        // Alternated, so that drift in the machine hits both sizes alike.
        for (const [kind, [name, args]] of Object.entries(kinds)) {
          ms[`${kind}Small`]!.push(await perCall(options.block, () => call(small, name, args)));
          ms[`${kind}Large`]!.push(await perCall(options.block, () => call(large, name, args)));
        }
      }
      rounds.push(ms);
    }
    small.dispose();
    large.dispose();
    return { sizes, rounds };
  },

  /** Change detection over all of memory against a `set` copy of the same memory in the same worker. */
  async changeDetection(options: { wasm: string; pages: number; rounds: number; calls: number }) {
    const bytes = fromBase64(options.wasm);
    let worker: Worker | undefined;
    const probeUrl = URL.createObjectURL(new Blob([__PROBE_WORKER__], { type: "text/javascript" }));
    const client = new ReactorClient(() => (worker = new Worker(probeUrl)));
    await loaded(client, bytes);
    const before = (await call(client, "grow", { convention: "plain", args: [{ type: "i32", value: 0 }] })).memoryBytes;
    await call(client, "grow", { convention: "plain", args: [{ type: "i32", value: options.pages - before / 65536 }] });
    type Copies = { bytes: number; copyMs: number[]; freshCopyMs: number[] };
    const side = (reps: number) =>
      new Promise<Copies>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event: MessageEvent<Copies>) => resolve(event.data);
        worker!.postMessage({ kind: "copy", reps } satisfies ProbeMessage, [channel.port2]);
      });
    // Every page holds data, as in a real program's heap: untouched pages would make both sides cheap.
    await call(client, "fill", { convention: "plain", args: [{ type: "i32", value: 0xa5 }] });
    const poke = (value: number): ConventionCall => ({
      convention: "plain",
      args: [
        { type: "i32", value: Math.floor(before / 2) },
        { type: "i32", value },
      ],
    });
    const rounds = [];
    for (let r = 0; r < options.rounds; r++) {
      const watchedMs: number[] = [];
      const plainMs: number[] = [];
      const watchedWorkerMs: number[] = [];
      const plainWorkerMs: number[] = [];
      let changed = 0;
      let memoryBytes = 0;
      for (let i = 0; i < options.calls; i++) {
        const started = performance.now();
        const plain = await call(client, "poke", poke(2 * i + 11), false);
        plainMs.push(performance.now() - started);
        plainWorkerMs.push(plain.durationMs);
      }
      // The first watched call after unwatched ones must bring its copy of memory up to date first.
      const afterUnwatchedWorkerMs = (await call(client, "poke", poke(3), true)).durationMs;
      // Then the setting is on: watched calls follow each other.
      for (let i = 0; i < options.calls; i++) {
        const started = performance.now();
        const watched = await call(client, "poke", poke(2 * i + 10), true);
        watchedMs.push(performance.now() - started);
        watchedWorkerMs.push(watched.durationMs);
        changed = watched.memory?.changed.length ?? -1;
        memoryBytes = watched.memoryBytes;
      }
      const copy = await side(options.calls);
      rounds.push({ watchedMs, plainMs, watchedWorkerMs, plainWorkerMs, afterUnwatchedWorkerMs, changed, memoryBytes, ...copy });
    }
    client.dispose();
    return { rounds };
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
document.title = "bench ready";
