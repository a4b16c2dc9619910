/**
 * The Unigram model in tokenizer.json, both ways. HF writes:
 *
 *     "model": { "type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["▁the", -3.8], ...],
 *                "byte_fallback": false }
 *
 * `vocab` lists `[piece, log probability]` in id order.
 */
import { TokenizerFormatError } from '../../errors.js';
import { arr, asObject, badField, optBool, optNum } from '../../formats/json-fields.js';

/** The fields of a Unigram model as tokenizer.json holds them. */
export interface UnigramFields {
  /** `[piece, score]` in id order. */
  pieces: [string, number][];
  unkId: number | null;
  byteFallback: boolean;
}

/**
 * Reads a tokenizer.json `model` object of type Unigram; every malformed field is a
 * TokenizerFormatError naming its path.
 *
 * @example
 * ```ts
 * unigramFieldsFromJSON({ type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['a', -1]] }).pieces.length; // 2
 * ```
 */
export function unigramFieldsFromJSON(obj: unknown, where = 'model'): UnigramFields {
  const o = asObject(obj, where);
  const pieces = arr(o, 'vocab', where).map((e, i): [string, number] => {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number')
      return badField(`${where}.vocab[${i}]`, '[piece, score]', e);
    return [e[0], e[1]];
  });
  const unkId = optNum(o, 'unk_id', where, null);
  if (unkId !== null && (unkId < 0 || unkId >= pieces.length || !Number.isInteger(unkId)))
    throw new TokenizerFormatError({
      operation: 'fromJSON',
      where: `${where}.unk_id`,
      expected: `an integer in [0, ${pieces.length})`,
      found: String(unkId),
      hint: 'unk_id is the index of the <unk> piece in model.vocab (or null when there is none)',
    });
  return { pieces, unkId, byteFallback: optBool(o, 'byte_fallback', where, false) };
}

/**
 * The tokenizer.json `model` object of a Unigram model (HF's layout, so HF reads it back).
 *
 * @example
 * ```ts
 * unigramToJSON({ pieces: [['<unk>', 0], ['a', -1]], unkId: 0, byteFallback: false }).type; // 'Unigram'
 * ```
 */
export function unigramToJSON(fields: UnigramFields): Record<string, unknown> {
  return { type: 'Unigram', unk_id: fields.unkId, vocab: fields.pieces, byte_fallback: fields.byteFallback };
}
