/**
 * Replay of token documents beside the reward model's, PPO's, GRPO's and DPO's losses (PPO-ptx):
 *
 * - the term itself: `ptxCoef` × the mean cross entropy of the replayed tokens, against a log-softmax
 *   computed here from the model's full logits; update k's rows depend on the seed and k alone;
 * - in each trainer, the metrics keep the algorithm's own `loss` (step 1's equals the run's without
 *   documents: the first update has not happened; DPO's is log 2) and log `ptxLoss` beside it; the
 *   replay is in the gradient: step 2's loss differs;
 * - `ptxCoef: 0` is the run without documents, bit for bit;
 * - what replay is for: after DPO at a high rate, the documents' loss is lower with replay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad, tidy } from '@llmforge/tensor-gpu';
import type { Tokenizer } from '@llmforge/tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../src/common/policy.js';
import { DocumentReplay, PackedEpochs, REPLAY_DEFAULTS, replayExamples } from '../src/common/replay.js';
import type { Task } from '../src/index.js';
import { PostTrainingConfigError, trainDpo, trainGrpo, trainPpo, trainRewardModel } from '../src/node.js';
import { chatTokenizer, fixedScorer, tempRoot, tinyModel, tinyTasks } from './helpers/tiny-run.js';

const dir = tempRoot('replay');
let tok: Tokenizer;
let tasks: { train: Task[]; heldOut: Task[] };
let documents: number[][];

const TEXT = [
  'Lima is the capital of Peru.',
  'The capital of Chad is Ndjamena.',
  'Fiji: Suva. Peru: Lima. Chad: Ndjamena.',
  'What is the capital of Laos? Vientiane.',
  'Quito is the capital of Ecuador, and Bern is the capital of Switzerland.',
  'The capital of Mali is Bamako.',
];

/** The `train` rows of a run's metrics.jsonl. */
function trainRows(outDir: string): Record<string, number>[] {
  return readFileSync(join(outDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number> & { type: string })
    .filter((m) => (m as { type: string }).type === 'train');
}

beforeAll(async () => {
  tok = await chatTokenizer();
  tasks = await tinyTasks({ unknown: 1, calculator: 1 }, 16, 2);
  documents = TEXT.map((t) => tok.encode(t));
});

describe('PackedEpochs and DocumentReplay', () => {
  it('makes batch k a function of the seed and k alone, with a new order each epoch', () => {
    const examples = replayExamples('test', documents, tok.vocabSize);
    const options = { batchSize: 1, maxLength: 24, padId: 0, packing: true };
    const walked = new PackedEpochs(examples, options, 5, 'test');
    const perEpoch = walked.first.batches.length;
    expect(perEpoch).toBeGreaterThan(1);
    const sequence = Array.from({ length: 3 * perEpoch }, (_, k) => walked.at(k));
    // a fresh instance jumping straight to k (a resumed run), and one going back, agree
    for (const k of [2 * perEpoch + 1, perEpoch, 0, 3 * perEpoch - 1]) {
      expect(new PackedEpochs(examples, options, 5, 'test').at(k)).toEqual(sequence[k]);
      expect(walked.at(k)).toEqual(sequence[k]);
    }
    const records = (from: number) => sequence.slice(from, from + perEpoch).flatMap((b) => b.records.flat());
    expect(records(perEpoch)).not.toEqual(records(0));
    expect([...records(perEpoch)].sort()).toEqual([...records(0)].sort());
  });

  it('is ptxCoef × the mean cross entropy of the replayed tokens', async () => {
    const model = tinyModel(tok, 3);
    const coef = 0.25;
    const replay = DocumentReplay.create(
      'test',
      model,
      { ...REPLAY_DEFAULTS, documents, ptxCoef: coef, ptxRows: 2 },
      {
        padId: 0,
        seed: 1,
        name: 'test',
      },
    )!;
    const batch = replay.batchAt(1);
    // by hand: −log softmax(logits at t)[ids at t+1] over the learned positions
    const logits = noGrad(() => model.forward(batch.ids).logits!);
    const [B, T, V] = logits.shape as [number, number, number];
    const z = Float32Array.from(await logits.data());
    let sum = 0;
    let count = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t + 1 < T; t++) {
        if (batch.labels[b]![t + 1] === -100) continue;
        const row = z.subarray((b * T + t) * V, (b * T + t + 1) * V);
        const max = Math.max(...row);
        const logSum = Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0)) + max;
        sum += logSum - row[batch.ids[b]![t + 1]!]!;
        count++;
      }
    }
    logits.dispose();
    expect(count).toBe(batch.targetTokens);
    const { scaled, lm } = noGrad(() => tidy(() => replay.loss(1)));
    expect(await lm.item()).toBeCloseTo(sum / count, 4);
    expect(await scaled.item()).toBeCloseTo((coef * sum) / count, 4);
    scaled.dispose();
    lm.dispose();
    // no documents, or a zero weight: no replay
    expect(
      DocumentReplay.create('test', model, { ...REPLAY_DEFAULTS }, { padId: 0, seed: 1, name: 't' }),
    ).toBeNull();
    expect(
      DocumentReplay.create(
        'test',
        model,
        { ...REPLAY_DEFAULTS, documents, ptxCoef: 0 },
        { padId: 0, seed: 1, name: 't' },
      ),
    ).toBeNull();
    model.dispose();
  });
});

describe('replay in the trainers', () => {
  const dpoConfig = (outDir: string) => ({
    outDir,
    policy: { model: tinyModel(tok, 0, 1, 192), tokenizer: tok },
    tasks: tasks.train,
    heldout: tasks.heldOut,
    steps: 3,
    batchSize: 4,
    lr: 3e-3,
    warmupFraction: 0,
    evalMaxNewTokens: 2,
    evalSamples: 0,
    progressMode: 'none' as const,
  });

  it('DPO: logs its own loss (log 2 at step 1) and ptxLoss; ptxCoef 0 is the run without documents', async () => {
    await trainDpo({ ...dpoConfig(dir('dpo-ptx')), documents, ptxCoef: 0.5 });
    const [first, second] = trainRows(dir('dpo-ptx'));
    expect(first!.ptxLoss).toBeGreaterThan(1);
    expect(first!.loss).toBeCloseTo(Math.log(2), 5);
    await trainDpo(dpoConfig(dir('dpo-plain')));
    expect(Math.abs(second!.loss! - trainRows(dir('dpo-plain'))[1]!.loss!)).toBeGreaterThan(1e-4);
    await trainDpo({ ...dpoConfig(dir('dpo-zero')), documents, ptxCoef: 0 });
    const timeless = (rows: Record<string, number>[]) => rows.map(({ seconds: _s, ...r }) => r);
    expect(timeless(trainRows(dir('dpo-zero')))).toEqual(timeless(trainRows(dir('dpo-plain'))));
    expect(trainRows(dir('dpo-plain'))[0]!.ptxLoss).toBeUndefined();
  });

  it("DPO at a high rate: the documents' loss after training is lower with replay", async () => {
    const heavy = { steps: 12, lr: 1e-2 };
    const a = await trainDpo({ ...dpoConfig(dir('dpo-forget')), ...heavy });
    const b = await trainDpo({ ...dpoConfig(dir('dpo-keep')), ...heavy, documents, ptxCoef: 1, ptxRows: 2 });
    const documentLoss = async (checkpoint: string) => {
      const { model } = await loadPolicy(checkpoint, { operation: 'test' });
      const replay = DocumentReplay.create(
        'test',
        model,
        { ...REPLAY_DEFAULTS, documents, ptxRows: 16 },
        {
          padId: 0,
          seed: 0,
          name: 'eval',
        },
      )!;
      const lm = noGrad(() => tidy(() => replay.loss(0).lm)); // every document in one batch
      const value = await lm.item();
      lm.dispose();
      model.dispose();
      return value;
    };
    expect(await documentLoss(b.checkpointDir)).toBeLessThan((await documentLoss(a.checkpointDir)) - 0.5);
  });

  it('reward model, PPO and GRPO: the same step 1 loss as without documents, ptxLoss beside it, a moved step 2', async () => {
    const rm = (outDir: string) => ({
      outDir,
      model: { model: tinyModel(tok, 0, 1, 192), tokenizer: tok },
      tasks: tasks.train,
      heldout: tasks.heldOut,
      steps: 2,
      batchSize: 4,
      lr: 1e-2,
      progressMode: 'none' as const,
    });
    const scorer = await fixedScorer(tok);
    const ppo = (outDir: string) => ({
      outDir,
      policy: { model: tinyModel(tok, 0, 1, 192), tokenizer: tok },
      rewardModel: scorer,
      tasks: tasks.train,
      heldout: tasks.heldOut,
      steps: 2,
      promptsPerStep: 2,
      samplesPerPrompt: 2,
      epochs: 1,
      miniBatches: 1,
      lr: 1e-2,
      maxNewTokens: 3,
      evalMaxNewTokens: 2,
      evalSamples: 0,
      progressMode: 'none' as const,
    });
    const grpo = (outDir: string) => {
      const { rewardModel: _r, samplesPerPrompt: _s, ...rest } = ppo(outDir);
      return { ...rest, groupSize: 2 };
    };
    const coef = 2;
    // step 2 moved with the replay in the gradient: its loss (reward model) or its rollouts' entropy
    const check = (plain: string, ptx: string, moved: string) => {
      const [p1, p2] = trainRows(dir(plain));
      const [x1, x2] = trainRows(dir(ptx));
      expect(p1!.ptxLoss).toBeUndefined();
      expect(x1!.ptxLoss).toBeGreaterThan(1);
      expect(x1!.loss).toBeCloseTo(p1!.loss!, 5);
      expect(Math.abs(x2![moved]! - p2![moved]!)).toBeGreaterThan(1e-5); // runs are deterministic
    };
    await trainRewardModel(rm(dir('rm-plain')));
    await trainRewardModel({ ...rm(dir('rm-ptx')), documents, ptxCoef: coef });
    check('rm-plain', 'rm-ptx', 'loss');
    await trainPpo(ppo(dir('ppo-plain')));
    await trainPpo({ ...ppo(dir('ppo-ptx')), documents, ptxCoef: coef });
    check('ppo-plain', 'ppo-ptx', 'entropy');
    await trainGrpo(grpo(dir('grpo-plain')));
    await trainGrpo({ ...grpo(dir('grpo-ptx')), documents, ptxCoef: coef });
    check('grpo-plain', 'grpo-ptx', 'entropy');
    scorer.trunk.dispose();
  });

  it('names a bad document and a bad weight before the run directory is written', async () => {
    const bad = [documents[0]!, [1, tok.vocabSize]];
    await expect(trainDpo({ ...dpoConfig(dir('bad-doc')), documents: bad })).rejects.toThrow(
      /trainDpo.*documents\[1\]/s,
    );
    await expect(trainDpo({ ...dpoConfig(dir('bad-coef')), documents, ptxCoef: -1 })).rejects.toThrow(
      PostTrainingConfigError,
    );
    await expect(trainDpo({ ...dpoConfig(dir('bad-rows')), documents, ptxRows: 0 })).rejects.toThrow(
      /ptxRows/,
    );
    const { existsSync } = await import('node:fs');
    for (const name of ['bad-doc', 'bad-coef', 'bad-rows']) expect(existsSync(dir(name))).toBe(false);
  });
});
