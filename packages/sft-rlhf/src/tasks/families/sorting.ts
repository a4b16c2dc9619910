/**
 * `sort`: put a short list in order.
 *
 * ```
 * Sort these numbers: 42, 7, 19.       → 7, 19, 42
 * Sort these words: pear, apple, fig.  → apple, fig, pear       (option kind: 'words')
 * ```
 *
 * The item is the sorted list, so two orders of the same numbers are one item. The checker compares
 * the normalised list (commas, spaces and a final period are free). Incorrect answers: the list as
 * given, reversed, and sorted with two neighbours swapped.
 */
import { oneOf } from '../answers.js';
import type { TaskRandom } from '../random.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import { makeTask } from './shared.js';

/** Options of {@link sortFamily}. */
export interface SortOptions {
  /** Sort numbers (0–99, default) or words (3–6 letters). */
  kind?: 'numbers' | 'words';
  /** List lengths, inclusive (default [3, 4]). */
  length?: readonly [number, number];
}

/**
 * `sort`.
 *
 * @example
 * ```ts
 * sortFamily({ kind: 'numbers' }).draw!(rng, ctx).reference; // e.g. '7, 19, 42'
 * ```
 */
export function sortFamily(options: SortOptions = {}): TaskFamily {
  const kind = options.kind ?? 'numbers';
  const [lo, hi] = options.length ?? [3, 4];
  return {
    name: 'sort',
    description: `a list of ${lo}–${hi} ${kind} in ascending order`,
    draw(rng: TaskRandom, ctx: FamilyContext): Task {
      const n = rng.range(lo, hi);
      const pool = kind === 'numbers' ? null : ctx.data.words.filter((w) => w.length >= 3 && w.length <= 6);
      const values: string[] = [];
      while (values.length < n) {
        const v = pool ? rng.pick(pool) : String(rng.int(100));
        if (!values.includes(v)) values.push(v);
      }
      const sorted = [...values].sort(kind === 'numbers' ? (a, b) => Number(a) - Number(b) : undefined);
      const shown = values.join(', ') === sorted.join(', ') ? rng.shuffle(values) : values;
      const swapAt = rng.int(n - 1);
      const slip = [...sorted];
      [slip[swapAt], slip[swapAt + 1]] = [slip[swapAt + 1]!, slip[swapAt]!];
      const key = sorted.join(',');
      return makeTask(
        {
          id: `sort:${kind}:${key}:${shown.join(',')}`,
          family: 'sort',
          item: `sort:${kind}:${key}`,
          prompt: `Sort these ${kind}: ${shown.join(', ')}.`,
          reference: sorted.join(', '),
          candidates: [shown.join(', '), [...sorted].reverse().join(', '), slip.join(', ')],
        },
        oneOf([sorted.join(', ')]),
      );
    },
  };
}
