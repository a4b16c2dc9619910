import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/errors.js';
import { fromHfTensors, parameterShapes, toHfTensors, transpose2d } from '../src/hf-weights.js';
import { type FixtureName, loadFixture } from './helpers/fixtures.js';

async function load(name: FixtureName) {
  const f = loadFixture(name);
  return { modelType: f.modelType, config: f.config, hf: f.weights };
}

describe('HF tensors ⇄ ours', () => {
  it('splits and transposes GPT-2 Conv1D c_attn into q, k, v Linear weights', async () => {
    const { modelType, config, hf } = await load('gpt2-tiny');
    const ours = fromHfTensors(modelType, config, hf);
    const C = 48;
    const cAttn = hf.get('transformer.h.1.attn.c_attn.weight')!; // (C, 3C), y = x @ W
    const k = ours.get('h.1.attn.k.weight')!; // (C, C), y = x @ Kᵀ
    expect(k.shape).toEqual([C, C]);
    // K[o, i] = W[i, C + o]
    for (const [o, i] of [
      [0, 0],
      [5, 17],
      [47, 47],
    ] as const) {
      expect(k.data[o * C + i]).toBe(cAttn.data[i * 3 * C + C + o]);
    }
    const fc = hf.get('transformer.h.0.mlp.c_fc.weight')!; // (C, 4C)
    expect(ours.get('h.0.mlp.up.weight')).toEqual(transpose2d(fc));
    expect([...ours.keys()]).toEqual([...parameterShapes(config).keys()]);
  });

  it('round-trips bit-exactly for both families', async () => {
    for (const name of ['gpt2-tiny', 'llama-tiny'] as const) {
      const { modelType, config, hf } = await load(name);
      const back = toHfTensors(modelType, config, fromHfTensors(modelType, config, hf));
      expect(new Set(back.keys())).toEqual(new Set(hf.keys()));
      for (const [k, t] of hf) {
        expect(back.get(k)!.shape, k).toEqual(t.shape);
        expect(Buffer.from(back.get(k)!.data.buffer).equals(Buffer.from(t.data.buffer)), k).toBe(true);
      }
    }
  });

  it('names a missing, a mis-shaped and an unexpected tensor', async () => {
    const { modelType, config, hf } = await load('llama-tiny');
    const without = new Map(hf);
    without.delete('model.layers.1.mlp.up_proj.weight');
    expect(() => fromHfTensors(modelType, config, without, 'model.safetensors')).toThrow(
      /model\.layers\.1\.mlp\.up_proj\.weight.*no such tensor/,
    );
    const wrong = new Map(hf);
    wrong.set('model.norm.weight', { shape: [47], data: new Float32Array(47) });
    let err: unknown;
    try {
      fromHfTensors(modelType, config, wrong);
    } catch (e) {
      err = e;
    }
    expect(CheckpointError.isInstance(err)).toBe(true);
    expect((err as CheckpointError).where).toBe('model.norm.weight');
    const extra = new Map(hf);
    extra.set('model.layers.2.input_layernorm.weight', { shape: [48], data: new Float32Array(48) });
    expect(() => fromHfTensors(modelType, config, extra)).toThrow(/unexpected tensor.*layers\.2/);
  });
});
