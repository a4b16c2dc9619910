/**
 * Typed field access for tokenizer.json objects. Every failure is a TokenizerFormatError naming the
 * full field path (`pre_tokenizer.pretokenizers[1].type`) and what was found there.
 */
import { TokenizerFormatError } from '../errors.js';

/** A parsed JSON object. */
export type JSONObject = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Throws the standard "field has the wrong shape" error. */
export function badField(where: string, expected: string, found: unknown, hint?: string): never {
  throw new TokenizerFormatError({
    operation: 'fromJSON',
    where,
    expected,
    found: describe(found),
    ...(hint ? { hint } : {}),
  });
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

/** A required array field. */
export function arr(obj: JSONObject, key: string, where: string): unknown[] {
  const v = obj[key];
  if (!Array.isArray(v)) badField(`${where}.${key}`, 'an array', v);
  return v as unknown[];
}

/** The `type` tag of a component, or an error naming the field. */
export function typeTag(obj: unknown, where: string): { obj: JSONObject; type: string } {
  const o = asObject(obj, where);
  const t = o.type;
  if (typeof t !== 'string') badField(`${where}.type`, 'a string type tag', t);
  return { obj: o, type: t as string };
}

/** The error for a `type` this library does not know. */
export function unknownType(where: string, found: string, known: readonly string[]): never {
  throw new TokenizerFormatError({
    operation: 'fromJSON',
    where: `${where}.type`,
    expected: `one of ${known.join(', ')}`,
    found: JSON.stringify(found),
    hint: 'this component type is not supported by @llmforge/tokenizer',
  });
}
