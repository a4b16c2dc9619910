import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS, type TrainEvent, trainInPage } from '../src/engine/train-loop.js';
import { TrainSettingsError } from '../src/errors.js';
import { FIXTURES } from './helpers.js';

const backend = createCpuBackend();
afterAll(() => backend.dispose());
const text = gunzipSync(readFileSync(`${FIXTURES}/austen-train.txt.gz`))
  .toString('utf8')
  .slice(0, 120_000);
const small = {
  ...DEFAULT_TRAIN_SETTINGS,
  vocabSize: 320,
  contextLength: 32,
  nLayer: 1,
  nEmbd: 32,
  nHead: 2,
  batchSize: 8,
};

describe('trainInPage', () => {
  it('lowers the held-out loss, reporting phases, steps, evaluations and samples in order', async () => {
    const events: TrainEvent[] = [];
    const r = await trainInPage(text, { ...small, steps: 60, evalEvery: 30, sampleEvery: 30 }, backend, {
      onEvent: (e) => events.push(e),
    });
    const evals = events.filter((e) => e.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([0, 30, 60]);
    expect(evals.at(-1)!.valLoss).toBeLessThan(evals[0]!.valLoss - 1);
    expect(r.valLoss).toBe(evals.at(-1)!.valLoss);
    expect(events.filter((e) => e.type === 'step').length).toBe(60);
    expect(events.filter((e) => e.type === 'sample').map((e) => e.step)).toEqual([30, 60]);
    expect(events.filter((e) => e.type === 'phase').map((e) => e.phase)).toEqual([
      'tokenizer',
      'encode',
      'model',
      'train',
    ]);
    expect(r.tokenizer.vocabSize).toBe(320);
    expect(r.model.config.contextLength).toBe(32);
    expect(r.stepsDone).toBe(60);
    r.model.dispose();
  });

  it('stops after the current step when asked, keeping the model', async () => {
    let steps = 0;
    const r = await trainInPage(text, { ...small, steps: 1000 }, backend, {
      onEvent: (e) => {
        if (e.type === 'step') steps = e.step;
      },
      shouldStop: () => steps >= 3,
    });
    expect(r.stopped).toBe(true);
    expect(r.stepsDone).toBe(3);
    expect(Number.isFinite(r.valLoss)).toBe(true);
    r.model.dispose();
  });

  it('rejects settings it cannot train with, naming the field', async () => {
    const run = (patch: object, t = text) =>
      trainInPage(t, { ...small, ...patch }, backend, { onEvent: () => {} });
    await expect(run({ nEmbd: 33 })).rejects.toThrow(
      /train: nEmbd: expected an integer in \[1, 2048\] divisible by nHead = 2, found 33/,
    );
    await expect(run({ vocabSize: 100 })).rejects.toThrow(TrainSettingsError);
    await expect(run({}, 'too short')).rejects.toThrow(/train: text: expected at least 320 tokens/);
  });
});
