/** The README's examples, run as written (paths relative to the package folder). */
import { createCpuBackend, RandomGenerator } from '@llmforge/tensor-gpu';
import { fromPretrained } from '@llmforge/transformer';
import { expect, it } from 'vitest';
import { generate, processLogits, softmax, stream } from '../src/index.js';
import { fixtureDir } from './helpers/models.js';

it('runs the README examples', async () => {
  const model = await fromPretrained(fixtureDir('gpt2-tiny'), { backend: createCpuBackend() });
  const { sequences } = await generate(model, [10, 20, 30], { temperature: 0, maxNewTokens: 10 });
  expect(sequences[0]).toHaveLength(13);
  expect(sequences[0]!.slice(0, 3)).toEqual([10, 20, 30]);

  const prompt = [10, 20, 30];
  const eosId = 2;
  const r = await generate(model, prompt, { stop: [eosId, [13, 13]], maxNewTokens: 20, seed: 5 });
  expect(['stop', 'length']).toContain(r.finishReason[0]);
  const beams = await generate(model, prompt, { numBeams: 4, maxNewTokens: 5, numReturnSequences: 2 });
  expect(beams.scores![0]).toBeGreaterThanOrEqual(beams.scores![1]!);
  const lp = await generate(model, prompt, { logprobs: true, topLogprobs: 5, seed: 3, maxNewTokens: 3 });
  expect(lp.logprobs![0]![0]!.top).toHaveLength(5);
  const batch = await generate(
    model,
    [
      [1, 2, 3],
      [4, 5],
    ],
    { numReturnSequences: 2, seed: 7, maxNewTokens: 4 },
  );
  expect(batch.sequences).toHaveLength(4);

  const controller = new AbortController();
  let n = 0;
  for await (const { token } of stream(model, prompt, {
    signal: controller.signal,
    seed: 1,
    maxNewTokens: 50,
  })) {
    n++;
    if (token === eosId || n === 4) controller.abort();
  }
  expect(n).toBeLessThanOrEqual(4);

  const g = new RandomGenerator(1234);
  const first = await generate(model, prompt, { generator: g, maxNewTokens: 5 });
  const saved = g.getState();
  const again = await generate(model, prompt, {
    generator: RandomGenerator.fromState({ seed: 1234, offset: 0 }),
    maxNewTokens: 5,
  });
  expect(again.sequences).toEqual(first.sequences);
  expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);

  const scores = processLogits([4, -3, 1, 0.5], [0], { repetitionPenalty: 1.3, temperature: 0.7, topK: 2 });
  expect(scores[0]).toBeCloseTo(4 / 1.3 / 0.7, 5);
  expect(scores[1]).toBe(Number.NEGATIVE_INFINITY);
  expect(scores[2]).toBeCloseTo(1 / 0.7, 5);
  expect(scores[3]).toBe(Number.NEGATIVE_INFINITY);
  expect(softmax(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
});
