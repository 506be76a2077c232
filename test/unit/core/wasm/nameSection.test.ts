/** The name section's reader on its own: what it decodes, what it skips, and that malformed names are ignored as a whole. */
import assert from "node:assert/strict";
import { readNameSection } from "../../../../src/core/wasm/nameSection";
import { uleb } from "./leb128";

const utf8 = (text: string): number[] => [...Buffer.from(text, "utf8")];
const name = (text: string): number[] => [...uleb(utf8(text).length), ...utf8(text)];
const vec = (entries: number[][]): number[] => [...uleb(entries.length), ...entries.flat()];
const subsection = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const nameMap = (entries: [number, number[]][]): number[] =>
  vec(entries.map(([index, bytes]) => [...uleb(index), ...uleb(bytes.length), ...bytes]));

/** Reads `content` as a whole name section, every function wanted but the ones in `unwanted`, each with two parameters. */
function read(content: number[], unwanted: number[] = []) {
  const isWanted = new Uint8Array(4).fill(1);
  for (const i of unwanted) isWanted[i] = 0;
  // Bytes before the section, so that the range is honoured rather than assumed to start at 0.
  const bytes = Uint8Array.from([0xaa, 0xbb, ...content]);
  return readNameSection(bytes, { start: 2, end: bytes.length }, isWanted, () => 2);
}

describe("nameSection: readNameSection", () => {
  it("reads the module's name, wanted functions' names and their parameters' names, and counts its work", () => {
    const { names, steps } = read(
      [
        ...subsection(0, name("calc")),
        ...subsection(
          1,
          nameMap([
            [0, utf8("add")],
            [1, utf8("sub")],
            [3, utf8("hidden")],
          ]),
        ),
        ...subsection(
          2,
          vec([
            [
              ...uleb(0),
              ...nameMap([
                [0, utf8("left")],
                [1, utf8("right")],
                [2, utf8("local")],
              ]),
            ],
          ]),
        ),
      ],
      [3],
    );
    assert.equal(names?.moduleName, "calc");
    assert.deepEqual(
      [...(names?.functionNames ?? [])],
      [
        [0, "add"],
        [1, "sub"],
      ],
    );
    assert.deepEqual([...(names?.paramNames ?? [])], [[0, ["left", "right"]]]);
    assert.ok(steps > 0);
  });

  it("skips unwanted functions' names without decoding them, and subsections it does not read", () => {
    const { names } = read(
      [
        ...subsection(1, nameMap([[2, [0xff]]])),
        ...subsection(2, vec([[...uleb(2), ...nameMap([[0, [0xc0]]])]])),
        ...subsection(4, [1, 2, 3]),
      ],
      [2],
    );
    assert.deepEqual([names?.functionNames.size, names?.paramNames.size], [0, 0]);
  });

  it("reads every global name and data segment name, which say where the stack, data and heap lie", () => {
    const { names } = read([
      ...subsection(7, nameMap([[0, [...new TextEncoder().encode("__stack_pointer")]]])),
      ...subsection(
        9,
        nameMap([
          [0, [...new TextEncoder().encode(".rodata")]],
          [1, [...new TextEncoder().encode(".data")]],
        ]),
      ),
    ]);
    assert.deepEqual([...(names?.globalNames ?? [])], [[0, "__stack_pointer"]]);
    assert.deepEqual(
      [...(names?.dataNames ?? [])],
      [
        [0, ".rodata"],
        [1, ".data"],
      ],
    );
  });

  const malformed: { title: string; content: number[] }[] = [
    { title: "invalid UTF-8 in a wanted local name", content: subsection(2, vec([[0x00, ...vec([[0x00, 0x01, 0xff]])]])) },
    { title: "invalid UTF-8 in a wanted function name", content: subsection(1, nameMap([[1, [0xc0, 0xff]]])) },
    { title: "a subsection longer than the section", content: [0x01, 0x20, 0x01] },
    { title: "a subsection with bytes left over", content: subsection(0, [...name("m"), 0x00]) },
    { title: "a huge name count", content: subsection(1, [0xff, 0xff, 0xff, 0xff, 0x0f]) },
    { title: "a truncated subsection size", content: [0x00, 0x80] },
  ];
  for (const { title, content } of malformed) {
    it(`ignores the whole section for ${title}`, () => {
      assert.equal(read([...subsection(0, name("kept?")), ...content]).names, undefined);
    });
  }
});
