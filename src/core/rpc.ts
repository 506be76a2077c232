/**
 * The request/response helper both channels use: requests carry an id, a response is
 * `ok: true, result` or `ok: false, error`, and a handler that throws answers `ok: false`. A
 * handler may report progress before it answers (what a slow request already knows).
 * It knows nothing of transports; callers give it a `post` function and feed it what arrives.
 */

/** A table of requests: each method's params and result, and what it may report before its result. */
export type RequestTable<T> = { [M in keyof T]: { params: unknown; result: unknown; progress?: unknown } };

/** What method `E` of a table reports as progress (never, for methods that report none). */
export type ProgressOf<E> = E extends { progress: infer P } ? P : never;

/** An error as it crosses a boundary: plain data, never an Error object. */
export interface WireError {
  name: string;
  message: string;
}

/** A request on the wire. */
export interface RpcRequest {
  kind: "request";
  id: number;
  method: string;
  params: unknown;
}

/** A response on the wire; `progress` may come any number of times before the one final answer. */
export type RpcResponse =
  | { kind: "response"; id: number; ok: true; result: unknown }
  | { kind: "response"; id: number; ok: false; error: WireError }
  | { kind: "progress"; id: number; value: unknown };

/** The error a caller is rejected with; it keeps the remote error's name. */
export class RemoteError extends Error {
  constructor(error: WireError) {
    super(error.message);
    this.name = error.name;
  }
}

/** Sends a message, with buffers to transfer rather than copy. */
export type Post = (message: unknown, transfer?: ArrayBuffer[]) => void;

/** Turns anything thrown into a WireError. */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof Error) return { name: thrown.name, message: thrown.message };
  return { name: "Error", message: String(thrown) };
}

/** Whether `value` is a request of this helper's shape. */
export function isRpcRequest(value: unknown): value is RpcRequest {
  const v = value as RpcRequest | null;
  return typeof v === "object" && v !== null && v.kind === "request" && Number.isInteger(v.id) && typeof v.method === "string";
}

/** Whether `value` is a response of this helper's shape. */
export function isRpcResponse(value: unknown): value is RpcResponse {
  const v = value as RpcResponse | null;
  if (typeof v !== "object" || v === null || !Number.isInteger(v.id)) return false;
  return v.kind === "progress" || (v.kind === "response" && typeof v.ok === "boolean");
}

/** The calling side of a channel. */
export interface RpcClient<T extends RequestTable<T>> {
  request<M extends keyof T & string>(
    method: M,
    params: T[M]["params"],
    transfer?: ArrayBuffer[],
    onProgress?: (value: ProgressOf<T[M]>) => void,
  ): Promise<T[M]["result"]>;
  /** Settles the matching pending request (or reports its progress); returns false for anything that is not a known response. */
  handleResponse(message: unknown): boolean;
  /** Rejects every pending request, for when the other side is gone (a terminated worker). */
  rejectAll(error: WireError): void;
  /** How many requests await an answer. */
  readonly pendingCount: number;
}

/** Creates the calling side of a channel. */
export function createRpcClient<T extends RequestTable<T>>(post: Post): RpcClient<T> {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (value: never) => void }>();
  return {
    request(method, params, transfer, onProgress) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, onProgress });
        try {
          post({ kind: "request", id, method, params } satisfies RpcRequest, transfer);
        } catch (thrown) {
          // A message that cannot be cloned must fail its caller, not leave it pending.
          pending.delete(id);
          reject(new RemoteError(toWireError(thrown)));
        }
      });
    },
    handleResponse(message) {
      if (!isRpcResponse(message)) return false;
      const waiter = pending.get(message.id);
      if (!waiter) return false;
      if (message.kind === "progress") {
        waiter.onProgress?.(message.value as never);
        return true;
      }
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new RemoteError(message.error));
      return true;
    },
    rejectAll(error) {
      const waiters = [...pending.values()];
      pending.clear();
      for (const waiter of waiters) waiter.reject(new RemoteError(error));
    },
    get pendingCount() {
      return pending.size;
    },
  };
}

/** Handlers for every method of a table; each may return its result or a promise of it, and report progress before. */
export type Handlers<T extends RequestTable<T>> = {
  [M in keyof T]: (params: T[M]["params"], progress: (value: ProgressOf<T[M]>) => void) => T[M]["result"] | Promise<T[M]["result"]>;
};

/** A check of one method's params, and the sentence a caller is rejected with when they fail it. */
export interface ParamsCheck<P> {
  is(value: unknown): value is P;
  expected: string;
}

/** A params check for every method of a table. */
export type ParamsChecks<T extends RequestTable<T>> = { [M in keyof T]: ParamsCheck<T[M]["params"]> };

/**
 * Wraps handlers so that each runs only on params that passed its method's check, and throws a
 * TypeError with the check's sentence otherwise (which `serveRpc` answers as `ok: false`). The
 * checks of a channel are written once, beside its types in protocol.ts; the handlers trust them.
 */
export function checkedHandlers<T extends RequestTable<T>>(checks: ParamsChecks<T>, handlers: Handlers<T>): Handlers<T> {
  const checked = {} as Handlers<T>;
  for (const method of Object.keys(handlers) as (keyof T)[]) {
    const check = checks[method];
    const handler = handlers[method];
    checked[method] = (params, progress) => {
      if (!check.is(params)) throw new TypeError(check.expected);
      return handler(params, progress);
    };
  }
  return checked;
}

/** Picks the buffers of a result that should be transferred instead of copied. */
export type TransferOf = (result: unknown) => ArrayBuffer[];

/**
 * Creates the answering side of a channel: feed it each request; it answers every one, with
 * `ok: false` when the method is unknown or its handler throws. A handler that returns a plain
 * value is answered at once, in the same task: awaiting it would cost a promise and a microtask on
 * every call.
 */
export function serveRpc<T extends RequestTable<T>>(
  handlers: Handlers<T>,
  post: Post,
  transferOf: TransferOf = () => [],
): (request: RpcRequest) => Promise<void> | void {
  const fail = (id: number, error: WireError) => post({ kind: "response", id, ok: false, error } satisfies RpcResponse);
  return (request) => {
    const { id } = request;
    const handler = Object.prototype.hasOwnProperty.call(handlers, request.method) ? handlers[request.method as keyof T] : undefined;
    if (!handler) return fail(id, { name: "UnknownMethod", message: `Unknown request "${request.method}".` });
    // A result that cannot be cloned must fail its request, not leave it unanswered.
    const answer = (result: unknown) => {
      try {
        post({ kind: "response", id, ok: true, result } satisfies RpcResponse, transferOf(result));
      } catch (thrown) {
        fail(id, toWireError(thrown));
      }
    };
    let result: unknown;
    try {
      const progress = (value: unknown) => post({ kind: "progress", id, value } satisfies RpcResponse, transferOf(value));
      result = handler(request.params, progress);
    } catch (thrown) {
      return fail(id, toWireError(thrown));
    }
    if (result instanceof Promise) return result.then(answer, (thrown: unknown) => fail(id, toWireError(thrown)));
    answer(result);
  };
}
