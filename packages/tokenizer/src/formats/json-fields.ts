/**
 * Typed field access for tokenizer.json objects. Every failure is a TokenizerFormatError naming the
 * full field path (`pre_tokenizer.pretokenizers[1].type`) and what was found there.
 */
import { TokenizerFormatError } from '../errors.js';
import { previewJSON } from '../tokenizer/arguments.js';

/** A parsed JSON object. */
export type JSONObject = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  return previewJSON(v);
}

/** The hint of a field error when the caller has no more specific one. */
const FIELD_HINT =
  'the field does not have the shape the Hugging Face tokenizers library writes: is the file truncated, ' +
  'hand-edited or from another tool? Re-export it with tokenizer.save() in Python, or fix this field';

/** Throws the standard "field has the wrong shape" error (with `hint`, or a general one). */
export function badField(where: string, expected: string, found: unknown, hint: string = FIELD_HINT): never {
  throw new TokenizerFormatError({ operation: 'fromJSON', where, expected, found: describe(found), hint });
}

/** `obj` as an object, or an error at `where`. */
export function asObject(obj: unknown, where: string): JSONObject {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) badField(where, 'an object', obj);
  return obj as JSONObject;
}

/** A required string field. */
export function str(obj: JSONObject, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string') badField(`${where}.${key}`, 'a string', v);
  return v as string;
}

/** An optional string field (`fallback` when missing or null). */
export function optStr<T extends string | null>(
  obj: JSONObject,
  key: string,
  where: string,
  fallback: T,
): string | T {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') badField(`${where}.${key}`, 'a string', v);
  return v as string;
}

/** An optional boolean field. */
export function optBool(obj: JSONObject, key: string, where: string, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') badField(`${where}.${key}`, 'true or false', v);
  return v as boolean;
}

/** A required number field. */
export function num(obj: JSONObject, key: string, where: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) badField(`${where}.${key}`, 'a number', v);
  return v as number;
}

/** An optional number field. */
export function optNum<T extends number | null>(
  obj: JSONObject,
  key: string,
  where: string,
  fallback: T,
): number | T {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) badField(`${where}.${key}`, 'a number', v);
  return v as number;
}

/** A token id read from a file: a non-negative safe integer, or an error at `where`. */
export function tokenId(v: unknown, where: string, hint: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) badField(where, 'a non-negative integer id', v, hint);
  return v as number;
}

/** A required array field. */
export function arr(obj: JSONObject, key: string, where: string): unknown[] {
  const v = obj[key];
  if (!Array.isArray(v)) badField(`${where}.${key}`, 'an array', v);
  return v as unknown[];
}

/** The builders of one kind of component, by `type` tag (an explicit table: no registration by import). */
export type Builders<T> = Readonly<Record<string, (obj: JSONObject, where: string) => T>>;

/**
 * Builds the component `obj` describes with the builder of its `type` tag; a missing tag or one
 * not in `builders` is a TokenizerFormatError naming the field and the known tags.
 *
 * @example
 * ```ts
 * const builders = { Lowercase: () => 'lower' };
 * fromTypeTag({ type: 'Lowercase' }, 'normalizer', builders); // 'lower'
 * fromTypeTag({ type: 'Nope' }, 'normalizer', builders); // throws: normalizer.type: expected one of Lowercase, found "Nope"
 * ```
 */
export function fromTypeTag<T>(obj: unknown, where: string, builders: Builders<T>): T {
  const o = asObject(obj, where);
  const type = o.type;
  if (typeof type !== 'string') return badField(`${where}.type`, 'a string type tag', type);
  // Own keys only: "toString" or "constructor" must not find Object.prototype's functions.
  if (!Object.hasOwn(builders, type)) return unknownType(where, type, Object.keys(builders));
  return builders[type]!(o, where);
}

/** The `pattern` field of a Split, Replace normalizer or Replace decoder: `{ String }` or `{ Regex }`. */
export function patternField(obj: JSONObject, where: string): { String: string } | { Regex: string } {
  if (obj.pattern === undefined)
    badField(`${where}.pattern`, '{ "String": ... } or { "Regex": ... }', undefined);
  return obj.pattern as { String: string } | { Regex: string };
}

/** The error for a `type` this library does not know. */
export function unknownType(where: string, found: string, known: readonly string[]): never {
  throw new TokenizerFormatError({
    operation: 'fromJSON',
    where: `${where}.type`,
    expected: `one of ${known.join(', ')}`,
    found: previewJSON(found),
    hint: 'this component type is not supported by @llmforge/tokenizer',
  });
}
