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
import { GPT2_PATTERN } from '../pipeline/patterns.js';
import { preTokenizerFromJSON } from '../pre-tokenizers/index.js';
import { specialToken } from '../tokenizer/added-vocabulary.js';
import { describeValue, previewJSON } from '../tokenizer/arguments.js';
import { resolvePatternOption } from '../tokenizer/pattern-option.js';
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
  pattern?: 'gpt2' | 'cl100k' | 'llama3' | 'o200k' | RegExp | string;
  /** Accept a `pattern` that can backtrack catastrophically (refused by default: it would hang). */
  allowUnsafeRegex?: boolean;
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
  const split = resolvePatternOption(pattern, 'trainTokenizer', options.allowUnsafeRegex);
  const js = new RegExp(split.js, 'gu');
  const hf = split.hf;
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
  const splitJSON = { type: 'Split', pattern: { Regex: hf }, behavior: 'Isolated', invert: false };
  const byteLevelPre = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: gpt2 };
  const preTokenizer = !byteLevel
    ? splitJSON
    : gpt2
      ? byteLevelPre
      : { type: 'Sequence', pretokenizers: [splitJSON, byteLevelPre] };
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
  checkTrainOptions(options);
  if (options.model === 'bpe') return trainBpeJSON(options, texts);
  if (options.model === 'unigram') return trainUnigramJSON(options, texts);
  throw new TokenizerInputError({
    operation: 'trainTokenizer',
    where: 'options.model',
    expected: '"bpe" or "unigram"',
    found: previewJSON((options as { model: unknown }).model),
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
 * await saveTokenizer(tok, 'tokenizer.json'); // from '@llmforge/tokenizer/node'; loads in HF tokenizers too
 * ```
 */
export async function trainTokenizer(options: TrainTokenizerOptions, texts: TextSource): Promise<Tokenizer> {
  const json = await trainTokenizerJSON(options, texts);
  return Tokenizer.fromJSON(json, options.allowUnsafeRegex ? { allowUnsafeRegex: true } : {});
}

/** Every option's type and range, before any text is read (see `tokenizer/arguments.ts`). */
function checkTrainOptions(options: unknown): void {
  const op = 'trainTokenizer';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TokenizerInputError({
      operation: op,
      where: 'options',
      expected: 'an options object',
      found: describeValue(options),
      hint: "e.g. trainTokenizer({ model: 'bpe', vocabSize: 8192 }, texts)",
    });
  }
  const o = options as Record<string, unknown>;
  const bad = (key: string, expected: string, hint: string): never => {
    throw new TokenizerInputError({
      operation: op,
      where: `options.${key}`,
      expected,
      found: describeValue(o[key]),
      hint,
    });
  };
  const isInt = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
  if (!isInt(o.vocabSize, 1)) bad('vocabSize', 'a positive integer', 'typical sizes are 4096 to 65536');
  if (o.minFrequency !== undefined && !isInt(o.minFrequency, 0))
    bad('minFrequency', 'a non-negative integer', 'the default, 2, merges pairs seen at least twice');
  if (o.maxPieceLength !== undefined && !isInt(o.maxPieceLength, 1))
    bad('maxPieceLength', 'a positive integer', 'the default is 16 characters');
  const cov = o.characterCoverage;
  if (cov !== undefined && !(typeof cov === 'number' && cov > 0 && cov <= 1))
    bad('characterCoverage', 'a number in (0, 1]', 'the default is 0.9995; 1 keeps every character');
  for (const key of ['byteLevel', 'byteFallback', 'allowUnsafeRegex']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean')
      bad(key, 'true or false', `write { ${key}: true }`);
  }
  if (o.unkToken !== undefined && (typeof o.unkToken !== 'string' || o.unkToken.length === 0))
    bad('unkToken', 'a non-empty string', "e.g. '<unk>'");
  const specials = o.specialTokens;
  if (
    specials !== undefined &&
    !(Array.isArray(specials) && specials.every((t) => typeof t === 'string' && t.length > 0))
  )
    bad('specialTokens', 'an array of non-empty strings', "e.g. ['<|endoftext|>']");
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    bad('onProgress', 'a function', 'e.g. onProgress: (p) => console.error(p.phase, p.done, p.total)');
}
