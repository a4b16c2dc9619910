/**
 * trainGrpo on a tiny GPT, in the bandit setup of the PPO test (one-token answers to 4 fixed
 * prompts, a fixed scorer as the reward): group-normalised advantages must raise the score of what
 * it samples, with no critic, and the KL to the reference must stay small.
 */
import type { Tokenizer } from '@llmforge/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/index.js';
import { trainGrpo } from '../src/node.js';
import { chatTokenizer, fixedScorer, tempRoot, tinyModel, tinyTasks } from './helpers/tiny-run.js';

const dir = tempRoot('grpo');
let tok: Tokenizer;
let prompts: Task[];

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  tok = await chatTokenizer();
  prompts = (await tinyTasks({ unknown: 1, calculator: 1 }, 4, 1)).train;
});

describe('trainGrpo', () => {
  it('raises the score of its samples with group advantages, leashed to the reference', async () => {
    const scorer = await fixedScorer(tok);
    const r = await trainGrpo({
      outDir: dir('grpo'),
      policy: { model: tinyModel(tok, 0, 1, 192), tokenizer: tok },
      rewardModel: scorer,
      rewardFrom: 'model',
      tasks: prompts,
      heldout: prompts,
      steps: 12,
      promptsPerStep: 4,
      groupSize: 8,
      maxNewTokens: 1,
      evalMaxNewTokens: 1,
      evalSamples: 8,
      lr: 1e-2,
      progressMode: 'none',
    });
    expect(r.steps).toBe(12);
    expect(r.rewardCurve).toHaveLength(12);
    expect(mean(r.rewardCurve.slice(-4))).toBeGreaterThan(mean(r.rewardCurve.slice(0, 4)) + 0.3);
    expect(r.rewardAfter!).toBeGreaterThan(r.rewardBefore! + 0.3);
    expect(r.meanKL).toBeGreaterThan(0);
    expect(r.meanKL).toBeLessThan(5);
    scorer.trunk.dispose();
  });
});
