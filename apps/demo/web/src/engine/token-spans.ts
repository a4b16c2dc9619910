/**
 * Tokens with their ids and the UTF-8 byte span each one covers, for the token view.
 *
 * Byte-level BPE tokenizers (GPT-2 style: ByteLevel decoder, no normalizer) write each byte of a
 * token as one character of its vocabulary string, so a token's byte length is its string length
 * and the spans tile the text's bytes exactly, including a character split over several tokens:
 *
 *   "a 😀" → "a" [0, 1), "Ġ" [1, 2), "ð" [2, 3), "Ł" [3, 4), "ĺ" [4, 5), "Ģ" [5, 6)   (😀 is 4 bytes)
 *
 * Other tokenizers (normalizers, Metaspace, WordPiece) report offsets into the original text in
 * UTF-16 units, converted here to byte offsets (a character split over tokens then appears in each
 * of them); ids without a text (sampled ones) take the byte length of what they decode to.
 */
import { ByteLevelDecoder, type Tokenizer } from '@llmforge/tokenizer';

/** One token. */
export interface TokenSpan {
  id: number;
  /** The token's vocabulary entry (`Ġthe`, `<|endoftext|>`). */
  token: string;
  /** What the token decodes to on its own (U+FFFD when it is only part of a character). */
  text: string;
  /** UTF-8 byte offsets into the text: [start, end). */
  start: number;
  end: number;
  /** The bytes it covers, as two-digit hex (`e2 80 99`). */
  hex: string;
}

const utf8 = new TextEncoder();

function isByteLevel(tokenizer: Tokenizer): boolean {
  return tokenizer.normalizer === null && tokenizer.decoder instanceof ByteLevelDecoder;
}

function build(
  tokenizer: Tokenizer,
  ids: readonly number[],
  spans: [number, number][],
  bytes: Uint8Array,
): TokenSpan[] {
  return ids.map((id, i) => {
    const [start, end] = spans[i]!;
    const hex = Array.from(bytes.subarray(start, end), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return { id, token: tokenizer.idToToken(id) ?? '', text: tokenizer.decode([id]), start, end, hex };
  });
}

/**
 * Byte spans of a sequence of ids (typed or sampled), over the text they decode to.
 *
 * @example
 * ```ts
 * spansOfIds(tokenizer, [934, 367]); // [{ id: 934, token: 'It', text: 'It', start: 0, end: 2, hex: '49 74' }, { id: 367, token: 'Ġis', text: ' is', start: 2, end: 5, hex: '20 69 73' }]
 * ```
 */
export function spansOfIds(tokenizer: Tokenizer, ids: readonly number[]): TokenSpan[] {
  const byteLevel = isByteLevel(tokenizer);
  const special = new Set(Object.values(tokenizer.specialTokens));
  const bytes = utf8.encode(tokenizer.decode(ids as number[]));
  let at = 0;
  const spans = ids.map((id): [number, number] => {
    const token = tokenizer.idToToken(id) ?? '';
    const n = byteLevel && !special.has(id) ? token.length : utf8.encode(tokenizer.decode([id])).length;
    at += n;
    return [at - n, at];
  });
  return build(tokenizer, ids, spans, bytes);
}

/**
 * The tokens of `text` with byte spans into it.
 *
 * @example
 * ```ts
 * tokenSpans(tokenizer, 'It is'); // the same as spansOfIds(tokenizer, tokenizer.encode('It is'))
 * ```
 */
export function tokenSpans(tokenizer: Tokenizer, text: string): TokenSpan[] {
  if (isByteLevel(tokenizer)) return spansOfIds(tokenizer, tokenizer.encode(text));
  const { ids, offsets } = tokenizer.encodeWithOffsets(text);
  const byteAt = new Int32Array(text.length + 1); // UTF-8 bytes before each UTF-16 index
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1); // NaN past the end
    if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      byteAt[i + 1] = byteAt[i]! + 4; // a surrogate pair is one 4-byte character
      byteAt[i + 2] = byteAt[i]! + 4;
      i++;
      continue;
    }
    byteAt[i + 1] = byteAt[i]! + (c < 0x80 ? 1 : c < 0x800 ? 2 : 3); // a lone surrogate encodes as U+FFFD
  }
  return build(
    tokenizer,
    ids,
    offsets.map(([a, b]) => [byteAt[a]!, byteAt[b]!]),
    utf8.encode(text),
  );
}
