/**
 * The processors against Hugging Face: every case of `sampler-filters.json` (made with HF's
 * RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper, TopK/TopP/MinPLogitsWarper in float64)
 * must keep exactly the same tokens with the same probabilities.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyFrequencyPresencePenalty,
  applyMinP,
  applyRepetitionPenalty,
  applyTemperature,
  applyTopK,
  applyTopP,
  processLogits,
  processScores,
  resolveProcessorConfig,
  SamplerConfigError,
  softmax,
} from '../src/index.js';

interface FilterCase {
  logits: number[];
  previous_tokens: number[];
  config: { temperature: number; top_k: number; top_p: number; min_p: number; repetition_penalty: number };
  kept: number[];
  probs: number[];
}

const cases = JSON.parse(
  readFileSync(new URL('../../../fixtures/sampler-filters.json', import.meta.url), 'utf8'),
) as FilterCase[];

const toConfig = (c: FilterCase['config']) => ({
  temperature: c.temperature,
  topK: c.top_k,
  topP: c.top_p,
  minP: c.min_p,
  repetitionPenalty: c.repetition_penalty,
});

describe('processLogits against Hugging Face', () => {
  it('has the fixture cases', () => {
    expect(cases.length).toBe(40);
  });

  cases.forEach((tc, i) => {
    it(`case ${i}: V=${tc.logits.length} ${JSON.stringify(tc.config)}`, () => {
      const config = resolveProcessorConfig('test', toConfig(tc.config));
      const scores = processScores(Float64Array.from(tc.logits), tc.previous_tokens, config);
      const kept = [...scores.keys()].filter((j) => scores[j]! > Number.NEGATIVE_INFINITY);
      expect(kept).toEqual(tc.kept);
      const probs = softmax(scores);
      for (let j = 0; j < probs.length; j++) expect(Math.abs(probs[j]! - tc.probs[j]!)).toBeLessThan(1e-6);
      // the float32 entry point keeps the same set, probabilities to float32 precision
      const f32 = processLogits(tc.logits, tc.previous_tokens, toConfig(tc.config));
      expect([...f32.keys()].filter((j) => f32[j]! > Number.NEGATIVE_INFINITY)).toEqual(tc.kept);
      const p32 = softmax(f32);
      for (let j = 0; j < p32.length; j++) expect(Math.abs(p32[j]! - tc.probs[j]!)).toBeLessThan(1e-5);
    });
  });
});

describe('single processors', () => {
  it('repetition penalty divides positive and multiplies negative scores, once per token', () => {
    expect([...applyRepetitionPenalty(Float64Array.from([4, 1, -3]), [0, 0, 2], 2)]).toEqual([2, 1, -6]);
  });

  it('frequency/presence penalties follow OpenAI, counting from generatedFrom', () => {
    const s = applyFrequencyPresencePenalty(new Float64Array(5), [4, 3, 3, 1], 0.5, 1, 1);
    expect([...s]).toEqual([0, -1.5, 0, -2, 0]);
    const all = processLogits([0, 0, 0], [2, 2], { frequencyPenalty: 1 });
    expect([...all]).toEqual([0, 0, -2]);
    const fromTwo = processLogits([0, 0, 0], [2, 2], { frequencyPenalty: 1, generatedFrom: 2 });
    expect([...fromTwo]).toEqual([0, 0, 0]);
  });

  it('temperature scales, and 0 keeps only the first argmax', () => {
    expect([...applyTemperature(Float64Array.from([2, 0]), 0.5)]).toEqual([4, 0]);
    expect([...applyTemperature(Float64Array.from([1, 3, 3]), 0)]).toEqual([
      Number.NEGATIVE_INFINITY,
      3,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('top-k keeps ties with the k-th score', () => {
    const s = applyTopK(Float64Array.from([1, 5, 3, 3]), 2);
    expect([...s]).toEqual([Number.NEGATIVE_INFINITY, 5, 3, 3]);
  });

  it('top-p keeps the smallest nucleus reaching p, and always the best token', () => {
    const logp = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const s = applyTopP(Float64Array.from(logp), 0.75);
    expect([...s.keys()].filter((j) => s[j]! > Number.NEGATIVE_INFINITY)).toEqual([0, 1]);
    const tiny = applyTopP(Float64Array.from(logp), 1e-9);
    expect([...tiny.keys()].filter((j) => tiny[j]! > Number.NEGATIVE_INFINITY)).toEqual([0]);
  });

  it('min-p scales its threshold with the top probability', () => {
    const s = applyMinP(Float64Array.from([0.6, 0.3, 0.08, 0.02].map(Math.log)), 0.2);
    expect([...s.keys()].filter((j) => s[j]! > Number.NEGATIVE_INFINITY)).toEqual([0, 1]);
  });
});

describe('bad processor settings', () => {
  const cases: [string, Record<string, number>][] = [
    ['topP', { topP: 0 }],
    ['topP', { topP: 1.5 }],
    ['temperature', { temperature: -0.1 }],
    ['topK', { topK: -1 }],
    ['topK', { topK: 2.5 }],
    ['minP', { minP: 2 }],
    ['repetitionPenalty', { repetitionPenalty: 0 }],
  ];
  for (const [option, config] of cases) {
    it(`${JSON.stringify(config)} raises SamplerConfigError naming ${option}`, () => {
      let caught: unknown;
      try {
        processLogits([1, 2], [], config);
      } catch (e) {
        caught = e;
      }
      expect(SamplerConfigError.isInstance(caught)).toBe(true);
      expect((caught as SamplerConfigError).option).toBe(option);
      expect((caught as Error).message).toContain(option);
    });
  }
});
