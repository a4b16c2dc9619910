import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/errors.js';
import { fromHfTensors, hfLocation, toHfTensors, transpose2d } from '../src/hf-weights.js';
import { createModel } from '../src/model.js';
import { type FixtureName, loadFixture } from './helpers/fixtures.js';

/** A fixture's HF tensors and the names and shapes of a model of its config (what its modules define). */
async function load(name: FixtureName) {
  const f = loadFixture(name);
  const model = createModel(f.config, { init: false });
  const params = new Map([...model.stateDict()].map(([n, t]) => [n, { shape: [...t.shape] }]));
  model.dispose();
  return { modelType: f.modelType, params, hf: f.weights };
}

describe('HF tensors ⇄ ours', () => {
  it('splits and transposes GPT-2 Conv1D c_attn into q, k, v Linear weights', async () => {
    const { modelType, params, hf } = await load('gpt2-tiny');
    const ours = fromHfTensors(modelType, params, hf);
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
    const q = hf.get('transformer.h.1.attn.c_attn.bias')!;
    expect(ours.get('h.1.attn.v.bias')!.data).toEqual(q.data.slice(2 * C, 3 * C));
    expect([...ours.keys()]).toEqual([...params.keys()]);
  });

  it('round-trips bit-exactly for both families', async () => {
    for (const name of ['gpt2-tiny', 'llama-tiny'] as const) {
      const { modelType, params, hf } = await load(name);
      const back = toHfTensors(modelType, fromHfTensors(modelType, params, hf));
      expect(new Set(back.keys())).toEqual(new Set(hf.keys()));
      for (const [k, t] of hf) {
        expect(back.get(k)!.shape, k).toEqual(t.shape);
        expect(Buffer.from(back.get(k)!.data.buffer).equals(Buffer.from(t.data.buffer)), k).toBe(true);
      }
    }
  });

  it('names a missing, a mis-shaped and an unexpected tensor', async () => {
    const { modelType, params, hf } = await load('llama-tiny');
    const without = new Map(hf);
    without.delete('model.layers.1.mlp.up_proj.weight');
    expect(() => fromHfTensors(modelType, params, without, 'model.safetensors')).toThrow(
      /model\.layers\.1\.mlp\.up_proj\.weight.*no such tensor/,
    );
    const wrong = new Map(hf);
    wrong.set('model.norm.weight', { shape: [47], data: new Float32Array(47) });
    let err: unknown;
    try {
      fromHfTensors(modelType, params, wrong);
    } catch (e) {
      err = e;
    }
    expect(CheckpointError.isInstance(err)).toBe(true);
    expect((err as CheckpointError).where).toBe('model.norm.weight');
    const extra = new Map(hf);
    extra.set('model.layers.2.input_layernorm.weight', { shape: [48], data: new Float32Array(48) });
    expect(() => fromHfTensors(modelType, params, extra)).toThrow(/unexpected tensor.*layers\.2/);
  });

  it('locates every parameter through the name table', () => {
    expect(hfLocation('gpt2', 'h.1.attn.k.weight')).toEqual({
      name: 'transformer.h.1.attn.c_attn.weight',
      transpose: true,
      part: { index: 1, of: 3 },
    });
    expect(hfLocation('gpt2', 'h.0.attn.o.bias')).toEqual({
      name: 'transformer.h.0.attn.c_proj.bias',
      transpose: false,
    });
    expect(hfLocation('gpt2', 'h.11.ln2.weight')).toEqual({
      name: 'transformer.h.11.ln_2.weight',
      transpose: false,
    });
    expect(hfLocation('llama', 'h.3.mlp.gate.weight')).toEqual({
      name: 'model.layers.3.mlp.gate_proj.weight',
      transpose: false,
    });
    expect(hfLocation('llama', 'lnf.weight')).toEqual({ name: 'model.norm.weight', transpose: false });
    expect(hfLocation('gpt2', 'h.0.mlp.gate.weight')).toBeUndefined(); // GPT-2 has no gated MLP
    expect(hfLocation('llama', 'wpe.weight')).toBeUndefined(); // nor Llama learned positions
  });
});
