/**
 * Short, escaped previews of bytes and strings for WASI narration and argument texts: text that
 * is valid UTF-8 shows as a quoted string with escapes, anything else as hex. It decides nothing
 * about which bytes to show.
 */

import { decodeUtf8Lossy } from "../abi/utf8";

/** Formats an address as WASI narration shows it: `0x` and lower-case hex, no padding (`0x18`). */
export function hex(offset: number): string {
  return `0x${offset.toString(16)}`;
}

/** Quotes text as a double-quoted string, escaping quotes, backslashes and control characters, cut at `maxChars`. */
export function quoteText(text: string, maxChars = 40): string {
  let out = "";
  let count = 0;
  for (const ch of text) {
    if (count === maxChars) return `"${out}"…`;
    out += escapeChar(ch);
    count++;
  }
  return `"${out}"`;
}

/**
 * A preview of bytes: a quoted string when they are valid UTF-8 (control characters escaped),
 * otherwise hex pairs in angle brackets; `…` marks a cut, at `maxChars` characters or `maxChars / 2` bytes.
 * `isTruncated` says the bytes themselves are only the start of the data.
 */
export function previewBytes(bytes: Uint8Array, options: { maxChars?: number; isTruncated?: boolean } = {}): string {
  const maxChars = Math.max(1, options.maxChars ?? 40);
  // No character takes more than four bytes, so looking further cannot change the preview.
  const looked = bytes.subarray(0, maxChars * 4 + 4);
  const isCut = options.isTruncated === true || looked.length < bytes.length;
  const decoded = decodeUtf8Lossy(looked);
  // A cut can split a character at the end; that alone does not make the bytes binary.
  const isText = decoded.invalid.every((r) => isCut && r.offset + r.size === looked.length);
  if (isText) {
    const text = decoded.invalid.length > 0 ? decoded.text.slice(0, -1) : decoded.text;
    const quoted = quoteText(text, maxChars);
    return isCut && !quoted.endsWith("…") ? `${quoted}…` : quoted;
  }
  const shown = Math.min(bytes.length, Math.max(1, Math.floor(maxChars / 2)));
  const pairs = Array.from(bytes.subarray(0, shown), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `<${pairs}${shown < bytes.length || options.isTruncated === true ? " …" : ""}>`;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\0":
      return "\\0";
    case '"':
      return '\\"';
    case "\\":
      return "\\\\";
    default: {
      const c = ch.codePointAt(0) ?? 0;
      if (c < 0x20 || c === 0x7f) return `\\x${c.toString(16).padStart(2, "0")}`;
      if ((c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) return `\\u{${c.toString(16)}}`;
      return ch;
    }
  }
}
