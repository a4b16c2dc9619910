import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presets, resolveConfig } from '../src/config.js';
import { ModelConfigError, TransformerError } from '../src/errors.js';
import { fromHfConfig, hfModelTypeOf, toHfConfig } from '../src/hf-config.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../fixtures/${name}/config.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

function configError(fn: () => unknown): ModelConfigError {
  try {
    fn();
  } catch (e) {
    if (ModelConfigError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a ModelConfigError');
}

describe('resolveConfig', () => {
  it('fills the GPT-2 defaults', () => {
    const c = resolveConfig({ vocabSize: 98, contextLength: 32, nLayer: 2, nHead: 4, nEmbd: 48 });
    expect(c).toMatchObject({
      nKvHead: 4,
      headDim: 12,
      ffnHidden: 192,
      norm: 'layernorm',
      activation: 'gelu_tanh',
      positions: 'learned',
      tiedEmbeddings: true,
      bias: true,
      dropout: 0,
      normEps: 1e-5,
      initStd: 0.02,
    });
  });

  it("uses Llama's 8/3 rule rounded up to 64 for swiglu", () => {
    // Llama-2 7B: C = 4096 → 11008 = ceil(8·4096/3 / 256)·256; with multiple 64 it is 10944.
    expect(resolveConfig({ ...presets['tiny-llama'], ffnHidden: undefined }).ffnHidden).toBe(384);
    expect(
      resolveConfig({ ...presets['tiny-llama'], nEmbd: 4096, nHead: 32, ffnHidden: undefined }).ffnHidden,
    ).toBe(10944);
  });

  it('names the field of configs that cannot work', () => {
    const base = presets['tiny-gpt'];
    expect(configError(() => resolveConfig({ ...base, nHead: 5 })).where).toBe('nHead');
    expect(configError(() => resolveConfig({ ...base, nKvHead: 3 })).where).toBe('nKvHead');
    expect(configError(() => resolveConfig({ ...base, activation: 'swish' as never })).where).toBe(
      'activation',
    );
    expect(configError(() => resolveConfig({ ...base, norm: 'batchnorm' as never })).where).toBe('norm');
    expect(configError(() => resolveConfig({ ...base, positions: 'alibi' as never })).where).toBe(
      'positions',
    );
    expect(configError(() => resolveConfig({ ...base, nLayer: 0 })).where).toBe('nLayer');
    expect(configError(() => resolveConfig({ ...base, vocabSize: 1.5 })).where).toBe('vocabSize');
    expect(configError(() => resolveConfig({ ...base, dropout: 1 })).where).toBe('dropout');
    expect(configError(() => resolveConfig({ ...base, positions: 'rope', nHead: 1, headDim: 3 })).where).toBe(
      'headDim',
    );
    const e = configError(() => resolveConfig({ ...base, nHead: 5 }));
    expect(e.message).toContain('nHead');
    expect(e.message).toContain('128');
    expect(e.message).toContain('found 5');
    expect(TransformerError.isInstance(e)).toBe(true);
  });

  it('accepts an explicit headDim that does not divide the width', () => {
    const c = resolveConfig({ ...presets['tiny-llama'], nHead: 3, nKvHead: 1, headDim: 32 });
    expect(c.headDim).toBe(32);
  });
});

describe('HF config.json', () => {
  it('reads the gpt2-tiny fixture', () => {
    const { modelType, config } = fromHfConfig(fixture('gpt2-tiny'));
    expect(modelType).toBe('gpt2');
    expect(config).toMatchObject({
      vocabSize: 98,
      contextLength: 32,
      nLayer: 2,
      nHead: 4,
      nKvHead: 4,
      nEmbd: 48,
      ffnHidden: 192,
      activation: 'gelu_tanh',
      norm: 'layernorm',
      positions: 'learned',
      tiedEmbeddings: true,
      bias: true,
      dropout: 0,
    });
  });

  it('reads the llama-tiny fixture (transformers 5 rope_parameters)', () => {
    const { modelType, config } = fromHfConfig(fixture('llama-tiny'));
    expect(modelType).toBe('llama');
    expect(config).toMatchObject({
      vocabSize: 98,
      contextLength: 64,
      nLayer: 2,
      nHead: 4,
      nKvHead: 2,
      nEmbd: 48,
      headDim: 12,
      ffnHidden: 128,
      activation: 'swiglu',
      norm: 'rmsnorm',
      positions: 'rope',
      ropeTheta: 10000,
      tiedEmbeddings: false,
      bias: false,
      normEps: 1e-5,
    });
  });

  it('round-trips through toHfConfig', () => {
    for (const name of ['gpt2-tiny', 'llama-tiny']) {
      const { config } = fromHfConfig(fixture(name));
      expect(fromHfConfig(toHfConfig(config)).config).toEqual(config);
    }
  });

  it('rejects unsupported checkpoints naming the field', () => {
    let err: unknown;
    try {
      fromHfConfig({ ...fixture('gpt2-tiny'), model_type: 'mistral' });
    } catch (e) {
      err = e;
    }
    expect(TransformerError.isInstance(err)).toBe(true);
    expect((err as TransformerError).where).toBe('model_type');
    expect(() =>
      fromHfConfig({ ...fixture('llama-tiny'), rope_parameters: { rope_type: 'llama3', rope_theta: 5e5 } }),
    ).toThrow(/rope_type/);
    expect(() => fromHfConfig({ ...fixture('gpt2-tiny'), n_embd: undefined })).toThrow(/n_embd/);
  });

  it('says which configs have no HF class', () => {
    expect(hfModelTypeOf(resolveConfig(presets.gpt2))).toBe('gpt2');
    expect(hfModelTypeOf(resolveConfig(presets['llama-small']))).toBe('llama');
    expect(() => hfModelTypeOf(resolveConfig({ ...presets['tiny-gpt'], activation: 'relu2' }))).toThrow(
      /relu2/,
    );
  });
});
