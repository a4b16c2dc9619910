/**
 * trainPpo on a tiny GPT: against a fixed scorer (a reward model on a random trunk whose head is
 * wide enough that answers score differently), PPO must raise the score of what it samples, stay
 * near its reference, and write the policy with its value head.
 *
 * One-token answers make it a contextual bandit: each step samples 8 answers to each of 4 fixed
 * prompts, so a rise is the optimizer's doing, not a change of prompts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer } from '@llmforge/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/index.js';
import { trainPpo } from '../src/node.js';
import { chatTokenizer, fixedScorer, tempRoot, tinyModel, tinyTasks } from './helpers/tiny-run.js';

const dir = tempRoot('ppo');
let tok: Tokenizer;
let prompts: Task[];

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  tok = await chatTokenizer();
  prompts = (await tinyTasks({ unknown: 1, calculator: 1 }, 4, 1)).train;
});

describe('trainPpo', () => {
  it('raises the score of its samples, leashed to the reference', async () => {
    const scorer = await fixedScorer(tok);
    const r = await trainPpo({
      outDir: dir('ppo'),
      policy: { model: tinyModel(tok, 0, 1, 192), tokenizer: tok },
      rewardModel: scorer,
      tasks: prompts,
      heldout: prompts,
      steps: 12,
      promptsPerStep: 4,
      samplesPerPrompt: 8,
      maxNewTokens: 1,
      evalMaxNewTokens: 1,
      evalSamples: 8,
      // a one-token answer never ends its turn: score it as it is
      missingEosPenalty: 0,
      lr: 1e-2,
      progressMode: 'none',
    });
    expect(r.steps).toBe(12);
    expect(r.rewardCurve).toHaveLength(12);
    expect(mean(r.rewardCurve.slice(-4))).toBeGreaterThan(mean(r.rewardCurve.slice(0, 4)) + 0.3);
    expect(r.rewardAfter!).toBeGreaterThan(r.rewardBefore! + 0.3);
    expect(r.klCurve.every((k) => Number.isFinite(k))).toBe(true);
    expect(r.meanKL).toBeGreaterThan(0);
    expect(r.meanKL).toBeLessThan(5);
    expect(existsSync(join(r.checkpointDir, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(r.checkpointDir, 'value_head.safetensors'))).toBe(true);
    scorer.trunk.dispose();
  });
});
