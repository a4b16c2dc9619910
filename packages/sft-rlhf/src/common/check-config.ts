/**
 * Checks shared by the trainers' configs: each failure is a {@link PostTrainingConfigError} naming
 * the trainer, the field, what was expected and what was found — raised before any file is written.
 */
import { PostTrainingConfigError } from '../errors.js';

/** Throws a config error for `field`. */
export function badConfig(
  operation: string,
  field: string,
  expected: string,
  found: unknown,
  hint?: string,
): never {
  throw new PostTrainingConfigError({
    operation,
    where: `option ${field}`,
    expected,
    found: typeof found === 'string' ? found : (JSON.stringify(found) ?? String(found)),
    ...(hint ? { hint } : {}),
  });
}

/** An integer ≥ `min`. */
export function checkInt(operation: string, field: string, value: number, min: number): number {
  if (!(Number.isSafeInteger(value) && value >= min))
    badConfig(operation, field, `an integer ≥ ${min}`, value);
  return value;
}

/** A finite number in [min, max] (`> min` when `minExclusive`). */
export function checkNumber(
  operation: string,
  field: string,
  value: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
  minExclusive = false,
): number {
  const low = minExclusive ? value > min : value >= min;
  if (!(Number.isFinite(value) && low && value <= max)) {
    const range = `${minExclusive ? '(' : '['}${min}, ${max === Number.POSITIVE_INFINITY ? '∞)' : `${max}]`}`;
    badConfig(operation, field, `a number in ${range}`, value);
  }
  return value;
}

/** One of `allowed`. */
export function checkOneOf<T extends string>(
  operation: string,
  field: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) badConfig(operation, field, allowed.map((a) => `'${a}'`).join(' or '), value);
  return value;
}

/** Throws for keys of `given` that `known` does not list (a typo would otherwise be ignored). */
export function checkKeys(operation: string, given: object, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || k.startsWith(key.slice(0, 4)));
    badConfig(
      operation,
      `${prefix}${key}`,
      `a known option (${known.join(', ')})`,
      key,
      near ? `did you mean ${near}?` : undefined,
    );
  }
}

/** The keys of `RunOptions` (every trainer takes them) and the backend. */
export const RUN_OPTION_KEYS = [
  'resume',
  'progress',
  'progressMode',
  'onProgress',
  'signal',
  'backend',
] as const;

/**
 * `config` over `defaults` (fields left `undefined` take the default), after checking that every key
 * is a default's, one of `otherKeys` or a run option.
 *
 * @example
 * ```ts
 * const c = withDefaults('trainSft', config, SFT_DEFAULTS, ['outDir', 'model', 'tasks']);
 * ```
 */
export function withDefaults<C extends object, D extends object>(
  operation: string,
  config: C,
  defaults: D,
  otherKeys: readonly string[],
): C & D {
  checkKeys(operation, config, [...Object.keys(defaults), ...otherKeys, ...RUN_OPTION_KEYS]);
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = v;
  return out as C & D;
}
