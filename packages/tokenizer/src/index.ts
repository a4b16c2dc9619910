// Public API of @llmforge/tokenizer. Each section is owned by one area of the package; add exports
// to your own section only.

// ── errors ──────────────────────────────────────────────────────────────────────────────────────
export { type ErrorDetails, TokenizerError, TokenizerFormatError, TokenizerInputError } from './errors.js';

// ── pipeline contracts ──────────────────────────────────────────────────────────────────────────
export type {
  Decoder,
  EncodedToken,
  Model,
  ModelToken,
  Normalizer,
  Piece,
  PostProcessor,
  PreTokenizer,
} from './pipeline/types.js';

// ── Tokenizer class, BPE model, tiktoken and GPT-2 formats ─────────────────────────────────────

// ── components, Unigram, WordPiece, tokenizer.json, SentencePiece ──────────────────────────────

// ── trainers, chat rendering ────────────────────────────────────────────────────────────────────
