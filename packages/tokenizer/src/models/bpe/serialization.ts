/**
 * The BPE model in tokenizer.json, both ways. HF writes:
 *
 *     "model": { "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
 *                "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
 *                "ignore_merges": false, "vocab": { "h": 0, "e": 1, "he": 2 }, "merges": [["h", "e"]] }
 *
 * Older files write merges as `"h e"` strings; both read the same. Reading gives {@link BPEOptions},
 * what `new BPE(options)` takes; writing takes the same fields back.
 */
import {
  arr,
  asObject,
  badField,
  type JSONObject,
  optBool,
  optNum,
  optStr,
} from '../../formats/json-fields.js';

/** Options of `BPE`, as in tokenizer.json but camel-cased. */
export interface BPEOptions {
  /** Token -> id. */
  vocab: Map<string, number> | Record<string, number>;
  /** Merges in rank order (first = applied first). */
  merges: readonly (readonly [string, string])[];
  unkToken?: string | null;
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  fuseUnk?: boolean;
  byteFallback?: boolean;
  ignoreMerges?: boolean;
  /** Probability of skipping each merge (BPE-dropout); null or 0 = off. */
  dropout?: number | null;
  /** Seed of the dropout generator (default 0). */
  seed?: number;
}

/**
 * Reads the `model` object of a tokenizer.json (`type: "BPE"`, or untagged) into BPE options; every
 * malformed field is a TokenizerFormatError naming its path.
 *
 * @example
 * ```ts
 * const options = bpeOptionsFromJSON({ type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] });
 * options.merges; // [['a', 'b']]
 * ```
 */
export function bpeOptionsFromJSON(obj: unknown, where = 'model'): BPEOptions {
  const o: JSONObject = asObject(obj, where);
  if (o.type !== undefined && o.type !== 'BPE') badField(`${where}.type`, '"BPE"', o.type);
  const vocabObj = asObject(o.vocab, `${where}.vocab`);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(vocabObj)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      badField(`${where}.vocab[${JSON.stringify(token)}]`, 'a non-negative integer id', id);
    }
    vocab.set(token, id as number);
  }
  const rawMerges = o.merges === undefined ? [] : arr(o, 'merges', where);
  const merges: [string, string][] = new Array(rawMerges.length);
  for (let i = 0; i < rawMerges.length; i++) {
    const m = rawMerges[i];
    if (typeof m === 'string') {
      const parts = m.split(' ');
      if (parts.length !== 2) badField(`${where}.merges[${i}]`, '"left right" (exactly one space)', m);
      merges[i] = [parts[0]!, parts[1]!];
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      merges[i] = [m[0], m[1]];
    } else {
      badField(`${where}.merges[${i}]`, '"left right" or ["left", "right"]', m);
    }
  }
  return {
    vocab,
    merges,
    unkToken: optStr(o, 'unk_token', where, null),
    continuingSubwordPrefix: optStr(o, 'continuing_subword_prefix', where, null),
    endOfWordSuffix: optStr(o, 'end_of_word_suffix', where, null),
    fuseUnk: optBool(o, 'fuse_unk', where, false),
    byteFallback: optBool(o, 'byte_fallback', where, false),
    ignoreMerges: optBool(o, 'ignore_merges', where, false),
    dropout: optNum(o, 'dropout', where, null),
  };
}

/**
 * The tokenizer.json `model` object of a BPE: the vocabulary in id order, merges as pairs in rank
 * order, every flag written out (HF's layout, so HF reads it back).
 *
 * @example
 * ```ts
 * bpeToJSON({ vocab: [['a', 0], ['b', 1], ['ab', 2]], merges: [['a', 'b']] }).vocab; // { a: 0, b: 1, ab: 2 }
 * ```
 */
export function bpeToJSON(
  model: Omit<BPEOptions, 'vocab' | 'seed'> & {
    /** Token -> id, written in id order. */
    vocab: Iterable<readonly [string, number]>;
  },
): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (const [token, id] of [...model.vocab].sort((x, y) => x[1] - y[1])) vocab[token] = id;
  return {
    type: 'BPE',
    dropout: model.dropout ?? null,
    unk_token: model.unkToken ?? null,
    continuing_subword_prefix: model.continuingSubwordPrefix ?? null,
    end_of_word_suffix: model.endOfWordSuffix ?? null,
    fuse_unk: model.fuseUnk ?? false,
    byte_fallback: model.byteFallback ?? false,
    ignore_merges: model.ignoreMerges ?? false,
    vocab,
    merges: model.merges,
  };
}
