/**
 * Decoders and their tokenizer.json registry (an explicit table of `type` -> builder). A decoder maps
 * the list of token strings to a new list (HF's `decode_chain`); the text is the concatenation:
 *
 *   ByteLevel    ["Hello", "Ġworld"]              -> ["Hello world"]
 *   Metaspace    ["▁Hello", "▁world"]             -> ["Hello", " world"]
 *   WordPiece    ["un", "##aff", "##able"]        -> ["un", "aff", "able"]
 *   ByteFallback ["<0xE2>", "<0x96>", "<0x81>"]   -> ["▁"]
 *   Fuse         ["a", "b"]                       -> ["ab"]
 *   Strip(" ", 1, 0) [" a", " b"]                 -> ["a", "b"]
 *   Replace("▁", " ") ["▁a"]                      -> [" a"]
 *   BPEDecoder("</w>") ["hel", "lo</w>"]          -> ["hel", "lo"]
 *   CTC          ["<pad>", "h", "h", "i"]         -> ["h", "i"]
 */
import {
  arr,
  type Builders,
  fromTypeTag,
  num,
  optBool,
  optStr,
  patternField,
  str,
} from '../formats/json-fields.js';
import type { Decoder } from '../pipeline/types.js';
import { metaspaceArgs } from '../pre-tokenizers/metaspace.js';
import { BPEDecoder } from './bpe-decoder.js';
import { ByteFallbackDecoder } from './byte-fallback.js';
import { ByteLevelDecoder } from './byte-level.js';
import { CTCDecoder } from './ctc.js';
import { FuseDecoder } from './fuse.js';
import { MetaspaceDecoder } from './metaspace.js';
import { ReplaceDecoder } from './replace.js';
import { DecoderSequence } from './sequence.js';
import { StripDecoder } from './strip.js';
import { WordPieceDecoder } from './wordpiece.js';

export { BPEDecoder } from './bpe-decoder.js';
export { ByteFallbackDecoder } from './byte-fallback.js';
export { ByteLevelDecoder } from './byte-level.js';
export { CTCDecoder } from './ctc.js';
export { FuseDecoder } from './fuse.js';
export { MetaspaceDecoder } from './metaspace.js';
export { ReplaceDecoder } from './replace.js';
export { DecoderSequence } from './sequence.js';
export { StripDecoder } from './strip.js';
export { WordPieceDecoder, wordPieceCleanup } from './wordpiece.js';

const BUILDERS: Builders<Decoder> = {
  ByteLevel: () => new ByteLevelDecoder(),
  Metaspace: (o, w) => new MetaspaceDecoder(...metaspaceArgs(o, w)),
  WordPiece: (o, w) => new WordPieceDecoder(optStr(o, 'prefix', w, '##'), optBool(o, 'cleanup', w, true)),
  ByteFallback: () => new ByteFallbackDecoder(),
  Fuse: () => new FuseDecoder(),
  Strip: (o, w) => new StripDecoder(str(o, 'content', w), num(o, 'start', w), num(o, 'stop', w)),
  Replace: (o, w) => new ReplaceDecoder(patternField(o, w), str(o, 'content', w), `${w}.pattern`),
  BPEDecoder: (o, w) => new BPEDecoder(optStr(o, 'suffix', w, '</w>')),
  CTC: (o, w) =>
    new CTCDecoder(
      optStr(o, 'pad_token', w, '<pad>'),
      optStr(o, 'word_delimiter_token', w, '|'),
      optBool(o, 'cleanup', w, true),
    ),
  Sequence: (o, w) =>
    new DecoderSequence(arr(o, 'decoders', w).map((d, i) => decoderFromJSON(d, `${w}.decoders[${i}]`))),
};

/** The decoder `type` tags this library reads. */
export const DECODER_TYPES = Object.keys(BUILDERS);

/**
 * Builds a decoder from its tokenizer.json object.
 *
 * @example
 * ```ts
 * decoderFromJSON({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true })
 *   .decodeChain(['▁Hi', '▁there']).join('') // 'Hi there'
 * ```
 */
export function decoderFromJSON(obj: unknown, where = 'decoder'): Decoder {
  return fromTypeTag(obj, where, BUILDERS);
}
