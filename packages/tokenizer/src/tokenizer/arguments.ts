/**
 * Argument checks of the public entry points: a wrong type is a TokenizerInputError naming the
 * call, the argument and what was found, never a silent `[]` (`encode(123)`) or a TypeError from
 * deep inside.
 *
 *     tok.encode(123)                  -> encode: text: expected a string, found number 123
 *     tok.encodeBatch(['a', 5])        -> encodeBatch: texts[1]: expected a string, found number 5
 *     tok.decode([1, 2.5])             -> decode: ids[1]: expected an integer token id, found 2.5
 *     tok.encode('x', { addSpecialTokens: 'yes' }) -> encode: options.addSpecialTokens: expected true or false, ...
 */
import { TokenizerInputError } from '../errors.js';

/** A short description of any value: `number 123`, `an array`, `null`, `string "abc"`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

/**
 * A value as short JSON for error messages, safe on hostile input: nesting beyond three levels is
 * `…`, long output is cut (`JSON.stringify` itself would overflow the stack on 10,000 nested arrays).
 *
 * @example
 * ```ts
 * previewJSON({ a: [1, [2, [3, [4]]]] }); // '{"a":[1,[2,[3,…]]]}'
 * ```
 */
export function previewJSON(v: unknown, maxLength = 60): string {
  const walk = (x: unknown, depth: number): string => {
    if (x === undefined) return 'undefined';
    if (typeof x === 'number' || typeof x === 'boolean' || x === null) return String(x);
    if (typeof x === 'string')
      return JSON.stringify(x.length > maxLength ? `${x.slice(0, maxLength)}...` : x);
    if (typeof x !== 'object') return typeof x;
    if (depth >= 3) return '…';
    if (Array.isArray(x))
      return `[${x
        .slice(0, 8)
        .map((e) => walk(e, depth + 1))
        .join(',')}${x.length > 8 ? ',…' : ''}]`;
    const entries = Object.entries(x);
    const body = entries.slice(0, 8).map(([k, e]) => `${JSON.stringify(k)}:${walk(e, depth + 1)}`);
    return `{${body.join(',')}${entries.length > 8 ? ',…' : ''}}`;
  };
  const s = walk(v, 0);
  return s.length > maxLength ? `${s.slice(0, maxLength - 3)}...` : s;
}

function fail(operation: string, where: string, expected: string, found: unknown, hint: string): never {
  throw new TokenizerInputError({ operation, where, expected, found: describeValue(found), hint });
}

/** `text` must be a string. */
export function checkText(operation: string, text: unknown, where = 'text'): asserts text is string {
  if (typeof text !== 'string') {
    fail(
      operation,
      where,
      'a string',
      text,
      'convert the value to text first (String(x)), or encode each string of a list with encodeBatch',
    );
  }
}

/** `texts` must be an array of strings. */
export function checkTexts(operation: string, texts: unknown): asserts texts is readonly string[] {
  if (!Array.isArray(texts))
    fail(operation, 'texts', 'an array of strings', texts, 'for one text, call encode');
  for (let i = 0; i < texts.length; i++) checkText(operation, texts[i], `texts[${i}]`);
}

/** A file's contents: a Uint8Array or an ArrayBuffer. */
export function checkBytes(operation: string, bytes: unknown): asserts bytes is Uint8Array | ArrayBuffer {
  if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
    fail(
      operation,
      'bytes',
      "a file's bytes (Uint8Array or ArrayBuffer)",
      bytes,
      typeof bytes === 'string'
        ? "JSON text: Tokenizer.fromJSON; a path: loadTokenizer from '@llmforge/tokenizer/node'"
        : 'read the file first, e.g. new Uint8Array(await blob.arrayBuffer())',
    );
  }
}

/** The options argument: undefined or a plain object. */
export function checkOptions(
  operation: string,
  options: unknown,
): asserts options is Record<string, unknown> | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    fail(
      operation,
      'options',
      'an options object (or nothing)',
      options,
      'pass e.g. { addSpecialTokens: true }',
    );
  }
}

/** An optional boolean option. */
export function checkBooleanOption(
  operation: string,
  options: Record<string, unknown> | undefined,
  key: string,
): void {
  const v = options?.[key];
  if (v !== undefined && typeof v !== 'boolean')
    fail(operation, `options.${key}`, 'true or false', v, `write { ${key}: true }`);
}

/** An optional option among fixed strings. */
export function checkChoiceOption(
  operation: string,
  options: Record<string, unknown> | undefined,
  key: string,
  choices: readonly string[],
): void {
  const v = options?.[key];
  if (v !== undefined && !choices.includes(v as string)) {
    fail(
      operation,
      `options.${key}`,
      `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
      v,
      `write { ${key}: ${JSON.stringify(choices[0])} }`,
    );
  }
}

/** `allowedSpecial` / `disallowedSpecial`: 'all', 'none' or a list of token strings. */
export function checkSpecialSetOption(
  operation: string,
  options: Record<string, unknown> | undefined,
  key: string,
): void {
  const v = options?.[key];
  if (v === undefined || v === 'all' || v === 'none') return;
  if (Array.isArray(v) && v.every((t) => typeof t === 'string')) return;
  fail(
    operation,
    `options.${key}`,
    '"all", "none" or an array of special-token strings',
    v,
    `e.g. { ${key}: ['<|endoftext|>'] }`,
  );
}

/**
 * `ids` must be an array (or typed array) of integers. Ids outside the vocabulary are decode's
 * business (`onInvalid`); a value that is not an integer id at all is always an error.
 */
export function checkIds(operation: string, ids: unknown): asserts ids is ArrayLike<number> {
  if (!Array.isArray(ids) && !(ArrayBuffer.isView(ids) && !(ids instanceof DataView))) {
    fail(operation, 'ids', 'an array of token ids', ids, 'pass the array encode returned');
  }
  const list = ids as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (typeof id !== 'number')
      fail(
        operation,
        `ids[${i}]`,
        'an integer token id',
        id,
        'ids are numbers; parse strings with Number() first',
      );
    if (!Number.isInteger(id))
      fail(
        operation,
        `ids[${i}]`,
        'an integer token id',
        id,
        'token ids are whole numbers: was this a probability or a logit?',
      );
  }
}

/** One id (for `idToToken`, `decodeStream.push`). */
export function checkId(operation: string, id: unknown, where = 'id'): asserts id is number {
  if (typeof id !== 'number' || !Number.isInteger(id))
    fail(operation, where, 'an integer token id', id, 'ids are whole numbers from encode');
}
