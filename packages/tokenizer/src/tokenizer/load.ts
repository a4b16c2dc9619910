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
import { fileError } from './file-errors.js';
import { resolvePatternOption } from './pattern-option.js';
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

/** A tokenizer file by its extension (see the file comment). Node only. */
export async function coreFromFile(path: string, options: FromFileOptions): Promise<TokenizerCore> {
  const { readFile } = await import('node:fs/promises');
  const lower = path.toLowerCase();
  const known = ['.json', '.tiktoken', '.model'].some((ext) => lower.endsWith(ext));
  if (!known) {
    throw new TokenizerInputError({
      operation: 'Tokenizer.fromFile',
      file: path,
      expected: 'a file ending in .json, .tiktoken or .model',
      found: JSON.stringify(path.split(/[\\/]/).pop()),
      hint: 'GPT-2 encoder.json + vocab.bpe: use Tokenizer.fromGPT2Files',
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw fileError('Tokenizer.fromFile', path, cause, 'read');
  }
  if (lower.endsWith('.json')) {
    const text = new TextDecoder().decode(bytes);
    return TokenizerCore.fromParts(
      parseTokenizerJSON(text, {
        file: path,
        ...(options.allowUnsafeRegex ? { allowUnsafeRegex: true } : {}),
      }),
    );
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
      ...(options.allowUnsafeRegex ? { allowUnsafeRegex: true } : {}),
      file: path,
    });
  }
  return TokenizerCore.fromParts(parseSentencePieceModel(new Uint8Array(bytes), { file: path }));
}
