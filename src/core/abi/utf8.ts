/**
 * UTF-8 by hand, because `TextEncoder`/`TextDecoder` are not part of ES2022 and we need stricter
 * encoding and more detailed decoding than they give: a strict encoder that names the lone
 * surrogate it refuses, and a lossy decoder that also reports where the invalid bytes were.
 * It knows nothing of memory layouts or conventions.
 */

import type { ByteRange } from "../layout";

/** Strict encoding's outcome: the bytes, or why the text cannot be UTF-8 (with the UTF-16 index). */
export type Utf8Encoded = { ok: true; bytes: Uint8Array } | { ok: false; reason: string; index: number };

/** Lossy decoding's outcome: the text with U+FFFD for each invalid sequence, and where those were. */
export interface Utf8Decoded {
  text: string;
  /** One range per U+FFFD in `text`, in order, as addresses (`baseOffset` + index). */
  invalid: ByteRange[];
}

/**
 * Encodes text as UTF-8 (RFC 3629). A lone surrogate cannot be encoded, so instead of silently
 * writing U+FFFD (as `TextEncoder` does) this refuses, naming the UTF-16 index of the surrogate.
 */
export function encodeUtf8(text: string): Utf8Encoded {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
      if (next < 0xdc00 || next > 0xdfff) return loneSurrogate(c, i);
      length += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return loneSurrogate(c, i);
    else length += 3;
  }
  const bytes = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00);
      i++;
    }
    if (cp < 0x80) {
      bytes[o++] = cp;
    } else if (cp < 0x800) {
      bytes[o++] = 0xc0 | (cp >> 6);
      bytes[o++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      bytes[o++] = 0xe0 | (cp >> 12);
      bytes[o++] = 0x80 | ((cp >> 6) & 0x3f);
      bytes[o++] = 0x80 | (cp & 0x3f);
    } else {
      bytes[o++] = 0xf0 | (cp >> 18);
      bytes[o++] = 0x80 | ((cp >> 12) & 0x3f);
      bytes[o++] = 0x80 | ((cp >> 6) & 0x3f);
      bytes[o++] = 0x80 | (cp & 0x3f);
    }
  }
  return { ok: true, bytes };
}

/** The number of bytes `text` takes as UTF-8, or undefined when it holds a lone surrogate. */
export function utf8Length(text: string): number | undefined {
  const r = encodeUtf8(text);
  return r.ok ? r.bytes.length : undefined;
}

/**
 * Decodes `bytes[start..end)` as UTF-8, replacing each maximal invalid subpart with U+FFFD exactly
 * as the WHATWG Encoding standard (and so `TextDecoder`) does, and reporting each one's bytes.
 * Never throws. `baseOffset` turns indices into memory addresses for the reported ranges.
 */
export function decodeUtf8Lossy(bytes: Uint8Array, start = 0, end = bytes.length, baseOffset = 0): Utf8Decoded {
  const units: number[] = [];
  const chunks: string[] = [];
  const invalid: ByteRange[] = [];
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let seqStart = start;

  const push = (u: number): void => {
    units.push(u);
    // Flushing in chunks keeps String.fromCharCode's argument count well under engine limits.
    if (units.length >= 8192) {
      chunks.push(String.fromCharCode(...units));
      units.length = 0;
    }
  };
  const pushCodePoint = (c: number): void => {
    if (c < 0x10000) push(c);
    else {
      push(0xd800 + ((c - 0x10000) >> 10));
      push(0xdc00 + ((c - 0x10000) & 0x3ff));
    }
  };
  const replace = (from: number, to: number): void => {
    push(0xfffd);
    invalid.push({ offset: baseOffset + from, size: to - from });
  };

  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (needed === 0) {
      seqStart = i;
      if (b < 0x80) push(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x07;
      } else replace(i, i + 1);
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence so far is a maximal invalid subpart; this byte starts afresh.
      replace(seqStart, i);
      needed = 0;
      seen = 0;
      lower = 0x80;
      upper = 0xbf;
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    seen++;
    if (seen === needed) {
      pushCodePoint(cp);
      needed = 0;
      seen = 0;
    }
  }
  if (needed !== 0) replace(seqStart, end);
  chunks.push(String.fromCharCode(...units));
  return { text: chunks.join(""), invalid };
}

function loneSurrogate(c: number, index: number): Utf8Encoded {
  const hex = c.toString(16).toUpperCase();
  return {
    ok: false,
    reason: `the text has a lone surrogate U+${hex} at index ${index} (counting UTF-16 code units from 0), which UTF-8 cannot encode`,
    index,
  };
}
