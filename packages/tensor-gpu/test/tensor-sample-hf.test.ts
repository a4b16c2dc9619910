/**
 * sampleTokens against Hugging Face: `fixtures/sampler-filters.json` (made with transformers 5.17)
 * holds, for 40 logit vectors and settings, the tokens HF keeps and their probabilities after
 * repetition penalty → temperature → top-k → top-p → min-p. We apply the repetition penalty on the
 * host (HF's rule: a previous token's logit is divided by the penalty if positive, multiplied if
 * negative), then draw 4000 samples on the device (one row per sample, each row its own Philox draw):
 * every sample must be a kept token, and the frequencies must match HF's probabilities.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCpuBackend, sampleTokens, tensor } from '../src/index.js';

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
const cpu = createCpuBackend();
const DRAWS = 4000;

describe('sampleTokens matches Hugging Face logits processors', () => {
  cases.forEach((c, n) => {
    it(`case ${n}: ${JSON.stringify(c.config)} V=${c.logits.length}`, () => {
      const V = c.logits.length;
      const penalized = [...c.logits];
      for (const t of new Set(c.previous_tokens)) {
        const v = penalized[t]!;
        penalized[t] = v > 0 ? v / c.config.repetition_penalty : v * c.config.repetition_penalty;
      }
      const rows = new Float32Array(DRAWS * V);
      for (let r = 0; r < DRAWS; r++) rows.set(penalized, r * V);
      const ids = sampleTokens(
        tensor(rows, [DRAWS, V], 'f32', cpu),
        { seed: 1000 + n, offset: 0 },
        {
          temperature: c.config.temperature,
          topK: c.config.top_k,
          topP: c.config.top_p,
          minP: c.config.min_p,
        },
      ).dataSync();
      const counts = new Array<number>(V).fill(0);
      for (const id of ids) counts[id]!++;
      const kept = new Set(c.kept);
      for (let j = 0; j < V; j++) {
        if (!kept.has(j)) expect(counts[j], `token ${j} is filtered out by HF`).toBe(0);
        // 4000 draws: the standard error of a frequency is at most 0.008
        expect(Math.abs(counts[j]! / DRAWS - c.probs[j]!), `token ${j}`).toBeLessThan(0.035);
      }
    });
  });
});
