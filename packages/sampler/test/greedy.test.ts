/** Greedy decoding against Hugging Face generate(do_sample=False) on the reference checkpoints. */
import { describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { type FixtureName, greedyFixture, loadModel } from './helpers/models.js';

for (const name of ['gpt2-tiny', 'llama-tiny'] as FixtureName[]) {
  describe(name, () => {
    it('greedy output equals HF generate, with and without the KV cache, and with one beam', async () => {
      const model = await loadModel(name);
      const { prompt, output } = await greedyFixture(name);
      const n = output.length - prompt.length;
      for (const useCache of [true, false]) {
        const r = await generate(model, prompt, { temperature: 0, maxNewTokens: n, useCache });
        expect(r.sequences).toEqual([output]);
        expect(r.finishReason).toEqual(['length']);
        expect(r.promptLengths).toEqual([prompt.length]);
      }
      const beam = await generate(model, prompt, { numBeams: 1, temperature: 0, maxNewTokens: n });
      expect(beam.sequences).toEqual([output]);
    });
  });
}
