/**
 * Stage 1 of training: stream text through normalization and pre-tokenization and count the unique
 * words. Trainers never see the corpus, only this table, which stays small (a 20 MB corpus of
 * English has ~100k unique words):
 *
 * ```
 * "the cat and the hat\n"  --GPT-2 split-->  the | Ġcat | Ġand | Ġthe | Ġhat | Ċ
 *                          --count-------->  {"the": 1, " cat": 1, " and": 1, " the": 1, " hat": 1, "\n": 1}
 * ```
 *
 * Text is processed line by line (each line keeps its `\n`), as the HF trainers read files, so a
 * run of blank lines counts as several `\n` words rather than one long whitespace word. Special
 * tokens found in the text are cut out and never counted.
 */
import { TokenizerInputError } from '../errors.js';
import { CL100K_PATTERN, GPT2_PATTERN, LLAMA3_PATTERN, O200K_PATTERN } from '../pipeline/patterns.js';
import { PieceSplitter } from '../pre-tokenizers/ascii-scan.js';
import type { TrainProgress } from './progress.js';

/** The patterns with a hand-written scanner (`pre-tokenizers/ascii-scan.ts`), by their JS source. */
const KNOWN = [GPT2_PATTERN, CL100K_PATTERN, LLAMA3_PATTERN, O200K_PATTERN];

/** Text to train on: one string, an array of documents, or a (possibly async) stream of chunks. */
export type TextSource = string | Iterable<string> | AsyncIterable<string>;

/** Options of {@link WordCounter}. */
export interface WordCounterOptions {
  /** How a line becomes words: a split regex (every match is a word) or a function appending words to `out`. */
  split: RegExp | ((text: string, out: string[]) => void);
  /** Applied to each line before splitting (e.g. NFKC). */
  normalize?: (text: string) => string;
  /** Cut out of the text and never counted. */
  specialTokens?: string[];
}

/**
 * Counts words chunk by chunk; memory is the table of unique words, never the text.
 *
 * @example
 * ```ts
 * import { WordCounter } from '@llmforge/tokenizer';
 * const counter = new WordCounter({ split: / ?\p{L}+|\s+/gu });
 * counter.add('the cat and the hat');
 * console.log(counter.counts); // Map { 'the' => 1, ' cat' => 1, ' and' => 1, ' the' => 1, ' hat' => 1 }
 * ```
 */
export class WordCounter {
  /** word -> number of occurrences. */
  readonly counts = new Map<string, number>();
  /** UTF-16 units of text seen so far. */
  chars = 0;
  private readonly regex: RegExp | null;
  /** A known pattern (GPT-2, cl100k, Llama 3, o200k) is cut by its hand-written scanner instead. */
  private readonly splitter: PieceSplitter | undefined;
  private readonly splitFn: ((text: string, out: string[]) => void) | null;
  private readonly normalize: ((text: string) => string) | undefined;
  private readonly specials: string[];
  private readonly scratch: string[] = [];

  constructor(options: WordCounterOptions) {
    const split = options.split;
    if (split instanceof RegExp) {
      const flags = new Set(split.flags);
      flags.add('g');
      if (!flags.has('v')) flags.add('u');
      this.regex = new RegExp(split.source, [...flags].join(''));
      const known = KNOWN.find((p) => p.js === split.source);
      this.splitter = known && !flags.has('i') && !flags.has('y') ? PieceSplitter.of(known) : undefined;
      this.splitFn = null;
    } else {
      this.regex = null;
      this.splitter = undefined;
      this.splitFn = split;
    }
    this.normalize = options.normalize;
    this.specials = (options.specialTokens ?? []).filter((t) => t.length > 0);
  }

  /** Count the words of one chunk of text; chunks are independent (cut them at line ends). */
  add(text: string): void {
    if (typeof text !== 'string') {
      throw new TokenizerInputError({
        operation: 'WordCounter.add',
        expected: 'a string',
        found: typeof text,
        hint: 'training sources yield strings; decode Buffers with TextDecoder first',
      });
    }
    this.chars += text.length;
    for (const special of this.specials) {
      if (text.includes(special)) {
        for (const part of text.split(special)) this.add(part);
        this.chars -= text.length;
        return;
      }
    }
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl + 1;
      this.addLine(start === 0 && end === text.length ? text : text.slice(start, end));
      start = end;
    }
  }

  private addLine(line: string): void {
    if (this.normalize) line = this.normalize(line);
    const counts = this.counts;
    const regex = this.regex;
    const splitter = this.splitter;
    if (splitter) {
      const len = line.length;
      for (let i = 0; i < len; ) {
        const end = splitter.end(line, i, len);
        const w = line.slice(i, end);
        counts.set(w, (counts.get(w) ?? 0) + 1);
        i = end;
      }
      return;
    }
    if (regex) {
      regex.lastIndex = 0;
      for (let m = regex.exec(line); m !== null; m = regex.exec(line)) {
        const w = m[0];
        if (w.length === 0) {
          regex.lastIndex++;
          continue;
        }
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      return;
    }
    const words = this.scratch;
    words.length = 0;
    this.splitFn!(line, words);
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
}

/**
 * Feed a whole {@link TextSource} through a {@link WordCounter}, reporting `{ phase: 'count' }`
 * progress in UTF-16 units read, and return the word counts.
 *
 * @example
 * ```ts
 * import { countWords } from '@llmforge/tokenizer';
 * const counts = await countWords(['a b a'], { split: /\S+/g });
 * console.log(counts.get('a')); // 2
 * ```
 */
export async function countWords(
  source: TextSource,
  options: WordCounterOptions,
  onProgress?: (p: TrainProgress) => void,
): Promise<Map<string, number>> {
  const counter = new WordCounter(options);
  const report = (): void => onProgress?.({ phase: 'count', done: counter.chars, total: 0 });
  if (typeof source === 'string') {
    counter.add(source);
  } else if (Symbol.asyncIterator in Object(source)) {
    for await (const chunk of source as AsyncIterable<string>) {
      counter.add(chunk);
      report();
    }
  } else if (Symbol.iterator in Object(source)) {
    for (const chunk of source as Iterable<string>) {
      counter.add(chunk);
      report();
    }
  } else {
    throw new TokenizerInputError({
      operation: 'countWords',
      expected: 'a string, an array or (async) iterable of strings',
      found: typeof source,
      hint: 'pass the text itself, not a file name (the CLI reads files)',
    });
  }
  report();
  return counter.counts;
}
