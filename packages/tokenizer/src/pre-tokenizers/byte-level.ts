/**
 * ByteLevel (GPT-2): optionally add a leading space, split with the GPT-2 regex, then write every
 * UTF-8 byte as one printable character so a vocabulary of 256 symbols covers any text.
 *
 * GPT-2's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the other 68 bytes
 * (controls, space, 0x7F-0xA0, 0xAD) map to U+0100, U+0101, ... in byte order:
 *
 *   " "  (0x20)  -> "Ġ" (U+0120)        "\n" (0x0A) -> "Ċ" (U+010A)
 *   "é"  (C3 A9) -> "Ã©"                 "Hello world" -> "Hello" | "Ġworld"
 *
 * Each mapped character keeps the span of the source character its byte came from.
 */

import { GPT2_PATTERN } from '../pipeline/patterns.js';
import { originEnd, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Piece, PreTokenizer } from '../pipeline/types.js';
import { splitPiecesBy, splitRanges } from './split-behavior.js';

/** GPT-2's pre-tokenization regex, compiled from the shared pattern table. */
const GPT2_SPLIT_PATTERN = new RegExp(GPT2_PATTERN.js, 'gu');

function buildByteToChar(): string[] {
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return table;
}

/** byte -> its GPT-2 character (the package's one copy of the table). */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();
/** GPT-2 character -> byte. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/**
 * A byte-level vocabulary token as raw bytes, or null if a character is not a byte character.
 *
 * @example
 * ```ts
 * byteLevelTokenToBytes('Ġworld'); // Uint8Array [0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64]
 * ```
 */
export function byteLevelTokenToBytes(token: string): Uint8Array | null {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]!);
    if (b === undefined) return null;
    out[i] = b;
  }
  return out;
}

/**
 * Raw bytes as a byte-level vocabulary token.
 *
 * @example
 * ```ts
 * bytesToByteLevelToken(Uint8Array.of(0x20, 0x77)); // 'Ġw'
 * ```
 */
export function bytesToByteLevelToken(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]!]!;
  return s;
}

const encoder = new TextEncoder();
const ASCII = /^[\x00-\x7f]*$/;

/** Maps text to its byte-level characters. */
export function toByteLevel(text: string): string {
  let out = '';
  if (ASCII.test(text)) {
    for (let i = 0; i < text.length; i++) out += BYTE_TO_CHAR[text.charCodeAt(i)]!;
    return out;
  }
  for (const b of encoder.encode(text)) out += BYTE_TO_CHAR[b]!;
  return out;
}

/** Options of {@link ByteLevel}, named as in tokenizer.json. */
export interface ByteLevelOptions {
  add_prefix_space?: boolean;
  trim_offsets?: boolean;
  use_regex?: boolean;
}

/**
 * @example
 * ```ts
 * const out: string[] = [];
 * new ByteLevel({ add_prefix_space: false }).splitString('Hello world', out); // ['Hello', 'Ġworld']
 * ```
 */
export class ByteLevel implements PreTokenizer {
  readonly type = 'ByteLevel';
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;
  constructor(options: ByteLevelOptions = {}) {
    this.addPrefixSpace = options.add_prefix_space ?? true;
    this.trimOffsets = options.trim_offsets ?? true;
    this.useRegex = options.use_regex ?? true;
  }

  splitString(text: string, out: string[]): void {
    if (this.addPrefixSpace && text.length > 0 && !text.startsWith(' ')) text = ` ${text}`;
    if (!this.useRegex) {
      if (text.length > 0) out.push(toByteLevel(text));
      return;
    }
    const r = splitRanges(text, GPT2_SPLIT_PATTERN, 'Isolated', false);
    for (let k = 0; k < r.length; k += 2) out.push(toByteLevel(text.slice(r[k], r[k + 1])));
  }

  preTokenize(pieces: Piece[]): Piece[] {
    let split = pieces;
    if (this.addPrefixSpace) {
      split = pieces.map((p) => {
        if (p.text.startsWith(' ') || p.text.length === 0) return p;
        const b = new PieceBuilder(originStart(p, 0));
        b.appendSpan(' ', originStart(p, 0), originEnd(p, 0));
        b.appendFrom(p, 0, p.text.length);
        return b.build();
      });
    }
    if (this.useRegex) split = splitPiecesBy(split, GPT2_SPLIT_PATTERN, 'Isolated', false);
    return split.filter((p) => p.text.length > 0).map(mapPieceToBytes);
  }

  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      add_prefix_space: this.addPrefixSpace,
      trim_offsets: this.trimOffsets,
      use_regex: this.useRegex,
    };
  }
}

/** Byte-level mapping of one piece; every byte character keeps its source character's span. */
function mapPieceToBytes(p: Piece): Piece {
  const { text } = p;
  if (ASCII.test(text)) {
    let out = '';
    for (let i = 0; i < text.length; i++) out += BYTE_TO_CHAR[text.charCodeAt(i)]!;
    return { text: out, base: p.base, map: p.map };
  }
  const b = new PieceBuilder(p.base);
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    const bytes = encoder.encode(text.slice(i, i + n));
    let s = '';
    for (const x of bytes) s += BYTE_TO_CHAR[x]!;
    if (s.length === 1 && n === 1) b.appendFrom({ text: s, base: originStart(p, i), map: null }, 0, 1);
    else b.appendSpan(s, originStart(p, i), originEnd(p, i + n - 1));
    i += n;
  }
  return b.build();
}
