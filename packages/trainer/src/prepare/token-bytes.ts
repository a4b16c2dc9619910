/**
 * The UTF-8 length of each token's text, for bits-per-byte evaluation (nanochat's `token_bytes`):
 * special tokens count 0 bytes, so predicting an end-of-text token costs loss but adds no bytes.
 *
 * - Byte-level BPE (GPT-2 style, and tiktoken files): each character of the token string stands
 *   for one byte, so the length of the string is exact, even for tokens that split a multi-byte
 *   character.
 * - Byte-fallback tokens `<0x41>`: one byte.
 * - Anything else: the byte length of the token decoded on its own.
 */

import type { Tokenizer } from '@llmforge/tokenizer';

/**
 * `tokenBytes[id]` for every id below `tokenizer.vocabSize`.
 *
 * @example
 * ```ts
 * const bytes = tokenByteLengths(tok);
 * bytes[tok.tokenToId('Ġthe')!]; // 4 (" the")
 * ```
 */
export function tokenByteLengths(tokenizer: Tokenizer): number[] {
  const utf8 = new TextEncoder();
  const special = new Set(Object.values(tokenizer.specialTokens));
  const byteLevel = tokenizer.decoder?.type === 'ByteLevel';
  const out: number[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    if (special.has(id)) {
      out.push(0);
      continue;
    }
    const token = tokenizer.idToToken(id);
    if (token === undefined) out.push(0);
    else if (byteLevel) out.push(token.length);
    else if (/^<0x[0-9A-Fa-f]{2}>$/.test(token)) out.push(1);
    else out.push(utf8.encode(tokenizer.decode([id], { onInvalid: 'replace' })).length);
  }
  return out;
}
