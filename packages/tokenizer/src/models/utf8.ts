/**
 * UTF-8 helpers for the byte-level hot path: encode a JS string into a reusable buffer without
 * allocating, and decode a byte sequence strictly (null when it is not valid UTF-8).
 *
 * Lone surrogates (a JS string may hold them, UTF-8 cannot) become U+FFFD (`EF BF BD`), exactly as
 * `TextEncoder` does and as a Rust library sees such a string after conversion.
 *
 *     "aé€😀"  ->  61 | C3 A9 | E2 82 AC | F0 9F 98 80
 */

/**
 * Writes the UTF-8 bytes of `s[start..end)` into `buf` (which must hold `3 * (end - start)` bytes)
 * and returns the number of bytes written.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(16);
 * encodeUtf8Into('é€', 0, 2, buf); // 5: C3 A9 E2 82 AC
 * ```
 */
export function encodeUtf8Into(s: string, start: number, end: number, buf: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6);
      buf[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < end ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[n++] = 0xf0 | (c >> 18);
          buf[n++] = 0x80 | ((c >> 12) & 63);
          buf[n++] = 0x80 | ((c >> 6) & 63);
          buf[n++] = 0x80 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      buf[n++] = 0xe0 | (c >> 12);
      buf[n++] = 0x80 | ((c >> 6) & 63);
      buf[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/**
 * Decodes `bytes` as UTF-8, or returns null when they are not valid UTF-8 (a token that ends in
 * the middle of a character, an overlong form, a surrogate).
 *
 * @example
 * ```ts
 * decodeUtf8Strict(Uint8Array.of(0xc3, 0xa9)); // 'é'
 * decodeUtf8Strict(Uint8Array.of(0xc3));       // null
 * ```
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
