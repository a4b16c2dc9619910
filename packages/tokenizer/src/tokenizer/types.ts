/**
 * The option and result types of the {@link Tokenizer} class, in one place so that the files that
 * implement it (`encode.ts`, `decode.ts`, `load.ts`, `core.ts`) share them without importing the
 * class.
 */
import type { TiktokenEncodingName } from '../formats/tiktoken.js';
import type { SplitPattern } from '../pipeline/patterns.js';

/** Which special tokens in the text are recognised: all, none, or those listed. */
export type SpecialTokenSet = 'all' | 'none' | readonly string[];

/** Options of `Tokenizer.encode`. */
export interface EncodeOptions {
  /** Special tokens recognised in the text (default: `'all'`, or `'none'` for tiktoken files). */
  allowedSpecial?: SpecialTokenSet;
  /**
   * Special tokens whose text in the input is an error (tiktoken's rule; default `'all'` for tiktoken
   * files, `'none'` otherwise). Tokens that are allowed are never disallowed.
   */
  disallowedSpecial?: SpecialTokenSet;
  /** Let the post-processor add its tokens (BOS, EOS, CLS, SEP). Default false. */
  addSpecialTokens?: boolean;
}

/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /** Leave special tokens out of the text. Default false. */
  skipSpecialTokens?: boolean;
  /** An id outside the vocabulary: throw (default) or put U+FFFD in its place. */
  onInvalid?: 'throw' | 'replace';
}

/** What `Tokenizer.encodeWithOffsets` returns. `offsets` are UTF-16 spans of the input. */
export interface Encoding {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
}

/** Options of `Tokenizer.fromTiktoken`. */
export interface TiktokenOptions {
  /** A standard encoding: sets the split pattern and the special tokens. */
  encoding?: TiktokenEncodingName;
  /**
   * The split pattern (overrides the encoding's): a built-in name (`gpt2`, `cl100k`, `llama3`,
   * `o200k`), a regex in tiktoken / tokenizer.json spelling, or a {@link SplitPattern}.
   */
  pattern?: string | SplitPattern;
  /** Special tokens and ids (overrides the encoding's). */
  specialTokens?: Record<string, number>;
  /** The file name, for error messages. */
  file?: string;
  /** Accept a `pattern` that can backtrack catastrophically (see `ParseTokenizerJSONOptions`). */
  allowUnsafeRegex?: boolean;
}

/** A tokenizer file format: HF's tokenizer.json, a tiktoken rank file, a SentencePiece `.model`. */
export type TokenizerFileFormat = 'tokenizer.json' | 'tiktoken' | 'sentencepiece';

/**
 * Options of `loadTokenizer` and `Tokenizer.fromBytes`. The format is `format`, else the file name's
 * extension (`.json`, `.tiktoken`, `.model`), else recognised from the bytes.
 */
export interface LoadTokenizerOptions {
  /** The file's format (default: from the file name, else from the bytes). */
  format?: TokenizerFileFormat;
  /** The file name: picks the format by extension and a tiktoken encoding by name; used in errors. */
  file?: string;
  /** For tiktoken files: the standard encoding (default: guessed from the file name). */
  encoding?: TiktokenEncodingName;
  /** For tiktoken files: the split pattern (as {@link TiktokenOptions.pattern}; overrides the encoding's). */
  pattern?: string | SplitPattern;
  /** For tiktoken files: special tokens and ids (overrides the encoding's). */
  specialTokens?: Record<string, number>;
  /**
   * Load regexes that can backtrack catastrophically (default false: refused with a
   * TokenizerFormatError naming the field). Only for files you trust.
   */
  allowUnsafeRegex?: boolean;
}

/**
 * The special-token convention a tokenizer follows: `'hf'` (tokenizer.json, SentencePiece and GPT-2
 * files: every added token in the text is recognised) or `'tiktoken'` (none is, and their text is
 * an error unless allowed).
 */
export type Flavor = 'hf' | 'tiktoken';

/** Options of the `Tokenizer` constructor. */
export interface TokenizerOptions {
  /** The special-token convention: `'hf'` (default) or `'tiktoken'` (see {@link Flavor}). */
  flavor?: Flavor;
  /**
   * Use the byte-level fast path when the parts allow it (default true). False forces the general
   * pipeline; results are the same, only slower (tests compare the two).
   */
  fastPath?: boolean;
}
