/**
 * Loading: every way into a {@link TokenizerCore}, which `Tokenizer`'s static loaders wrap.
 *
 *   `.json`      tokenizer.json          formats/tokenizer-json.ts  -> parts
 *   `.model`     SentencePiece protobuf  formats/sentencepiece.ts   -> parts
 *   `.tiktoken`  tiktoken ranks          formats/tiktoken.ts        -> ranks + the encoding's pattern and special tokens
 *   GPT-2        encoder.json + vocab.bpe formats/gpt2-files.ts     -> parts (no file extension of its own)
 */
import { TokenizerInputError } from '../errors.js';
import { parseSentencePieceModel } from '../formats/sentencepiece.js';
import { isTiktokenEncodingName, parseTiktoken, TIKTOKEN_ENCODINGS } from '../formats/tiktoken.js';
import { parseTokenizerJSON } from '../formats/tokenizer-json.js';
import { ByteLevelBPE } from '../models/bpe/byte-level.js';
import type { SplitPattern } from '../pipeline/patterns.js';
import { checkOptions, describeValue, previewJSON } from './arguments.js';
import { TokenizerCore } from './core.js';
import { resolvePatternOption } from './pattern-option.js';
import type { LoadTokenizerOptions, TiktokenOptions, TokenizerFileFormat } from './types.js';

/**
 * A tiktoken encoding from its rank file and options: `(data, options)`, or `(name, data, options)`
 * with the encoding name first.
 */
export function tiktokenCore(
  source: string | Uint8Array,
  optionsOrData?: TiktokenOptions | string | Uint8Array,
  maybeOptions: TiktokenOptions = {},
): TokenizerCore {
  let data = source;
  let options: TiktokenOptions;
  if (typeof optionsOrData === 'string' || optionsOrData instanceof Uint8Array) {
    if (!isTiktokenEncodingName(source)) {
      throw new TokenizerInputError({
        operation: 'Tokenizer.fromTiktoken',
        expected: `an encoding name (${Object.keys(TIKTOKEN_ENCODINGS).join(', ')}) before the file data`,
        found: typeof source === 'string' ? JSON.stringify(source.slice(0, 40)) : 'bytes',
        hint: 'call fromTiktoken(data, { encoding }) or fromTiktoken(name, data)',
      });
    }
    data = optionsOrData;
    options = { ...maybeOptions, encoding: source };
  } else {
    checkOptions('Tokenizer.fromTiktoken', optionsOrData);
    options = optionsOrData ?? {};
  }
  checkOptions('Tokenizer.fromTiktoken', maybeOptions);
  checkSpecialTokens(options.specialTokens);
  const spec = isTiktokenEncodingName(options.encoding) ? TIKTOKEN_ENCODINGS[options.encoding] : undefined;
  if (options.encoding !== undefined && !spec) {
    throw new TokenizerInputError({
      operation: 'Tokenizer.fromTiktoken',
      where: 'options.encoding',
      expected: `one of ${Object.keys(TIKTOKEN_ENCODINGS).join(', ')}`,
      found: previewJSON(options.encoding),
      hint: 'or pass pattern and specialTokens yourself',
    });
  }
  const pattern: SplitPattern | undefined =
    options.pattern === undefined
      ? spec?.pattern
      : resolvePatternOption(options.pattern, 'Tokenizer.fromTiktoken', options.allowUnsafeRegex);
  if (!pattern) {
    throw new TokenizerInputError({
      operation: 'Tokenizer.fromTiktoken',
      expected: 'options.encoding (a standard name) or options.pattern',
      found: 'neither',
      hint: "a .tiktoken file holds only ranks; say e.g. { encoding: 'cl100k_base' }",
    });
  }
  const ranks = parseTiktoken(data, options.file);
  const specials = options.specialTokens ?? { ...(spec?.specialTokens ?? {}) };
  return TokenizerCore.fromTiktoken(ByteLevelBPE.fromRanks(ranks), pattern, specials, options.encoding);
}

/** `specialTokens`: content -> non-negative integer id. */
function checkSpecialTokens(specials: unknown): void {
  if (specials === undefined) return;
  const entries =
    typeof specials === 'object' && specials !== null && !Array.isArray(specials)
      ? Object.entries(specials)
      : null;
  const bad = entries?.find(([, id]) => !(Number.isSafeInteger(id) && (id as number) >= 0));
  if (entries && !bad) return;
  throw new TokenizerInputError({
    operation: 'Tokenizer.fromTiktoken',
    where: bad ? `options.specialTokens[${JSON.stringify(bad[0])}]` : 'options.specialTokens',
    expected: bad ? 'a non-negative integer id' : 'an object of token -> id',
    found: describeValue(bad ? bad[1] : specials),
    hint: "e.g. { '<|endoftext|>': 100257 }",
  });
}

/** The format named by a file's extension, if any. */
function formatOfName(file: string | undefined): TokenizerFileFormat | undefined {
  const lower = file?.toLowerCase() ?? '';
  if (lower.endsWith('.json')) return 'tokenizer.json';
  if (lower.endsWith('.tiktoken')) return 'tiktoken';
  if (lower.endsWith('.model')) return 'sentencepiece';
  return undefined;
}

/**
 * The format recognised from the bytes: JSON starts with `{`; a tiktoken file is lines of
 * `<base64> <rank>`; anything else is taken for a SentencePiece protobuf (whose parser says so if not).
 */
function formatOfBytes(bytes: Uint8Array): TokenizerFileFormat {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x7b) return 'tokenizer.json'; // '{'
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256)).split('\n')[0] ?? '';
  if (/^[A-Za-z0-9+/]+=* \d+\r?$/.test(head)) return 'tiktoken';
  return 'sentencepiece';
}

/**
 * A tokenizer file's bytes, in the format of `options.format`, the file name's extension, or
 * recognised from the bytes (see {@link LoadTokenizerOptions}).
 */
export function coreFromBytes(bytes: Uint8Array, options: LoadTokenizerOptions = {}): TokenizerCore {
  const file = options.file;
  const named = formatOfName(file);
  const hasExtension = file !== undefined && /\.[^./\\]+$/.test(file);
  if (options.format === undefined && named === undefined && hasExtension) {
    throw new TokenizerInputError({
      operation: 'loadTokenizer',
      file,
      expected: 'a file ending in .json, .tiktoken or .model (or options.format)',
      found: JSON.stringify(file.split(/[\\/]/).pop()),
      hint: 'GPT-2 encoder.json + vocab.bpe: use Tokenizer.fromGPT2Files',
    });
  }
  const format = options.format ?? named ?? formatOfBytes(bytes);
  const where = file === undefined ? {} : { file };
  if (format === 'tokenizer.json') {
    return TokenizerCore.fromParts(
      parseTokenizerJSON(new TextDecoder().decode(bytes), {
        ...where,
        ...(options.allowUnsafeRegex ? { allowUnsafeRegex: true } : {}),
      }),
    );
  }
  if (format === 'tiktoken') {
    const base = (file ?? '')
      .split(/[\\/]/)
      .pop()!
      .replace(/\.tiktoken$/i, '');
    const encoding = options.encoding ?? (isTiktokenEncodingName(base) ? base : undefined);
    return tiktokenCore(bytes, {
      ...(encoding ? { encoding } : {}),
      ...(options.pattern ? { pattern: options.pattern } : {}),
      ...(options.specialTokens ? { specialTokens: options.specialTokens } : {}),
      ...(options.allowUnsafeRegex ? { allowUnsafeRegex: true } : {}),
      ...where,
    });
  }
  return TokenizerCore.fromParts(parseSentencePieceModel(bytes, where));
}
