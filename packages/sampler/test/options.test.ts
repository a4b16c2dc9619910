/** Bad options and prompts raise SamplerConfigError naming the option; truncate: 'left' keeps the tail. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type GenerateOptions, generate, SamplerConfigError, stream } from '../src/index.js';
import { loadModel } from './helpers/models.js';

type Model = Awaited<ReturnType<typeof loadModel>>;

async function optionOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(SamplerConfigError.isInstance(e)).toBe(true);
    expect((e as Error).message).toContain((e as SamplerConfigError).option);
    return (e as SamplerConfigError).option;
  }
  return expect.fail('expected a SamplerConfigError');
}

describe('generate input checks', () => {
  let model: Model;
  beforeAll(async () => {
    model = await loadModel('gpt2-tiny');
  });

  const bad: [string, GenerateOptions][] = [
    ['topP', { topP: 0 }],
    ['topP', { topP: 1.01 }],
    ['temperature', { temperature: -1 }],
    ['topK', { topK: -2 }],
    ['minP', { minP: -0.1 }],
    ['maxNewTokens', { maxNewTokens: 0 }],
    ['numReturnSequences', { numReturnSequences: 0 }],
    ['numBeams', { numBeams: 1.5 }],
    ['topK', { numBeams: 2, topK: 5 }],
    ['numReturnSequences', { numBeams: 2, numReturnSequences: 3 }],
    ['stop', { stop: [[]] }],
    ['seed', { seed: -1 }],
    ['truncate', { truncate: 'right' as 'left' }],
    ['topLogprobs', { topLogprobs: 1000 }],
    ['deviceSampling', { deviceSampling: true, repetitionPenalty: 1.2 }],
  ];
  for (const [option, o] of bad) {
    it(`${JSON.stringify(o)} → SamplerConfigError(${option})`, async () => {
      expect(await optionOf(generate(model, [1, 2], o))).toBe(option);
    });
  }

  it('an empty prompt, an empty batch row, an id outside the vocabulary', async () => {
    expect(await optionOf(generate(model, []))).toBe('promptIds');
    expect(await optionOf(generate(model, [[1], []]))).toBe('promptIds[1]');
    expect(await optionOf(generate(model, [1, model.config.vocabSize]))).toBe('promptIds');
  });

  it("a prompt longer than the context raises, unless truncate: 'left'", async () => {
    const ctx = model.config.contextLength;
    const long = Array.from({ length: ctx + 5 }, (_, i) => i % 90);
    expect(await optionOf(generate(model, long, { maxNewTokens: 3 }))).toBe('promptIds');
    const r = await generate(model, long, { maxNewTokens: 3, truncate: 'left', temperature: 0 });
    expect(r.promptLengths).toEqual([ctx - 3]);
    expect(r.sequences[0]!.slice(0, ctx - 3)).toEqual(long.slice(long.length - (ctx - 3)));
    expect(r.sequences[0]).toHaveLength(ctx);
    const alone = await generate(model, long.slice(long.length - (ctx - 3)), {
      maxNewTokens: 3,
      temperature: 0,
    });
    expect(r.sequences).toEqual(alone.sequences);
  });

  it('stream refuses beam search', async () => {
    expect(await optionOf(stream(model, [1], { numBeams: 2 }).next())).toBe('numBeams');
  });
});
