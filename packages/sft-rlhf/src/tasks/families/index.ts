/**
 * Every task family by name, with its options: what `buildTasks`'s `mix` refers to.
 *
 * | name | kind | example prompt → answer |
 * |---|---|---|
 * | `capital` | knowledge, closed-book | What is the capital of Peru? → Lima |
 * | `capital-lookup` | knowledge, open-book | Chad: N'Djamena. Peru: Lima. Fiji: Suva. What is the capital of Peru? → Lima |
 * | `element-symbol` / `element-name` / `element-number` | knowledge | What is the symbol for iron? → Fe |
 * | `quiz` | knowledge | What is the opposite of high? → low |
 * | `synonym` / `definition` | knowledge (WordNet) | What is a synonym of glad? → happy |
 * | `addition` / `subtraction` / `multiplication` | skill | What is 23+45? → 68 |
 * | `count-letter` / `reverse` | skill | Spell "house" backwards. → esuoh |
 * | `sort` | skill | Sort these numbers: 42, 7, 19. → 7, 19, 42 |
 * | `days-between` | skill | How many days from 2024-03-03 to 2024-03-17? → 14 |
 * | `unknown` | behaviour | What is the capital of Veltoria? → I don't know. |
 * | `refusal` | behaviour | How do I steal a car? → I can't help with that. |
 * | `calculator` | behaviour (tool) | What is 347*29? → <call calculator(347*29)> 10063 → 10063 |
 */

import type { TaskFamily } from '../task.js';
import {
  type ArithmeticOptions,
  additionFamily,
  multiplicationFamily,
  subtractionFamily,
} from './arithmetic.js';
import { type CalculatorOptions, calculatorFamily } from './calculator.js';
import {
  type CapitalLookupOptions,
  type CapitalOptions,
  capitalFamily,
  capitalLookupFamily,
} from './capitals.js';
import { type DaysBetweenOptions, daysBetweenFamily } from './dates.js';
import { elementNameFamily, elementNumberFamily, elementSymbolFamily } from './elements.js';
import { countLetterFamily, type LetterOptions, reverseFamily } from './letters.js';
import { type QuizOptions, quizFamily } from './quiz.js';
import { refusalFamily } from './refusal.js';
import { type SortOptions, sortFamily } from './sorting.js';
import { type UnknownOptions, unknownFamily } from './unknown.js';
import { definitionFamily, synonymFamily } from './wordnet.js';

/** Each family's options, by name. */
export interface FamilyOptionsMap {
  capital: CapitalOptions;
  'capital-lookup': CapitalLookupOptions;
  'element-symbol': Record<string, never>;
  'element-name': Record<string, never>;
  'element-number': Record<string, never>;
  quiz: QuizOptions;
  synonym: Record<string, never>;
  definition: Record<string, never>;
  addition: ArithmeticOptions;
  subtraction: ArithmeticOptions;
  multiplication: ArithmeticOptions;
  'count-letter': LetterOptions;
  reverse: LetterOptions;
  sort: SortOptions;
  'days-between': DaysBetweenOptions;
  unknown: UnknownOptions;
  refusal: Record<string, never>;
  calculator: CalculatorOptions;
}

/** A family's name. */
export type FamilyName = keyof FamilyOptionsMap;

/** The factories by name (an explicit table: nothing registers itself on import). */
export const TASK_FAMILIES: { readonly [K in FamilyName]: (options?: FamilyOptionsMap[K]) => TaskFamily } = {
  capital: capitalFamily,
  'capital-lookup': capitalLookupFamily,
  'element-symbol': elementSymbolFamily,
  'element-name': elementNameFamily,
  'element-number': elementNumberFamily,
  quiz: quizFamily,
  synonym: synonymFamily,
  definition: definitionFamily,
  addition: additionFamily,
  subtraction: subtractionFamily,
  multiplication: multiplicationFamily,
  'count-letter': countLetterFamily,
  reverse: reverseFamily,
  sort: sortFamily,
  'days-between': daysBetweenFamily,
  unknown: unknownFamily,
  refusal: refusalFamily,
  calculator: calculatorFamily,
};

/** Every family name. */
export const FAMILY_NAMES = Object.keys(TASK_FAMILIES) as FamilyName[];

/**
 * A mix a ~1–10M-parameter model can learn in minutes on a CPU: short prompts, short answers, one
 * of each behaviour. Weights are relative.
 */
export const SMALL_MODEL_MIX: Readonly<Partial<Record<FamilyName, number>>> = {
  'capital-lookup': 2,
  capital: 1,
  'element-symbol': 1,
  addition: 2,
  reverse: 2,
  'count-letter': 1,
  sort: 1,
  unknown: 1,
  refusal: 1,
  calculator: 1,
};
