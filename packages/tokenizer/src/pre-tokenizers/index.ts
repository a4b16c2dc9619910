/** Pre-tokenizers and their tokenizer.json registry (an explicit table of `type` -> builder). */
import {
  arr,
  asObject,
  badField,
  type JSONObject,
  optBool,
  optStr,
  str,
  typeTag,
  unknownType,
} from '../formats/json-fields.js';
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
import { Metaspace, type PrependScheme } from './metaspace.js';
import { PreTokenizerSequence } from './sequence.js';
import { Split } from './split.js';
import { parseBehavior } from './split-behavior.js';
import { UnicodeScripts } from './unicode-scripts.js';

export {
  BYTE_TO_CHAR,
  ByteLevel,
  type ByteLevelOptions,
  CHAR_TO_BYTE,
  mapPieceToBytes,
  toByteLevel,
} from './byte-level.js';
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
export { SPLIT_BEHAVIORS, type SplitBehavior, splitRanges } from './split-behavior.js';
export { fixedScript, UnicodeScripts } from './unicode-scripts.js';

function prependScheme(o: JSONObject, w: string): PrependScheme {
  const s = o.prepend_scheme;
  if (s === undefined || s === null) return optBool(o, 'add_prefix_space', w, true) ? 'always' : 'never';
  if (s === 'always' || s === 'first' || s === 'never') return s;
  return badField(`${w}.prepend_scheme`, 'one of always, first, never', s);
}

const BUILDERS: Record<string, (o: JSONObject, where: string) => PreTokenizer> = {
  ByteLevel: (o, w) =>
    new ByteLevel({
      add_prefix_space: optBool(o, 'add_prefix_space', w, true),
      trim_offsets: optBool(o, 'trim_offsets', w, true),
      use_regex: optBool(o, 'use_regex', w, true),
    }),
  Split: (o, w) => {
    if (o.pattern === undefined) badField(`${w}.pattern`, '{ "String": ... } or { "Regex": ... }', undefined);
    return new Split(
      o.pattern as never,
      parseBehavior(o.behavior, `${w}.behavior`),
      optBool(o, 'invert', w, false),
      `${w}.pattern`,
    );
  },
  Whitespace: () => new Whitespace(),
  WhitespaceSplit: () => new WhitespaceSplit(),
  BertPreTokenizer: () => new BertPreTokenizer(),
  Metaspace: (o, w) =>
    new Metaspace(optStr(o, 'replacement', w, '▁'), prependScheme(o, w), optBool(o, 'split', w, true)),
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
  const { obj: o, type } = typeTag(asObject(obj, where), where);
  const build = BUILDERS[type];
  if (!build) return unknownType(where, type, PRE_TOKENIZER_TYPES);
  return build(o, where);
}
