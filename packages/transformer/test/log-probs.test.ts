import { createCpuBackend, tensor } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { ModelInputError } from '../src/errors.js';
import { logProbsFromLogits, tokenLogProbs } from '../src/log-probs.js';
import { ScalarHead } from '../src/scalar-head.js';
import { expectClose, fixtureModel, loadFixture, rows } from './helpers/fixtures.js';

/** log softmax of the reference logits, by hand in float64. */
function referenceLogProbs(logits: Float32Array, ids: number[][], V: number): number[][] {
  return ids.map((row, b) =>
    row.slice(1).map((next, t) => {
      const base = (b * row.length + t) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[base + v]!);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(logits[base + v]! - max);
      return logits[base + next]! - max - Math.log(sum);
    }),
  );
}

describe('tokenLogProbs', () => {
  for (const name of ['gpt2-tiny', 'llama-tiny'] as const) {
    it(`equals log-softmax of the PyTorch logits at the next token (${name})`, () => {
      const f = loadFixture(name);
      const model = fixtureModel(f, createCpuBackend());
      const ids = rows(f, 'input_ids');
      const lp = tokenLogProbs(model, ids);
      expect(lp.shape).toEqual([2, 23]);
      const ref = referenceLogProbs(f.expected.get('logits')!.data as Float32Array, ids, f.config.vocabSize);
      expectClose(lp.dataSync(), ref.flat(), 1e-4, 1e-5, 'log-probs');
      // the mean negative log-prob over scored positions is the HF loss (labels = ids)
      const mean = -ref.flat().reduce((a, b) => a + b, 0) / ref.flat().length;
      expectClose([-lp.mean().itemSync()], [mean], 1e-5, 1e-6, 'mean');
      const { loss } = model.forward(ids, { labels: ids });
      expectClose([loss!.itemSync()], [mean], 1e-5, 1e-6, 'loss');
    });
  }

  it('is differentiable and takes a temperature', () => {
    const f = loadFixture('gpt2-tiny');
    const model = fixtureModel(f, createCpuBackend());
    const ids = rows(f, 'input_ids').map((r) => r.slice(0, 8));
    const hot = tokenLogProbs(model, ids, { temperature: 2 });
    const scaledRef = referenceLogProbs(
      model.forward(ids).logits!.div(2).dataSync() as Float32Array,
      ids,
      f.config.vocabSize,
    );
    expectClose(hot.dataSync(), scaledRef.flat(), 1e-5, 1e-6, 'tempered log-probs');
    hot.sum().backward();
    expect(model.wte.weight.grad).not.toBeNull();
    expect(() => tokenLogProbs(model, [[1]])).toThrow(ModelInputError);
    // from logits of a forward pass that also returns hidden states (PPO: policy and value at once)
    const idsT = tensor(Int32Array.from(ids.flat()), [2, 8], 'i32', model.backend);
    const { logits, hidden } = model.forward(idsT, { returnHidden: true, logits: 'all' });
    expect(hidden!.shape).toEqual([2, 8, 48]);
    expectClose(
      logProbsFromLogits(logits!, idsT).dataSync(),
      tokenLogProbs(model, ids).dataSync(),
      0,
      0,
      'same',
    );
    expect(() => logProbsFromLogits(logits!.narrow(1, 0, 7), idsT)).toThrow(/logits \(2, 8, V\)/);
    expect(() => tokenLogProbs(model, [[1, 2]], { temperature: 0 })).toThrow(/temperature/);
  });
});

describe('ScalarHead', () => {
  it('scores hidden states per position and at chosen positions, with gradients', () => {
    const f = loadFixture('llama-tiny');
    const backend = createCpuBackend();
    const model = fixtureModel(f, backend);
    const head = new ScalarHead(model.config.nEmbd, { backend, seed: 3 });
    const ids = rows(f, 'input_ids').map((r) => r.slice(0, 6));
    const { hidden, logits } = model.forward(ids, { returnHidden: true });
    expect(logits).toBeUndefined();
    expect(hidden!.shape).toEqual([2, 6, 48]);
    const all = head.forward(hidden!);
    expect(all.shape).toEqual([2, 6]);
    // by hand: score[b, t] = Σ_c hidden[b, t, c]·w[c] + bias
    const h = hidden!.dataSync();
    const w = head.weight.dataSync();
    const expected: number[] = [];
    for (let r = 0; r < 12; r++) {
      let s = 0;
      for (let c = 0; c < 48; c++) s += h[r * 48 + c]! * w[c]!;
      expected.push(s);
    }
    expectClose(all.dataSync(), expected, 1e-5, 1e-7, 'scores');
    const picked = head.scoreAt(hidden!, [5, 2]);
    expectClose(picked.dataSync(), [expected[5]!, expected[6 + 2]!], 1e-5, 1e-7, 'scoreAt');
    picked.sum().backward();
    // d(score)/d(bias) = 1 per row, 2 rows
    expect(Array.from(head.bias.grad!.dataSync())).toEqual([2]);
    expect(model.lmHead!.weight.grad).toBeNull(); // the LM head is not used
    expect(model.h.at(0)!.attn.q.weight.grad).not.toBeNull();
    expect(() => head.scoreAt(hidden!, [6, 0])).toThrow(/positions/);
    expect(() => head.forward(all.reshape([2, 6, 1]))).toThrow(/hidden/);
  });
});
