/**
 * `buildTasks`: a deterministic task set from a family mix, a size, a seed and a split.
 *
 * ```
 * mix { addition: 2, capital: 1 }, count 30  →  20 addition + 10 capital tasks, shuffled together
 * split 'train' | 'heldout'                  →  by item: isHeldOut(item, heldOutFraction, splitSeed)
 * ```
 *
 * Counts per family are proportional to the weights (largest remainders). A finite family (the
 * knowledge tables) gives each of its tasks at most once unless `repeat`; a generated family draws
 * until it has its count of distinct tasks in the split. The same options always give the same
 * tasks; the split depends only on the item and `splitSeed`, never on the seed, the mix or the
 * count, so a held-out set built today stays held out from a training set built tomorrow.
 */
import { TaskDataError } from '../errors.js';
import { FAMILY_NAMES, type FamilyName, type FamilyOptionsMap, TASK_FAMILIES } from './families/index.js';
import { isHeldOut, TaskRandom } from './random.js';
import type { FamilyContext, Task, TaskFamily } from './task.js';
import type { TaskData } from './task-data.js';

/** A family's weight, or its weight and options. */
export type MixEntry<K extends FamilyName> = number | ({ weight: number } & FamilyOptionsMap[K]);

/** Families and their weights (and options). */
export type TaskMix = { [K in FamilyName]?: MixEntry<K> };

/** Options of {@link buildTasks}. */
export interface BuildTasksOptions {
  /** Which families, weighted (see `TASK_FAMILIES`; `SMALL_MODEL_MIX` is a good start). */
  mix: TaskMix;
  /** How many tasks (fewer when finite families run out and `repeat` is off). */
  count: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** `train` (default), `heldout`, or `all` items. */
  split?: 'train' | 'heldout' | 'all';
  /** Fraction of items held out (default 0.2). */
  heldOutFraction?: number;
  /** Seed of the split (default 0); independent of `seed`. */
  splitSeed?: number;
  /** Let finite families repeat their tasks once each has been used (default false). */
  repeat?: boolean;
}

function bad(option: string, expected: string, found: unknown, hint?: string): never {
  throw new TaskDataError({
    operation: 'buildTasks',
    where: `option ${option}`,
    expected,
    found: typeof found === 'string' ? found : JSON.stringify(found),
    ...(hint ? { hint } : {}),
  });
}

/** Largest-remainder allocation of `count` over `weights`. */
function allocate(count: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (count * w) / total);
  const out = exact.map(Math.floor);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const left = count - out.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) out[order[k]![1]]! += 1;
  return out;
}

function resolveMix(mix: TaskMix): { family: TaskFamily; weight: number }[] {
  if (typeof mix !== 'object' || mix === null) bad('mix', 'an object { family: weight }', mix);
  const entries = Object.entries(mix) as [string, MixEntry<FamilyName> | undefined][];
  const out: { family: TaskFamily; weight: number }[] = [];
  for (const [name, entry] of entries) {
    if (entry === undefined) continue;
    if (!(FAMILY_NAMES as string[]).includes(name)) {
      bad('mix', `a known task family (${FAMILY_NAMES.join(', ')})`, name);
    }
    const weight = typeof entry === 'number' ? entry : entry?.weight;
    if (!(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) {
      bad(`mix.${name}`, 'a weight ≥ 0 (or { weight, ...options })', entry);
    }
    if (weight === 0) continue;
    const { weight: _, ...familyOptions } = typeof entry === 'number' ? { weight } : entry;
    const factory = TASK_FAMILIES[name as FamilyName] as (o?: object) => TaskFamily;
    out.push({ family: factory(familyOptions), weight });
  }
  if (out.length === 0) bad('mix', 'at least one family with a positive weight', mix);
  return out;
}

/**
 * Builds a task set.
 *
 * @example
 * ```ts
 * import { loadTaskData } from '@llmforge/sft-rlhf/node';
 * const data = await loadTaskData();
 * const train = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 2000, seed: 1 });
 * const heldOut = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 2, split: 'heldout' });
 * // no item of heldOut occurs in train
 * ```
 */
export function buildTasks(data: TaskData, options: BuildTasksOptions): Task[] {
  const { count } = options;
  if (!(Number.isInteger(count) && count >= 1)) bad('count', 'an integer ≥ 1', count);
  const seed = options.seed ?? 0;
  if (!(Number.isSafeInteger(seed) && seed >= 0)) bad('seed', 'an integer ≥ 0', seed);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'heldout' && split !== 'all')
    bad('split', "'train', 'heldout' or 'all'", split);
  const fraction = options.heldOutFraction ?? 0.2;
  if (!(fraction >= 0 && fraction <= 1)) bad('heldOutFraction', 'a number in [0, 1]', fraction);
  const splitSeed = options.splitSeed ?? 0;
  const families = resolveMix(options.mix);
  const ctx: FamilyContext = {
    data,
    seed,
    inSplit: (item) => split === 'all' || isHeldOut(item, fraction, splitSeed) === (split === 'heldout'),
  };

  const counts = allocate(
    count,
    families.map((f) => f.weight),
  );
  const tasks: Task[] = [];
  families.forEach(({ family }, f) => {
    const n = counts[f]!;
    if (n === 0) return;
    const rng = new TaskRandom(seed, family.name);
    if (family.all) {
      const pool = family.all(ctx).filter((t) => ctx.inSplit(t.item));
      for (let taken = 0; taken < n && pool.length > 0; ) {
        for (const t of rng.shuffle(pool)) {
          if (taken === n) break;
          tasks.push(t);
          taken++;
        }
        if (!options.repeat) break;
      }
      return;
    }
    const seen = new Set<string>();
    for (let tries = 0; seen.size < n && tries < 50 * n + 1000; tries++) {
      const t = family.draw!(rng, ctx);
      if (!ctx.inSplit(t.item) || seen.has(t.id)) continue;
      seen.add(t.id);
      tasks.push(t);
    }
  });
  if (tasks.length === 0) {
    throw new TaskDataError({
      operation: 'buildTasks',
      expected: 'at least one task',
      found: `none for mix ${JSON.stringify(Object.keys(options.mix))} in split ${split}`,
      hint: 'an empty dataset: check heldOutFraction (0 leaves no held-out item) and the mix',
    });
  }
  return new TaskRandom(seed, 'order').shuffle(tasks);
}
