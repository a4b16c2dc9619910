/**
 * Sampling-style decoding (greedy, temperature, top-k, top-p, min-p, penalties), token by token:
 *
 *   prompt ─► prefill (one forward pass, KV cache filled) ─► logits of the last position
 *     ┌─► processors (repetition / frequency / presence penalties, temperature, top-k, top-p, min-p)
 *     │   ─► the choice (inverse CDF with one Philox uniform per row; argmax when temperature is 0)
 *     │   ─► append, check stop ids / sequences, maxNewTokens, the context, the AbortSignal
 *     └── forward pass of only the new tokens (the KV cache holds the rest)
 *
 * Several samples of one prompt share its prefill: the cache of the single prompt row is replicated
 * with `cache.select([0, 0, …])`. Rows that finish are dropped from the batch the same way. On a
 * WebGPU backend the choice runs on the device (tensor-gpu's `sampleTokens`) when nothing needs the
 * full distribution on the host (no penalty, no logprobs): only the ids are read back.
 */
import {
  drawRowUniforms,
  expand,
  logSoftmaxRow,
  NON_FINITE_ROW,
  nonFiniteScores,
  pickToken,
  sampleTokens,
} from '@llmforge/tensor-gpu';
import { createKVCache, type KVCache, type Model } from '@llmforge/transformer';
import { beamSearch } from './beam-search.js';
import { NonFiniteLogitsError, SamplerConfigError } from './errors.js';
import { lastLogits, onWebGPU, readRows } from './model-step.js';
import { type GenerateOptions, preparePrompts, type ResolvedOptions, resolveOptions } from './options.js';
import { processScores } from './processors/process-logits.js';
import { endsWithStop } from './stop.js';

/** Why a sequence ended. */
export type FinishReason = 'stop' | 'length' | 'abort';

/** A token and its log-probability. */
export interface TokenLogprob {
  token: number;
  logprob: number;
}

/** The log-probability of a chosen token, with the most likely alternatives when asked for. */
export interface ChosenLogprob extends TokenLogprob {
  /** The `topLogprobs` most likely tokens at this step, most likely first. */
  top?: TokenLogprob[];
}

/** What {@link generate} returns. */
export interface GenerateResult {
  /** Prompt + generated ids per sequence (prompt-major: prompt 0's samples first). */
  sequences: number[][];
  /** Where the generated part starts in each sequence (the prompt length after truncation). */
  promptLengths: number[];
  /** Per sequence, per generated token (with `logprobs`): log-probs under the raw model distribution. */
  logprobs?: ChosenLogprob[][];
  /** Beam search only: each sequence's score (sum of log-probs / length ** lengthPenalty). */
  scores?: number[];
  /** Per sequence. */
  finishReason: FinishReason[];
}

/** One generated token, as {@link stream} yields it. */
export interface TokenEvent {
  /** Which sequence (index into the final `sequences`). */
  sequence: number;
  /** The new id. */
  token: number;
  /** Its position among the sequence's generated tokens (0 = first). */
  index: number;
  /** With `logprobs`. */
  logprob?: ChosenLogprob;
  /** Set on the sequence's last token. */
  finishReason?: FinishReason;
}

interface Row {
  seq: number[];
  promptLength: number;
  logprobs: ChosenLogprob[];
  finish: FinishReason | undefined;
}

function chosenLogprob(raw: Float64Array, token: number, top: number): ChosenLogprob {
  const lp = logSoftmaxRow(raw);
  const out: ChosenLogprob = { token, logprob: lp[token]! };
  if (top > 0) {
    const order = Array.from(lp.keys())
      .sort((a, b) => lp[b]! - lp[a]! || a - b)
      .slice(0, top);
    out.top = order.map((t) => ({ token: t, logprob: lp[t]! }));
  }
  return out;
}

const hasPenalty = (o: ResolvedOptions) =>
  o.processors.repetitionPenalty !== 1 ||
  o.processors.frequencyPenalty !== 0 ||
  o.processors.presencePenalty !== 0;

/** Decodes one prompt's `numReturnSequences` rows, yielding tokens as they come. */
async function* sampleGroup(
  operation: string,
  model: Model,
  prompt: number[],
  o: ResolvedOptions,
  first: number,
): AsyncGenerator<TokenEvent, Row[]> {
  const n = o.numReturnSequences;
  const rows: Row[] = Array.from({ length: n }, () => ({
    seq: [...prompt],
    promptLength: prompt.length,
    logprobs: [],
    finish: undefined,
  }));
  // sample with tensor-gpu's sampleTokens kernel (only the chosen ids are read back)?
  const sampleOnDevice =
    o.deviceSampling === true ||
    (o.deviceSampling === 'auto' && onWebGPU(model) && !hasPenalty(o) && !o.logprobs);
  const ctx = model.config.contextLength;
  let cache: KVCache | undefined = o.useCache ? createKVCache(model, 1) : undefined;
  // `active[i]` = the row that batch row i of the current step belongs to
  let active = [0];
  let input: number[][] = [prompt];
  try {
    for (let step = 0; step < o.maxNewTokens; step++) {
      if (o.signal?.aborted) {
        for (const r of rows) r.finish ??= 'abort';
        break;
      }
      const logits = lastLogits(model, input, cache);
      if (step === 0 && n > 1) {
        // one prefill for every sample: replicate the prompt row's cache and logits
        if (cache) {
          const all = cache.select(new Array(n).fill(0));
          cache.dispose();
          cache = all;
        }
        active = rows.map((_, i) => i);
      }
      let chosen: number[];
      let raws: Float64Array[] | undefined;
      if (sampleOnDevice) {
        const rowsT = step === 0 && n > 1 ? expand(logits, [n, model.config.vocabSize]) : logits;
        const ids = sampleTokens(rowsT, o.stream, o.processors);
        chosen = Array.from(await ids.data());
        ids.dispose();
        if (rowsT !== logits) rowsT.dispose();
        logits.dispose();
        // the kernel marks a row it cannot sample: no extra read-back to learn of NaN logits
        const broken = chosen.indexOf(NON_FINITE_ROW);
        if (broken >= 0) {
          const what = 'NaN or +Infinity among them, or none above -Infinity; flagged by sampleTokens';
          throw new NonFiniteLogitsError(operation, step, first + active[broken]!, what);
        }
      } else {
        const read = await readRows(logits);
        raws = active.map((_, i) => read[step === 0 ? 0 : i]!);
        raws.forEach((raw, i) => {
          const what = nonFiniteScores(raw);
          if (what !== null) throw new NonFiniteLogitsError(operation, step, first + active[i]!, what);
        });
        const u = drawRowUniforms(o.stream, active.length);
        chosen = active.map((r, i) => {
          const row = rows[r]!;
          const scores = processScores(Float64Array.from(raws![i]!), row.seq, {
            ...o.processors,
            generatedFrom: row.promptLength,
          });
          return pickToken(scores, u[i]!);
        });
      }
      const still: number[] = [];
      for (let i = 0; i < active.length; i++) {
        const r = active[i]!;
        const row = rows[r]!;
        const token = chosen[i]!;
        row.seq.push(token);
        const event: TokenEvent = { sequence: first + r, token, index: step };
        if (o.logprobs && raws) {
          const lp = chosenLogprob(raws[i]!, token, o.topLogprobs);
          row.logprobs.push(lp);
          event.logprob = lp;
        }
        if (endsWithStop(row.seq, o.stop, row.promptLength)) row.finish = 'stop';
        else if (step + 1 === o.maxNewTokens || row.seq.length >= ctx) row.finish = 'length';
        if (row.finish) event.finishReason = row.finish;
        else still.push(i);
        yield event;
      }
      if (still.length === 0) break;
      if (still.length < active.length && cache) {
        const kept = cache.select(still);
        cache.dispose();
        cache = kept;
      }
      active = still.map((i) => active[i]!);
      input = active.map((r) => (cache ? [rows[r]!.seq.at(-1)!] : rows[r]!.seq));
    }
  } finally {
    cache?.dispose();
  }
  for (const r of rows) r.finish ??= 'abort';
  return rows;
}

function checkSampling(operation: string, o: ResolvedOptions, model: Model): void {
  if (o.deviceSampling === true && (hasPenalty(o) || o.logprobs)) {
    throw new SamplerConfigError({
      operation,
      option: 'deviceSampling',
      expected: 'no penalty and no logprobs when sampling on the device',
      found: 'true',
      hint: "use deviceSampling: 'auto' to fall back to host sampling",
    });
  }
  const V = model.config.vocabSize;
  for (const [option, value, hint] of [
    ['topLogprobs', o.topLogprobs, 'topLogprobs lists that many of the vocabulary at each step'],
    [
      'numBeams',
      o.numBeams,
      'the first step has only vocabulary-size distinct continuations to fill the beams',
    ],
  ] as const) {
    if (value > V) {
      throw new SamplerConfigError({
        operation,
        option,
        expected: `at most the vocabulary size ${V}`,
        found: String(value),
        hint,
      });
    }
  }
}

async function* run(
  operation: string,
  model: Model,
  promptIds: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions,
): AsyncGenerator<TokenEvent, GenerateResult> {
  const m = model as Partial<Model> | null;
  if (typeof m?.forward !== 'function' || typeof m.config?.vocabSize !== 'number') {
    throw new SamplerConfigError({
      operation,
      option: 'model',
      expected: 'a @llmforge/transformer Model',
      found: m === null ? 'null' : typeof m,
      hint: `${operation}(model, promptIds, options): the model comes first`,
    });
  }
  const o = resolveOptions(operation, options);
  checkSampling(operation, o, model);
  const prompts = preparePrompts(operation, model, promptIds, o);
  const result: GenerateResult = { sequences: [], promptLengths: [], finishReason: [] };
  if (o.logprobs) result.logprobs = [];
  if (o.numBeams > 1) {
    if (operation === 'stream') {
      throw new SamplerConfigError({
        operation,
        option: 'numBeams',
        expected: '1 (beams are only final when the search ends)',
        found: String(o.numBeams),
        hint: 'use generate() for beam search',
      });
    }
    result.scores = [];
    for (const p of prompts) {
      const hyps = await beamSearch(model, p, o, { operation, sequence: result.sequences.length });
      for (const h of hyps) {
        result.sequences.push(h.seq);
        result.promptLengths.push(p.length);
        result.scores.push(h.score);
        result.finishReason.push(h.finish);
        result.logprobs?.push(h.logprobs);
      }
    }
    return result;
  }
  for (const p of prompts) {
    const rows = yield* sampleGroup(operation, model, p, o, result.sequences.length);
    for (const r of rows) {
      result.sequences.push(r.seq);
      result.promptLengths.push(r.promptLength);
      result.finishReason.push(r.finish!);
      result.logprobs?.push(r.logprobs);
    }
  }
  return result;
}

/**
 * Generates continuations of one prompt (`number[]`) or a batch of prompts (`number[][]`).
 * Sequences include their prompt, as Hugging Face's `generate` returns them; a batch gives
 * `numReturnSequences` sequences per prompt, prompt-major.
 *
 * @example
 * ```ts
 * const model = await fromPretrained('./gpt2-tiny'); // from '@llmforge/transformer/node'
 * const greedy = await generate(model, [1, 2, 3], { temperature: 0, maxNewTokens: 10 });
 * const sampled = await generate(model, [1, 2, 3], { temperature: 0.8, topP: 0.95, seed: 42, numReturnSequences: 4 });
 * const beams = await generate(model, [1, 2, 3], { numBeams: 4, lengthPenalty: 1, maxNewTokens: 10 });
 * greedy.sequences[0]; // [1, 2, 3, …10 new ids]
 * ```
 */
export async function generate(
  model: Model,
  promptIds: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const it = run('generate', model, promptIds, options);
  for (;;) {
    const next = await it.next();
    if (next.done) return next.value;
  }
}

/**
 * Generates like {@link generate} but yields each token as soon as it is chosen (the iterator's
 * return value is the full {@link GenerateResult}). Beam search cannot stream.
 *
 * @example
 * ```ts
 * for await (const { sequence, token } of stream(model, [1, 2, 3], { temperature: 0.7, seed: 1 })) {
 *   process.stdout.write(`${sequence}:${token} `);
 * }
 * ```
 */
export function stream(
  model: Model,
  promptIds: readonly number[] | readonly (readonly number[])[],
  options: GenerateOptions = {},
): AsyncGenerator<TokenEvent, GenerateResult> {
  return run('stream', model, promptIds, options);
}
