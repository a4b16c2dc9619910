/**
 * The contracts between the stages of a tokenizer, in processing order:
 *
 *   input ─► added tokens split ─► Normalizer ─► PreTokenizer ─► Model ─► PostProcessor ─► ids
 *   ids ─► Model.idToToken ─► Decoder ─► text
 *
 * Offsets. Every piece of text that moves down the pipeline remembers where each of its UTF-16 code
 * units came from in the ORIGINAL input, so offsets never need a second mapping step:
 * `map === null` means unit i of `text` came from `[base + i, base + i + 1)`; otherwise unit i came
 * from `[map[2i], map[2i + 1])`. A normalizer that turns "ﬁ" (1 unit) into "fi" (2 units) gives both
 * units the span of "ﬁ"; byte-level mapping gives every mapped byte the span of its source character.
 *
 * Speed. `encode()` without offsets must not pay for offsets: every stage also has a plain-string
 * method (`normalizeString`, `splitString`) that the pipeline uses when offsets are not wanted.
 */

/** A span of text with the origin of each of its code units in the original input (see above). */
export interface Piece {
  text: string;
  /** Origin of unit i when `map` is null: `[base + i, base + i + 1)`. */
  base: number;
  /** 2 entries per UTF-16 unit of `text`: start and end offset in the original input; null = identity from `base`. */
  map: Uint32Array | null;
}

/** Rewrites text (Unicode normalization, lowercasing, SentencePiece's precompiled charsmap, ...). */
export interface Normalizer {
  /** The tokenizer.json `type` tag, e.g. `NFKC`, `Sequence`, `Precompiled`. */
  readonly type: string;
  /** Normalize keeping each unit's origin. */
  normalize(piece: Piece): Piece;
  /** Normalize when no offsets are needed. Must give the same text as `normalize`. */
  normalizeString(text: string): string;
  /** The tokenizer.json object for this component (with its `type`). */
  toJSON(): Record<string, unknown>;
}

/** Splits normalized text into pieces the model tokenizes independently (regex split, whitespace, byte-level mapping, Metaspace, ...). */
export interface PreTokenizer {
  readonly type: string;
  /** Split (and possibly rewrite) pieces keeping each unit's origin. */
  preTokenize(pieces: Piece[]): Piece[];
  /**
   * Same as `preTokenize` on plain strings, appending results to `out`. `atInputStart` (default
   * true) says whether `text` begins the input: false for text after an added token, which matters to
   * Metaspace's `prepend_scheme: "first"`.
   */
  splitString(text: string, out: string[], atInputStart?: boolean): void;
  toJSON(): Record<string, unknown>;
}

/** A token produced by a model from one piece: `start`/`end` index units of that piece's text. */
export interface ModelToken {
  id: number;
  value: string;
  start: number;
  end: number;
}

/** Turns one pre-tokenized piece into tokens (BPE, Unigram, WordPiece). */
export interface Model {
  /** `BPE`, `Unigram` or `WordPiece`. */
  readonly type: string;
  /** Tokenize one piece with spans into it. */
  tokenize(text: string): ModelToken[];
  /** Tokenize one piece to ids only, appended to `out` (the hot path). */
  encodeString(text: string, out: number[]): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** Size of the model's own vocabulary (without added tokens). */
  readonly vocabSize: number;
  /** The model's vocabulary, token -> id. */
  getVocab(): Map<string, number>;
  toJSON(): Record<string, unknown>;
}

/** One entry of an encoding as the post-processor sees it. */
export interface EncodedToken {
  id: number;
  value: string;
  /** Span in the original input; `[0, 0]` for inserted special tokens. */
  start: number;
  end: number;
  /** 0 for the first sequence, 1 for the pair. */
  typeId: number;
  /** True for tokens the post-processor inserted (BOS, CLS, SEP...). */
  special: boolean;
}

/** Adds special tokens around encoded sequences (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel trim offsets). */
export interface PostProcessor {
  readonly type: string;
  /** How many tokens `process` adds for a single sequence (`pair` false) or a pair. */
  addedTokens(pair: boolean): number;
  /** Combine one or two encoded sequences, adding special tokens when `addSpecialTokens`. */
  process(first: EncodedToken[], second: EncodedToken[] | null, addSpecialTokens: boolean): EncodedToken[];
  toJSON(): Record<string, unknown>;
}

/** Turns the model's token strings back into text (ByteLevel, Metaspace, WordPiece, ByteFallback, Fuse, Strip, Replace, Sequence). */
export interface Decoder {
  readonly type: string;
  /** HF `decode_chain`: rewrite the list of token strings; the final text is the concatenation. */
  decodeChain(tokens: string[]): string[];
  toJSON(): Record<string, unknown>;
}

/** One entry of tokenizer.json's `added_tokens`, with HF's matching flags. */
export interface AddedTokenConfig {
  id: number;
  content: string;
  /** Only match when not inside a word (`\w` neither just before nor just after). */
  single_word: boolean;
  /** Also swallow the whitespace just before the match. */
  lstrip: boolean;
  /** Also swallow the whitespace just after the match. */
  rstrip: boolean;
  /** Match against the normalized text (true) or the raw input (false). */
  normalized: boolean;
  /** A special token: skipped by `decode(ids, { skipSpecialTokens: true })`, subject to `allowedSpecial`. */
  special: boolean;
}

/**
 * The parts of a tokenizer, in processing order: what a tokenizer.json reader produces and what
 * `new Tokenizer(parts)` takes. `truncation` and `padding` are kept verbatim for `toJSON()`.
 */
export interface TokenizerParts {
  normalizer: Normalizer | null;
  preTokenizer: PreTokenizer | null;
  model: Model;
  postProcessor: PostProcessor | null;
  decoder: Decoder | null;
  addedTokens: AddedTokenConfig[];
  truncation?: unknown;
  padding?: unknown;
}
