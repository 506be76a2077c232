// Bundles the product sources the benchmarks exercise with the same esbuild options as
// scripts/build.mjs (target es2022, not minified), into bench/.tmp/. The product's own build is untouched.
import * as esbuild from "esbuild";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const root = join(benchDir, "..");
export const tmpDir = join(benchDir, ".tmp");

const base = { bundle: true, minify: false, sourcemap: false, target: "es2022", logLevel: "warning", absWorkingDir: root };

/** Bundles `entry` for Node (CommonJS) into bench/.tmp/`name`.cjs and returns the path. */
export async function bundleForNode(entry, name) {
  mkdirSync(tmpDir, { recursive: true });
  const outfile = join(tmpDir, `${name}.cjs`);
  await esbuild.build({ ...base, entryPoints: [entry], outfile, platform: "node", format: "cjs" });
  return outfile;
}

/**
 * Bundles `entry` as one classic script (IIFE) and returns its text, as the product builds its
 * worker. `from` is the source tree, this one unless told (bench/browser/callAB.mjs builds another).
 */
export async function bundleScript(entry, define = {}, from = root) {
  const result = await esbuild.build({
    ...base,
    absWorkingDir: from,
    entryPoints: [entry],
    platform: "browser",
    format: "iife",
    write: false,
    define,
  });
  return result.outputFiles[0].text;
}
