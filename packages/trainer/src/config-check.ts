/**
 * Small checks shared by the prepare and train configs. Each throws a {@link TrainerConfigError}
 * whose `where` is the field path, so `llmforge-train` can say `optimizer.lr: expected a number
 * in (0, 1], found "3e-4x"` before any work starts.
 */

import { TrainerConfigError } from './errors.js';

/** Fails with a config error naming the field. */
export function configError(
  operation: string,
  where: string,
  expected: string,
  found: unknown,
  hint?: string,
): never {
  throw new TrainerConfigError({
    operation,
    where,
    expected,
    found: typeof found === 'string' ? JSON.stringify(found) : describe(found),
    ...(hint === undefined ? {} : { hint }),
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value).slice(0, 80);
  return String(value);
}

/** A number in [min, max] (bounds optional), an integer when `integer`. */
export function checkNumber(
  op: string,
  where: string,
  value: unknown,
  o: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean; hint?: string } = {},
): number {
  const lo = o.min === undefined ? '' : `${o.minExclusive ? '>' : '>='} ${o.min}`;
  const hi = o.max === undefined ? '' : `<= ${o.max}`;
  const range = [lo, hi].filter(Boolean).join(' and ');
  const expected = `${o.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) configError(op, where, expected, value, o.hint);
  if (o.integer && !Number.isInteger(value)) configError(op, where, expected, value, o.hint);
  if (o.min !== undefined && (o.minExclusive ? value <= o.min : value < o.min)) {
    configError(op, where, expected, value, o.hint);
  }
  if (o.max !== undefined && value > o.max) configError(op, where, expected, value, o.hint);
  return value;
}

/** One of the listed strings. */
export function checkOneOf<T extends string>(
  op: string,
  where: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    configError(op, where, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

/** A boolean. */
export function checkBoolean(op: string, where: string, value: unknown): boolean {
  if (typeof value !== 'boolean') configError(op, where, 'true or false', value);
  return value;
}

/** A non-empty string. */
export function checkString(op: string, where: string, value: unknown, hint?: string): string {
  if (typeof value !== 'string' || value === '') configError(op, where, 'a non-empty string', value, hint);
  return value;
}

/** Rejects keys that are not in `known` (a typo would otherwise silently keep a default). */
export function checkKeys(op: string, where: string, value: unknown, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    configError(op, where || 'config', 'an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const path = where ? `${where}.${key}` : key;
      const close = known.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[_-]/g, ''));
      configError(
        op,
        path,
        `one of the known fields (${known.join(', ')})`,
        `an unknown field "${key}"`,
        close ? `did you mean "${close}"?` : 'remove it or fix its spelling',
      );
    }
  }
}
