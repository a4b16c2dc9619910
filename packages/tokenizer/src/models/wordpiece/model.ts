/**
 * WordPiece (BERT): greedy longest-match-first. Take the longest vocabulary entry that starts the
 * word, then the longest entry, written with the `##` prefix, that starts the rest, and so on. If
 * some rest has no match, the WHOLE word becomes [UNK]; so does a word longer than
 * `maxInputCharsPerWord` characters.
 *
 *   vocab {un, ##aff, ##able, ##a}:  "unaffable" -> un | ##aff | ##able
 *                                     "unx"       -> [UNK]     (no entry starts "x")
 */
import { TokenizerInputError } from '../../errors.js';
import type { Model, ModelToken } from '../../pipeline/types.js';
import { checkVocabIds } from '../vocab-ids.js';
import { wordPieceFieldsFromJSON, wordPieceToJSON } from './serialization.js';

/** Options of {@link WordPiece}, with BERT's defaults. */
export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/**
 * @example
 * ```ts
 * const wp = new WordPiece(new Map([['[UNK]', 0], ['un', 1], ['##aff', 2], ['##able', 3]]));
 * wp.tokenize('unaffable').map((t) => t.value) // ['un', '##aff', '##able']
 * ```
 */
export class WordPiece implements Model {
  readonly type = 'WordPiece';
  readonly unkToken: string;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly vocab: Map<string, number>;
  private readonly byId: string[] = [];

  constructor(vocab: Map<string, number> | Record<string, number>, options: WordPieceOptions = {}) {
    this.vocab = vocab instanceof Map ? new Map(vocab) : new Map(Object.entries(vocab));
    checkVocabIds(this.vocab, 'WordPiece', 'model.vocab');
    for (const [t, id] of this.vocab) this.byId[id] = t;
    this.unkToken = options.unkToken ?? '[UNK]';
    this.prefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }
  getVocab(): Map<string, number> {
    return new Map(this.vocab);
  }
  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.byId[id];
  }

  private unk(word: string): ModelToken[] {
    const id = this.vocab.get(this.unkToken);
    if (id === undefined)
      throw new TokenizerInputError({
        operation: 'WordPiece.tokenize',
        expected: `the unknown token ${JSON.stringify(this.unkToken)} in the vocabulary`,
        found: `no such token while tokenizing ${JSON.stringify(word.slice(0, 20))}`,
        hint: 'add the unk token to the vocabulary',
      });
    return [{ id, value: this.unkToken, start: 0, end: word.length }];
  }

  tokenize(word: string): ModelToken[] {
    if (word.length === 0) return [];
    // Character boundaries (code points), so a match never cuts a surrogate pair.
    const bounds: number[] = [0];
    for (let i = 0; i < word.length; ) {
      i += (word.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
      bounds.push(i);
    }
    if (bounds.length - 1 > this.maxInputCharsPerWord) return this.unk(word);
    const out: ModelToken[] = [];
    let si = 0;
    while (si < bounds.length - 1) {
      const start = bounds[si]!;
      let found = -1;
      let id = 0;
      let value = '';
      for (let ei = bounds.length - 1; ei > si; ei--) {
        const sub = start > 0 ? this.prefix + word.slice(start, bounds[ei]) : word.slice(start, bounds[ei]);
        const hit = this.vocab.get(sub);
        if (hit !== undefined) {
          found = ei;
          id = hit;
          value = sub;
          break;
        }
      }
      if (found < 0) return this.unk(word);
      out.push({ id, value, start, end: bounds[found]! });
      si = found;
    }
    return out;
  }

  encodeString(text: string, out: number[]): void {
    for (const t of this.tokenize(text)) out.push(t.id);
  }

  toJSON(): Record<string, unknown> {
    return wordPieceToJSON({
      vocab: this.vocab,
      unkToken: this.unkToken,
      continuingSubwordPrefix: this.prefix,
      maxInputCharsPerWord: this.maxInputCharsPerWord,
    });
  }

  /** Reads a tokenizer.json `model` object of type WordPiece. */
  static fromJSON(obj: unknown, where = 'model'): WordPiece {
    const { vocab, ...options } = wordPieceFieldsFromJSON(obj, where);
    return new WordPiece(vocab, options);
  }
}
