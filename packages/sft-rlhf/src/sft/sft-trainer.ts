/**
 * `trainSft`: supervised fine-tuning — the base model learns to answer in the chat format, with
 * the loss on the assistant's tokens only.
 *
 * ```
 * tasks / conversations ─► ChatFormat.render (ids + assistant-only labels) ─┐
 * documents (a replay of pretraining data) ─► every token learned ──────────┴► makeSftBatches (packed)
 *   per step:  batch ─► forward (logits at the scored tokens only) ─► sftLoss (masked cross
 *              entropy, `modelSftLoss`) ─► backward ─► clip ─► AdamW
 *   at the end (and every evalEvery):  held-out loss (same loss on held-out conversations)
 *                                      task accuracy (greedy answers judged by each task's checker)
 * ```
 *
 * Each epoch packs the conversations in a new seeded order, so step k's batch is a function of the
 * seed and k alone and a resumed run sees the batches an uninterrupted one would. The loop reuses
 * @llmforge/trainer's pieces (checkpoint manager, metrics, progress, report) through
 * `common/run.ts`.
 */
import { defaultBackend, noGrad, tidy } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import type { SftExample } from '../chat/chat-format.js';
import type { Conversation } from '../chat/conversation.js';
import { readConversationsFile } from '../chat/conversation-file.js';
import { makeSftBatches, type SftBatch } from '../chat/sft-batches.js';
import { badConfig } from '../common/check-config.js';
import { nextTurn } from '../common/next-turn.js';
import { clippedStep, createOptimizer } from '../common/optimizer-step.js';
import { loadPolicy } from '../common/policy.js';
import { PackedEpochs, replayExamples } from '../common/replay.js';
import { PostTrainingRun } from '../common/run.js';
import { evaluateTasks, type JudgedAnswer } from '../evaluate/evaluate-tasks.js';
import { modelSftLoss } from '../losses/sft-loss.js';
import { taskConversation } from '../tasks/task.js';
import { resolveSftConfig, type SftConfig } from './sft-config.js';

/** What {@link trainSft} returns (plain JSON, for `report.json`). */
export interface SftResult {
  /** The final checkpoint (HF layout + tokenizer.json): the policy for the next stages. */
  checkpointDir: string;
  steps: number;
  /** Mean loss of the last step. */
  trainLoss: number;
  /** Mean cross entropy per assistant token on the held-out conversations, before and after. */
  heldoutLossBefore: number | null;
  heldoutLoss: number | null;
  /** Greedy, checker-judged success on the held-out tasks (null without `heldout`). */
  taskAccuracy: number | null;
  /** Greedy success per task family on the held-out tasks. */
  perFamily: Record<string, number>;
  /** Held-out tasks per family. */
  familyTotals: Record<string, number>;
  /** Some judged held-out answers. */
  samples: JudgedAnswer[];
  /** Examples trained on (conversations and replayed documents), and those skipped as longer than a row. */
  examples: number;
  skipped: number;
  /** Target tokens per epoch (the assistant's, and every replayed document token but the first). */
  targetTokens: number;
  lossCurve: [number, number][];
  /** True when `signal` stopped the run early. */
  stopped: boolean;
  seconds: number;
}

/** Mean cross entropy per target token over `batches` (no gradients). */
export async function heldOutLoss(model: Model, batches: readonly SftBatch[]): Promise<number | null> {
  let sum = 0;
  let count = 0;
  for (const b of batches) {
    const loss = noGrad(() => tidy(() => modelSftLoss(model, b.ids, b.labels, { normalizer: 1 }).loss));
    sum += await loss.item();
    loss.dispose();
    count += b.targetTokens;
  }
  return count === 0 ? null : sum / count;
}

/**
 * Fine-tunes a base model on tasks and/or conversations; resumable.
 *
 * @example
 * ```ts
 * const data = await loadTaskData();
 * const result = await trainSft({
 *   outDir: 'runs/sft',
 *   model: 'runs/base/checkpoints/step-001500',
 *   tasks: buildTasks(data, { mix: SMALL_MODEL_MIX, count: 2000, seed: 1 }),
 *   heldout: buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 2, split: 'heldout' }),
 *   epochs: 3,
 * });
 * console.log(result.taskAccuracy, result.checkpointDir);
 * ```
 */
export async function trainSft(config: SftConfig): Promise<SftResult> {
  const op = 'trainSft';
  const c = resolveSftConfig(config);
  // ── data and model, checked before anything is written ─────────────────────────────────────────
  const conversations: Conversation[] = (c.tasks ?? []).map((t) =>
    taskConversation(t, c.system === undefined ? {} : { system: c.system }),
  );
  if (typeof c.conversations === 'string')
    conversations.push(...(await readConversationsFile(c.conversations)));
  else conversations.push(...(c.conversations ?? []));
  if (conversations.length === 0 && (c.documents ?? []).length === 0) {
    badConfig(
      op,
      'tasks',
      'at least one task, conversation or document',
      'an empty dataset',
      'pass tasks (buildTasks), conversations or documents',
    );
  }
  const backend = c.backend ?? (typeof c.model === 'string' ? defaultBackend() : c.model.model.backend);
  const policy = await loadPolicy(c.model, { operation: op, backend });
  const { model, format } = policy;
  const maxLength = c.maxLength ?? model.config.contextLength;
  if (maxLength > model.config.contextLength) {
    badConfig(op, 'maxLength', `at most the model's context length ${model.config.contextLength}`, maxLength);
  }
  const examples: SftExample[] = conversations.map((conv) => format.render(conv)); // ConversationError names the record
  examples.push(...replayExamples(op, c.documents ?? [], model.config.vocabSize));
  const padId = format.endOfTurnIds[0]!;
  const batchOptions = { batchSize: c.batchSize, maxLength, padId, packing: c.packing };
  // step k's batch: epochs of seeded shuffles, packed, concatenated
  const epochs = new PackedEpochs(examples, batchOptions, c.seed, 'sft');
  const { first } = epochs;
  if (first.batches.length === 0) {
    badConfig(
      op,
      'maxLength',
      `room for at least one conversation (${maxLength} tokens)`,
      `all ${examples.length} longer`,
    );
  }
  const heldOut = c.heldout ?? [];
  const heldOutBatches = makeSftBatches(
    heldOut.map((t) => format.render(taskConversation(t))),
    batchOptions,
  ).batches;
  const steps = c.steps ?? Math.max(1, Math.round(c.epochs * first.batches.length));

  const run = await PostTrainingRun.open<{ heldoutLossBefore: number | null }>({
    ...c,
    operation: op,
    algorithm: 'sft',
    config: { steps, batchSize: c.batchSize, lr: c.lr, seed: c.seed, packing: c.packing, maxLength },
    progressEvery: 10,
  });
  model.train();
  const named = model.namedParameters();
  const params = named.map(([, p]) => p);
  const { optimizer, schedule } = createOptimizer(named, {
    lr: c.lr,
    betas: c.betas,
    weightDecay: c.weightDecay,
    warmupSteps: c.warmupSteps ?? Math.round(c.warmupFraction * steps),
    minLr: c.minLr ?? c.lr / 10,
    totalSteps: steps,
  });
  let step = 0;
  let heldoutLossBefore: number | null;
  if (run.resumed) {
    await run.restore({ model, optimizer });
    step = run.resumed.state.step;
    heldoutLossBefore = run.resumed.state.data.heldoutLossBefore;
  } else {
    heldoutLossBefore = await heldOutLoss(model, heldOutBatches);
    if (heldoutLossBefore !== null) run.log('evaluate', 0, steps, { heldoutLoss: heldoutLossBefore });
  }
  const evaluate = async () => {
    const loss = await heldOutLoss(model, heldOutBatches);
    const tasks =
      heldOut.length > 0
        ? await evaluateTasks(model, format, heldOut, { maxNewTokens: c.evalMaxNewTokens, keepSamples: 12 })
        : null;
    run.log('evaluate', step, steps, {
      ...(loss === null ? {} : { heldoutLoss: loss }),
      ...(tasks ? { taskAccuracy: tasks.success } : {}),
    });
    run.progress.log(
      `sft step ${step}: held-out loss ${loss?.toFixed(4) ?? 'n/a'}, task accuracy ${tasks ? `${(100 * tasks.success).toFixed(1)}%` : 'n/a'}`,
    );
    return { loss, tasks };
  };

  // ── the loop ──────────────────────────────────────────────────────────────────────────────────
  let trainLoss = Number.NaN;
  let last: Awaited<ReturnType<typeof evaluate>> | null = null;
  let stopped = false;
  let checkpointDir = run.checkpoints.latest()?.dir ?? '';
  run.progress.start(steps, step);
  try {
    while (step < steps) {
      const t0 = performance.now();
      const batch = epochs.at(step);
      optimizer.setLr(schedule(step));
      const loss = tidy(() => modelSftLoss(model, batch.ids, batch.labels).loss);
      loss.backward();
      trainLoss = await loss.item();
      loss.dispose();
      step++;
      const gradNorm = await clippedStep({
        model,
        params,
        optimizer,
        clip: c.clipGradNorm,
        step,
        loss: trainLoss,
      });
      const tokensPerSecond = batch.realTokens / ((performance.now() - t0) / 1000);
      run.progress.update(step, { loss: trainLoss, tokensPerSecond, mfu: null });
      run.log('train', step, steps, { loss: trainLoss, lr: optimizer.lr, gradNorm, tokensPerSecond });
      await nextTurn(); // let a timer or a Ctrl-C handler abort the signal
      stopped = c.signal?.aborted === true && step < steps;
      const done = step === steps || stopped;
      if ((c.evalEvery > 0 && step % c.evalEvery === 0) || done) last = await evaluate();
      if ((c.checkpointEvery > 0 && step % c.checkpointEvery === 0) || done) {
        checkpointDir = await run.save(step, {
          model,
          optimizer,
          tokenizerJson: policy.tokenizerJson,
          data: { heldoutLossBefore },
        });
      }
      if (stopped) break;
    }
    if (last === null) last = await evaluate(); // resumed after the last step
  } finally {
    run.progress.stop();
    optimizer.dispose();
  }
  model.eval();
  const result: SftResult = {
    checkpointDir,
    steps: step,
    trainLoss,
    heldoutLossBefore,
    heldoutLoss: last.loss,
    taskAccuracy: last.tasks?.success ?? null,
    perFamily: Object.fromEntries(
      Object.entries(last.tasks?.perFamily ?? {}).map(([f, r]) => [f, r.success]),
    ),
    familyTotals: Object.fromEntries(
      Object.entries(last.tasks?.perFamily ?? {}).map(([f, r]) => [f, r.total]),
    ),
    samples: last.tasks?.samples ?? [],
    examples: first.stats.examples,
    skipped: first.skipped.length,
    targetTokens: first.stats.targetTokens,
    lossCurve: run.curve('train', 'loss'),
    stopped,
    seconds: run.elapsed(),
  };
  await run.finish(result, {
    title: 'SFT',
    subtitle: `${step} steps, ${result.examples} examples`,
    charts: [
      {
        title: 'loss (assistant tokens)',
        xLabel: 'step',
        yLabel: 'nats/token',
        series: [
          { label: 'train', points: result.lossCurve },
          { label: 'held-out', points: run.curve('eval', 'heldoutLoss') },
        ],
      },
    ],
    table: [
      ['checkpoint', checkpointDir],
      [
        'held-out loss',
        `${heldoutLossBefore?.toFixed(4) ?? 'n/a'} → ${result.heldoutLoss?.toFixed(4) ?? 'n/a'}`,
      ],
      ['task accuracy', result.taskAccuracy === null ? 'n/a' : `${(100 * result.taskAccuracy).toFixed(1)}%`],
      ...Object.entries(result.perFamily).map(([f, r]): [string, string] => [
        `  ${f}`,
        `${(100 * r).toFixed(1)}% of ${result.familyTotals[f]}`,
      ]),
      ['skipped (too long)', String(result.skipped)],
      ['seconds', result.seconds.toFixed(1)],
    ],
  });
  model.dispose(); // the trainer's own copy: the checkpoint is what lives on
  return result;
}
