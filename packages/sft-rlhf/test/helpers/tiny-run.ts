/**
 * A tiny post-training setup for the trainer tests: the shared chat tokenizer, a one-layer GPT
 * (a few thousand parameters), task sets the model can learn something of in a few steps, and
 * temporary run directories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tokenizer } from '@llmforge/tokenizer';
import { createModel, type Model, ScalarHead } from '@llmforge/transformer';
import { afterAll } from 'vitest';
import { buildTasks, type Task, type TaskMix } from '../../src/index.js';
import { loadTaskData, RewardModel } from '../../src/node.js';
import { chatTokenizer, tinyConfig } from './chat.js';

/** A fresh tiny model for the shared tokenizer (one layer, width 16, context 96 by default). */
export function tinyModel(tok: Tokenizer, seed = 0, nLayer = 1, contextLength = 96): Model {
  return createModel(tinyConfig(tok.vocabSize, contextLength, nLayer), { seed });
}

/**
 * A fixed scorer for the RL tests: a reward model on a random tiny trunk (context 192) whose head
 * (std 1, not 0.02) makes answers score differently, so that a policy has something to climb.
 */
export async function fixedScorer(tok: Tokenizer): Promise<RewardModel> {
  const rm = await RewardModel.create(
    { model: tinyModel(tok, 7, 1, 192), tokenizer: tok },
    { operation: 'fixedScorer', seed: 3 },
  );
  return new RewardModel(rm.policy, new ScalarHead(16, { backend: rm.trunk.backend, seed: 3, std: 1 }));
}

/** Train and held-out tasks of `mix`. */
export async function tinyTasks(
  mix: TaskMix,
  count: number,
  heldOut: number,
): Promise<{ train: Task[]; heldOut: Task[] }> {
  const data = await loadTaskData();
  return {
    train: buildTasks(data, { mix, count, seed: 1, repeat: true }),
    heldOut: buildTasks(data, { mix, count: heldOut, seed: 2, split: 'heldout' }),
  };
}

/** A temporary directory removed after the file's tests. */
export function tempRoot(prefix: string): (name: string) => string {
  const root = mkdtempSync(join(tmpdir(), `llmforge-${prefix}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return (name) => join(root, name);
}

export { chatTokenizer };
