/**
 * createModel / fromPretrained options checked before anything is built: seed NaN is not 0, a bad
 * backend, dtype or init raise ModelConfigError naming the option with a hint, and a config whose
 * largest tensor cannot fit one buffer fails at once instead of as a RangeError mid-construction.
 */
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { presets } from '../src/config.js';
import { ModelConfigError } from '../src/errors.js';
import { createModel } from '../src/model.js';
import { fromPretrained } from '../src/node.js';
import { fixtureDir } from './helpers/fixtures.js';

const small = { ...presets['tiny-gpt'], nLayer: 1, nEmbd: 32, nHead: 2, vocabSize: 40 };

function rejected(fn: () => unknown): ModelConfigError {
  try {
    fn();
  } catch (e) {
    if (ModelConfigError.isInstance(e)) {
      expect(e.hint, e.message).toBeTruthy();
      return e;
    }
    throw e;
  }
  throw new Error('accepted');
}

describe('createModel options', () => {
  it.each([
    ['seed NaN', { seed: Number.NaN }, 'seed'],
    ['seed -1', { seed: -1 }, 'seed'],
    ['seed 1.5', { seed: 1.5 }, 'seed'],
    ['seed "1"', { seed: '1' }, 'seed'],
    ['seed 2^53', { seed: 2 ** 53 }, 'seed'],
    ['backend {}', { backend: {} }, 'backend'],
    ['backend "cpu"', { backend: 'cpu' }, 'backend'],
    ['dtype bf16', { dtype: 'bf16' }, 'dtype'],
    ['dtype "float32"', { dtype: 'float32' }, 'dtype'],
    ['init "no"', { init: 'no' }, 'init'],
  ] as const)('%s', (_name, options, where) => {
    const e = rejected(() => createModel(small, options as never));
    expect(e.where).toBe(where);
    expect(e.operation).toBe('createModel');
  });

  it('options that are not an object', () => {
    for (const o of [null, 3, 'seed'])
      expect(rejected(() => createModel(small, o as never)).where).toBe('options');
  });

  it('a disposed backend', () => {
    const backend = createCpuBackend();
    backend.dispose();
    expect(rejected(() => createModel(small, { backend })).found).toBe('a disposed one');
  });

  it("dtype 'f16' (the compute copy of mixed precision) is accepted on the CPU backend", () => {
    const m = createModel(small, { dtype: 'f16' });
    expect(m.dtype).toBe('f16');
    expect(m.parameters().every((p) => p.dtype === 'f16')).toBe(true);
  });

  it('seed 0 and the largest safe seed are fine', () => {
    expect(createModel(small, { seed: 0 }).numParams()).toBeGreaterThan(0);
    expect(createModel(small, { seed: 2 ** 53 - 1 }).numParams()).toBeGreaterThan(0);
  });

  it('a tensor beyond 2^32 - 1 elements fails before allocating', () => {
    const e = rejected(() => createModel({ ...small, vocabSize: 2 ** 30, nEmbd: 64 }));
    expect(e.where).toBe('vocabSize');
    expect(e.found).toMatch(/6\.872e\+10 elements/);
  });

  it('fromPretrained checks the same options before reading anything', async () => {
    const e = await fromPretrained(fixtureDir('gpt2-tiny'), { dtype: 'bf16' as never }).catch(
      (err: unknown) => err,
    );
    expect(ModelConfigError.isInstance(e)).toBe(true);
    expect((e as ModelConfigError).operation).toBe('fromPretrained');
  });
});
