/**
 * Hostile options raise SamplerConfigError naming the option, with a hint, before any forward pass:
 * a generator or signal that is not one, a seed with a generator, booleans and numbers as strings,
 * unknown (misspelt) options, a model that is not one, and beam counts far beyond any use
 * (numBeams: 1e5 used to run for minutes in gigabytes; the bound is MAX_NUM_BEAMS and the vocabulary).
 */
import { RandomGenerator } from '@llmforge/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GenerateOptions, generate, MAX_NUM_BEAMS, SamplerConfigError } from '../src/index.js';
import { loadModel } from './helpers/models.js';

type Model = Awaited<ReturnType<typeof loadModel>>;

async function rejected(p: Promise<unknown>): Promise<SamplerConfigError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(SamplerConfigError.isInstance(e), String(e)).toBe(true);
  const c = e as SamplerConfigError;
  expect(c.hint, c.message).toBeTruthy();
  return c;
}

describe('hostile generate options', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel('gpt2-tiny');
  });

  const cases: [string, unknown, string, RegExp?][] = [
    ['generator {}', { generator: {} }, 'generator', /RandomGenerator/],
    ['generator 5', { generator: 5 }, 'generator'],
    ['generator seed -1', { generator: { seed: -1, offset: 0 } }, 'generator'],
    ['generator offset NaN', { generator: { seed: 1, offset: Number.NaN } }, 'generator'],
    ['a frozen generator', { generator: Object.freeze({ seed: 1, offset: 0 }) }, 'generator'],
    ['seed and generator', { seed: 1, generator: new RandomGenerator(2) }, 'seed', /drop one/],
    ['seed "7"', { seed: '7' }, 'seed', /pass the number 7/],
    ['signal {}', { signal: {} }, 'signal', /AbortController/],
    ['signal "x"', { signal: 'x' }, 'signal'],
    ['logprobs "yes"', { logprobs: 'yes' }, 'logprobs'],
    ['useCache "no"', { useCache: 'no' }, 'useCache'],
    ['logprobs false with topLogprobs', { logprobs: false, topLogprobs: 2 }, 'logprobs'],
    ['temperature "1"', { temperature: '1' }, 'temperature', /pass the number 1/],
    ['topP "0.5"', { topP: '0.5' }, 'topP', /pass the number 0\.5/],
    ['minP "0.1"', { minP: '0.1' }, 'minP'],
    ['lengthPenalty "1"', { numBeams: 2, lengthPenalty: '1' }, 'lengthPenalty'],
    ['maxNewTokens "5"', { maxNewTokens: '5' }, 'maxNewTokens', /pass the number 5/],
    ['top_p (misspelt)', { top_p: 0.9 }, 'top_p', /did you mean topP\?/],
    ['max_new_tokens', { max_new_tokens: 5 }, 'max_new_tokens', /did you mean maxNewTokens\?/],
    ['temprature', { temprature: 0.5 }, 'temprature', /did you mean temperature\?/],
    ['stop [{}]', { stop: [{}] }, 'stop'],
    ['stop "eos"', { stop: 'eos' }, 'stop'],
    [`numBeams 1e5`, { numBeams: 1e5 }, 'numBeams', /row of the KV cache/],
    [`numBeams ${MAX_NUM_BEAMS + 1}`, { numBeams: MAX_NUM_BEAMS + 1 }, 'numBeams'],
    ['numBeams above the vocabulary', { numBeams: 99 }, 'numBeams', /vocabulary/],
  ];
  for (const [name, options, option, hint] of cases) {
    it(`${name} → SamplerConfigError(${option})`, async () => {
      const e = await rejected(generate(model, [1, 2], options as GenerateOptions));
      expect(e.option).toBe(option);
      if (hint) expect(e.hint).toMatch(hint);
    });
  }

  it(`numBeams above MAX_NUM_BEAMS (${MAX_NUM_BEAMS}) fails before any forward pass`, async () => {
    const e = await rejected(generate(model, [1, 2], { numBeams: 1e5 }));
    expect(e.message).toBe(
      `generate: option numBeams: expected at most ${MAX_NUM_BEAMS} beams (MAX_NUM_BEAMS), found 100000; hint: each beam is a row of the KV cache; published setups use 4 to 16`,
    );
  });

  it('options and model that are not one', async () => {
    for (const o of [null, 3, 'fast', [1]]) {
      expect((await rejected(generate(model, [1], o as GenerateOptions))).option).toBe('options');
    }
    for (const m of [undefined, null, {}, 'gpt2']) {
      expect((await rejected(generate(m as Model, [1]))).option).toBe('model');
    }
  });

  it('the limits themselves work: MAX_NUM_BEAMS is accepted up to the vocabulary, an AbortSignal works', async () => {
    const beams = await generate(model, [1, 2], { numBeams: 98, maxNewTokens: 1 });
    expect(beams.sequences).toHaveLength(1);
    const aborted = await generate(model, [1, 2], { signal: AbortSignal.abort(), maxNewTokens: 3 });
    expect(aborted.finishReason).toEqual(['abort']);
    const g = new RandomGenerator(3);
    await generate(model, [1, 2], { generator: g, maxNewTokens: 2 });
    expect(g.offset).toBe(2); // one counter per step for one row
  });
});
