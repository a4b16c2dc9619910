/**
 * The WordPiece model in tokenizer.json, both ways. HF (BERT) writes:
 *
 *     "model": { "type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
 *                "max_input_chars_per_word": 100, "vocab": { "[PAD]": 0, ..., "un": 2138 } }
 */
import { TokenizerFormatError } from '../../errors.js';
import { asObject, badField, optNum, optStr } from '../../formats/json-fields.js';

/** The fields of a WordPiece model as tokenizer.json holds them. */
export interface WordPieceFields {
  vocab: Map<string, number>;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

/**
 * Reads a tokenizer.json `model` object of type WordPiece (BERT's defaults for missing fields);
 * every malformed field is a TokenizerFormatError naming its path.
 *
 * @example
 * ```ts
 * wordPieceFieldsFromJSON({ type: 'WordPiece', vocab: { '[UNK]': 0, un: 1 } }).continuingSubwordPrefix; // '##'
 * ```
 */
export function wordPieceFieldsFromJSON(obj: unknown, where = 'model'): WordPieceFields {
  const o = asObject(obj, where);
  const v = asObject(o.vocab, `${where}.vocab`);
  const vocab = new Map<string, number>();
  for (const [t, id] of Object.entries(v)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      badField(`${where}.vocab[${JSON.stringify(t)}]`, 'a non-negative integer id', id);
    vocab.set(t, id as number);
  }
  const max = optNum(o, 'max_input_chars_per_word', where, 100);
  if (max < 0)
    throw new TokenizerFormatError({
      operation: 'fromJSON',
      where: `${where}.max_input_chars_per_word`,
      expected: 'a non-negative number',
      found: String(max),
      hint: 'words longer than this become the unk token; BERT uses 100',
    });
  return {
    vocab,
    unkToken: optStr(o, 'unk_token', where, '[UNK]'),
    continuingSubwordPrefix: optStr(o, 'continuing_subword_prefix', where, '##'),
    maxInputCharsPerWord: max,
  };
}

/**
 * The tokenizer.json `model` object of a WordPiece model (vocabulary in id order).
 *
 * @example
 * ```ts
 * const fields = { vocab: new Map([['[UNK]', 0]]), unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 };
 * wordPieceToJSON(fields).type; // 'WordPiece'
 * ```
 */
export function wordPieceToJSON(fields: WordPieceFields): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (const [t, id] of [...fields.vocab].sort((a, b) => a[1] - b[1])) vocab[t] = id;
  return {
    type: 'WordPiece',
    unk_token: fields.unkToken,
    continuing_subword_prefix: fields.continuingSubwordPrefix,
    max_input_chars_per_word: fields.maxInputCharsPerWord,
    vocab,
  };
}
