/**
 * `unknown`: questions the data has no answer to, whose correct answer is "I don't know."
 *
 * ```
 * capital   What is the capital of Veltoria?                                   (a made-up country)
 * lookup    Chad: N'Djamena. Peru: Lima. Fiji: Suva. What is the capital of Norvia?   (not listed)
 * element   What is the symbol for brenium?                                    (a made-up element)
 * ```
 *
 * The made-up names come from a fixed syllable grammar (index k → one name, the same in every run),
 * and any name that is a real place or element is skipped. Items `fake:<name>`. Incorrect answers
 * are what a model that does not know would say: a real capital, one of the listed capitals (the
 * open-book trap), a symbol made from the name. Accepted: "I don't know." and its variants
 * ({@link DONT_KNOW_ANSWERS}).
 */
import { DONT_KNOW_ANSWERS, normalizeAnswer, oneOf } from '../answers.js';
import { TaskRandom } from '../random.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import type { TaskData } from '../task-data.js';
import { capitalFacts, makeTask } from './shared.js';

/** The kinds of unanswerable question. */
export type UnknownKind = 'capital' | 'lookup' | 'element';

/** Options of {@link unknownFamily}. */
export interface UnknownOptions {
  /** Which kinds (default all three). */
  kinds?: readonly UnknownKind[];
  /** Made-up names per kind (default 300). */
  names?: number;
}

const ONSETS = [
  'b',
  'd',
  'f',
  'g',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'z',
  'br',
  'dr',
  'kr',
  'tr',
  'st',
  'gl',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u'];
const COUNTRY_ENDINGS = ['ria', 'nia', 'land', 'stan', 'via', 'dor', 'mark', 'esia'];
const CITY_ENDINGS = ['ville', 'burg', 'ton', 'grad', 'pur', 'holm', 'by', 'mo'];

/**
 * The k-th made-up name of a kind (deterministic, independent of any seed).
 *
 * @example
 * ```ts
 * madeUpName('country', 0); // e.g. 'Kelovia'
 * ```
 */
export function madeUpName(kind: 'country' | 'city' | 'element', k: number): string {
  const rng = new TaskRandom(k, `made-up-${kind}`);
  const syllable = () => rng.pick(ONSETS) + rng.pick(VOWELS);
  const stem = syllable() + (rng.next() < 0.6 ? syllable() : '');
  const name =
    kind === 'country'
      ? stem + rng.pick(COUNTRY_ENDINGS)
      : kind === 'city'
        ? stem + rng.pick(CITY_ENDINGS)
        : `${stem}${rng.pick(['n', 'r', 'l', 't'])}ium`;
  return name[0]!.toUpperCase() + name.slice(1);
}

const realCache = new WeakMap<TaskData, Set<string>>();

/** Every real place and element name, normalised (a made-up name must not be one). */
function realNames(data: TaskData): Set<string> {
  let set = realCache.get(data);
  if (!set) {
    const places = capitalFacts(data, ['africa', 'america', 'asia', 'europe', 'state', 'province']);
    set = new Set([
      ...places.map((f) => normalizeAnswer(f.place)),
      ...data.elements.map((e) => normalizeAnswer(e.name)),
    ]);
    realCache.set(data, set);
  }
  return set;
}

/**
 * `unknown`: "I don't know." where the data has no answer.
 *
 * @example
 * ```ts
 * const t = buildTasks(data, { mix: { unknown: 1 }, count: 1 })[0];
 * t.check("I don't know."); // true
 * ```
 */
export function unknownFamily(options: UnknownOptions = {}): TaskFamily {
  const kinds = options.kinds ?? ['capital', 'lookup', 'element'];
  const perKind = options.names ?? 300;
  const check = oneOf(DONT_KNOW_ANSWERS);
  return {
    name: 'unknown',
    description: `"I don't know." to questions about made-up ${kinds.join(', ')} names`,
    draw(rng: TaskRandom, ctx: FamilyContext): Task {
      const kind = rng.pick(kinds);
      const real = realNames(ctx.data);
      let name: string;
      do name = madeUpName(kind === 'element' ? 'element' : 'country', rng.int(perKind));
      while (real.has(normalizeAnswer(name)));
      const item = `fake:${name}`;
      const known = capitalFacts(ctx.data, ['africa', 'america', 'asia', 'europe']).filter((f) =>
        ctx.inSplit(f.item),
      );
      if (kind === 'element') {
        return makeTask(
          {
            id: `unknown:element:${name}`,
            family: 'unknown',
            item,
            prompt: `What is the symbol for ${name.toLowerCase()}?`,
            reference: "I don't know.",
            candidates: [name.slice(0, 2), name.slice(0, 1), rng.pick(ctx.data.elements).symbol],
          },
          check,
        );
      }
      if (kind === 'capital') {
        return makeTask(
          {
            id: `unknown:capital:${name}`,
            family: 'unknown',
            item,
            prompt: `What is the capital of ${name}?`,
            reference: "I don't know.",
            candidates: [rng.pick(known).capital, rng.pick(known).capital, `${name} City`],
          },
          check,
        );
      }
      const shown = rng.shuffle(known).slice(0, 3);
      return makeTask(
        {
          id: `unknown:lookup:${name}:${shown.map((f) => f.place).join('/')}`,
          family: 'unknown',
          item,
          prompt: `${shown.map((f) => `${f.place}: ${f.capital}.`).join(' ')} What is the capital of ${name}?`,
          reference: "I don't know.",
          candidates: shown.map((f) => f.capital),
        },
        check,
      );
    },
  };
}
