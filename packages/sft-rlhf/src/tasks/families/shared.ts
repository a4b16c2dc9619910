/**
 * Helpers the families share: parsed quiz tables (cached per data object), the capitals table, and
 * making a finished task from its parts (dropping incorrect answers the checker would accept).
 */
import { TaskDataError } from '../../errors.js';
import type { Checker } from '../answers.js';
import { canonicalAnswer, parseQuizTable } from '../quiz-pattern.js';
import { rejectedBy, type Task } from '../task.js';
import type { TaskData } from '../task-data.js';

const tableCache = new WeakMap<TaskData, Map<string, string[][]>>();

/** The rows of a quiz table (parsed once per data object). */
export function quizRows(data: TaskData, table: string): string[][] {
  let byName = tableCache.get(data);
  if (!byName) {
    byName = new Map();
    tableCache.set(data, byName);
  }
  let rows = byName.get(table);
  if (!rows) {
    const text = data.quiz.tables[table];
    if (text === undefined) {
      throw new TaskDataError({
        operation: 'quizRows',
        where: `table ${table}`,
        expected: `a quiz table among ${Object.keys(data.quiz.tables).join(', ')}`,
        found: 'none',
      });
    }
    rows = parseQuizTable(text);
    byName.set(table, rows);
  }
  return rows;
}

/** A place and the pattern of its capital. */
export interface CapitalFact {
  /** The item key, e.g. `country:France`. */
  item: string;
  place: string;
  /** bsdgames pattern of the accepted answers. */
  pattern: string;
  /** The answer to teach. */
  capital: string;
}

/** Quiz tables whose rows are `place:capital`, by region name. */
export const CAPITAL_TABLES = {
  africa: 'country',
  america: 'country',
  asia: 'country',
  europe: 'country',
  state: 'state',
  province: 'province',
} as const;
/** A region of {@link CAPITAL_TABLES}. */
export type CapitalRegion = keyof typeof CAPITAL_TABLES;

const factCache = new WeakMap<TaskData, Map<string, CapitalFact[]>>();

/** Places and capitals of the given regions, each place once (first table wins); cached per data object. */
export function capitalFacts(data: TaskData, regions: readonly CapitalRegion[]): CapitalFact[] {
  let byRegions = factCache.get(data);
  if (!byRegions) {
    byRegions = new Map();
    factCache.set(data, byRegions);
  }
  const key = regions.join(',');
  const cached = byRegions.get(key);
  if (cached) return cached;
  const seen = new Set<string>();
  const out: CapitalFact[] = [];
  for (const region of regions) {
    for (const fields of quizRows(data, region)) {
      const [placePattern, pattern] = fields;
      if (!placePattern || !pattern) continue;
      const place = canonicalAnswer(placePattern);
      const item = `${CAPITAL_TABLES[region]}:${place}`;
      if (seen.has(place)) continue;
      seen.add(place);
      out.push({ item, place, pattern, capital: canonicalAnswer(pattern) });
    }
  }
  byRegions.set(key, out);
  return out;
}

/**
 * Up to `k` distinct values met walking forward from `i + 1` (wrapping), other than `values[i]`:
 * neighbours in a table, for plausible wrong answers.
 */
export function nearbyDistinct(values: readonly string[], i: number, k: number): string[] {
  const out: string[] = [];
  for (let d = 1; d < values.length && out.length < k; d++) {
    const v = values[(i + d) % values.length]!;
    if (v !== values[i] && !out.includes(v)) out.push(v);
  }
  return out;
}

/** At most this many incorrect answers are kept per task. */
export const MAX_INCORRECT = 4;

/** A task from its parts; throws when no incorrect answer survives the checker (a data bug). */
export function makeTask(
  parts: Omit<Task, 'incorrect' | 'check'> & { candidates: readonly string[] },
  check: Checker,
): Task {
  const { candidates, incorrectCalls, ...rest } = parts;
  const incorrect = rejectedBy(check, candidates, parts.reference).slice(0, MAX_INCORRECT);
  // wrong calls whose result the checker would accept are no wrong calls
  const calls = incorrectCalls?.filter((c) => !check(c.toolResult)).slice(0, MAX_INCORRECT);
  if (incorrect.length === 0) {
    throw new TaskDataError({
      operation: 'makeTask',
      record: parts.id,
      expected: 'at least one incorrect answer that the checker rejects',
      found: `candidates ${JSON.stringify(candidates)}`,
    });
  }
  if (!check(parts.reference)) {
    throw new TaskDataError({
      operation: 'makeTask',
      record: parts.id,
      expected: 'a reference answer that the checker accepts',
      found: JSON.stringify(parts.reference),
    });
  }
  return { ...rest, incorrect, ...(calls && calls.length > 0 ? { incorrectCalls: calls } : {}), check };
}
