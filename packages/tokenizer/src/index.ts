// The public API of @llmforge/tokenizer, in the order data flows through a tokenizer (the README
// walks through the same files). Everything a user imports comes from here; nothing registers itself
// on import.

// ── errors ───────────────────────────────────────────────────────────────────────────────────
export { type ErrorDetails, TokenizerError, TokenizerFormatError, TokenizerInputError } from './errors.js';

// ── contracts between the stages (pipeline/types.ts) ─────────────────────────────────────────
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

// ── the Tokenizer class and what it is made of (tokenizer/) ──────────────────────────────────
// (files on disk, loadTokenizer(path) and saveTokenizer, are in the Node entry, src/node.ts)
export { Tokenizer } from './tokenizer/tokenizer.js';
export { loadTokenizer, type TokenizerSource } from './tokenizer/load-source.js';
export type {
  DecodeOptions,
  EncodeOptions,
  Encoding,
  Flavor,
  LoadTokenizerOptions,
  SpecialTokenSet,
  TokenizerFileFormat,
  TiktokenOptions,
  TokenizerOptions,
} from './tokenizer/types.js';
export { type AddedSplit, AddedVocabulary } from './tokenizer/added-vocabulary.js';
export { DecodeStream } from './tokenizer/decode-stream.js';

// ── file formats (formats/) ──────────────────────────────────────────────────────────────────
export {
  MODEL_TYPES,
  modelFromJSON,
  type ParseTokenizerJSONOptions,
  parseTokenizerJSON,
  TOKENIZER_JSON_VERSION,
  tokenizerJSONFromParts,
} from './formats/tokenizer-json.js';
export {
  mergesFromScores,
  parseSentencePieceModel,
  readSentencePieceModel,
  type SentencePieceEntry,
  type SentencePieceModelProto,
  sentencePieceToParts,
} from './formats/sentencepiece.js';
export {
  isTiktokenEncodingName,
  parseTiktoken,
  serializeTiktoken,
  TIKTOKEN_ENCODINGS,
  type TiktokenEncodingName,
  type TiktokenEncodingSpec,
} from './formats/tiktoken.js';
export { decodeGPT2Files, type GPT2Files } from './formats/gpt2-files.js';

// ── normalizers ──────────────────────────────────────────────────────────────────────────────
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

// ── pre-tokenizers and the split patterns ────────────────────────────────────────────────────
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
export {
  CL100K_PATTERN,
  findKnownPattern,
  GPT2_PATTERN,
  LLAMA3_PATTERN,
  O200K_PATTERN,
  type SplitPattern,
  WHITE_SPACE,
} from './pipeline/patterns.js';

// ── models: BPE, Unigram, WordPiece (models/) ────────────────────────────────────────────────
export { BPE, type BPEOptions } from './models/bpe/model.js';
export { ByteLevelBPE } from './models/bpe/byte-level.js';
export {
  type SampleOptions,
  sampleTokenize,
  UNK_PENALTY,
  Unigram,
  type UnigramOptions,
  type UnigramPath,
} from './models/unigram/model.js';
export { WordPiece, type WordPieceOptions } from './models/wordpiece/model.js';
export { seededRandom } from './models/seeded-random.js';

// ── post-processors ──────────────────────────────────────────────────────────────────────────
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

// ── decoders ─────────────────────────────────────────────────────────────────────────────────
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

// ── training: word counts, the trainers beside their models, the recipes ─────────────────────
export { countWords, type TextSource, WordCounter, type WordCounterOptions } from './trainers/word-counts.js';
export { type BpeTrainerOptions, type BpeTrainResult, trainBpe } from './models/bpe/trainer.js';
export {
  digamma,
  trainUnigram,
  type UnigramTrainerOptions,
  type UnigramTrainResult,
} from './models/unigram/trainer.js';
export {
  type TrainTokenizerOptions,
  trainTokenizer,
  trainTokenizerJSON,
} from './trainers/train-tokenizer.js';
export type { TrainProgress } from './trainers/progress.js';

// ── chat rendering ───────────────────────────────────────────────────────────────────────────
export {
  CHAT_TEMPLATES,
  CHATML,
  type ChatMessage,
  type ChatRole,
  type ChatTemplate,
  type ChatTemplateLike,
  type ChatToolCall,
  chatSpecialTokens,
  LLAMA3,
  LLMFORGE,
  resolveChatTemplate,
} from './chat/templates.js';
export {
  type ChatTokenizer,
  type RenderChatOptions,
  type RenderedChat,
  renderChat,
} from './chat/render-chat.js';
