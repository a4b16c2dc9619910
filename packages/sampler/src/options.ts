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
  /** Beam search with this many beams (default 1 = no beam search). Deterministic. */
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

function bad(operation: string, option: string, expected: string, found: unknown, hint?: string): never {
  throw new SamplerConfigError({
    operation,
    option,
    expected,
    found: String(found),
    ...(hint ? { hint } : {}),
  });
}

const isPosInt = (x: number) => Number.isInteger(x) && x > 0;

/**
 * Validates options and fills the defaults; throws {@link SamplerConfigError} naming the option.
 *
 * @example
 * ```ts
 * resolveOptions('generate', { topP: 0.9 }).maxNewTokens; // 32
 * ```
 */
export function resolveOptions(operation: string, o: GenerateOptions): ResolvedOptions {
  const processors = resolveProcessorConfig(operation, o);
  const maxNewTokens = o.maxNewTokens ?? 32;
  if (!isPosInt(maxNewTokens)) bad(operation, 'maxNewTokens', 'an integer ≥ 1', maxNewTokens);
  const numReturnSequences = o.numReturnSequences ?? 1;
  if (!isPosInt(numReturnSequences))
    bad(operation, 'numReturnSequences', 'an integer ≥ 1', numReturnSequences);
  const numBeams = o.numBeams ?? 1;
  if (!isPosInt(numBeams)) bad(operation, 'numBeams', 'an integer ≥ 1', numBeams);
  const lengthPenalty = o.lengthPenalty ?? 1;
  if (!Number.isFinite(lengthPenalty)) bad(operation, 'lengthPenalty', 'a finite number', lengthPenalty);
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
  if (o.generator) {
    stream = o.generator;
  } else {
    const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (!(Number.isSafeInteger(seed) && seed >= 0)) bad(operation, 'seed', 'an integer in [0, 2^53)', seed);
    stream = { seed, offset: 0 };
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
    logprobs: o.logprobs ?? topLogprobs > 0,
    topLogprobs,
    signal: o.signal,
    truncate,
    useCache: o.useCache ?? true,
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
      JSON.stringify(promptIds),
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
      bad(operation, where, 'a non-empty array of token ids', JSON.stringify(p), 'start from a BOS id');
    }
    for (const id of p) {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        bad(operation, where, `token ids in [0, ${vocabSize})`, id);
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
