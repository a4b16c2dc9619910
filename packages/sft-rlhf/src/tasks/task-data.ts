/**
 * The data the knowledge tasks draw on, shipped in the package's `data/` folder (see
 * `data/LICENSES.md`; `scripts/build-data.mjs` made them from the project's shared data):
 *
 * | file | what | license |
 * |---|---|---|
 * | `bsdgames-quiz.json.gz` | the 33 bsdgames quiz tables, verbatim, and their index | BSD |
 * | `elements.tsv` | number, symbol, name, atomic weight of elements 1–103 | public domain |
 * | `words.txt` | 3,000 common English words of 3–7 letters | public domain (from Austen's novels) |
 * | `wordnet.jsonl.gz` | 7,921 WordNet 3.0 synsets with a common word: `{ pos, words, gloss }` | WordNet 3.0 license |
 *
 * {@link parseTaskData} turns the files' text into {@link TaskData}, checking each file's shape and
 * naming the file and line of anything wrong; `loadTaskData()` (from `@llmforge/sft-rlhf/node`)
 * reads and decompresses the shipped files. In a browser, fetch and decompress them yourself
 * (`DecompressionStream('gzip')`) and call `parseTaskData`.
 */
import { TaskDataError } from '../errors.js';

/** The shipped file names, by role. */
export const TASK_DATA_FILES = {
  quiz: 'bsdgames-quiz.json.gz',
  elements: 'elements.tsv',
  words: 'words.txt',
  wordnet: 'wordnet.jsonl.gz',
} as const;

/** The decompressed text of each file. */
export interface TaskDataFiles {
  quiz: string;
  elements: string;
  words: string;
  wordnet: string;
}

/** A chemical element. */
export interface ElementFact {
  number: number;
  symbol: string;
  name: string;
  weight: string;
}

/** A WordNet synset. */
export interface Synset {
  pos: string;
  /** Lemmas, the first being the most frequent sense's. */
  words: string[];
  gloss: string;
}

/** Everything the knowledge families read. */
export interface TaskData {
  /** The quiz tables by name (raw text) and the index describing them. */
  quiz: { index: string; tables: Record<string, string> };
  elements: ElementFact[];
  words: string[];
  wordnet: Synset[];
}

const QUIZ_FORMAT = 'llmforge-bsdgames-quiz';

function fail(file: string, where: string | undefined, expected: string, found: string): never {
  throw new TaskDataError({
    operation: 'parseTaskData',
    file,
    ...(where ? { where } : {}),
    expected,
    found,
    hint: 'rebuild the data with scripts/build-data.mjs, or reinstall the package',
  });
}

/**
 * Parses the data files' text (already decompressed).
 *
 * @example
 * ```ts
 * const data = parseTaskData({ quiz, elements, words, wordnet });
 * data.elements[25]; // { number: 26, symbol: 'Fe', name: 'Iron', weight: '55.847' }
 * ```
 */
export function parseTaskData(files: TaskDataFiles): TaskData {
  let quiz: { format?: unknown; version?: unknown; index?: unknown; tables?: unknown };
  try {
    quiz = JSON.parse(files.quiz);
  } catch (e) {
    fail(
      TASK_DATA_FILES.quiz,
      undefined,
      'JSON',
      `a parse error (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (quiz?.format !== QUIZ_FORMAT || quiz.version !== 1) {
    fail(
      TASK_DATA_FILES.quiz,
      'format',
      `format ${QUIZ_FORMAT} version 1`,
      `${String(quiz?.format)} version ${String(quiz?.version)}`,
    );
  }
  const tables = quiz.tables as Record<string, unknown>;
  if (typeof quiz.index !== 'string' || typeof tables !== 'object' || tables === null) {
    fail(TASK_DATA_FILES.quiz, 'tables', 'an index string and a tables object', typeof tables);
  }
  for (const [name, text] of Object.entries(tables)) {
    if (typeof text !== 'string') fail(TASK_DATA_FILES.quiz, `tables.${name}`, 'the table text', typeof text);
  }

  const elements: ElementFact[] = [];
  files.elements.split('\n').forEach((line, i) => {
    if (line.startsWith('#') || line.trim() === '') return;
    const [n, symbol, name, weight] = line.split('\t');
    const number = Number(n);
    if (!Number.isInteger(number) || !symbol || !name || weight === undefined) {
      fail(
        TASK_DATA_FILES.elements,
        `line ${i + 1}`,
        'number, symbol, name, weight separated by tabs',
        JSON.stringify(line),
      );
    }
    elements.push({ number, symbol, name, weight });
  });

  const words = files.words
    .split('\n')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  words.forEach((w, i) => {
    if (!/^[a-z]+$/.test(w))
      fail(TASK_DATA_FILES.words, `line ${i + 1}`, 'a lower-case word', JSON.stringify(w));
  });

  const wordnet: Synset[] = [];
  files.wordnet.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let s: Synset;
    try {
      s = JSON.parse(line);
    } catch {
      fail(TASK_DATA_FILES.wordnet, `line ${i + 1}`, 'a JSON object', JSON.stringify(line.slice(0, 40)));
    }
    if (
      typeof s?.gloss !== 'string' ||
      !Array.isArray(s.words) ||
      s.words.length === 0 ||
      typeof s.pos !== 'string'
    ) {
      fail(
        TASK_DATA_FILES.wordnet,
        `line ${i + 1}`,
        '{ pos, words: [...], gloss }',
        JSON.stringify(line.slice(0, 40)),
      );
    }
    wordnet.push({ pos: s.pos, words: s.words, gloss: s.gloss });
  });

  for (const [file, n] of [
    [TASK_DATA_FILES.elements, elements.length],
    [TASK_DATA_FILES.words, words.length],
    [TASK_DATA_FILES.wordnet, wordnet.length],
  ] as const) {
    if (n === 0) fail(file, undefined, 'at least one record', 'an empty file');
  }
  return {
    quiz: { index: quiz.index as string, tables: tables as Record<string, string> },
    elements,
    words,
    wordnet,
  };
}
