/**
 * Stop conditions as token ids (the sampler never sees text): `stop` lists single ids (an EOS id)
 * and id sequences (a stop string the caller tokenized). A row stops when its generated tokens end
 * with one of them; the stop tokens stay in the output (as Hugging Face keeps EOS).
 *
 * Worked example, stop [2, [7, 8]]: generated [5, 7] → no; [5, 7, 8] → yes (ends with [7, 8]);
 * [9, 2] → yes (ends with 2). A sequence [7, 8] whose 7 was part of the prompt does not count.
 */
import { SamplerConfigError } from './errors.js';

/** Stop ids and id sequences, as `generate`'s `stop` option takes them. */
export type StopList = readonly (number | readonly number[])[];

/**
 * Validates a stop list and turns it into id sequences.
 *
 * @example
 * ```ts
 * normalizeStop('generate', [2, [7, 8]]); // [[2], [7, 8]]
 * ```
 */
export function normalizeStop(operation: string, stop: StopList | undefined): number[][] {
  if (stop === undefined) return [];
  if (!Array.isArray(stop)) {
    throw new SamplerConfigError({
      operation,
      option: 'stop',
      expected: 'an array of token ids and id sequences',
      found: typeof stop,
      hint: 'e.g. stop: [eosId, [13, 13]]',
    });
  }
  return stop.map((s) => {
    const seq = typeof s === 'number' ? [s] : Array.isArray(s) ? [...s] : [];
    if (seq.length === 0 || seq.some((id) => !Number.isInteger(id) || id < 0)) {
      throw new SamplerConfigError({
        operation,
        option: 'stop',
        expected: 'non-negative integer ids or non-empty id sequences',
        found: JSON.stringify(s) ?? String(s),
        hint: 'e.g. stop: [eosId, [13, 13]]; tokenize stop strings first',
      });
    }
    return seq;
  });
}

/**
 * True when `tokens[from..]` (the generated part) ends with one of the stop sequences.
 *
 * @example
 * ```ts
 * endsWithStop([1, 5, 7, 8], [[7, 8]], 1); // true
 * endsWithStop([7, 8], [[7, 8]], 1);       // false: 7 belongs to the prompt
 * ```
 */
export function endsWithStop(tokens: readonly number[], stops: readonly number[][], from: number): boolean {
  outer: for (const s of stops) {
    if (tokens.length - from < s.length) continue;
    const at = tokens.length - s.length;
    for (let i = 0; i < s.length; i++) if (tokens[at + i] !== s[i]) continue outer;
    return true;
  }
  return false;
}
