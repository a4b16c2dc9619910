/**
 * Fuzzing HF config.json with fast-check: both fixtures' config.json (GPT-2 and Llama) are mutated:
 * fields replaced by random JSON (numbers in quotes, huge and negative numbers, floats for sizes,
 * nested garbage, null), removed, extra fields added, rope_parameters and the whole root replaced;
 * and, as text, truncated or with characters changed. Whatever the mutation:
 *
 *   - `fromHfConfig` returns a config that agrees with every field the file sets (a number in the
 *     file is that number in the config; a field absent or null is HF's default; never a default in
 *     place of a value of the wrong type), or throws CheckpointError naming the file;
 *   - `fromPretrained` of a checkpoint directory holding the mutated text loads the model of exactly
 *     that config, or throws CheckpointError; never anything else, and never hangs (a config asking
 *     for a huge model fails before allocating).
 *
 * The counts are printed; `other` must be 0. Each property is bounded in time, with a fixed seed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../src/config.js';
import { CheckpointError } from '../src/errors.js';
import { fromHfConfig } from '../src/hf-config.js';
import { fromPretrained } from '../src/node.js';
import { fixtureDir } from './helpers/fixtures.js';

type Json = Record<string, unknown>;
const FAMILIES = ['gpt2-tiny', 'llama-tiny'] as const;
const base = Object.fromEntries(
  FAMILIES.map((f) => [f, JSON.parse(readFileSync(join(fixtureDir(f), 'config.json'), 'utf8')) as Json]),
) as Record<(typeof FAMILIES)[number], Json>;

/**
 * What each HF field means for our config, from transformers' GPT2Config / LlamaConfig: the field,
 * our field, and the default when the field is absent or null (a function of the file for derived
 * defaults). A field the file sets to a value must come out unchanged.
 */
type Rule = [
  hf: string,
  ours: keyof ModelConfig,
  fallback: (j: Json) => unknown,
  map?: (v: unknown) => unknown,
];
const GELU: Record<string, string> = {
  gelu_new: 'gelu_tanh',
  gelu_pytorch_tanh: 'gelu_tanh',
  gelu_fast: 'gelu_tanh',
  gelu: 'gelu',
};
const RULES: Record<'gpt2' | 'llama', Rule[]> = {
  gpt2: [
    ['vocab_size', 'vocabSize', () => undefined],
    ['n_positions', 'contextLength', () => undefined],
    ['n_layer', 'nLayer', () => undefined],
    ['n_head', 'nHead', () => undefined],
    ['n_embd', 'nEmbd', () => undefined],
    ['n_inner', 'ffnHidden', (j) => 4 * (j.n_embd as number)],
    ['layer_norm_epsilon', 'normEps', () => 1e-5],
    ['resid_pdrop', 'dropout', () => 0.1],
    ['initializer_range', 'initStd', () => 0.02],
    ['tie_word_embeddings', 'tiedEmbeddings', () => true],
    ['activation_function', 'activation', () => 'gelu_tanh', (v) => GELU[v as string]],
  ],
  llama: [
    ['vocab_size', 'vocabSize', () => undefined],
    ['max_position_embeddings', 'contextLength', () => undefined],
    ['num_hidden_layers', 'nLayer', () => undefined],
    ['num_attention_heads', 'nHead', () => undefined],
    ['num_key_value_heads', 'nKvHead', (j) => j.num_attention_heads],
    ['hidden_size', 'nEmbd', () => undefined],
    ['head_dim', 'headDim', (j) => (j.hidden_size as number) / (j.num_attention_heads as number)],
    ['intermediate_size', 'ffnHidden', () => undefined],
    ['rms_norm_eps', 'normEps', () => 1e-6],
    ['attention_dropout', 'dropout', () => 0],
    ['initializer_range', 'initStd', () => 0.02],
    ['tie_word_embeddings', 'tiedEmbeddings', () => false],
    ['attention_bias', 'bias', () => false],
  ],
};

/** Why a config returned for `json` disagrees with the file, or null when it agrees. */
function disagreement(json: Json, modelType: string, c: ModelConfig): string | null {
  const rules = RULES[modelType as 'gpt2' | 'llama'];
  if (!rules) return `model_type ${modelType}`;
  for (const [hf, ours, fallback, map] of rules) {
    const v = json[hf];
    const want = v === undefined || v === null ? fallback(json) : map ? map(v) : v;
    if (!Object.is(c[ours], want))
      return `${hf} = ${JSON.stringify(v)} became ${ours} = ${JSON.stringify(c[ours])}`;
  }
  if (modelType === 'llama') {
    const rope = (json.rope_parameters ?? json.rope_scaling ?? {}) as Json;
    const theta = rope.rope_theta ?? json.rope_theta ?? 10000;
    if (c.ropeTheta !== theta) return `rope_theta ${JSON.stringify(theta)} became ${c.ropeTheta}`;
  }
  return null;
}

// ---- mutations --------------------------------------------------------------------------------------

const hostileNumber = fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53, 1e300, -0, 1e-320, 7, 48, 98, 4);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hostileNumber,
  hostileNumber.map(String),
  fc.constantFrom(null, true, false, 'true', 'false', '', 'NaN', 'Infinity', '1e-5', ' 48 '),
);
type Edit = (j: Json) => unknown;
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), value).map(([i, v]) => (j: Json) => {
    const keys = Object.keys(j);
    return keys.length ? { ...j, [keys[i % keys.length]!]: v } : j;
  }),
  fc.nat().map((i) => (j: Json) => {
    const keys = Object.keys(j);
    const out = { ...j };
    if (keys.length) delete out[keys[i % keys.length]!];
    return out;
  }),
  fc.tuple(fc.string({ maxLength: 10 }), value).map(([k, v]) => (j: Json) => ({ ...j, [k]: v })),
  fc
    .oneof(value, fc.record({ rope_type: value, rope_theta: value }))
    .map((v) => (j: Json) => ({ ...j, rope_parameters: v })),
  fc
    .constantFrom('gpt2', 'llama', 'mistral', 'GPT2', null, 3)
    .map((m) => (j: Json) => ({ ...j, model_type: m })),
  value.map((v) => () => v),
);
const mutatedJson = fc
  .record({ family: fc.constantFrom(...FAMILIES), edits: fc.array(edit, { minLength: 1, maxLength: 3 }) })
  .map(({ family, edits }) =>
    edits.reduce<unknown>(
      (j, e) => (typeof j === 'object' && j && !Array.isArray(j) ? e(j as Json) : e({})),
      base[family],
    ),
  );

/** config.json text: a mutated object, or the fixture's text truncated / with characters replaced. */
const mutatedText = fc.oneof(
  mutatedJson.map((j) => JSON.stringify(j, null, 2) ?? 'undefined'),
  fc
    .record({
      family: fc.constantFrom(...FAMILIES),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      flips: fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constantFrom('"', '{', '}', ',', ':', '0', '9', '-', 'e', ' ', '\u0000', 'é'),
        ),
        { maxLength: 3 },
      ),
    })
    .map(({ family, cut, flips }) => {
      const text = [...JSON.stringify(base[family], null, 2)];
      for (const [u, ch] of flips) text[Math.floor(u * text.length)] = ch;
      return text.join('').slice(0, Math.max(1, Math.round(cut * text.length * 1.2)));
    }),
);

// ---- the properties ---------------------------------------------------------------------------------

const counts = { tried: 0, loaded: 0, typed: 0, other: 0 };
const others: string[] = [];
function record(verdict: string, input: unknown): boolean {
  counts.tried++;
  if (verdict === 'loaded') counts.loaded++;
  else if (verdict === 'typed') counts.typed++;
  else {
    counts.other++;
    if (others.length < 5) others.push(`${verdict}: ${String(JSON.stringify(input)).slice(0, 300)}`);
  }
  return verdict === 'loaded' || verdict === 'typed';
}
function typedOrNot(e: unknown, file: string): string {
  if (!CheckpointError.isInstance(e)) return `untyped ${String(e)}`;
  if (!(e as CheckpointError).hint) return `no hint: ${(e as Error).message}`;
  return (e as CheckpointError).file?.endsWith(file) ? 'typed' : `file not named: ${(e as Error).message}`;
}

const tmp = mkdtempSync(join(tmpdir(), 'llmforge-config-fuzz-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  console.log(
    `config.json fuzz: ${counts.tried} inputs tried, ${counts.loaded} loaded (agreeing with every field), ${counts.typed} CheckpointError, ${counts.other} other`,
  );
});

describe('config.json fuzz (fast-check)', () => {
  it('fromHfConfig: a config agreeing with every field the file sets, or CheckpointError', () => {
    fc.assert(
      fc.property(mutatedJson, (json) => {
        let verdict: string;
        try {
          const { modelType, config } = fromHfConfig(json as Json, 'config.json');
          verdict = disagreement(json as Json, modelType, config) ?? 'loaded';
        } catch (e) {
          verdict = typedOrNot(e, 'config.json');
        }
        return record(verdict, json);
      }),
      { seed: 1203, numRuns: 5000, interruptAfterTimeLimit: 5000, markInterruptAsFailure: false },
    );
    expect(others).toEqual([]);
  }, 30_000);

  it('fromPretrained of a checkpoint with a mutated config.json text: the model of that config, or CheckpointError', async () => {
    const backend = createCpuBackend();
    const dirs = Object.fromEntries(
      FAMILIES.map((f) => {
        const d = join(tmp, f);
        cpSync(fixtureDir(f), d, { recursive: true });
        return [f, d];
      }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutatedText, async (text) => {
        // the weights of the family the text still claims (else gpt2's): a mismatch must be typed
        const dir = dirs[text.includes('"llama"') ? 'llama-tiny' : 'gpt2-tiny']!;
        writeFileSync(join(dir, 'config.json'), text);
        n++;
        let verdict: string;
        try {
          const model = await fromPretrained(dir, { backend });
          const { config } = fromHfConfig(JSON.parse(text) as Json);
          verdict =
            JSON.stringify(model.config) === JSON.stringify(config)
              ? 'loaded'
              : 'model differs from its config';
          model.dispose();
        } catch (e) {
          verdict = typedOrNot(e, ''); // config.json, or the weights that no longer fit it
        }
        return record(verdict, text);
      }),
      { seed: 77, numRuns: 400, interruptAfterTimeLimit: 8000, markInterruptAsFailure: false },
    );
    expect(n).toBeGreaterThan(0);
    expect(others).toEqual([]);
  }, 60_000);
});
