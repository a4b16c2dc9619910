/** Decoding leaves no tensor behind: every logits tensor and KV cache (copies included) is freed. */
import { memory } from '@llmforge/tensor-gpu';
import { expect, it } from 'vitest';
import { generate, stream } from '../src/index.js';
import { greedyFixture, loadModel } from './helpers/models.js';

it('generate, stream, beam search and aborted runs free every tensor they create', async () => {
  const model = await loadModel('llama-tiny');
  const { prompt, output } = await greedyFixture('llama-tiny');
  const before = memory(model.backend);
  await generate(model, prompt, {
    seed: 1,
    maxNewTokens: 6,
    numReturnSequences: 3,
    stop: [output[prompt.length + 1]!],
  });
  await generate(model, [prompt, [1, 2]], { seed: 2, maxNewTokens: 4, logprobs: true, topLogprobs: 2 });
  await generate(model, prompt, { numBeams: 3, maxNewTokens: 4 });
  await generate(model, prompt, { deviceSampling: true, seed: 3, maxNewTokens: 4, numReturnSequences: 2 });
  const controller = new AbortController();
  for await (const _ of stream(model, prompt, { seed: 4, maxNewTokens: 10, signal: controller.signal })) {
    controller.abort();
  }
  // a stream left unfinished: closing the iterator runs the cleanup
  const it = stream(model, prompt, { seed: 5, maxNewTokens: 10 });
  await it.next();
  await it.return(undefined as never);
  const after = memory(model.backend);
  expect(after.liveTensors).toBe(before.liveTensors);
  expect(after.liveBytes).toBe(before.liveBytes);
});
