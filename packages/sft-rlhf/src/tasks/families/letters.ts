/**
 * Spelling tasks on common words (the shipped `words.txt`: frequent words of Austen's novels that
 * are WordNet lemmas), items `word:<w>` (shared with the WordNet families):
 *
 * ```
 * count-letter   How many times does "e" occur in "cheese"?   → 3    (a letter not in the word: 0)
 * reverse        Spell "house" backwards.                     → esuoh
 * ```
 *
 * Word length is an option (default 3–6 letters: short enough for a small model to spell).
 * Incorrect answers: off by one for counts; the word itself, and the reversal with two neighbouring
 * letters swapped, for spelling.
 */
import { numberIs, oneOf } from '../answers.js';
import type { TaskRandom } from '../random.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import { makeTask } from './shared.js';

/** Options of the letter families. */
export interface LetterOptions {
  /** Word lengths, inclusive (default [3, 6]). */
  length?: readonly [number, number];
}

function pickWord(rng: TaskRandom, ctx: FamilyContext, [lo, hi]: readonly [number, number]): string {
  const words = ctx.data.words.filter((w) => w.length >= lo && w.length <= hi);
  return rng.pick(words);
}

/**
 * `count-letter`: how many times a letter occurs in a word (70% a letter of the word, else 0).
 *
 * @example
 * ```ts
 * countLetterFamily().draw!(rng, ctx).prompt; // 'How many times does "e" occur in "cheese"?'
 * ```
 */
export function countLetterFamily(options: LetterOptions = {}): TaskFamily {
  const length = options.length ?? [3, 6];
  return {
    name: 'count-letter',
    description: `how often a letter occurs in a ${length[0]}–${length[1]}-letter word`,
    draw(rng: TaskRandom, ctx: FamilyContext): Task {
      const word = pickWord(rng, ctx, length);
      const absent = [...'abcdefghijklmnopqrstuvwxyz'].filter((c) => !word.includes(c));
      const letter = rng.next() < 0.7 || absent.length === 0 ? rng.pick([...word]) : rng.pick(absent);
      const n = [...word].filter((c) => c === letter).length;
      return makeTask(
        {
          id: `count-letter:word:${word}:${letter}`,
          family: 'count-letter',
          item: `word:${word}`,
          prompt: `How many times does "${letter}" occur in "${word}"?`,
          reference: String(n),
          candidates: [n + 1, n - 1, n + 2].filter((k) => k >= 0).map(String),
        },
        numberIs(n),
      );
    },
  };
}

/**
 * `reverse`: a word spelled backwards.
 *
 * @example
 * ```ts
 * reverseFamily().draw!(rng, ctx).reference; // e.g. 'esuoh'
 * ```
 */
export function reverseFamily(options: LetterOptions = {}): TaskFamily {
  const length = options.length ?? [3, 6];
  return {
    name: 'reverse',
    description: `a ${length[0]}–${length[1]}-letter word spelled backwards`,
    draw(rng: TaskRandom, ctx: FamilyContext): Task {
      const word = pickWord(rng, ctx, length);
      const reversed = [...word].reverse().join('');
      const swapAt = rng.int(reversed.length - 1);
      const slip = [...reversed];
      [slip[swapAt], slip[swapAt + 1]] = [slip[swapAt + 1]!, slip[swapAt]!];
      return makeTask(
        {
          id: `reverse:word:${word}`,
          family: 'reverse',
          item: `word:${word}`,
          prompt: `Spell "${word}" backwards.`,
          reference: reversed,
          candidates: [slip.join(''), word, reversed.slice(1), `${reversed}${reversed.at(-1)}`],
        },
        oneOf([reversed]),
      );
    },
  };
}
