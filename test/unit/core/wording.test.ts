/** The one wording of counts and sizes: what the page, the worker and the core all say. */
import assert from "node:assert/strict";
import { byteSizeText, groupThousands, plural, pluralNoun } from "../../../src/core/wording";

describe("wording: counts and sizes in sentences", () => {
  const plurals: [number, string, string | undefined, string][] = [
    [0, "byte", undefined, "0 bytes"],
    [1, "byte", undefined, "1 byte"],
    [2, "byte", undefined, "2 bytes"],
    [1, "exported function", undefined, "1 exported function"],
    [3, "index", "indices", "3 indices"],
    [1000, "byte", undefined, "1000 bytes"],
  ];
  for (const [n, one, many, expected] of plurals) {
    it(`says ${expected}`, () => {
      assert.equal(plural(n, one, many), expected);
      assert.equal(pluralNoun(n, one, many), expected.slice(String(n).length + 1));
    });
  }

  it("groups thousands with commas", () => {
    assert.deepEqual([0, 999, 1000, 65536, 4294967296].map(groupThousands), ["0", "999", "1,000", "65,536", "4,294,967,296"]);
  });

  const sizes: [number, string, string][] = [
    [0, "0 B", "0 bytes"],
    [512, "512 B", "512 bytes"],
    [1024, "1.0 KiB", "1 KiB"],
    [1536, "1.5 KiB", "1.5 KiB"],
    [65536, "64 KiB", "64 KiB"],
    [196608, "192 KiB", "192 KiB"],
    [1.5 * 2 ** 20, "1.5 MiB", "1.5 MiB"],
    [2 ** 32, "4.0 GiB", "4 GiB"],
    [2 ** 50, "1024 TiB", "1024 TiB"],
  ];
  for (const [n, rounded, exact] of sizes) {
    it(`writes ${n} bytes as ${rounded} at a glance and ${exact} exactly`, () => {
      assert.equal(byteSizeText(n), rounded);
      assert.equal(byteSizeText(n, "exact"), exact);
    });
  }
});
