// Generates the small module for the memory-size benchmarks from WAT (npm `wabt`): an exported
// memory of `pages` pages, `grow`, a plain `add`, `poke` (changes one byte), and `echo`, a guest
// of the tagged convention (docs/tagged-convention.md) that walks the argument list at offset 8 and
// leaves it in place as its results. Output goes to bench/.tmp/; nothing here is a fixture.
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** The module's WAT, with `pages` pages of initial memory and no maximum. */
export function memoryModuleWat(pages) {
  return `(module
  (memory (export "memory") ${pages})
  (func (export "_initialize"))
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  (func (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))
  (func (export "poke") (param $address i32) (param $value i32)
    (i32.store8 (local.get $address) (local.get $value)))
  ;; Writes \$value to every byte, so that every page holds data (untouched pages read as free zeros).
  (func (export "fill") (param $value i32)
    (memory.fill (i32.const 0) (local.get $value) (i32.shl (memory.size) (i32.const 16))))
  ;; Tags: 1, 2 take 5 bytes; 3 takes 5 + n; 4, 5 take 5 + 4n; 0xFF ends the list; else error 5.
  (func (export "echo") (result i32)
    (local $p i32) (local $tag i32) (local $n i32)
    (local.set $p (i32.const 8))
    (block $done
      (loop $next
        (local.set $tag (i32.load8_u (local.get $p)))
        (br_if $done (i32.eq (local.get $tag) (i32.const 0xff)))
        (if (i32.or (i32.eq (local.get $tag) (i32.const 1)) (i32.eq (local.get $tag) (i32.const 2)))
          (then (local.set $p (i32.add (local.get $p) (i32.const 5))) (br $next)))
        (local.set $n (i32.load offset=1 align=1 (local.get $p)))
        (if (i32.eq (local.get $tag) (i32.const 3))
          (then (local.set $p (i32.add (i32.add (local.get $p) (i32.const 5)) (local.get $n))) (br $next)))
        (if (i32.or (i32.eq (local.get $tag) (i32.const 4)) (i32.eq (local.get $tag) (i32.const 5)))
          (then (local.set $p (i32.add (i32.add (local.get $p) (i32.const 5)) (i32.shl (local.get $n) (i32.const 2)))) (br $next)))
        (return (i32.const 5))))
    (i32.const 0)))
`;
}

/** Builds the module with `pages` pages of initial memory and writes it to bench/.tmp/; returns the path. */
export async function writeMemoryModule(pages) {
  const wabt = await require("wabt")();
  const parsed = wabt.parseWat(`memory-${pages}.wat`, memoryModuleWat(pages));
  parsed.validate();
  const { buffer } = parsed.toBinary({ write_debug_names: true });
  parsed.destroy();
  const path = join(here, ".tmp", `memory-${pages}.wasm`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buffer);
  return path;
}
