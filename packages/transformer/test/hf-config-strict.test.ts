/**
 * config.json read strictly: a field of the wrong type (a number in quotes, "false" as a string, an
 * object for rope_parameters) is a CheckpointError naming the field with a hint, never replaced by
 * the default; null and absent fields take the default (transformers writes `"n_inner": null`);
 * sizes that cannot work are named by their HF field, not by our config's name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/errors.js';
import { fromHfConfig } from '../src/hf-config.js';

const fixture = (name: 'gpt2-tiny' | 'llama-tiny') =>
  JSON.parse(
    readFileSync(new URL(`../../../fixtures/${name}/config.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

function rejected(json: unknown): CheckpointError {
  try {
    fromHfConfig(json as Record<string, unknown>, 'config.json');
  } catch (e) {
    if (CheckpointError.isInstance(e)) {
      expect(e.hint, e.message).toBeTruthy();
      expect(e.file).toBe('config.json');
      return e;
    }
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(json).slice(0, 200)}`);
}

const GPT2_NUMBERS = [
  'vocab_size',
  'n_positions',
  'n_layer',
  'n_head',
  'n_embd',
  'n_inner',
  'layer_norm_epsilon',
  'resid_pdrop',
  'initializer_range',
];
const LLAMA_NUMBERS = [
  'vocab_size',
  'max_position_embeddings',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'hidden_size',
  'head_dim',
  'intermediate_size',
  'rms_norm_eps',
  'rope_theta',
  'attention_dropout',
  'initializer_range',
];

describe('config.json fields of the wrong type', () => {
  for (const [family, fields] of [
    ['gpt2-tiny', GPT2_NUMBERS],
    ['llama-tiny', LLAMA_NUMBERS],
  ] as const) {
    for (const name of fields) {
      it(`${family}: ${name} as a string is named, with "without quotes"`, () => {
        const json = fixture(family);
        const value = json[name] ?? 10000;
        const e = rejected({ ...json, [name]: String(value) });
        expect(e.where).toBe(name);
        expect(e.hint).toBe(`write ${value} without quotes: a JSON number, not a string`);
      });
    }
  }

  it('booleans as strings, objects or numbers', () => {
    const gpt2 = fixture('gpt2-tiny');
    const llama = fixture('llama-tiny');
    const e = rejected({ ...gpt2, tie_word_embeddings: 'false' });
    expect(e.where).toBe('tie_word_embeddings');
    expect(e.hint).toBe('write false without quotes: a JSON boolean, not a string');
    expect(rejected({ ...gpt2, scale_attn_weights: 1 }).where).toBe('scale_attn_weights');
    expect(rejected({ ...gpt2, add_cross_attention: {} }).where).toBe('add_cross_attention');
    expect(rejected({ ...llama, attention_bias: 'true' }).where).toBe('attention_bias');
    expect(rejected({ ...llama, tie_word_embeddings: [] }).where).toBe('tie_word_embeddings');
  });

  it('strings that must be strings, and rope_parameters that must be an object', () => {
    const llama = fixture('llama-tiny');
    expect(rejected({ ...fixture('gpt2-tiny'), activation_function: 7 }).where).toBe('activation_function');
    expect(rejected({ ...llama, hidden_act: ['silu'] }).where).toBe('hidden_act');
    expect(rejected({ ...llama, rope_parameters: 'default' }).where).toBe('rope_parameters');
    expect(rejected({ ...llama, rope_parameters: { rope_theta: '10000' } }).where).toBe('rope_theta');
    expect(rejected({ ...llama, rope_parameters: { rope_type: 3 } }).where).toBe('rope_type');
  });

  it('a config.json that is not an object', () => {
    for (const json of [null, [1, 2], 'gpt2', 3]) expect(rejected(json).expected).toBe('a JSON object');
  });
});

describe('null and absent fields take the defaults', () => {
  it('n_inner null is 4·n_embd, and absent optional fields are HF defaults', () => {
    const gpt2 = fixture('gpt2-tiny');
    expect(fromHfConfig({ ...gpt2, n_inner: null }).config.ffnHidden).toBe(4 * 48);
    const { layer_norm_epsilon: _eps, tie_word_embeddings: _tie, ...bare } = gpt2;
    const c = fromHfConfig(bare).config;
    expect([c.normEps, c.tiedEmbeddings]).toEqual([1e-5, true]);
    const llama = fixture('llama-tiny');
    const { rope_parameters: _rope, head_dim: _hd, ...old } = llama;
    const l = fromHfConfig({ ...old, rope_theta: 5e5, rope_scaling: null }).config;
    expect([l.ropeTheta, l.headDim]).toEqual([5e5, 12]);
  });
});

describe('sizes that cannot work are named by their HF field', () => {
  it.each([
    ['gpt2-tiny', 'n_layer', 2.5],
    ['gpt2-tiny', 'n_layer', 0],
    ['gpt2-tiny', 'vocab_size', -98],
    ['gpt2-tiny', 'n_head', 5],
    ['gpt2-tiny', 'resid_pdrop', 1.5],
    ['gpt2-tiny', 'layer_norm_epsilon', -1],
    ['llama-tiny', 'num_key_value_heads', 3],
    ['llama-tiny', 'rms_norm_eps', 0],
    ['llama-tiny', 'intermediate_size', 1e-3],
  ] as const)('%s: %s = %s', (family, name, value) => {
    const e = rejected({ ...fixture(family), [name]: value });
    // n_head = 5 does not divide n_embd: resolveConfig blames nHead
    expect(e.where).toBe(name);
    expect(e.found).toBe(String(value));
  });

  it('hidden_size not divisible by the heads, without head_dim: num_attention_heads is named', () => {
    const { head_dim: _hd, ...llama } = fixture('llama-tiny');
    expect(rejected({ ...llama, num_attention_heads: 5, num_key_value_heads: 5 }).where).toBe(
      'num_attention_heads',
    );
  });
});
