/**
 * trainSft on a tiny GPT and a real task set: the assistant-token loss falls, only assistant tokens
 * are counted, the checkpoint is a Hugging Face folder `fromPretrained` reads back to the same
 * held-out loss, and a run stopped halfway and resumed ends where an uninterrupted one ends.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer } from '@llmforge/tokenizer';
import { fromPretrained } from '@llmforge/transformer/node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChatFormat,
  makeSftBatches,
  PostTrainingConfigError,
  type Task,
  taskConversation,
} from '../src/index.js';
import { heldOutLoss, type SftConfig, trainSft } from '../src/node.js';
import { chatTokenizer, tempRoot, tinyModel, tinyTasks } from './helpers/tiny-run.js';

const dir = tempRoot('sft');
let tok: Tokenizer;
let tasks: { train: Task[]; heldOut: Task[] };

beforeAll(async () => {
  tok = await chatTokenizer();
  tasks = await tinyTasks({ capital: 1, reverse: 1 }, 24, 6);
});

const base = (outDir: string): SftConfig => ({
  outDir,
  model: { model: tinyModel(tok), tokenizer: tok },
  tasks: tasks.train,
  heldout: tasks.heldOut,
  steps: 8,
  batchSize: 4,
  lr: 1e-2,
  warmupSteps: 0,
  evalMaxNewTokens: 4,
  progressMode: 'none',
});

describe('trainSft', () => {
  it('lowers the assistant-token loss and writes a checkpoint fromPretrained reads back', async () => {
    const r = await trainSft(base(dir('plain')));
    expect(r.steps).toBe(8);
    expect(r.lossCurve).toHaveLength(8);
    expect(r.lossCurve[7]![1]).toBeLessThan(r.lossCurve[0]![1] - 0.5);
    expect(r.heldoutLoss!).toBeLessThan(r.heldoutLossBefore! - 0.5);
    expect(r.taskAccuracy).toBeGreaterThanOrEqual(0);
    expect(Object.values(r.familyTotals).reduce((a, b) => a + b, 0)).toBe(tasks.heldOut.length);

    // only the assistant's tokens are targets: the count matches the chat format's labels
    const format = new ChatFormat(tok);
    const rendered = tasks.train.map((t) => format.render(taskConversation(t)));
    const assistant = rendered.reduce((n, e) => n + e.labels.filter((l) => l !== -100).length, 0);
    const all = rendered.reduce((n, e) => n + e.ids.length, 0);
    expect(r.targetTokens).toBe(assistant);
    expect(assistant).toBeLessThan(all / 2);

    // Hugging Face layout, written whole (no temporary folders left), readable by fromPretrained
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) {
      expect(existsSync(join(r.checkpointDir, f))).toBe(true);
    }
    expect(readdirSync(join(dir('plain'), 'checkpoints'))).toEqual(['step-000008']);
    const loaded = await fromPretrained(r.checkpointDir);
    const heldOut = tasks.heldOut.map((t) => format.render(taskConversation(t)));
    const { batches } = makeSftBatches(heldOut, {
      batchSize: 4,
      maxLength: loaded.config.contextLength,
      padId: format.endOfTurnIds[0]!,
      packing: true,
    });
    expect(await heldOutLoss(loaded, batches)).toBeCloseTo(r.heldoutLoss!, 5);
    loaded.dispose();
  });

  it('resumes a stopped run to the result of an uninterrupted one', async () => {
    const straight = await trainSft(base(dir('straight')));
    const stop = new AbortController();
    const first = await trainSft({
      ...base(dir('resumed')),
      signal: stop.signal,
      onProgress: (e) => {
        if (e.phase === 'train' && e.step === 3) stop.abort();
      },
    });
    expect(first.stopped).toBe(true);
    expect(first.steps).toBe(3);
    const resumed = await trainSft({ ...base(dir('resumed')), resume: true });
    expect(resumed.steps).toBe(8);
    expect(resumed.trainLoss).toBe(straight.trainLoss);
    expect(resumed.heldoutLoss).toBe(straight.heldoutLoss);
    expect(resumed.heldoutLossBefore).toBe(straight.heldoutLossBefore);
  });

  it('stops at the next step when a timer aborts the signal (the loop yields to the event loop)', async () => {
    const stop = new AbortController();
    // Armed at step 1, inside the loop: it fires only if the trainer lets the event loop turn
    // (a Ctrl-C handler is the same kind of callback).
    let armed = false;
    const r = await trainSft({
      ...base(dir('timer')),
      signal: stop.signal,
      onProgress: (e) => {
        if (e.phase === 'train' && e.step === 1 && !armed) {
          armed = true;
          setTimeout(() => stop.abort(), 0);
        }
      },
    });
    expect(r.stopped).toBe(true);
    expect(r.steps).toBe(1);
  });

  it('replays token documents beside the conversations, learned on every token but the first', async () => {
    const text = [
      'Lima is the capital of Peru.',
      'The capital of Chad is Ndjamena.',
      'Fiji: Suva. Peru: Lima.',
    ];
    const documents = text.map((t) => tok.encode(t));
    const r = await trainSft({ ...base(dir('replay')), documents, steps: 4 });
    const format = new ChatFormat(tok);
    const assistant = tasks.train
      .map((t) => format.render(taskConversation(t)))
      .reduce((n, e) => n + e.labels.filter((l) => l !== -100).length, 0);
    // packing leaves each example's first token unlearned; a document learns all the others
    expect(r.targetTokens).toBe(assistant + documents.reduce((n, d) => n + d.length - 1, 0));
    expect(r.examples).toBe(tasks.train.length + documents.length);
    // documents alone are a dataset too
    const only = await trainSft({ ...base(dir('replay-only')), tasks: [], documents, steps: 2 });
    expect(only.targetTokens).toBe(documents.reduce((n, d) => n + d.length - 1, 0));
    // an id outside the vocabulary names the document
    await expect(
      trainSft({ ...base(dir('replay-bad')), documents: [documents[0]!, [1, tok.vocabSize]] }),
    ).rejects.toThrow(/documents\[1\]/);
  });

  it('refuses a run directory that holds checkpoints, and unknown options, before training', async () => {
    await expect(trainSft({ ...base(dir('plain')) })).rejects.toThrow(/resume/);
    await expect(trainSft({ ...base(dir('typo')), learningRate: 1 } as SftConfig)).rejects.toThrow(
      PostTrainingConfigError,
    );
  });
});
