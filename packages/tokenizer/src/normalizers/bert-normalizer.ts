/**
 * BertNormalizer, the original BERT text cleanup, in HF's order:
 *
 *   1. clean_text: drop NUL, U+FFFD and control/format/private-use characters (Cc Cf Co Cs, except
 *      \t \n \r; unassigned code points stay), and turn
 *      every whitespace character into " ";
 *   2. handle_chinese_chars: put spaces around each CJK ideograph ("中文" -> " 中  文 ");
 *   3. strip_accents (defaults to `lowercase`): NFD, then drop non-spacing marks (Mn);
 *   4. lowercase.
 */
import type { Normalizer, Piece } from '../pipeline/types.js';
import { mapChars, mapCharsString } from './map-chars.js';
import { UnicodeNormalizer } from './unicode-normalizer.js';

// HF's `is_other`: Cc, Cf, Co, Cs; unassigned code points (Cn) are kept.
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
// BERT drops only non-spacing marks (Mn); the StripAccents normalizer drops every mark.
const MARK = /\p{Mn}/u;

/** True for the CJK ideograph blocks BERT isolates. */
function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Options of {@link BertNormalizer}, named as in tokenizer.json. */
export interface BertNormalizerOptions {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  /** `null` means: same as `lowercase`. */
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

/**
 * @example
 * ```ts
 * new BertNormalizer({ lowercase: true }).normalizeString('Héllo\t中') // 'hello  中 '
 * ```
 */
export class BertNormalizer implements Normalizer {
  readonly type = 'BertNormalizer';
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;
  private readonly nfd = new UnicodeNormalizer('NFD');

  constructor(options: BertNormalizerOptions = {}) {
    this.cleanText = options.clean_text ?? true;
    this.handleChineseChars = options.handle_chinese_chars ?? true;
    this.stripAccents = options.strip_accents ?? null;
    this.lowercase = options.lowercase ?? true;
  }

  private clean = (c: string): string => {
    if (c === '\0' || c === '\ufffd') return '';
    if (c === '\t' || c === '\n' || c === '\r') return ' ';
    if (CONTROL.test(c)) return '';
    return WHITESPACE.test(c) ? ' ' : c;
  };
  private chinese = (c: string): string => (isChineseChar(c.codePointAt(0)!) ? ` ${c} ` : c);
  private unmark = (c: string): string => (MARK.test(c) ? '' : c);
  private lower = (c: string): string => c.toLowerCase();

  normalizeString(text: string): string {
    if (this.cleanText) text = mapCharsString(text, this.clean);
    if (this.handleChineseChars) text = mapCharsString(text, this.chinese);
    if (this.stripAccents ?? this.lowercase)
      text = mapCharsString(this.nfd.normalizeString(text), this.unmark);
    if (this.lowercase) text = mapCharsString(text, this.lower);
    return text;
  }

  normalize(piece: Piece): Piece {
    if (this.cleanText) piece = mapChars(piece, this.clean);
    if (this.handleChineseChars) piece = mapChars(piece, this.chinese);
    if (this.stripAccents ?? this.lowercase) piece = mapChars(this.nfd.normalize(piece), this.unmark);
    if (this.lowercase) piece = mapChars(piece, this.lower);
    return piece;
  }

  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }
}
