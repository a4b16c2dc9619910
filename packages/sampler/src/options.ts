/**
 * The options of `generate` / `stream`, their defaults and their validation, and the prompt checks
 * (non-empty, ids in the vocabulary, fits the context or `truncate: 'left'`).
 */
import type { PhiloxStream, RandomGenerator } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { SamplerConfigError } from './errors.js';
import {
  type ProcessorConfig,
  type ResolvedProcessorConfig,
  resolveProcessorConfig,
} from './processors/process-logits.js';
import { normalizeStop, type StopList } from './stop.js';

/** Options of {@link generate} and {@link stream}. */
export interface GenerateOptions extends Omit<ProcessorConfig, 'generatedFrom'> {
  /** Most tokens to add per sequence (default 32). Generation also ends when the context is full. */
  maxNewTokens?: number;
  /** Stop ids and id sequences (e.g. the EOS id); the matched tokens stay in the output. */
  stop?: StopList;
  /** Seed of the sampling stream (default: a random one). Same seed, same backend → same output. */
  seed?: number;
  /** Or a tensor-gpu `RandomGenerator` to draw from (it advances; save `getState()` to resume). */
  generator?: RandomGenerator | PhiloxStream;
  /** Samples per prompt (default 1); they share one prefill (the KV cache is copied per sample). */
  numReturnSequences?: number;
  /**
   * Beam search with this many beams (default 1 = no beam search). Deterministic. At most
   * {@link MAX_NUM_BEAMS} and the vocabulary size: each beam holds a row of the KV cache.
   */
  numBeams?: number;
  /** Beam search: score = sum of log-probs / generated length ** lengthPenalty (default 1). */
  lengthPenalty?: number;
  /** Beam search stopping rule, Hugging Face semantics (default false). */
  earlyStopping?: boolean | 'never';
  /** Return the log-probability of each chosen token under the model's raw distribution. */
  logprobs?: boolean;
  /** With `logprobs`: also the n most likely tokens at each step (default 0). */
  topLogprobs?: number;
  /** Stops generation; what was generated so far is returned with finishReason 'abort'. */
  signal?: AbortSignal;
  /**
   * What to do with a prompt that does not fit the context: 'none' (default) raises
   * SamplerConfigError; 'left' drops its oldest tokens so that `maxNewTokens` still fit (keeping at
   * least one token).
   */
  truncate?: 'none' | 'left';
  /** Decode with a KV cache (default true); false recomputes the whole sequence every token. */
  useCache?: boolean;
  /**
   * Sample on the device with tensor-gpu's `sampleTokens` (only ids are read back): 'auto'
   * (default) does so on a WebGPU backend when no penalty and no logprobs are asked for.
   */
  deviceSampling?: 'auto' | boolean;
}

/** Everything `generate` needs, checked and with defaults. */
export interface ResolvedOptions {
  processors: ResolvedProcessorConfig;
  maxNewTokens: number;
  stop: number[][];
  stream: PhiloxStream;
  numReturnSequences: number;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean | 'never';
  logprobs: boolean;
  topLogprobs: number;
  signal: AbortSignal | undefined;
  truncate: 'none' | 'left';
  useCache: boolean;
  deviceSampling: 'auto' | boolean;
}

/**
 * The most beams beam search takes (Hugging Face has no limit; every beam is a row of the KV cache
 * and a search over numBeams · vocabulary candidates per step, so 10⁵ beams ran for minutes in
 * gigabytes). Published setups use 4 to 16.
 */
export const MAX_NUM_BEAMS = 128;

/** A value as an error message shows it: strings quoted, so `"1"` differs from 1. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object' && v !== null) {
    const text = Array.isArray(v)
      ? JSON.stringify(v)
      : `an object (${Object.keys(v).slice(0, 4).join(', ') || 'no keys'})`;
    return text.length > 60 ? `${text.slice(0, 57)}...` : (text ?? String(v));
  }
  return String(v);
}

/** The default hint: what the option is for, plus "no quotes" for a number passed as a string. */
function hintFor(found: unknown, hint: string | undefined): string {
  if (typeof found === 'string' && found.trim() !== '' && Number.isFinite(Number(found))) {
    return `pass the number ${found.trim()}, not the string "${found}"`;
  }
  return hint ?? 'see GenerateOptions for the allowed values';
}

function bad(operation: string, option: string, expected: string, found: unknown, hint?: string): never {
  throw new SamplerConfigError({
    operation,
    option,
    expected,
    found: shown(found),
    hint: hintFor(found, hint),
  });
}

const isPosInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

/** Every option `generate` reads (a key outside it is a typo, e.g. `top_p`). */
const KNOWN_OPTIONS = new Set([
  'temperature',
  'topK',
  'topP',
  'minP',
  'repetitionPenalty',
  'frequencyPenalty',
  'presencePenalty',
  'maxNewTokens',
  'stop',
  'seed',
  'generator',
  'numReturnSequences',
  'numBeams',
  'lengthPenalty',
  'earlyStopping',
  'logprobs',
  'topLogprobs',
  'signal',
  'truncate',
  'useCache',
  'deviceSampling',
]);

/** The known option closest to `key` (case and underscores ignored, then edit distance ≤ 2). */
function closestOption(key: string): string | undefined {
  const norm = (k: string) => k.toLowerCase().replaceAll('_', '');
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) {
        row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = row;
    }
    return prev[b.length]!;
  };
  let best: string | undefined;
  let bestD = 3;
  for (const k of KNOWN_OPTIONS) {
    const d = distance(norm(key), norm(k));
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** `generator`: a RandomGenerator or any `{ seed, offset }` with integer fields and a writable offset. */
function checkGenerator(operation: string, g: unknown): PhiloxStream {
  const hint = 'pass new RandomGenerator(seed) from @llmforge/tensor-gpu, or use the seed option';
  if (typeof g !== 'object' || g === null) bad(operation, 'generator', 'a RandomGenerator', g, hint);
  const { seed, offset } = g as Partial<PhiloxStream>;
  for (const [name, v] of [
    ['seed', seed],
    ['offset', offset],
  ] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      bad(operation, 'generator', `generator.${name} an integer in [0, 2^53)`, v, hint);
    }
  }
  const d = Object.getOwnPropertyDescriptor(g, 'offset');
  if (Object.isFrozen(g) || (d !== undefined && d.writable === false && d.set === undefined)) {
    bad(operation, 'generator', 'a generator whose offset can advance (not frozen)', g, hint);
  }
  return g as PhiloxStream;
}

/** `signal`: an AbortSignal (or anything shaped like one: `aborted` and `addEventListener`). */
function checkSignal(operation: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const s = signal as Partial<AbortSignal> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.aborted !== 'boolean' ||
    typeof s.addEventListener !== 'function'
  ) {
    bad(
      operation,
      'signal',
      'an AbortSignal',
      signal,
      'pass controller.signal of an AbortController, or AbortSignal.timeout(ms)',
    );
  }
  return s as AbortSignal;
}

function checkBoolean(operation: string, option: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') bad(operation, option, 'true or false', v);
  return v;
}

/**
 * Validates options and fills the defaults; throws {@link SamplerConfigError} naming the option.
 *
 * @example
 * ```ts
 * resolveOptions('generate', { topP: 0.9 }).maxNewTokens; // 32
 * ```
 */
export function resolveOptions(operation: string, options: GenerateOptions): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    bad(
      operation,
      'options',
      'an options object',
      options,
      'pass { temperature, maxNewTokens, ... } or nothing',
    );
  }
  const o: GenerateOptions = options ?? {};
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key) && (o as Record<string, unknown>)[key] !== undefined) {
      const near = closestOption(key);
      throw new SamplerConfigError({
        operation,
        option: key,
        expected: 'a known option',
        found: 'an unknown option',
        hint: near ? `did you mean ${near}?` : 'see GenerateOptions for the options',
      });
    }
  }
  const processors = resolveProcessorConfig(operation, o);
  const maxNewTokens = o.maxNewTokens ?? 32;
  if (!isPosInt(maxNewTokens)) bad(operation, 'maxNewTokens', 'an integer ≥ 1', maxNewTokens);
  const numReturnSequences = o.numReturnSequences ?? 1;
  if (!isPosInt(numReturnSequences))
    bad(operation, 'numReturnSequences', 'an integer ≥ 1', numReturnSequences);
  const numBeams = o.numBeams ?? 1;
  if (!isPosInt(numBeams)) bad(operation, 'numBeams', 'an integer ≥ 1', numBeams);
  if (numBeams > MAX_NUM_BEAMS) {
    bad(
      operation,
      'numBeams',
      `at most ${MAX_NUM_BEAMS} beams (MAX_NUM_BEAMS)`,
      numBeams,
      'each beam is a row of the KV cache; published setups use 4 to 16',
    );
  }
  const lengthPenalty = o.lengthPenalty ?? 1;
  if (typeof lengthPenalty !== 'number' || !Number.isFinite(lengthPenalty)) {
    bad(
      operation,
      'lengthPenalty',
      'a finite number',
      lengthPenalty,
      '1 divides by the length, 0 does not normalize',
    );
  }
  const earlyStopping = o.earlyStopping ?? false;
  if (earlyStopping !== true && earlyStopping !== false && earlyStopping !== 'never') {
    bad(operation, 'earlyStopping', "true, false or 'never'", earlyStopping);
  }
  if (numBeams > 1) {
    for (const k of ['temperature', 'topK', 'topP', 'minP'] as const) {
      if (o[k] !== undefined && !(k === 'temperature' && o[k] === 0)) {
        bad(
          operation,
          k,
          `no sampling filter with numBeams ${numBeams}`,
          o[k],
          'beam search is deterministic',
        );
      }
    }
    if (numReturnSequences > numBeams) {
      bad(operation, 'numReturnSequences', `at most numBeams (${numBeams})`, numReturnSequences);
    }
  }
  const topLogprobs = o.topLogprobs ?? 0;
  if (!(Number.isInteger(topLogprobs) && topLogprobs >= 0))
    bad(operation, 'topLogprobs', 'an integer ≥ 0', topLogprobs);
  const truncate = o.truncate ?? 'none';
  if (truncate !== 'none' && truncate !== 'left') bad(operation, 'truncate', "'none' or 'left'", truncate);
  const deviceSampling = o.deviceSampling ?? 'auto';
  if (deviceSampling !== 'auto' && typeof deviceSampling !== 'boolean') {
    bad(operation, 'deviceSampling', "'auto' or a boolean", deviceSampling);
  }
  let stream: PhiloxStream;
  if (o.generator !== undefined) {
    if (o.seed !== undefined) {
      bad(
        operation,
        'seed',
        'a seed or a generator, not both',
        o.seed,
        'the generator has its own seed; drop one of them',
      );
    }
    stream = checkGenerator(operation, o.generator);
  } else {
    const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (typeof seed !== 'number' || !(Number.isSafeInteger(seed) && seed >= 0)) {
      bad(
        operation,
        'seed',
        'an integer in [0, 2^53)',
        seed,
        'seeds are non-negative integers, e.g. 0 or 42',
      );
    }
    stream = { seed, offset: 0 };
  }
  const logprobs = checkBoolean(operation, 'logprobs', o.logprobs, topLogprobs > 0);
  if (!logprobs && topLogprobs > 0) {
    bad(operation, 'logprobs', 'true (or unset) with topLogprobs', false, 'topLogprobs needs logprobs');
  }
  return {
    processors,
    maxNewTokens,
    stop: normalizeStop(operation, o.stop),
    stream,
    numReturnSequences,
    numBeams,
    lengthPenalty,
    earlyStopping,
    logprobs,
    topLogprobs,
    signal: checkSignal(operation, o.signal),
    truncate,
    useCache: checkBoolean(operation, 'useCache', o.useCache, true),
    deviceSampling,
  };
}

/**
 * Checks the prompts (one prompt or a batch) and applies `truncate`; returns a batch.
 *
 * @example
 * ```ts
 * preparePrompts('generate', model, [1, 2, 3], resolveOptions('generate', {})); // [[1, 2, 3]]
 * ```
 */
export function preparePrompts(
  operation: string,
  model: Model,
  promptIds: readonly number[] | readonly (readonly number[])[],
  o: ResolvedOptions,
): number[][] {
  if (!Array.isArray(promptIds) || promptIds.length === 0) {
    bad(
      operation,
      'promptIds',
      'a non-empty id array or a non-empty batch of them',
      promptIds,
      'start from a BOS id',
    );
  }
  const batch = (
    typeof promptIds[0] === 'number' ? [promptIds] : promptIds
  ) as readonly (readonly number[])[];
  const { vocabSize, contextLength } = model.config;
  return batch.map((p, i) => {
    const where = batch.length > 1 ? `promptIds[${i}]` : 'promptIds';
    if (!Array.isArray(p) || p.length === 0) {
      bad(operation, where, 'a non-empty array of token ids', p, 'start from a BOS id');
    }
    for (const id of p) {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        bad(
          operation,
          where,
          `token ids in [0, ${vocabSize})`,
          id,
          'encode with the tokenizer the model was trained with',
        );
      }
    }
    if (p.length > contextLength) {
      if (o.truncate !== 'left') {
        bad(
          operation,
          where,
          `at most ${contextLength} tokens (the model's context)`,
          `${p.length} tokens`,
          "pass truncate: 'left' to keep the most recent tokens",
        );
      }
    }
    if (o.truncate === 'left' && p.length + o.maxNewTokens > contextLength) {
      return p.slice(p.length - Math.max(1, contextLength - o.maxNewTokens));
    }
    return [...p];
  });
}
