/**
 * `loadTokenizer(source)`: a tokenizer file from wherever a program has it — bytes, a `Blob`/`File`
 * (a file picker, a drop) or a fetched `Response` — in a browser or in Node. The format comes from
 * the options, the file's name (a File's `name`, a Response's URL) or the bytes (`load.ts`). A path
 * is for the Node entry's `loadTokenizer` (`node.ts`).
 */
import { TokenizerInputError } from '../errors.js';
import { Tokenizer } from './tokenizer.js';
import type { LoadTokenizerOptions } from './types.js';

/** What `loadTokenizer` reads: bytes, a `Blob`/`File`, or a fetched `Response`. */
export type TokenizerSource = Uint8Array | ArrayBuffer | Blob | Response;

/** The name of a source for format detection and messages: a File's name, a Response URL's path. */
function nameOf(source: TokenizerSource): string | undefined {
  const name = (source as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '') return name;
  const url = (source as { url?: unknown }).url;
  if (typeof url === 'string' && url !== '') return new URL(url).pathname.split('/').pop() || undefined;
  return undefined;
}

async function bytesOf(source: TokenizerSource, file: string | undefined): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const s = source as Partial<Response> & Partial<Blob>;
  if (typeof s.arrayBuffer !== 'function' || typeof source === 'string') {
    const isPath = typeof source === 'string';
    throw new TokenizerInputError({
      operation: 'loadTokenizer',
      expected: 'a Uint8Array, ArrayBuffer, Blob/File or Response',
      found: isPath ? `the string ${JSON.stringify((source as string).slice(0, 80))}` : String(source),
      hint: isPath
        ? "a file path needs the Node entry: import { loadTokenizer } from '@llmforge/tokenizer/node' (JSON text: Tokenizer.fromJSON)"
        : 'in a browser, pass await fetch(url) or a File from an <input type="file">',
    });
  }
  if (typeof s.ok === 'boolean' && !s.ok) {
    throw new TokenizerInputError({
      operation: 'loadTokenizer',
      ...(file === undefined ? {} : { file }),
      expected: 'a successful response (status 200-299)',
      found: `status ${s.status}${s.statusText ? ` ${s.statusText}` : ''}`,
      hint: 'check the URL; a server on another origin must send CORS headers',
    });
  }
  return new Uint8Array(await s.arrayBuffer());
}

/**
 * Loads a tokenizer file — tokenizer.json, a tiktoken rank file or a SentencePiece `.model` — from
 * bytes, a `Blob`/`File` or a fetched `Response`. The format is `options.format`, else the name's
 * extension (`file.name`, the URL's path, `options.file`), else recognised from the bytes; a tiktoken
 * file named after its encoding (`cl100k_base.tiktoken`) gets that encoding's pattern and special
 * tokens. For a path, use `loadTokenizer` from `@llmforge/tokenizer/node`.
 *
 * @example
 * ```ts
 * import { loadTokenizer } from '@llmforge/tokenizer';
 * const tok = await loadTokenizer(await fetch('/models/tokenizer.json'));
 * const picked = await loadTokenizer(input.files![0]!); // <input type="file">
 * ```
 */
export async function loadTokenizer(
  source: TokenizerSource,
  options: LoadTokenizerOptions = {},
): Promise<Tokenizer> {
  const file = options.file ?? nameOf(source);
  const bytes = await bytesOf(source, file);
  return Tokenizer.fromBytes(bytes, { ...options, ...(file === undefined ? {} : { file }) });
}
