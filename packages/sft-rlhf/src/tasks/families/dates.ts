/**
 * `days-between`: the number of days from one date to a later one (calendar arithmetic, leap years
 * included: from 2024-02-28 to 2024-03-01 is 2 days).
 *
 * ```
 * How many days from 2024-03-03 to 2024-03-17?   → 14
 * ```
 *
 * Options: the largest span (default 31 days, so a small model mostly subtracts days of the month,
 * sometimes across a month end) and the years drawn from (default 2000–2030). The item is the pair
 * of dates. Incorrect answers: the fencepost error (±1) and a month-length slip (±1 around 30/31).
 */
import { numberIs } from '../answers.js';
import type { TaskRandom } from '../random.js';
import type { Task, TaskFamily } from '../task.js';
import { makeTask } from './shared.js';

/** Options of {@link daysBetweenFamily}. */
export interface DaysBetweenOptions {
  /** Largest number of days between the dates (default 31). */
  maxDays?: number;
  /** Years to draw the first date from, inclusive (default [2000, 2030]). */
  years?: readonly [number, number];
}

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * `days-between`.
 *
 * @example
 * ```ts
 * daysBetweenFamily({ maxDays: 14 }).draw!(rng, ctx).prompt; // e.g. 'How many days from 2011-07-30 to 2011-08-06?'
 * ```
 */
export function daysBetweenFamily(options: DaysBetweenOptions = {}): TaskFamily {
  const maxDays = options.maxDays ?? 31;
  const [y0, y1] = options.years ?? [2000, 2030];
  return {
    name: 'days-between',
    description: `the days between two dates at most ${maxDays} days apart`,
    draw(rng: TaskRandom): Task {
      const start =
        Date.UTC(y0, 0, 1) + rng.int(Math.round((Date.UTC(y1 + 1, 0, 1) - Date.UTC(y0, 0, 1)) / DAY)) * DAY;
      const days = rng.range(1, maxDays);
      const from = iso(start);
      const to = iso(start + days * DAY);
      return makeTask(
        {
          id: `days-between:${from}..${to}`,
          family: 'days-between',
          item: `days:${from}..${to}`,
          prompt: `How many days from ${from} to ${to}?`,
          reference: String(days),
          candidates: [days + 1, days - 1, days + 2].filter((d) => d > 0).map(String),
        },
        numberIs(days),
      );
    },
  };
}
