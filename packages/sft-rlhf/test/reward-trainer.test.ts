/**
 * The reward model on a tiny GPT and real task pairs: the Bradley–Terry model ranks held-out
 * (correct, incorrect) pairs well above chance, and its checkpoint scores the same after loading.
 */
import type { Tokenizer } from '@llmforge/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatFormat, REWARD_DEFAULTS, renderPair, type Task, taskPreferencePairs } from '../src/index.js';
import { RewardModel, type RewardResult, trainRewardModel } from '../src/node.js';
import { chatTokenizer, tempRoot, tinyModel, tinyTasks } from './helpers/tiny-run.js';

const dir = tempRoot('rm-ppo');
let tok: Tokenizer;
let tasks: { train: Task[]; heldOut: Task[] };
let rm: RewardResult;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  tok = await chatTokenizer();
  tasks = await tinyTasks({ unknown: 1, calculator: 1 }, 48, 12);
  rm = await trainRewardModel({
    outDir: dir('rm'),
    model: { model: tinyModel(tok, 0, 2, 192), tokenizer: tok },
    tasks: tasks.train,
    heldout: tasks.heldOut,
    steps: 80,
    batchSize: 8,
    lr: 3e-3,
    progressMode: 'none',
  });
});

describe('trainRewardModel', () => {
  it('ranks held-out pairs well above chance, and its checkpoint scores the same after loading', async () => {
    expect(rm.pairAccuracy!).toBeGreaterThanOrEqual(0.8);
    expect(rm.pairAccuracy!).toBeGreaterThan(rm.pairAccuracyBefore!);
    expect(rm.meanMargin!).toBeGreaterThan(0);
    expect(rm.lossCurve.at(-1)![1]).toBeLessThan(Math.log(2));

    const loaded = await RewardModel.load(rm.checkpointDir);
    const format = new ChatFormat(tok);
    const pairs = tasks.heldOut
      .flatMap((t) => taskPreferencePairs(t, { max: REWARD_DEFAULTS.pairsPerTask }))
      .map((p) => renderPair(format, p));
    const chosen = await loaded.score(pairs.map((p) => p.chosen));
    const rejected = await loaded.score(pairs.map((p) => p.rejected));
    const margins = chosen.map((c, i) => c - rejected[i]!);
    expect(mean(margins)).toBeCloseTo(rm.meanMargin!, 4);
    expect(margins.filter((m) => m > 0).length / margins.length).toBeCloseTo(rm.pairAccuracy!, 6);
    loaded.trunk.dispose();
  });
});
