/**
 * The configuration of {@link prepareCorpus}: what a user writes (every field but `inputs`,
 * `outDir` and `tokenizer` optional) and the defaults, each with the reason it is the default.
 * `resolvePrepareConfig` fills the defaults and rejects what cannot work, naming the field, before
 * any file is read.
 */

import { basename } from 'node:path';
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  checkString,
  configError,
} from '../config-check.js';
import type { NearDedupOptions } from './dedup.js';
import type { NormalizeOptions } from './normalize.js';
import type { QualityOptions } from './quality-filters.js';
import type { InputSpec } from './sources.js';

/** Progress of a preparation, reported about once per megabyte read. */
export interface PrepareProgress {
  /** Bytes of input read so far (after decompression). */
  bytesRead: number;
  /** Documents read / kept so far. */
  documents: number;
  kept: number;
  /** Tokens written so far. */
  tokens: number;
}

/** What a user passes to {@link prepareCorpus}. */
export interface PrepareConfig {
  /** Files, folders, globs (`'-'` = standard input), or {@link InputSpec} objects. */
  inputs: readonly (string | InputSpec)[];
  /** The dataset directory to write (replaced as a whole, atomically, if it exists). */
  outDir: string;
  /** The tokenizer: a `tokenizer.json` (or any file `loadTokenizer` from `@llmforge/tokenizer/node` reads). */
  tokenizer: string;
  /** Shard name prefix. Default: the last component of `outDir`. */
  name?: string;
  /**
   * The special token written before every document. Default `<|endoftext|>`, GPT-2's: llm.c and
   * nanoGPT put the same token before each document, so the model learns where documents start.
   */
  endOfText?: string;
  /**
   * Documents that are not valid UTF-8: `skip` (default) — a broken encoding usually means a binary
   * file or a legacy code page, and U+FFFD characters teach the model nothing — or `replace`.
   */
  invalidUtf8?: 'skip' | 'replace';
  normalize?: Partial<NormalizeOptions>;
  filters?: Partial<QualityOptions>;
  dedup?: { exact?: boolean; near?: Partial<Omit<NearDedupOptions, 'seed'>> | false };
  split?: {
    /**
     * Fraction of documents drawn into validation. Default 0.05: enough held-out text for a
     * low-variance loss on small corpora, little taken from training.
     */
    valFraction?: number;
  };
  /** Seed of the split draw and of the MinHash functions. Default 1337 (nanoGPT's). */
  seed?: number;
  /**
   * Tokens per shard. Default 100,000,000 (llm.c's FineWeb shards: 200 MB of uint16), large enough
   * to keep the file count low, small enough to copy around.
   */
  shardTokens?: number;
  /** Called with progress about once per megabyte read. */
  onProgress?: (p: PrepareProgress) => void;
  /** Standard input's chunks, for an input `'-'` (default `process.stdin`). */
  stdin?: AsyncIterable<Uint8Array>;
}

/** The config with every default filled. */
export interface ResolvedPrepareConfig {
  inputs: InputSpec[];
  outDir: string;
  tokenizer: string;
  name: string;
  endOfText: string;
  invalidUtf8: 'skip' | 'replace';
  normalize: NormalizeOptions;
  filters: QualityOptions;
  dedup: { exact: boolean; near: Omit<NearDedupOptions, 'seed'> | null };
  split: { valFraction: number };
  seed: number;
  shardTokens: number;
}

/** The defaults, each with why. */
export const PREPARE_DEFAULTS = {
  endOfText: '<|endoftext|>',
  invalidUtf8: 'skip',
  normalize: {
    // canonical equivalents (é vs e + ◌́) become the same bytes, for dedup and the tokenizer alike;
    // NFKC would also fold ligatures and full-width forms, which loses meaning in some scripts
    unicode: 'NFC',
    // CRLF files would otherwise tokenize differently from the same text with LF
    newlines: 'lf',
    // trailing spaces are invisible noise; indentation (code, verse) carries meaning, so it stays
    whitespace: 'trim',
  },
  filters: {
    // shorter than a sentence: headers, navigation, "Chapter 1" — they mostly add end-of-text tokens
    minLength: 32,
    // prose is over 85% letters; above half non-letters is tables, markup dumps or encoded data
    maxNonLetterFraction: 0.5,
    // Gopher's 0.3: boilerplate and spam repeat lines, written text rarely does
    maxRepeatedLineFraction: 0.3,
  },
  dedup: {
    // identical documents (mirrors, re-posts) only ever overweight one text
    exact: true,
    near: {
      // FineWeb/datatrove and the Gopher/RefinedWeb pipelines dedup around 0.7–0.8 Jaccard
      threshold: 0.8,
      // 5-word shingles: long enough that common phrases do not make unrelated texts similar
      shingleSize: 5,
      // 128 hashes: the estimate's standard error is √(J(1−J)/128) ≤ 0.045
      permutations: 128,
    },
  },
  split: { valFraction: 0.05 },
  seed: 1337,
  shardTokens: 100_000_000,
} as const;

const OP = 'prepareCorpus';

function resolveInput(input: unknown, i: number): InputSpec {
  const where = `inputs[${i}]`;
  if (typeof input === 'string') return { path: checkString(OP, where, input) };
  checkKeys(OP, where, input, ['path', 'format', 'field', 'separator', 'split']);
  const o = input as InputSpec;
  const spec: InputSpec = { path: checkString(OP, `${where}.path`, o.path) };
  if (o.format !== undefined)
    spec.format = checkOneOf(OP, `${where}.format`, o.format, ['text', 'jsonl'] as const);
  if (o.field !== undefined) spec.field = checkString(OP, `${where}.field`, o.field);
  if (o.separator !== undefined) spec.separator = checkString(OP, `${where}.separator`, o.separator);
  if (o.split !== undefined)
    spec.split = checkOneOf(OP, `${where}.split`, o.split, ['train', 'val'] as const);
  return spec;
}

function nullableFraction(where: string, value: unknown, fallback: number): number | null {
  if (value === null) return null;
  return checkNumber(OP, where, value ?? fallback, { min: 0, max: 1 });
}

/**
 * Fills the defaults and checks every field.
 *
 * @example
 * ```ts
 * const c = resolvePrepareConfig({ inputs: ['corpus/'], outDir: 'data/c', tokenizer: 'tok.json' });
 * c.dedup.near?.threshold; // 0.8
 * ```
 */
export function resolvePrepareConfig(config: PrepareConfig): ResolvedPrepareConfig {
  checkKeys(OP, '', config, [
    'inputs',
    'outDir',
    'tokenizer',
    'name',
    'endOfText',
    'invalidUtf8',
    'normalize',
    'filters',
    'dedup',
    'split',
    'seed',
    'shardTokens',
    'onProgress',
    'stdin',
  ]);
  const D = PREPARE_DEFAULTS;
  if (!Array.isArray(config.inputs) || config.inputs.length === 0) {
    configError(OP, 'inputs', 'a non-empty list of files, folders, globs or input objects', config.inputs);
  }
  const inputs = config.inputs.map(resolveInput);
  const outDir = checkString(OP, 'outDir', config.outDir);
  const tokenizer = checkString(OP, 'tokenizer', config.tokenizer, 'train one with llmforge-tokenizer train');
  const name = config.name === undefined ? basename(outDir) : checkString(OP, 'name', config.name);
  if (!/^[\w.-]+$/.test(name)) configError(OP, 'name', 'letters, digits, _ . - only', name);
  const n = config.normalize ?? {};
  checkKeys(OP, 'normalize', n, ['unicode', 'newlines', 'whitespace']);
  const f = config.filters ?? {};
  checkKeys(OP, 'filters', f, ['minLength', 'maxNonLetterFraction', 'maxRepeatedLineFraction']);
  const d = config.dedup ?? {};
  checkKeys(OP, 'dedup', d, ['exact', 'near']);
  const near = d.near === false ? null : (d.near ?? {});
  if (near) checkKeys(OP, 'dedup.near', near, ['threshold', 'shingleSize', 'permutations', 'bands']);
  const s = config.split ?? {};
  checkKeys(OP, 'split', s, ['valFraction']);
  const resolvedNear = near && {
    threshold: checkNumber(OP, 'dedup.near.threshold', near.threshold ?? D.dedup.near.threshold, {
      min: 0,
      max: 1,
      minExclusive: true,
    }),
    shingleSize: checkNumber(OP, 'dedup.near.shingleSize', near.shingleSize ?? D.dedup.near.shingleSize, {
      min: 1,
      integer: true,
    }),
    permutations: checkNumber(OP, 'dedup.near.permutations', near.permutations ?? D.dedup.near.permutations, {
      min: 1,
      max: 1024,
      integer: true,
    }),
  };
  if (resolvedNear && near && near.bands !== undefined) {
    (resolvedNear as NearDedupOptions).bands = checkNumber(OP, 'dedup.near.bands', near.bands, {
      min: 1,
      max: resolvedNear.permutations,
      integer: true,
      hint: 'bands × rows must fit in permutations',
    });
  }
  const minLength = f.minLength === null ? null : (f.minLength ?? D.filters.minLength);
  return {
    inputs,
    outDir,
    tokenizer,
    name,
    endOfText: checkString(OP, 'endOfText', config.endOfText ?? D.endOfText),
    invalidUtf8: checkOneOf(OP, 'invalidUtf8', config.invalidUtf8 ?? D.invalidUtf8, ['skip', 'replace']),
    normalize: {
      unicode: checkOneOf(OP, 'normalize.unicode', n.unicode ?? D.normalize.unicode, ['NFC', 'NFKC', 'none']),
      newlines: checkOneOf(OP, 'normalize.newlines', n.newlines ?? D.normalize.newlines, ['lf', 'keep']),
      whitespace: checkOneOf(OP, 'normalize.whitespace', n.whitespace ?? D.normalize.whitespace, [
        'trim',
        'collapse',
        'keep',
      ]),
    },
    filters: {
      minLength:
        minLength === null
          ? null
          : checkNumber(OP, 'filters.minLength', minLength, { min: 0, integer: true }),
      maxNonLetterFraction: nullableFraction(
        'filters.maxNonLetterFraction',
        f.maxNonLetterFraction,
        D.filters.maxNonLetterFraction,
      ),
      maxRepeatedLineFraction: nullableFraction(
        'filters.maxRepeatedLineFraction',
        f.maxRepeatedLineFraction,
        D.filters.maxRepeatedLineFraction,
      ),
    },
    dedup: {
      exact: checkBoolean(OP, 'dedup.exact', d.exact ?? D.dedup.exact),
      near: resolvedNear,
    },
    split: {
      valFraction: checkNumber(OP, 'split.valFraction', s.valFraction ?? D.split.valFraction, {
        min: 0,
        max: 1,
      }),
    },
    seed: checkNumber(OP, 'seed', config.seed ?? D.seed, { min: 0, integer: true }),
    shardTokens: checkNumber(OP, 'shardTokens', config.shardTokens ?? D.shardTokens, {
      min: 1,
      max: 0x7fffffff,
      integer: true,
      hint: 'llm.c stores the count as an int32',
    }),
  };
}
