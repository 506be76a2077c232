/**
 * The worker's message loop: it owns the one live reactor and answers the page's requests.
 * The logic lives in handlers.ts so that it runs under Node; this file only wires `self`.
 */
import { isRpcRequest, serveRpc } from "../../src/core/rpc";
import { createHandlers, transferOf } from "./handlers";
import { warmUpParser } from "./warmUp";

declare const self: DedicatedWorkerGlobalScope;

// Most answers transfer nothing, and an empty transfer list still costs its conversion on every call.
const post = (message: unknown, transfer?: ArrayBuffer[]) =>
  transfer?.length ? self.postMessage(message, transfer) : self.postMessage(message);
const serve = serveRpc(createHandlers(), post, transferOf);

self.onmessage = (event: MessageEvent<unknown>) => {
  if (!isRpcRequest(event.data)) {
    console.warn("wasi-reactor worker: dropped a message that is not a request", event.data);
    return;
  }
  void serve(event.data);
};

// After the first task, so that a request already waiting is not held up by the warm-up.
setTimeout(warmUpParser, 0);
