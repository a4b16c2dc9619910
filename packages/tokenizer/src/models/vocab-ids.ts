/**
 * Bounds on token ids read from files. Models keep an id -> token table indexed by id, so an id far
 * beyond the vocabulary (`"a": 2147483647` in a vocab of 300) would allocate and walk billions of
 * slots; real vocabularies number their tokens 0..n-1. A few unused ids (holes) are allowed.
 */
import { TokenizerFormatError } from '../errors.js';

/** How many unused ids a vocabulary (or ranks of a `.tiktoken` file) may have in all. */
export const MAX_ID_HOLES = 65_536;

/**
 * Checks that every id of `vocab` is an integer in `[0, vocab.size + MAX_ID_HOLES)`.
 *
 * @example
 * ```ts
 * checkVocabIds(new Map([['a', 0], ['b', 1]]), 'BPE', 'vocab'); // fine
 * checkVocabIds(new Map([['a', 2 ** 31]]), 'BPE', 'vocab');     // TokenizerFormatError: vocab["a"]
 * ```
 */
export function checkVocabIds(vocab: ReadonlyMap<string, number>, operation: string, where: string): void {
  const limit = vocab.size + MAX_ID_HOLES;
  for (const [token, id] of vocab) {
    if (Number.isInteger(id) && id >= 0 && id < limit) continue;
    throw new TokenizerFormatError({
      operation,
      where: `${where}[${JSON.stringify(token.length > 40 ? `${token.slice(0, 37)}...` : token)}]`,
      expected: `an integer id in [0, ${limit}) (the vocabulary size + ${MAX_ID_HOLES} unused ids)`,
      found: String(id),
      hint: 'ids number the tokens from 0; this one is far beyond the vocabulary (corrupted or hostile file?)',
    });
  }
}
