/**
 * What a {@link Tokenizer} is made of, and all that `encode.ts` and `decode.ts` read: the parts of
 * the pipeline, the added vocabulary, the byte-level fast path (when the parts allow one) and the
 * special-token convention. Two ways to make one:
 *
 * - `fromParts`: from a tokenizer.json, a SentencePiece `.model`, GPT-2's files or a trainer;
 * - `fromTiktoken`: from a tiktoken rank file. Only the fast path is built; the parts (a BPE model
 *   with ~450k merges for o200k, about a second) are made the first time something asks for them
 *   (`toJSON`, `tok.model`, a post-processor check).
 */
import { type TiktokenEncodingName, tiktokenParts } from '../formats/tiktoken.js';
import type { ByteLevelBPE } from '../models/bpe/byte-level.js';
import { BPE } from '../models/bpe/model.js';
import type { SplitPattern } from '../pipeline/patterns.js';
import type { AddedTokenConfig, TokenizerParts } from '../pipeline/types.js';
import { PieceSplitter } from '../pre-tokenizers/ascii-scan.js';
import { byteLevelTokenToBytes, bytesToByteLevelToken } from '../pre-tokenizers/byte-level.js';
import { AddedVocabulary, specialToken } from './added-vocabulary.js';
import { detectFastPath, FastByteLevelEncoder, type FastPath } from './fast-path.js';
import type { Flavor, TokenizerOptions } from './types.js';

export class TokenizerCore {
  /** The special-token convention (decides the defaults of `allowedSpecial` and `vocabSize`). */
  readonly flavor: Flavor;
  /** For tiktoken files: the standard encoding name, if known. */
  readonly encodingName: TiktokenEncodingName | undefined;
  readonly addedVocabulary: AddedVocabulary;
  /** The byte-level fast path, or null when the general pipeline must run. */
  readonly fast: FastPath | null;
  /** The largest id of the model and the added tokens. */
  readonly maxId: number;
  private built: TokenizerParts | null;
  private readonly build: (() => TokenizerParts) | null;

  private constructor(init: {
    flavor: Flavor;
    encodingName: TiktokenEncodingName | undefined;
    added: readonly AddedTokenConfig[];
    fast: FastPath | null;
    maxId: number;
    parts: TokenizerParts | null;
    build: (() => TokenizerParts) | null;
  }) {
    this.flavor = init.flavor;
    this.encodingName = init.encodingName;
    this.addedVocabulary = new AddedVocabulary(init.added);
    this.fast = init.fast;
    let maxId = init.maxId;
    for (const t of init.added) if (t.id > maxId) maxId = t.id;
    this.maxId = maxId;
    this.built = init.parts;
    this.build = init.build;
  }

  /** A tokenizer from its parts; the fast path when they allow it (and `options.fastPath` is not false). */
  static fromParts(parts: TokenizerParts, options: TokenizerOptions = {}): TokenizerCore {
    return new TokenizerCore({
      flavor: options.flavor ?? 'hf',
      encodingName: undefined,
      added: parts.addedTokens,
      fast: options.fastPath === false ? null : detectFastPath(parts),
      maxId: parts.model instanceof BPE ? maxVocabId(parts.model) : parts.model.vocabSize - 1,
      parts,
      build: null,
    });
  }

  /** A tiktoken encoding: ranks as a byte-level BPE, its split pattern and special tokens. */
  static fromTiktoken(
    bpe: ByteLevelBPE,
    pattern: SplitPattern,
    specials: Record<string, number>,
    name: TiktokenEncodingName | undefined,
  ): TokenizerCore {
    const added = Object.entries(specials).map(([content, id]) => specialToken(id, content));
    const encoder = new FastByteLevelEncoder(
      bpe,
      new RegExp(pattern.js, 'gu'),
      'drop', // tiktoken encodes regex matches only; the known patterns leave no gaps anyway
      (id) => bytesToByteLevelToken(bpe.tokenBytes[id] ?? new Uint8Array(0)),
      PieceSplitter.of(pattern),
    );
    return new TokenizerCore({
      flavor: 'tiktoken',
      encodingName: name,
      added,
      fast: { encoder, decodeBytes: true },
      maxId: bpe.tokenBytes.length - 1,
      parts: null,
      build: () => tiktokenParts(bpe, pattern, added),
    });
  }

  /** The parts, built now if they were not yet (tiktoken files). */
  parts(): TokenizerParts {
    if (!this.built) this.built = this.build!();
    return this.built;
  }

  /** The parts if they exist, without building them (null for a tiktoken file nothing asked about yet). */
  get builtParts(): TokenizerParts | null {
    return this.built;
  }

  /** The id of a token string (added tokens first, then the model; byte-level strings for BPE). */
  tokenToId(token: string): number | undefined {
    const added = this.addedVocabulary.byContent(token);
    if (added) return added.id;
    if (!this.built && this.fast) {
      const bytes = byteLevelTokenToBytes(token);
      return bytes ? this.fastTokenId(bytes) : undefined;
    }
    return this.parts().model.tokenToId(token);
  }

  /** The token string of an id (byte-level strings like `"Ġworld"` for byte-level BPE). */
  idToToken(id: number): string | undefined {
    const added = this.addedVocabulary.byId(id);
    if (added) return added.content;
    if (!this.built && this.fast) {
      const bytes = this.fast.encoder.bpe.tokenBytes[id];
      return bytes ? bytesToByteLevelToken(bytes) : undefined;
    }
    return this.parts().model.idToToken(id);
  }

  /** The id whose bytes are `bytes`, through the fast path's token table (tiktoken files, unbuilt). */
  private fastTokenId(bytes: Uint8Array): number | undefined {
    const tb = this.fast!.encoder.bpe.tokenBytes;
    for (let id = 0; id < tb.length; id++) {
      const t = tb[id];
      if (t && t.length === bytes.length && t.every((b, i) => b === bytes[i])) return id;
    }
    return undefined;
  }
}

function maxVocabId(model: BPE): number {
  let max = -1;
  for (const id of model.getVocab().values()) if (id > max) max = id;
  return max;
}
