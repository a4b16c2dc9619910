import { createCpuBackend, memory, tensor } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { type ModelConfigInput, presets } from '../src/config.js';
import { logProbsFromLogits } from '../src/log-probs.js';
import { createModel } from '../src/model.js';
import { ScalarHead } from '../src/scalar-head.js';

const ids = [
  [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 3, 2, 3, 8, 4],
  [27, 1, 8, 28, 18, 2, 8, 4, 5, 9, 0, 4, 5, 2, 3, 5],
];
const labels = ids.map((r, b) => r.map((x, t) => (b === 0 && t < 4 ? -100 : x)));

function grads(config: ModelConfigInput, checkpoint: boolean, x = ids, y = labels) {
  const backend = createCpuBackend();
  const model = createModel(config, { backend, seed: 4 });
  const loss = model.forwardBackward(x, { labels: y, checkpoint }).itemSync();
  const g = new Map(model.namedParameters().map(([n, p]) => [n, Array.from(p.grad!.dataSync())]));
  const live = memory(backend);
  return { loss, g, peak: live.peakLiveBytes, offset: model.dropoutStream.offset };
}

describe('activation checkpointing', () => {
  const cases: [string, ModelConfigInput][] = [
    ['GPT-2 family with dropout', { ...presets['tiny-gpt'], vocabSize: 40, nLayer: 3, dropout: 0.1 }],
    ['Llama family (rope, GQA)', { ...presets['tiny-llama'], vocabSize: 40, nLayer: 3 }],
  ];
  for (const [label, config] of cases) {
    it(`gives bit-identical loss and gradients (${label})`, () => {
      const plain = grads(config, false);
      const ckpt = grads(config, true);
      expect(ckpt.loss).toBe(plain.loss);
      expect(ckpt.offset).toBe(plain.offset); // the dropout stream ends where it would have
      expect([...ckpt.g.keys()]).toEqual([...plain.g.keys()]);
      for (const [n, g] of plain.g) expect(ckpt.g.get(n), n).toEqual(g);
    });
  }

  it('matches forward().loss.backward() and lowers peak memory on a deeper model', () => {
    // activations (B·T = 256 rows per block) dominate the 8 blocks' parameters here
    const config: ModelConfigInput = {
      ...presets['tiny-gpt'],
      vocabSize: 40,
      nLayer: 8,
      nEmbd: 32,
      nHead: 4,
    };
    const long = Array.from({ length: 4 }, (_, b) =>
      Array.from({ length: 64 }, (_, t) => (b * 13 + t * 7) % 40),
    );
    const backend = createCpuBackend();
    const model = createModel(config, { backend, seed: 4 });
    model.forward(long, { labels: long }).loss!.backward();
    const reference = new Map(model.namedParameters().map(([n, p]) => [n, Array.from(p.grad!.dataSync())]));
    const plain = grads(config, false, long, long);
    const ckpt = grads(config, true, long, long);
    for (const [n, g] of reference) expect(ckpt.g.get(n), n).toEqual(g);
    console.log(`peak live bytes: plain ${plain.peak}, checkpointed ${ckpt.peak}`);
    expect(ckpt.peak).toBeLessThan(0.5 * plain.peak);
  });

  it('works with any loss of the outputs (policy log-probs + value head, as in PPO)', () => {
    const config: ModelConfigInput = { ...presets['tiny-llama'], vocabSize: 40, nLayer: 2, dropout: 0.1 };
    const run = (checkpoint: boolean) => {
      const backend = createCpuBackend();
      const model = createModel(config, { backend, seed: 4 });
      const head = new ScalarHead(model.config.nEmbd, { backend, seed: 1 });
      const idsT = tensor(Int32Array.from(ids.flat()), [2, 16], 'i32', backend);
      const loss = model.forwardBackward(idsT, {
        checkpoint,
        returnHidden: true,
        loss: ({ logits, hidden }) =>
          logProbsFromLogits(logits!, idsT).mean().neg().add(head.forward(hidden!).square().mean()),
      });
      const g = [...model.namedParameters(), ...head.namedParameters()].map(([n, p]) => [
        n,
        Array.from(p.grad!.dataSync()),
      ]);
      return { loss: loss.itemSync(), g };
    };
    const plain = run(false);
    const ckpt = run(true);
    expect(ckpt.loss).toBe(plain.loss);
    expect(ckpt.g).toEqual(plain.g);
    const model = createModel(config, { backend: createCpuBackend() });
    expect(() => model.forwardBackward(ids, {})).toThrow(/exactly one of labels/);
    expect(() => model.forwardBackward(ids, { loss: ({ logits }) => logits! })).toThrow(/scalar/);
  });
});
