/** Pre-tokenizers and their tokenizer.json registry (an explicit table of `type` -> builder). */
import { arr, type Builders, fromTypeTag, optBool, patternField, str } from '../formats/json-fields.js';
import type { PreTokenizer } from '../pipeline/types.js';
import { ByteLevel } from './byte-level.js';
import {
  BertPreTokenizer,
  CharDelimiterSplit,
  Digits,
  Punctuation,
  Whitespace,
  WhitespaceSplit,
} from './char-class-splitters.js';
import { Metaspace, metaspaceArgs } from './metaspace.js';
import { PreTokenizerSequence } from './sequence.js';
import { Split } from './split.js';
import { parseBehavior } from './split-behavior.js';
import { UnicodeScripts } from './unicode-scripts.js';

export { ByteLevel, type ByteLevelOptions } from './byte-level.js';
export {
  BertPreTokenizer,
  CharDelimiterSplit,
  Digits,
  Punctuation,
  Whitespace,
  WhitespaceSplit,
} from './char-class-splitters.js';
export { Metaspace, type PrependScheme } from './metaspace.js';
export { PreTokenizerSequence } from './sequence.js';
export { Split } from './split.js';
export { SPLIT_BEHAVIORS, type SplitBehavior } from './split-behavior.js';
export { UnicodeScripts } from './unicode-scripts.js';

const BUILDERS: Builders<PreTokenizer> = {
  ByteLevel: (o, w) =>
    new ByteLevel({
      add_prefix_space: optBool(o, 'add_prefix_space', w, true),
      trim_offsets: optBool(o, 'trim_offsets', w, true),
      use_regex: optBool(o, 'use_regex', w, true),
    }),
  Split: (o, w) =>
    new Split(
      patternField(o, w),
      parseBehavior(o.behavior, `${w}.behavior`),
      optBool(o, 'invert', w, false),
      `${w}.pattern`,
    ),
  Whitespace: () => new Whitespace(),
  WhitespaceSplit: () => new WhitespaceSplit(),
  BertPreTokenizer: () => new BertPreTokenizer(),
  Metaspace: (o, w) => new Metaspace(...metaspaceArgs(o, w)),
  Punctuation: (o, w) =>
    new Punctuation(o.behavior === undefined ? 'Isolated' : parseBehavior(o.behavior, `${w}.behavior`)),
  Digits: (o, w) => new Digits(optBool(o, 'individual_digits', w, false)),
  CharDelimiterSplit: (o, w) => new CharDelimiterSplit(str(o, 'delimiter', w)),
  UnicodeScripts: () => new UnicodeScripts(),
  Sequence: (o, w) =>
    new PreTokenizerSequence(
      arr(o, 'pretokenizers', w).map((p, i) => preTokenizerFromJSON(p, `${w}.pretokenizers[${i}]`)),
    ),
};

/** The pre-tokenizer `type` tags this library reads. */
export const PRE_TOKENIZER_TYPES = Object.keys(BUILDERS);

/**
 * Builds a pre-tokenizer from its tokenizer.json object.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * preTokenizerFromJSON({ type: 'Digits', individual_digits: true }).splitString('a12', out);
 * // out = ['a', '1', '2']
 * ```
 */
export function preTokenizerFromJSON(obj: unknown, where = 'pre_tokenizer'): PreTokenizer {
  return fromTypeTag(obj, where, BUILDERS);
}
