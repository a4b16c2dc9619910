// Public API of @llmforge/tokenizer. Each section is owned by one area of the package; add exports
// to your own section only.

// ── errors ──────────────────────────────────────────────────────────────────────────────────────
export { type ErrorDetails, TokenizerError, TokenizerFormatError, TokenizerInputError } from './errors.js';

// ── pipeline contracts ──────────────────────────────────────────────────────────────────────────
export type {
  AddedTokenConfig,
  Decoder,
  EncodedToken,
  Model,
  ModelToken,
  Normalizer,
  Piece,
  PostProcessor,
  PreTokenizer,
  TokenizerParts,
} from './pipeline/types.js';

// ── Tokenizer class, BPE model, tiktoken and GPT-2 formats ─────────────────────────────────────
export { decodeGPT2Files, type GPT2Files } from './formats/gpt2-files.js';
export {
  isTiktokenEncodingName,
  parseTiktoken,
  serializeTiktoken,
  TIKTOKEN_ENCODINGS,
  type TiktokenEncodingName,
  type TiktokenEncodingSpec,
} from './formats/tiktoken.js';
export { BPE, type BPEOptions } from './models/bpe/model.js';
export { ByteLevelBPE } from './models/bpe/byte-level.js';
export { type AddedSplit, AddedVocabulary } from './tokenizer/added-vocabulary.js';
export { DecodeStream } from './tokenizer/decode-stream.js';
export {
  CL100K_PATTERN,
  findKnownPattern,
  GPT2_PATTERN,
  LLAMA3_PATTERN,
  O200K_PATTERN,
  type SplitPattern,
  WHITE_SPACE,
} from './pipeline/patterns.js';
export { Tokenizer } from './tokenizer/tokenizer.js';
export type {
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Flavor,
  FromFileOptions,
  SpecialTokenSet,
  TiktokenOptions,
  TokenizerOptions,
} from './tokenizer/types.js';

// ── components, Unigram, WordPiece, tokenizer.json, SentencePiece ──────────────────────────────
export {
  BPEDecoder,
  ByteFallbackDecoder,
  ByteLevelDecoder,
  CTCDecoder,
  DECODER_TYPES,
  DecoderSequence,
  decoderFromJSON,
  FuseDecoder,
  MetaspaceDecoder,
  ReplaceDecoder,
  StripDecoder,
  WordPieceDecoder,
  wordPieceCleanup,
} from './decoders/index.js';
export {
  mergesFromScores,
  parseSentencePieceModel,
  readSentencePieceModel,
  type SentencePieceEntry,
  type SentencePieceModelProto,
  sentencePieceToParts,
} from './formats/sentencepiece.js';
export {
  MODEL_TYPES,
  modelFromJSON,
  type ParseTokenizerJSONOptions,
  parseTokenizerJSON,
  TOKENIZER_JSON_VERSION,
  tokenizerJSONFromParts,
} from './formats/tokenizer-json.js';
export { seededRandom } from './models/seeded-random.js';
export {
  type SampleOptions,
  sampleTokenize,
  UNK_PENALTY,
  Unigram,
  type UnigramOptions,
  type UnigramPath,
} from './models/unigram/model.js';
export { WordPiece, type WordPieceOptions } from './models/wordpiece/model.js';
export {
  BertNormalizer,
  type BertNormalizerOptions,
  compileHFPattern,
  type HFPattern,
  Lowercase,
  Nmt,
  NORMALIZER_TYPES,
  NormalizerSequence,
  normalizerFromJSON,
  originSpan,
  PieceBuilder,
  Precompiled,
  type PrecompiledMode,
  Prepend,
  pieceOf,
  Replace,
  Strip,
  StripAccents,
  slicePiece,
  translateOnigurumaRegex,
  type UnicodeForm,
  UnicodeNormalizer,
} from './normalizers/index.js';
export {
  BertProcessing,
  ByteLevelProcessing,
  POST_PROCESSOR_TYPES,
  PostProcessorSequence,
  postProcessorFromJSON,
  RobertaProcessing,
  type TemplatePiece,
  TemplateProcessing,
  type TemplateSpecialToken,
} from './post-processors/index.js';
export {
  BertPreTokenizer,
  ByteLevel,
  type ByteLevelOptions,
  CharDelimiterSplit,
  Digits,
  Metaspace,
  PRE_TOKENIZER_TYPES,
  type PrependScheme,
  PreTokenizerSequence,
  Punctuation,
  preTokenizerFromJSON,
  SPLIT_BEHAVIORS,
  Split,
  type SplitBehavior,
  UnicodeScripts,
  Whitespace,
  WhitespaceSplit,
} from './pre-tokenizers/index.js';

// ── trainers, chat rendering ────────────────────────────────────────────────────────────────────
export {
  type ChatTokenizer,
  type RenderChatOptions,
  type RenderedChat,
  renderChat,
} from './chat/render-chat.js';
export {
  CHAT_TEMPLATES,
  CHATML,
  type ChatMessage,
  type ChatRole,
  type ChatTemplate,
  type ChatTemplateLike,
  chatSpecialTokens,
  LLAMA3,
  LLMFORGE,
  resolveChatTemplate,
} from './chat/templates.js';
export { type BpeTrainerOptions, type BpeTrainResult, trainBpe } from './models/bpe/trainer.js';
export type { TrainProgress } from './trainers/progress.js';
export {
  type TrainTokenizerOptions,
  trainTokenizer,
  trainTokenizerJSON,
} from './trainers/train-tokenizer.js';
export {
  digamma,
  trainUnigram,
  type UnigramTrainerOptions,
  type UnigramTrainResult,
} from './models/unigram/trainer.js';
export { countWords, type TextSource, WordCounter, type WordCounterOptions } from './trainers/word-counts.js';
