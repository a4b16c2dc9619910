/**
 * Short-answer questions from other bsdgames quiz tables (BSD), one family `quiz` whose tables are
 * an option:
 *
 * ```
 * posneg       What is the opposite of high?                            → low
 * sexes        What is the female form of abbot?                        → abbess
 * collectives  What is a group of ants called?                          → colony | hill
 * babies       What is a baby horse called?                             → colt | foal
 * morse        What is the Morse code for A?                            → .-
 * chinese      Which animal follows the rabbit in the Chinese zodiac?  → dragon
 * latin        What does the Latin word condo mean?                     → {I }found
 * ```
 *
 * Answers accept every form of the table's pattern (optional parts, alternatives). Each subject
 * alternative is its own item (`large|big:small` asks about large and about big); rows that share
 * a subject merge their answers (a baby dog is a puppy or a pup). Incorrect answers: other rows'
 * answers from the same table.
 */
import { TaskDataError } from '../../errors.js';
import { normalizeAnswer, oneOf } from '../answers.js';
import { canonicalAnswer, expandQuizPattern, topAlternatives } from '../quiz-pattern.js';
import type { FamilyContext, Task, TaskFamily } from '../task.js';
import { makeTask, nearbyDistinct, quizRows } from './shared.js';

/** How a table becomes questions. */
interface QuizSpec {
  /** Field asked about and field answered (the babies table is asked backwards). */
  ask: number;
  answer: number;
  prompt: (subject: string) => string;
}

/** The tables the `quiz` family knows, and how each is asked. */
export const QUIZ_SPECS = {
  posneg: { ask: 0, answer: 1, prompt: (s: string) => `What is the opposite of ${s}?` },
  sexes: { ask: 0, answer: 1, prompt: (s: string) => `What is the female form of ${s}?` },
  collectives: { ask: 0, answer: 1, prompt: (s: string) => `What is a group of ${s} called?` },
  babies: { ask: 1, answer: 0, prompt: (s: string) => `What is a baby ${s} called?` },
  morse: { ask: 0, answer: 1, prompt: (s: string) => `What is the Morse code for ${s}?` },
  chinese: {
    ask: 0,
    answer: 1,
    prompt: (s: string) => `Which animal follows the ${s} in the Chinese zodiac?`,
  },
  latin: { ask: 0, answer: 1, prompt: (s: string) => `What does the Latin word ${s} mean?` },
} as const satisfies Record<string, QuizSpec>;

/** A table of {@link QUIZ_SPECS}. */
export type QuizTable = keyof typeof QUIZ_SPECS;

/** Options of {@link quizFamily}. */
export interface QuizOptions {
  /** Tables to ask from (default: posneg, sexes, collectives, babies, chinese). */
  tables?: readonly QuizTable[];
}

/**
 * `quiz`: short questions from the bsdgames quiz tables.
 *
 * @example
 * ```ts
 * const tasks = buildTasks(data, { mix: { quiz: { weight: 1, tables: ['posneg'] } }, count: 5 });
 * ```
 */
export function quizFamily(options: QuizOptions = {}): TaskFamily {
  const tables = options.tables ?? ['posneg', 'sexes', 'collectives', 'babies', 'chinese'];
  for (const t of tables) {
    if (!Object.hasOwn(QUIZ_SPECS, t)) {
      throw new TaskDataError({
        operation: 'quizFamily',
        where: 'option tables',
        expected: `tables among ${Object.keys(QUIZ_SPECS).join(', ')}`,
        found: JSON.stringify(t),
      });
    }
  }
  return {
    name: 'quiz',
    description: `short questions from the bsdgames quiz tables (${tables.join(', ')})`,
    all(ctx: FamilyContext): Task[] {
      const out: Task[] = [];
      for (const table of tables) {
        const spec: QuizSpec = QUIZ_SPECS[table];
        // subject → the patterns of its answers (merged across rows)
        const bySubject = new Map<string, { subject: string; patterns: string[] }>();
        for (const fields of quizRows(ctx.data, table)) {
          const ask = fields[spec.ask];
          const answer = fields[spec.answer];
          if (!ask || !answer) continue;
          for (const subject of topAlternatives(ask)) {
            const key = normalizeAnswer(subject);
            const entry = bySubject.get(key) ?? { subject, patterns: [] };
            entry.patterns.push(answer);
            bySubject.set(key, entry);
          }
        }
        const entries = [...bySubject.values()];
        const answers = entries.map((e) => canonicalAnswer(e.patterns[0]!));
        entries.forEach(({ subject, patterns }, i) => {
          const item = `${table}:${subject}`;
          out.push(
            makeTask(
              {
                id: `quiz:${item}`,
                family: 'quiz',
                item,
                prompt: spec.prompt(subject),
                reference: answers[i]!,
                candidates: nearbyDistinct(answers, i, 8),
              },
              oneOf(patterns.flatMap((p) => expandQuizPattern(p))),
            ),
          );
        });
      }
      return out;
    },
  };
}
