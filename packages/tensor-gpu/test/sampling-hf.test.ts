/**
 * The sampling filters (`src/sampling/filters.ts`: temperature → top-k → top-p → min-p) and the
 * choice (`pickToken`), defined once and used by the sampler and by `sampleTokens`, against Hugging
 * Face: `fixtures/sampler-filters.json` (made with transformers 5.17 in float64) holds, for 40
 * logit vectors and settings, the tokens HF keeps and their probabilities after repetition penalty →
 * temperature → top-k → top-p → min-p. The repetition penalty is the sampler's; it is applied here
 * with HF's rule (a previous token's logit divided by the penalty if positive, multiplied if not).
 *
 * Then: `sampleTokens` on the CPU is exactly these functions row by row, its draws follow HF's
 * probabilities, and the corner cases HF's definition fixes (ties at the k-th score, ties in the
 * nucleus, rows too long for the partial selection) match a direct transcription of HF's code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyFilters,
  applyMinP,
  applyTopK,
  applyTopP,
  createCpuBackend,
  philoxUniform,
  pickToken,
  RandomGenerator,
  sampleTokens,
  softmaxRow,
  tensor,
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
const cpu = createCpuBackend();

function penalized(c: FilterCase): number[] {
  const out = [...c.logits];
  for (const t of new Set(c.previous_tokens)) {
    const v = out[t]!;
    out[t] = v > 0 ? v / c.config.repetition_penalty : v * c.config.repetition_penalty;
  }
  return out;
}

const filtersOf = (c: FilterCase) => ({
  temperature: c.config.temperature,
  topK: c.config.top_k,
  topP: c.config.top_p,
  minP: c.config.min_p,
});

const keptOf = (scores: Float64Array) =>
  [...scores.keys()].filter((j) => scores[j]! > Number.NEGATIVE_INFINITY);

describe('the sampling filters against Hugging Face (40 cases)', () => {
  it('has the fixture cases', () => {
    expect(cases.length).toBe(40);
  });
  cases.forEach((c, n) => {
    it(`case ${n}: ${JSON.stringify(c.config)} V=${c.logits.length}: same kept tokens, same probabilities`, () => {
      const scores = applyFilters(Float64Array.from(penalized(c)), filtersOf(c));
      expect(keptOf(scores)).toEqual(c.kept);
      const p = softmaxRow(scores);
      for (let j = 0; j < p.length; j++)
        expect(Math.abs(p[j]! - c.probs[j]!), `token ${j}`).toBeLessThan(1e-6);
    });
  });
});

describe('sampleTokens (CPU) is the filters and pickToken, row by row', () => {
  const DRAWS = 4000;
  cases.forEach((c, n) => {
    it(`case ${n}: every id equals pickToken(applyFilters(row), u); ${DRAWS} draws follow HF's probabilities`, () => {
      const V = c.logits.length;
      const row = penalized(c);
      const rows = new Float32Array(DRAWS * V);
      for (let r = 0; r < DRAWS; r++) rows.set(row, r * V);
      const seed = 1000 + n;
      const ids = sampleTokens(
        tensor(rows, [DRAWS, V], 'f32', cpu),
        { seed, offset: 0 },
        filtersOf(c),
      ).dataSync();
      const greedy = c.config.temperature === 0;
      const scores = applyFilters(Float64Array.from(Float32Array.from(row)), filtersOf(c));
      const counts = new Array<number>(V).fill(0);
      for (const [r, id] of ids.entries()) {
        counts[id]!++;
        if (!greedy) expect(id).toBe(pickToken(scores, philoxUniform(seed, 0, r)));
      }
      const kept = new Set(c.kept);
      for (let j = 0; j < V; j++) {
        if (!kept.has(j)) expect(counts[j], `token ${j} is filtered out by HF`).toBe(0);
        // 4000 draws: the standard error of a frequency is at most 0.008
        expect(Math.abs(counts[j]! / DRAWS - c.probs[j]!), `token ${j}`).toBeLessThan(0.035);
      }
    });
  });
});

/** HF's TopKLogitsWarper, transcribed: remove scores < the k-th largest. */
function hfTopK(scores: number[], k: number): number[] {
  const kth = [...scores].sort((a, b) => b - a)[Math.min(k, scores.length) - 1]!;
  return scores.map((s) => (s < kth ? Number.NEGATIVE_INFINITY : s));
}

/**
 * HF's TopPLogitsWarper, transcribed: sort ascending (ties: higher id first, so lower ids rank as
 * more likely), cumulative softmax, remove while ≤ 1 − p, never the last (most likely) token.
 */
function hfTopP(scores: number[], p: number): number[] {
  const probs = softmaxRow(scores);
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]! || b - a);
  const out = [...scores];
  let cumulative = 0;
  for (let r = 0; r < order.length - 1; r++) {
    cumulative += probs[order[r]!]!;
    if (cumulative <= 1 - p) out[order[r]!] = Number.NEGATIVE_INFINITY;
  }
  return out;
}

describe('corner cases against a transcription of HF', () => {
  it('top-k keeps every token tied with the k-th score', () => {
    expect([...applyTopK(Float64Array.from([1, 5, 3, 3, 0]), 2)]).toEqual([-Infinity, 5, 3, 3, -Infinity]);
    expect([...applyTopK(Float64Array.from([2, 2, 2, 2]), 1)]).toEqual([2, 2, 2, 2]);
    // fewer live tokens than k: nothing more is removed
    expect([...applyTopK(Float64Array.from([1, -Infinity, 3]), 2)]).toEqual([1, -Infinity, 3]);
  });

  it('top-p on ties: lower ids rank first; the most likely token always stays', () => {
    // four equal tokens, p = 0.5: mass before ids 0, 1, 2 is 0, .25, .5 → kept {0, 1}
    expect(keptOf(applyTopP(Float64Array.from([1, 1, 1, 1]), 0.5))).toEqual([0, 1]);
    expect(keptOf(applyTopP(Float64Array.from([0, 9, 0]), 1e-9))).toEqual([1]);
  });

  it('min-p keeps the top token and its ties, drops p < minP · p_max', () => {
    const s = Float64Array.from([Math.log(0.4), Math.log(0.4), Math.log(0.15), Math.log(0.05)]);
    expect(keptOf(applyMinP(s, 0.2))).toEqual([0, 1, 2]);
    expect(keptOf(applyMinP(Float64Array.from([3, 3, 1]), 1))).toEqual([0, 1]);
  });

  it('rows longer than the partial selection (V = 5000): the same kept sets as HF', () => {
    const g = new RandomGenerator(31);
    for (const [k, p] of [
      [0, 0.5],
      [0, 0.99],
      [0, 0.999],
      [300, 0.95],
      [1000, 1],
      [4999, 0.9],
    ] as const) {
      // integer-valued logits: many exact ties, so the tie order is exercised too
      const logits = Array.from(g.normalArray(5000, 0, 3), (v) => Math.round(v * 4) / 4);
      const ours = applyTopP(applyTopK(Float64Array.from(logits), k), p);
      const hf = hfTopP(k > 0 ? hfTopK(logits, k) : logits, p);
      expect(keptOf(ours), `topK ${k} topP ${p}`).toEqual(keptOf(Float64Array.from(hf)));
    }
  });
});
