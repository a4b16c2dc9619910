/**
 * Normalizers and their tokenizer.json registry. `normalizerFromJSON` is the only place that maps a
 * `type` tag to a class: an explicit table, no registration by import side effect.
 */
import {
  arr,
  type Builders,
  fromTypeTag,
  optBool,
  optStr,
  patternField,
  str,
} from '../formats/json-fields.js';
import type { Normalizer } from '../pipeline/types.js';
import { BertNormalizer } from './bert-normalizer.js';
import { Lowercase } from './lowercase.js';
import { Nmt } from './nmt.js';
import { Precompiled } from './precompiled.js';
import { Prepend } from './prepend.js';
import { Replace } from './replace.js';
import { NormalizerSequence } from './sequence.js';
import { Strip } from './strip.js';
import { StripAccents } from './strip-accents.js';
import { UnicodeNormalizer } from './unicode-normalizer.js';

export { originSpan, PieceBuilder, pieceOf, slicePiece } from '../pipeline/piece-ops.js';
export { BertNormalizer, type BertNormalizerOptions } from './bert-normalizer.js';
export { compileHFPattern, type HFPattern, translateOnigurumaRegex } from './hf-pattern.js';
export { Lowercase } from './lowercase.js';
export { Nmt } from './nmt.js';
export { Precompiled, type PrecompiledMode } from './precompiled.js';
export { Prepend } from './prepend.js';
export { Replace } from './replace.js';
export { NormalizerSequence } from './sequence.js';
export { Strip } from './strip.js';
export { StripAccents } from './strip-accents.js';
export { type UnicodeForm, UnicodeNormalizer } from './unicode-normalizer.js';

const BUILDERS: Builders<Normalizer> = {
  NFC: () => new UnicodeNormalizer('NFC'),
  NFD: () => new UnicodeNormalizer('NFD'),
  NFKC: () => new UnicodeNormalizer('NFKC'),
  NFKD: () => new UnicodeNormalizer('NFKD'),
  Lowercase: () => new Lowercase(),
  Nmt: () => new Nmt(),
  StripAccents: () => new StripAccents(),
  Strip: (o, w) => new Strip(optBool(o, 'strip_left', w, true), optBool(o, 'strip_right', w, true)),
  Prepend: (o, w) => new Prepend(str(o, 'prepend', w)),
  Replace: (o, w) => new Replace(patternField(o, w), str(o, 'content', w), `${w}.pattern`),
  BertNormalizer: (o, w) =>
    new BertNormalizer({
      clean_text: optBool(o, 'clean_text', w, true),
      handle_chinese_chars: optBool(o, 'handle_chinese_chars', w, true),
      strip_accents:
        o.strip_accents === null || o.strip_accents === undefined
          ? null
          : optBool(o, 'strip_accents', w, false),
      lowercase: optBool(o, 'lowercase', w, true),
    }),
  Precompiled: (o, w) => {
    const b64 = optStr(o, 'precompiled_charsmap', w, null);
    return Precompiled.fromBase64(b64 ?? '');
  },
  Sequence: (o, w) =>
    new NormalizerSequence(
      arr(o, 'normalizers', w).map((n, i) => normalizerFromJSON(n, `${w}.normalizers[${i}]`)),
    ),
};

/** The normalizer `type` tags this library reads. */
export const NORMALIZER_TYPES = Object.keys(BUILDERS);

/**
 * Builds a normalizer from its tokenizer.json object.
 *
 * @example
 * ```ts
 * normalizerFromJSON({ type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'Lowercase' }] }, 'normalizer')
 *   .normalizeString('Ä') // 'a\u0308'
 * ```
 */
export function normalizerFromJSON(obj: unknown, where = 'normalizer'): Normalizer {
  return fromTypeTag(obj, where, BUILDERS);
}
