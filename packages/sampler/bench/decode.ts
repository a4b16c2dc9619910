/**
 * Decoding benchmarks on the CPU backend with a tiny GPT (tiny-gpt preset, context 640):
 *
 * - per-token latency at 64/256/512 tokens of context, with the KV cache (each step runs only the
 *   new token) and without it (each step recomputes the whole sequence); the ratio is the speed-up;
 * - tokens/s of n samples from one prefill (`numReturnSequences`, one batched decode) against the
 *   same n samples generated one call at a time.
 *
 * Latency per token is the median gap between consecutive streamed tokens, so the prefill does not
 * count; throughput is the median of `repeats` runs.
 */
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { createModel, type Model, presets } from '@llmforge/transformer';
import { type GenerateOptions, generate, stream } from '../src/index.js';

export function tinyModel(): Model {
  return createModel(
    { ...presets['tiny-gpt'], contextLength: 640 },
    { seed: 0, backend: createCpuBackend() },
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function promptOf(length: number, vocab: number): number[] {
  return Array.from({ length }, (_, i) => (i * 7919) % vocab);
}

/**
 * Milliseconds per generated token after the prefill: `stream` timestamps every token; the gaps
 * between consecutive tokens (the first token, which pays the prefill, excluded) are one decoding
 * step each; the median gap over `repeats` runs.
 */
export async function perTokenMs(
  model: Model,
  context: number,
  useCache: boolean,
  tokens: number,
  repeats: number,
) {
  const prompt = promptOf(context, model.config.vocabSize);
  const gaps: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let last: number | undefined;
    for await (const _ of stream(model, prompt, { temperature: 0, useCache, maxNewTokens: tokens })) {
      const now = performance.now();
      if (last !== undefined) gaps.push(now - last);
      last = now;
    }
  }
  return median(gaps);
}

/** Tokens/s of `n` samples from one prefill vs `n` separate calls. */
export async function samplesThroughput(
  model: Model,
  context: number,
  n: number,
  tokens: number,
  repeats: number,
) {
  const prompt = promptOf(context, model.config.vocabSize);
  const o: GenerateOptions = { temperature: 1, topK: 50, seed: 1, maxNewTokens: tokens };
  const shared = await timeIt(() => generate(model, prompt, { ...o, numReturnSequences: n }), repeats);
  const separate = await timeIt(async () => {
    for (let i = 0; i < n; i++) await generate(model, prompt, { ...o, seed: i });
  }, repeats);
  return { shared: (n * tokens) / (shared / 1000), separate: (n * tokens) / (separate / 1000) };
}
