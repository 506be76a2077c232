/** Reads the committed fixture modules (test/fixtures/wasm), for tests in Node. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The bytes of `test/fixtures/wasm/<name>.wasm`. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(__dirname, "..", "fixtures", "wasm", `${name}.wasm`)));
}
