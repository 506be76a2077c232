/**
 * Installed before the product's worker code in the probe worker: remembers the last instance
 * `WebAssembly.instantiate` made, so that the benchmark's side channel can reach its memory.
 * It changes nothing the product sees.
 */
declare const self: DedicatedWorkerGlobalScope & { __benchInstance?: WebAssembly.Instance };
// A module, so that `self` above is this file's own declaration.
export {};

const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
(WebAssembly as unknown as { instantiate: (...args: unknown[]) => Promise<unknown> }).instantiate = async (...args: unknown[]) => {
  const made = await instantiate(...args);
  self.__benchInstance = made instanceof WebAssembly.Instance ? made : (made as { instance: WebAssembly.Instance }).instance;
  return made;
};
