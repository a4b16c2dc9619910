/**
 * trainDpo on a tiny GPT and real task pairs: the first step's loss is log 2 (policy = reference, so
 * every implicit-reward margin is 0), and training widens the margin between chosen and rejected.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer } from '@llmforge/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/index.js';
import { trainDpo } from '../src/node.js';
import { chatTokenizer, tempRoot, tinyModel, tinyTasks } from './helpers/tiny-run.js';

const dir = tempRoot('dpo');
let tok: Tokenizer;
let tasks: { train: Task[]; heldOut: Task[] };

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

beforeAll(async () => {
  tok = await chatTokenizer();
  tasks = await tinyTasks({ unknown: 1, calculator: 1 }, 32, 4);
});

describe('trainDpo', () => {
  it('starts at loss log 2 and widens the implicit-reward margin', async () => {
    const r = await trainDpo({
      outDir: dir('dpo'),
      policy: { model: tinyModel(tok, 0, 1, 192), tokenizer: tok },
      tasks: tasks.train,
      heldout: tasks.heldOut,
      steps: 20,
      batchSize: 8,
      lr: 3e-3,
      warmupFraction: 0,
      evalMaxNewTokens: 4,
      progressMode: 'none',
    });
    const train = readFileSync(join(dir('dpo'), 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; loss?: number; margin?: number })
      .filter((m) => m.type === 'train');
    expect(train).toHaveLength(20);
    expect(train[0]!.loss).toBeCloseTo(Math.log(2), 5);
    expect(train[0]!.margin).toBeCloseTo(0, 5);
    expect(r.rewardCurve).toHaveLength(20);
    expect(mean(r.rewardCurve.slice(-5))).toBeGreaterThan(0.1);
    expect(mean(train.slice(-5).map((m) => m.loss!))).toBeLessThan(Math.log(2) - 0.05);
  });
});
