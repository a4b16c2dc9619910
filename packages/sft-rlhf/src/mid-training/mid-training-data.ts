/**
 * Mid-training data: token documents mixed into a base model's pretraining so that it arrives at
 * post-training able to do what the tasks need (nanochat mid-trains on conversations and synthetic
 * tasks between pretraining and SFT for the same reason).
 *
 * ```
 * taskDocuments    [<|endoftext|>, <|user|>, ...prompt, <|end|>, <|assistant|>, ...answer, <|end|>]
 *                  rendered train-split task conversations: the chat format, and answers copied from
 *                  the prompt (a capital from a list, a calculator's arguments, a sorted list)
 * copySequences    [<|endoftext|>, a b c … k, a b c … k]
 *                  random ids, then the same ids again: the second copy is predictable only by
 *                  looking back (an induction head — Olsson et al. 2022)
 * factDocuments    [<|endoftext|>, ...encode('Peru: Lima. The capital of Chad is N'Djamena. …')]
 *                  a gazetteer: the capital facts of the shipped tables in varied phrasings, so
 *                  the base model knows the places the lookups ask about
 * ```
 *
 * Why: a 1M-parameter GPT pretrained on 3M tokens of novels does not learn to copy from its context
 * (its loss on the second copy of a random sequence is no lower than on the first), and every task
 * that reads its answer off the prompt then stays at 0 % whatever SFT or RL do. Measured on the
 * demo's model (README, "Results"): on copies at a fixed offset it learns to copy in ~250 steps, on
 * variable-length ones (content-based induction) far more slowly; as half of each batch beside
 * Austen over 2,000 steps (@llmforge/trainer's `data.mix`) it did not, so the demo recipe mixes
 * none (`copies: 0`). Only train-split tasks are rendered: no held-out item is ever seen. The
 * gazetteer does state held-out places' capitals (a corpus's knowledge, not tasks); with it the
 * base model knows 98 % of the held-out capitals, and
 * beside task conversations at half of every batch it answers two thirds of the held-out lookups
 * before any SFT; plain SFT then answers them from a closed list of train-split answers, SFT that
 * replays the shard (`MidTrainingMix.replay`) keeps 57 % of them — the demo recipe's setting
 * (README, "Knowledge instead of copying").
 *
 * @example
 * ```ts
 * const format = new ChatFormat(tokenizer);
 * const tasks = buildTasks(await loadTaskData(), { mix: RECIPE_MIX, count: 8000, seed: 101, repeat: true });
 * const docs = [...taskDocuments(tasks, format, 0), ...copySequences({ count: 4000, vocabSize: 2048, firstId: 8, endOfText: 0, seed: 1 })];
 * ```
 */
import type { ChatFormat } from '../chat/chat-format.js';
import { TaskDataError } from '../errors.js';
import { TaskRandom } from '../tasks/random.js';
import { type Task, taskConversation } from '../tasks/task.js';

/** How much mid-training data a base model's pretraining mixes in. */
export interface MidTrainingMix {
  /** Fraction of every pretraining batch's rows drawn from the mid-training shard. */
  weight: number;
  /** Train-split task conversations rendered into it. */
  tasks: number;
  /** Synthetic copy sequences in it. */
  copies: number;
  /**
   * Gazetteer documents in it (default 0): sentences stating the capital facts of the shipped
   * tables, every place (held-out ones too: knowledge the corpus holds, as an encyclopedia holds
   * it; see {@link factDocuments}).
   */
  facts?: number;
  /**
   * SFT replays this shard's documents beside its conversations (default false;
   * `readShardDocuments` → `SftConfig.documents`): without the rehearsal SFT on a closed set of
   * train-split places overwrites what the gazetteer taught (README, "Knowledge instead of
   * copying").
   */
  replay?: boolean;
}

/** A fact the gazetteer states: a place and its capital. */
export interface GazetteerFact {
  place: string;
  capital: string;
}

/** Options of {@link factDocuments}. */
export interface FactDocumentsOptions {
  /** How many documents. */
  count: number;
  /** Facts per document (default 8), each in a template drawn at random. */
  perDocument?: number;
  seed: number;
}

/**
 * The phrasings of a fact. Several, in random order, because a fact stated one way only is
 * memorised as that string and cannot be asked about another way (Allen-Zhu & Li, "Physics of
 * Language Models 3.1": knowledge read in varied phrasings in pretraining is what fine-tuning can
 * later extract, for people it never fine-tuned on).
 */
const FACT_TEMPLATES: readonly ((f: GazetteerFact) => string)[] = [
  (f) => `${f.place}: ${f.capital}.`,
  (f) => `The capital of ${f.place} is ${f.capital}.`,
  (f) => `${f.capital} is the capital of ${f.place}.`,
  (f) => `${f.place}'s capital is ${f.capital}.`,
  (f) => `The capital city of ${f.place} is ${f.capital}.`,
  (f) => `What is the capital of ${f.place}? ${f.capital}.`,
];

/**
 * Gazetteer documents: `perDocument` random facts, each in a random phrasing, as one line of text
 * (`Peru: Lima. The capital of Chad is N'Djamena. Suva is the capital of Fiji. …`). What a
 * pretraining corpus teaches a model about the world: the capital lookups' places are then known
 * to the base model, and SFT only has to teach it to answer with what it knows (the demo's model
 * cannot copy an unseen name from its prompt; README, Results). Deterministic in the seed.
 *
 * @example
 * ```ts
 * factDocuments([{ place: 'Peru', capital: 'Lima' }], { count: 1, perDocument: 2, seed: 1 });
 * // ["The capital of Peru is Lima. Peru's capital is Lima."]
 * ```
 */
export function factDocuments(facts: readonly GazetteerFact[], o: FactDocumentsOptions): string[] {
  const perDocument = o.perDocument ?? 8;
  checkIntegerOptions('factDocuments', { count: o.count, perDocument }, ['count']);
  if (o.count > 0 && facts.length === 0) {
    throw new TaskDataError({
      operation: 'factDocuments',
      where: 'facts',
      expected: 'at least one fact',
      found: 'none',
      hint: 'pass at least one { place, capital }',
    });
  }
  const rng = new TaskRandom(o.seed, 'fact-documents');
  const docs: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const sentences: string[] = [];
    for (let j = 0; j < perDocument; j++) sentences.push(rng.pick(FACT_TEMPLATES)(rng.pick(facts)));
    docs.push(sentences.join(' '));
  }
  return docs;
}

/**
 * Each task's reference conversation as one pretraining document: the end-of-text id, then the
 * rendered ids (every token is learned in pretraining; there is no loss mask).
 *
 * @example
 * ```ts
 * const docs = taskDocuments(buildTasks(data, { mix: RECIPE_MIX, count: 100, seed: 7 }), format, 0);
 * ```
 */
export function taskDocuments(tasks: readonly Task[], format: ChatFormat, endOfText: number): number[][] {
  return tasks.map((t) => [endOfText, ...format.render(taskConversation(t)).ids]);
}

/** Options of {@link copySequences}. */
export interface CopySequencesOptions {
  /** How many documents. */
  count: number;
  /** The model's vocabulary size: ids are drawn from [firstId, vocabSize). */
  vocabSize: number;
  /** The lowest id drawn (above the special tokens). */
  firstId: number;
  /** The document delimiter written before each document. */
  endOfText: number;
  /** Length of the random sequence (each document holds it twice). Default 8 to 47. */
  minLength?: number;
  maxLength?: number;
  seed: number;
}

/**
 * Synthetic copy documents: `[endOfText, s, s]` for a random id sequence `s` (see the module
 * comment). Deterministic in the seed.
 *
 * @example
 * ```ts
 * copySequences({ count: 2, vocabSize: 2048, firstId: 8, endOfText: 0, seed: 1, minLength: 3, maxLength: 3 });
 * // [[0, 812, 17, 1530, 812, 17, 1530], [0, ...]]
 * ```
 */
export function copySequences(o: CopySequencesOptions): number[][] {
  const minLength = o.minLength ?? 8;
  const maxLength = o.maxLength ?? 47;
  const ints = { count: o.count, vocabSize: o.vocabSize, firstId: o.firstId, minLength, maxLength };
  checkIntegerOptions('copySequences', ints, ['count', 'firstId']);
  if (o.firstId >= o.vocabSize || minLength > maxLength) {
    throw new TaskDataError({
      operation: 'copySequences',
      where: o.firstId >= o.vocabSize ? 'option firstId' : 'option minLength',
      expected:
        o.firstId >= o.vocabSize ? `an id below vocabSize ${o.vocabSize}` : `at most maxLength ${maxLength}`,
      found: String(o.firstId >= o.vocabSize ? o.firstId : minLength),
    });
  }
  const rng = new TaskRandom(o.seed, 'copy-sequences');
  const docs: number[][] = [];
  for (let i = 0; i < o.count; i++) {
    const s = Array.from({ length: rng.range(minLength, maxLength) }, () =>
      rng.range(o.firstId, o.vocabSize - 1),
    );
    docs.push([o.endOfText, ...s, ...s]);
  }
  return docs;
}

/** Throws a TaskDataError naming the first option that is not an integer ≥ 1 (≥ 0 for `zeroAllowed`). */
function checkIntegerOptions(
  operation: string,
  options: Record<string, number>,
  zeroAllowed: readonly string[],
): void {
  for (const [k, v] of Object.entries(options)) {
    const zero = zeroAllowed.includes(k);
    if (!Number.isInteger(v) || v < (zero ? 0 : 1)) {
      throw new TaskDataError({
        operation,
        where: `option ${k}`,
        expected: zero ? 'an integer >= 0' : 'a positive integer',
        found: String(v),
      });
    }
  }
}
