/**
 * Capitals, from the bsdgames quiz tables (africa, america, asia, europe; US states and Canadian
 * provinces on request). Two families on the same items:
 *
 * ```
 * capital          What is the capital of Peru?                           → Lima
 * capital-lookup   Chad: N'Djamena. Peru: Lima. Fiji: Suva.
 *                  What is the capital of Peru?                           → Lima
 * ```
 *
 * `capital` is closed-book recall: a model can only answer items it was taught, so held-out items
 * measure memory of facts it never saw (expect little). `capital-lookup` is open-book: the answer
 * is in the prompt among distractors, a skill that transfers to held-out items — what a small model
 * can learn and RL can improve. Distractors come from the same split. Incorrect answers: another
 * place's capital (a neighbour in the table, so often the same region).
 */
import { type Checker, oneOf } from '../answers.js';
import { expandQuizPattern } from '../quiz-pattern.js';
import type { TaskRandom } from '../random.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import { type CapitalRegion, capitalFacts, makeTask, nearbyDistinct } from './shared.js';
import { madeUpName } from './unknown.js';

/** Options of the capital families. */
export interface CapitalOptions {
  /** Which tables (default the four continents). */
  regions?: readonly CapitalRegion[];
}

/** Options of {@link capitalLookupFamily}. */
export interface CapitalLookupOptions extends CapitalOptions {
  /** Facts in the prompt, the answer's included (default 3). */
  facts?: number;
  /**
   * List each place with another listed place's capital (a random derangement), so the answer can
   * only be read from the prompt, never recalled (default false). On real facts a model can score on
   * training items by memorising "Peru → Lima" and ignore the list, which does not transfer to
   * held-out places; here the true capital of the asked place is listed, wrongly, and is one of the
   * incorrect answers.
   */
  counterfactual?: boolean;
  /**
   * Answer by quoting the listed line, `Peru: Lima.`, instead of the bare `Lima` (default false;
   * the checker accepts both either way). Quoting turns the lookup into the pattern an induction
   * head completes: once the answer has copied `Peru:` from the question, the model finds the same
   * two tokens in the list and copies what followed them. A small model trained on bare answers
   * had to match the asked place and jump to its capital in one step, and learned neither.
   */
  quote?: boolean;
  /**
   * The fraction of tasks (0–1, default 0) that list made-up places with made-up capitals
   * (`Brelovia: Tasiburg.`, `madeUpName`): nothing to recall, every name new, so the answer can
   * only be copied from the prompt. Real capitals come from a few hundred names a small model
   * memorises as a closed set; made-up ones make it learn to copy, the skill that held-out places
   * need.
   */
  madeUp?: number;
}

/** The capital tables the capital families use by default (US states and Canadian provinces are opt-in). */
export const CONTINENTS: readonly CapitalRegion[] = ['africa', 'america', 'asia', 'europe'];

/**
 * `capital`: the capital of a place, closed-book.
 *
 * @example
 * ```ts
 * const tasks = buildTasks(data, { mix: { capital: 1 }, count: 10 });
 * tasks[0].prompt; // 'What is the capital of ...?'
 * ```
 */
export function capitalFamily(options: CapitalOptions = {}): TaskFamily {
  const regions = options.regions ?? CONTINENTS;
  return {
    name: 'capital',
    description: 'the capital of a country (closed-book), from the bsdgames quiz tables',
    all(ctx: FamilyContext): Task[] {
      const facts = capitalFacts(ctx.data, regions);
      const capitals = facts.map((f) => f.capital);
      return facts.map((f, i) =>
        makeTask(
          {
            id: `capital:${f.item}`,
            family: 'capital',
            item: f.item,
            prompt: `What is the capital of ${f.place}?`,
            reference: f.capital,
            candidates: nearbyDistinct(capitals, i, 6),
          },
          oneOf(expandQuizPattern(f.pattern)),
        ),
      );
    },
  };
}

/**
 * `capital-lookup`: the capital of a place listed, with distractors, in the prompt.
 *
 * @example
 * ```ts
 * buildTasks(data, { mix: { 'capital-lookup': 1 }, count: 1 })[0].prompt;
 * // 'Chad: N'Djamena. Peru: Lima. Fiji: Suva. What is the capital of Peru?'
 * ```
 */
export function capitalLookupFamily(options: CapitalLookupOptions = {}): TaskFamily {
  const regions = options.regions ?? CONTINENTS;
  const n = options.facts ?? 3;
  return {
    name: 'capital-lookup',
    description: `the capital of a country listed among ${n} facts in the prompt (open-book)`,
    draw(rng: TaskRandom, ctx: FamilyContext): Task {
      if ((options.madeUp ?? 0) > 0 && rng.next() < options.madeUp!)
        return madeUpLookup(rng, ctx, n, options);
      const facts = capitalFacts(ctx.data, regions).filter((f) => ctx.inSplit(f.item));
      const shown = rng.shuffle(facts).slice(0, Math.min(n, facts.length));
      const t = rng.int(shown.length);
      const target = shown[t]!;
      // answers[i]: the fact whose capital is listed beside shown[i] (itself unless counterfactual)
      const answers = options.counterfactual && shown.length > 1 ? derangement(rng, shown) : shown;
      const answer = answers[t]!;
      const listed = shown.map((f, i) => `${f.place}: ${answers[i]!.capital}.`).join(' ');
      const places = shown.map((f, i) => (answers === shown ? f.place : `${f.place}=${answers[i]!.place}`));
      const { say, check } = lookupAnswers(target.place, expandQuizPattern(answer.pattern), options.quote);
      return makeTask(
        {
          id: `capital-lookup:${target.item}:${places.join('/')}`,
          family: 'capital-lookup',
          item: target.item,
          prompt: `${listed} What is the capital of ${target.place}?`,
          reference: say(answer.capital),
          candidates: [
            ...answers.filter((f) => f !== answer).map((f) => f.capital),
            rng.pick(facts).capital,
          ].map(say),
        },
        check,
      );
    },
  };
}

/** Made-up names for the made-up lookups (the same names in every run). */
const MADE_UP_NAMES = 2000;

/** A `capital-lookup` task over `n` made-up places and capitals (see `madeUp`). */
function madeUpLookup(rng: TaskRandom, ctx: FamilyContext, n: number, options: CapitalLookupOptions): Task {
  const shown: { place: string; capital: string }[] = [];
  const used = new Set<string>();
  while (shown.length < Math.max(n, 2)) {
    const place = madeUpName('country', rng.int(MADE_UP_NAMES));
    const capital = madeUpName('city', rng.int(MADE_UP_NAMES));
    if (used.has(place) || used.has(capital)) continue;
    used.add(place).add(capital);
    shown.push({ place, capital });
  }
  // the asked place is in the split (its item, as the made-up names of `unknown`)
  let target = rng.pick(shown);
  while (!ctx.inSplit(`fake:${target.place}`)) {
    let place: string;
    do place = madeUpName('country', rng.int(MADE_UP_NAMES));
    while (used.has(place));
    used.add(place);
    target = { place, capital: target.capital };
    shown[shown.findIndex((f) => f.capital === target.capital)] = target;
  }
  const { say, check } = lookupAnswers(target.place, [target.capital], options.quote);
  let other: string;
  do other = madeUpName('city', rng.int(MADE_UP_NAMES));
  while (used.has(other));
  return makeTask(
    {
      id: `capital-lookup:made-up:${shown.map((f) => `${f.place}=${f.capital}`).join('/')}:${target.place}`,
      family: 'capital-lookup',
      item: `fake:${target.place}`,
      prompt: `${shown.map((f) => `${f.place}: ${f.capital}.`).join(' ')} What is the capital of ${target.place}?`,
      reference: say(target.capital),
      candidates: [...shown.filter((f) => f !== target).map((f) => f.capital), other].map(say),
    },
    check,
  );
}

/**
 * A lookup's answer forms: `say` gives the bare capital, or the listed line with `quote`; the
 * checker accepts every accepted capital in both forms either way.
 */
function lookupAnswers(
  place: string,
  capitals: readonly string[],
  quote: boolean | undefined,
): { say: (capital: string) => string; check: Checker } {
  return {
    say: (capital) => (quote ? `${place}: ${capital}.` : capital),
    check: oneOf([...capitals, ...capitals.map((c) => `${place}: ${c}`)]),
  };
}

/** A random permutation of `items` that moves every one of them (at least two items). */
function derangement<T>(rng: TaskRandom, items: readonly T[]): T[] {
  for (;;) {
    const order = rng.shuffle(items);
    if (order.every((x, i) => x !== items[i])) return order;
  }
}
