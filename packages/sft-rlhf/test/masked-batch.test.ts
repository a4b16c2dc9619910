/**
 * A fully masked micro-batch (every label −100: e.g. the padding rows of a last batch, or examples
 * whose answers were all cut by a caller) must contribute zero loss and zero gradient, never NaN —
 * through the model's own loss, sftLoss and modelSftLoss — and sftLoss with a shared normalizer
 * makes gradient accumulation equal to the large batch; modelSftLoss (logits at the scored tokens
 * only) equals sftLoss on every logit, value and gradients.
 */
import { createCpuBackend, tidy } from '@llmforge/tensor-gpu';
import { createModel, type Model } from '@llmforge/transformer';
import { describe, expect, it } from 'vitest';
import {
  IGNORE_INDEX,
  LossInputError,
  makeSftBatches,
  modelSftLoss,
  sftLoss,
  shiftLabels,
} from '../src/index.js';
import { tinyConfig } from './helpers/chat.js';
import { expectClose } from './helpers/gradcheck.js';

const backend = createCpuBackend({ name: 'sft-masked' });
const config = tinyConfig(48, 16);

function tinyModel(dtype: 'f32' | 'f64' = 'f32'): Model {
  return createModel(config, { backend, seed: 3, dtype });
}

const ids = [
  [1, 5, 9, 12, 7, 3],
  [2, 8, 8, 30, 4, 0],
];
const masked = ids.map((r) => r.map(() => IGNORE_INDEX));
const labels = [
  [-100, -100, -100, 12, 7, 3],
  [-100, -100, 8, 30, -100, -100],
];

/** Every parameter gradient as one array (zeros where a parameter has no gradient). */
function grads(model: Model): number[] {
  return model
    .parameters()
    .flatMap((p) => (p.grad ? Array.from(p.grad.dataSync()) : new Array(p.size).fill(0)));
}

function zeroGrads(model: Model): void {
  for (const p of model.parameters()) p.zeroGrad();
}

describe('a fully masked micro-batch', () => {
  it("gives the model's loss 0 and zero gradients, not NaN", () => {
    const model = tinyModel();
    const loss = model.forward(ids, { labels: masked }).loss!;
    expect(loss.dataSync()[0]).toBe(0);
    loss.backward();
    const g = grads(model);
    expect(g.length).toBeGreaterThan(1000);
    expect(g.every((x) => x === 0)).toBe(true);
    loss.dispose();
    model.dispose();
  });

  it('gives sftLoss 0 and zero gradients, with or without a normalizer', () => {
    const model = tinyModel();
    for (const normalizer of [undefined, 17]) {
      const { loss, targetTokens } = tidy(() =>
        sftLoss(model.forward(ids).logits!, masked, normalizer ? { normalizer } : {}),
      );
      expect(targetTokens).toBe(0);
      expect(loss.dataSync()[0]).toBe(0);
      loss.backward();
      expect(grads(model).every((x) => x === 0)).toBe(true);
      loss.dispose();
    }
    model.dispose();
  });

  it('gives modelSftLoss 0 and zero gradients', () => {
    const model = tinyModel();
    const { loss, targetTokens } = tidy(() => modelSftLoss(model, ids, masked, { normalizer: 17 }));
    expect(targetTokens).toBe(0);
    expect(loss.dataSync()[0]).toBe(0);
    loss.backward();
    expect(grads(model).every((x) => x === 0)).toBe(true);
    model.dispose();
  });

  it('also when makeSftBatches leaves a batch of padding only', () => {
    const { batches } = makeSftBatches([{ id: 'prompt-only', ids: [1, 2, 3], labels: [-100, -100, -100] }], {
      batchSize: 2,
      maxLength: 8,
      padId: 0,
    });
    const model = tinyModel();
    const b = batches[0]!;
    expect(b.targetTokens).toBe(0);
    const loss = model.forward(b.ids, { labels: b.labels }).loss!;
    expect(Number.isNaN(loss.dataSync()[0])).toBe(false);
    loss.backward();
    expect(grads(model).every((x) => x === 0)).toBe(true);
    model.dispose();
  });
});

describe('sftLoss', () => {
  it("equals the model's mean cross entropy with the default normalizer", () => {
    const model = tinyModel('f64');
    const ref = model.forward(ids, { labels }).loss!;
    const { loss, targetTokens } = tidy(() => sftLoss(model.forward(ids).logits!, labels));
    expect(targetTokens).toBe(5);
    expect(loss.dataSync()[0]).toBeCloseTo(ref.dataSync()[0]!, 12);
    model.dispose();
  });

  it('accumulates to exactly the large batch when micro-batches share the normalizer', () => {
    const model = tinyModel('f64');
    const full = tidy(() => sftLoss(model.forward(ids).logits!, labels).loss);
    full.backward();
    const big = grads(model);
    zeroGrads(model);
    const total = 5;
    for (let r = 0; r < 2; r++) {
      const part = tidy(
        () => sftLoss(model.forward([ids[r]!]).logits!, [labels[r]!], { normalizer: total }).loss,
      );
      part.backward(); // gradients add up across micro-batches
      part.dispose();
    }
    const accumulated = grads(model);
    expectClose(accumulated, big, 12);
    // a mean of per-micro-batch means would not: row 0 has 3 targets, row 1 has 2
    zeroGrads(model);
    for (let r = 0; r < 2; r++) {
      const part = tidy(() => sftLoss(model.forward([ids[r]!]).logits!, [labels[r]!]).loss.mul(0.5));
      part.backward();
      part.dispose();
    }
    const skewed = grads(model);
    expect(skewed.some((g, i) => Math.abs(g - big[i]!) > 1e-6)).toBe(true);
    model.dispose();
  });

  it('modelSftLoss (logits at the scored tokens only) equals sftLoss on all logits, value and gradients', () => {
    const model = tinyModel('f64');
    for (const normalizer of [undefined, 7]) {
      const opts = normalizer ? { normalizer } : {};
      zeroGrads(model);
      const ref = tidy(() => sftLoss(model.forward(ids).logits!, labels, opts));
      ref.loss.backward();
      const want = grads(model);
      zeroGrads(model);
      const got = tidy(() => modelSftLoss(model, ids, labels, opts));
      expect(got.targetTokens).toBe(ref.targetTokens);
      expect(got.loss.dataSync()[0]).toBeCloseTo(ref.loss.dataSync()[0]!, 12);
      got.loss.backward();
      expectClose(grads(model), want, 12);
    }
    expect(() => modelSftLoss(model, ids, [labels[0]!])).toThrow(LossInputError);
    expect(() => modelSftLoss(model, ids, labels, { normalizer: -1 })).toThrow(/option normalizer/);
    model.dispose();
  });

  it('shifts HF labels left and checks shapes', () => {
    expect(Array.from(shiftLabels([[-100, -100, 52, 7]]))).toEqual([-100, 52, 7, -100]);
    const model = tinyModel();
    const logits = model.forward(ids).logits!;
    expect(() => sftLoss(logits, [labels[0]!])).toThrow(LossInputError);
    expect(() => sftLoss(logits, labels, { normalizer: 0 })).toThrow(
      /option normalizer: expected a positive number/,
    );
    model.dispose();
  });
});
