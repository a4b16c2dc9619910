/** Long runs must not leak: live tensors and bytes return to the same level after every step. */
import { createCpuBackend, memory, noGrad, tidy } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { presets } from '../src/config.js';
import { createKVCache } from '../src/kv-cache.js';
import { tokenLogProbs } from '../src/log-probs.js';
import { createModel } from '../src/model.js';
import { ScalarHead } from '../src/scalar-head.js';

const ids = [
  [1, 2, 3, 4, 5, 6, 7, 8],
  [9, 8, 7, 6, 5, 4, 3, 2],
];

describe('memory', () => {
  for (const [label, config] of [
    ['GPT-2 family with dropout', { ...presets['tiny-gpt'], vocabSize: 20, nLayer: 2, dropout: 0.1 }],
    ['Llama family', { ...presets['tiny-llama'], vocabSize: 20, nLayer: 2 }],
    ['sinusoidal', { ...presets['tiny-gpt'], vocabSize: 20, nLayer: 2, positions: 'sinusoidal' as const }],
  ] as const) {
    it(`training steps, checkpointed steps, log-probs and decoding leave nothing behind (${label})`, () => {
      const backend = createCpuBackend();
      const model = createModel(config, { backend, seed: 1 });
      const head = new ScalarHead(model.config.nEmbd, { backend });
      const step = (i: number) => {
        if (i % 2 === 0) {
          const { logits, loss } = model.forward(ids, { labels: ids });
          loss!.backward();
          logits!.dispose();
          loss!.dispose();
        } else {
          model.forwardBackward(ids, { labels: ids, checkpoint: true }).dispose();
        }
        const lp = tokenLogProbs(model, ids);
        const { hidden } = model.forward(ids, { returnHidden: true });
        const v = head.forward(hidden!);
        tidy(() => lp.sum().add(v.sum()).backward()); // the sums are temporaries of the caller
        for (const t of [lp, hidden!, v]) t.dispose();
        model.zeroGrad();
        head.zeroGrad();
        noGrad(() => {
          const cache = createKVCache(model, 2);
          model.forward(ids, { kvCache: cache }).logits!.dispose();
          const more = cache.select([1, 0, 1]);
          model.forward([[1], [2], [3]], { kvCache: more }).logits!.dispose();
          cache.dispose();
          more.dispose();
        });
      };
      step(0);
      step(1);
      const after2 = memory(backend);
      for (let i = 2; i < 8; i++) step(i);
      const after8 = memory(backend);
      expect(after8.liveTensors).toBe(after2.liveTensors);
      expect(after8.liveBytes).toBe(after2.liveBytes);
      // only the parameters (and the sinusoidal table) stay alive
      const table = model.config.positions === 'sinusoidal' ? 1 : 0;
      expect(after8.liveTensors).toBe(model.parameters().length + head.parameters().length + table);
      model.dispose();
      head.dispose();
    });
  }
});
