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
import { compileHFPattern } from '../normalizers/hf-pattern.js';
import { findKnownPattern, type SplitPattern } from '../pipeline/patterns.js';
import { TokenizerCore } from './core.js';
import type { FromFileOptions, TiktokenOptions } from './types.js';

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
    options = optionsOrData ?? {};
  }
  const spec = options.encoding ? TIKTOKEN_ENCODINGS[options.encoding] : undefined;
  if (options.encoding && !spec) {
    throw new TokenizerInputError({
      operation: 'Tokenizer.fromTiktoken',
      where: 'options.encoding',
      expected: `one of ${Object.keys(TIKTOKEN_ENCODINGS).join(', ')}`,
      found: JSON.stringify(options.encoding),
      hint: 'or pass pattern and specialTokens yourself',
    });
  }
  let pattern: SplitPattern | undefined;
  if (typeof options.pattern === 'string') {
    pattern = findKnownPattern(options.pattern) ?? {
      name: 'custom',
      hf: options.pattern,
      js: compileHFPattern({ Regex: options.pattern }, 'options.pattern').source,
    };
  } else pattern = options.pattern ?? spec?.pattern;
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

/** A tokenizer file by its extension (see the file comment). Node only. */
export async function coreFromFile(path: string, options: FromFileOptions): Promise<TokenizerCore> {
  const { readFile } = await import('node:fs/promises');
  const lower = path.toLowerCase();
  const bytes = await readFile(path);
  if (lower.endsWith('.json')) {
    return TokenizerCore.fromParts(parseTokenizerJSON(new TextDecoder().decode(bytes), { file: path }));
  }
  if (lower.endsWith('.tiktoken')) {
    const base = path
      .split(/[\\/]/)
      .pop()!
      .replace(/\.tiktoken$/i, '');
    const encoding = options.encoding ?? (isTiktokenEncodingName(base) ? base : undefined);
    return tiktokenCore(new Uint8Array(bytes), {
      ...(encoding ? { encoding } : {}),
      ...(options.pattern ? { pattern: options.pattern } : {}),
      ...(options.specialTokens ? { specialTokens: options.specialTokens } : {}),
      file: path,
    });
  }
  if (lower.endsWith('.model')) {
    return TokenizerCore.fromParts(parseSentencePieceModel(new Uint8Array(bytes), { file: path }));
  }
  throw new TokenizerInputError({
    operation: 'Tokenizer.fromFile',
    file: path,
    expected: 'a file ending in .json, .tiktoken or .model',
    found: JSON.stringify(path.split(/[\\/]/).pop()),
    hint: 'GPT-2 encoder.json + vocab.bpe: use Tokenizer.fromGPT2Files',
  });
}
