/**
 * `trainTokenizer`: text in, a ready {@link Tokenizer} out, in the HF tokenizer.json layout so that
 * `save()` output loads in the Hugging Face libraries.
 *
 * ```
 * texts ─► WordCounter (normalize, pre-tokenize, count; streamed) ─► trainBpe / trainUnigram
 *       ─► tokenizer.json object (normalizer, pre_tokenizer, model, decoder, added_tokens) ─► Tokenizer
 * ```
 *
 * The two recipes:
 *
 * | model     | normalizer                              | pre-tokenizer                     | decoder |
 * |-----------|-----------------------------------------|-----------------------------------|---------|
 * | `bpe`     | none                                    | ByteLevel (GPT-2 regex), or Split(pattern) + ByteLevel | ByteLevel |
 * | `unigram` | NFKC, whitespace runs → " ", Strip      | Metaspace (▁, prepend always)     | [ByteFallback,] Metaspace |
 *
 * The Unigram normalizer is SentencePiece's (`nmt_nfkc` + `remove_extra_whitespaces`): line breaks
 * count as spaces, so pieces run across them instead of spending a token per `\n`.
 */
import { TokenizerInputError } from '../errors.js';
import { bpeToJSON } from '../models/bpe/serialization.js';
import { trainBpe } from '../models/bpe/trainer.js';
import { unigramToJSON } from '../models/unigram/serialization.js';
import { trainUnigram } from '../models/unigram/trainer.js';
import { normalizerFromJSON } from '../normalizers/index.js';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN, type SplitPattern } from '../pipeline/patterns.js';
import { preTokenizerFromJSON } from '../pre-tokenizers/index.js';
import { specialToken } from '../tokenizer/added-vocabulary.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import type { TrainProgress } from './progress.js';
import { countWords, type TextSource } from './word-counts.js';

/** Options of {@link trainTokenizer}. */
export interface TrainTokenizerOptions {
  /** `bpe` (byte-level by default) or `unigram` (SentencePiece style). */
  model: 'bpe' | 'unigram';
  /** Final vocabulary size, special tokens included. */
  vocabSize: number;
  /** Special tokens, given the first ids in this order (Unigram puts its unknown token first). */
  specialTokens?: string[];
  /** BPE: merge only pairs seen at least this often (default 2). */
  minFrequency?: number;
  /**
   * BPE: the split regex, `gpt2` (default), `cl100k`, `o200k`, or your own (a RegExp, or a
   * string in tokenizer.json's Oniguruma syntax that JS also understands).
   */
  pattern?: 'gpt2' | 'cl100k' | 'o200k' | RegExp | string;
  /** BPE: byte-level symbols (default true); false learns over characters. */
  byteLevel?: boolean;
  /** Character BPE and Unigram: add `<0x00>`..`<0xFF>` so unknown characters become bytes. */
  byteFallback?: boolean;
  /** Unigram, and character BPE without byte fallback: the unknown token (default `<unk>`, given id 0). */
  unkToken?: string;
  /** Unigram: required character coverage (default 0.9995). */
  characterCoverage?: number;
  /** Unigram: longest piece in characters (default 16). */
  maxPieceLength?: number;
  /** Called with `{ phase, done, total }` while counting and training. */
  onProgress?: (progress: TrainProgress) => void;
}

const NAMED: Record<string, SplitPattern> = {
  gpt2: GPT2_PATTERN,
  cl100k: CL100K_PATTERN,
  o200k: O200K_PATTERN,
};

function tokenizerJSON(parts: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    ...parts,
  };
}

async function trainBpeJSON(
  options: TrainTokenizerOptions,
  texts: TextSource,
): Promise<Record<string, unknown>> {
  const { pattern = 'gpt2', byteLevel = true, specialTokens = [] } = options;
  let js: RegExp;
  let hf: string;
  if (pattern instanceof RegExp) {
    js = pattern;
    hf = pattern.source;
  } else if (NAMED[pattern]) {
    js = new RegExp(NAMED[pattern].js, 'gu');
    hf = NAMED[pattern].hf;
  } else {
    js = new RegExp(pattern, 'gu');
    hf = pattern;
  }
  const counts = await countWords(texts, { split: js, specialTokens }, options.onProgress);
  const unk = byteLevel || options.byteFallback ? null : (options.unkToken ?? '<unk>');
  const specials = [...new Set(unk !== null ? [unk, ...specialTokens] : specialTokens)];
  const { vocab, merges } = trainBpe(counts, {
    vocabSize: options.vocabSize,
    minFrequency: options.minFrequency ?? 2,
    specialTokens: specials,
    byteLevel,
    byteFallback: options.byteFallback ?? false,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const gpt2 = hf === GPT2_PATTERN.hf;
  const split = { type: 'Split', pattern: { Regex: hf }, behavior: 'Isolated', invert: false };
  const byteLevelPre = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: gpt2 };
  const preTokenizer = !byteLevel
    ? split
    : gpt2
      ? byteLevelPre
      : { type: 'Sequence', pretokenizers: [split, byteLevelPre] };
  const decoder = byteLevel
    ? { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }
    : { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] };
  return tokenizerJSON({
    added_tokens: specials.map((t, i) => specialToken(i, t)),
    pre_tokenizer: preTokenizer,
    decoder,
    model: bpeToJSON({
      vocab: vocab.map((t, i): [string, number] => [t, i]),
      merges,
      unkToken: unk,
      byteFallback: !byteLevel && (options.byteFallback ?? false),
    }),
  });
}

/** The Unigram recipe's components, shared by training and the saved tokenizer. */
const UNIGRAM_NORMALIZER = {
  type: 'Sequence',
  normalizers: [
    { type: 'NFKC' },
    { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
    { type: 'Strip', strip_left: true, strip_right: true },
  ],
};
const METASPACE = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };

async function trainUnigramJSON(
  options: TrainTokenizerOptions,
  texts: TextSource,
): Promise<Record<string, unknown>> {
  const { unkToken = '<unk>', byteFallback = false } = options;
  const specials = [...new Set([unkToken, ...(options.specialTokens ?? [])])];
  const normalizer = normalizerFromJSON(UNIGRAM_NORMALIZER);
  const metaspace = preTokenizerFromJSON(METASPACE);
  const counts = await countWords(
    texts,
    {
      normalize: (t) => normalizer.normalizeString(t),
      split: (t, out) => metaspace.splitString(t, out),
      specialTokens: specials,
    },
    options.onProgress,
  );
  const { pieces, unkId } = trainUnigram(counts, {
    vocabSize: options.vocabSize,
    unkToken,
    specialTokens: specials,
    byteFallback,
    ...(options.characterCoverage !== undefined ? { characterCoverage: options.characterCoverage } : {}),
    ...(options.maxPieceLength !== undefined ? { maxPieceLength: options.maxPieceLength } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return tokenizerJSON({
    added_tokens: specials.map((t, i) => specialToken(i, t)),
    normalizer: UNIGRAM_NORMALIZER,
    pre_tokenizer: METASPACE,
    decoder: byteFallback ? { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, METASPACE] } : METASPACE,
    model: unigramToJSON({ pieces, unkId, byteFallback }),
  });
}

/**
 * Train a tokenizer and return it as a tokenizer.json object (what `trainTokenizer` builds its
 * {@link Tokenizer} from; write it with `JSON.stringify` to get a file the HF libraries load).
 *
 * @example
 * ```ts
 * import { trainTokenizerJSON } from '@llmforge/tokenizer';
 * const json = await trainTokenizerJSON({ model: 'bpe', vocabSize: 300 }, ['the cat and the hat']);
 * console.log(Object.keys(json.model as object)); // ['type', 'dropout', ..., 'vocab', 'merges']
 * ```
 */
export async function trainTokenizerJSON(
  options: TrainTokenizerOptions,
  texts: TextSource,
): Promise<Record<string, unknown>> {
  if (options.model === 'bpe') return trainBpeJSON(options, texts);
  if (options.model === 'unigram') return trainUnigramJSON(options, texts);
  throw new TokenizerInputError({
    operation: 'trainTokenizer',
    where: 'options.model',
    expected: '"bpe" or "unigram"',
    found: JSON.stringify((options as { model: unknown }).model),
    hint: 'WordPiece training is not implemented; train BPE or Unigram',
  });
}

/**
 * Train a tokenizer on text: a string, an array of documents, or a (possibly async) iterable of
 * chunks that is consumed once and never held in memory (cut chunks at line ends).
 *
 * @example
 * ```ts
 * import { trainTokenizer } from '@llmforge/tokenizer';
 * const tok = await trainTokenizer(
 *   { model: 'bpe', vocabSize: 2000, specialTokens: ['<|endoftext|>'], onProgress: (p) => console.log(p) },
 *   ['It is a truth universally acknowledged, ...'],
 * );
 * console.log(tok.encode('a truth'));
 * await tok.save('tokenizer.json'); // loads in HF tokenizers too
 * ```
 */
export async function trainTokenizer(options: TrainTokenizerOptions, texts: TextSource): Promise<Tokenizer> {
  return Tokenizer.fromJSON(await trainTokenizerJSON(options, texts));
}
