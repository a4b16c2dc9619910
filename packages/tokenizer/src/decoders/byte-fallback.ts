/**
 * ByteFallback decoder: runs of `<0xAB>` byte tokens become the text their UTF-8 bytes spell; a run
 * that is not valid UTF-8 becomes one U+FFFD per byte.
 *
 *   ["<0xE2>", "<0x96>", "<0x81>"]  ->  ["▁"]
 */
import type { Decoder } from '../pipeline/types.js';

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
const fatal = new TextDecoder('utf-8', { fatal: true });

/**
 * @example
 * ```ts
 * new ByteFallbackDecoder().decodeChain(['a', '<0xC3>', '<0xA9>']) // ['a', 'é']
 * ```
 */
export class ByteFallbackDecoder implements Decoder {
  readonly type = 'ByteFallback';
  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length === 0) return;
      try {
        out.push(fatal.decode(Uint8Array.from(bytes)));
      } catch {
        for (let k = 0; k < bytes.length; k++) out.push('\ufffd');
      }
      bytes = [];
    };
    for (const t of tokens) {
      const m = t.length === 6 ? BYTE_TOKEN.exec(t) : null;
      if (m) bytes.push(Number.parseInt(m[1]!, 16));
      else {
        flush();
        out.push(t);
      }
    }
    flush();
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
