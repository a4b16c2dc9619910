/**
 * Checker-judged task success: the model answers each task greedily (through the tool loop, so
 * calculator calls run for real), and the task's checker decides.
 *
 * ```
 * task ─► greedy answer ─► check(answer) ─► solved / total, overall and per family
 * ```
 *
 * Greedy decoding makes the figure a property of the model, not of a sample: SFT, PPO, GRPO and
 * DPO are all judged this way on the same held-out tasks, so their results compare in one table.
 */
import type { Model } from '@llmforge/transformer';
import { ChatFormat, type ChatFormatTokenizer } from '../chat/chat-format.js';
import { sampleRollouts } from '../common/rollout.js';
import { PostTrainingConfigError } from '../errors.js';
import { type Task, taskReward } from '../tasks/task.js';
import type { Tool } from '../tools/tool-loop.js';

/** Success on one family (or overall). */
export interface SuccessRate {
  /** solved / total, in [0, 1]. */
  success: number;
  solved: number;
  total: number;
}

/** One judged answer, for reports. */
export interface JudgedAnswer {
  id: string;
  family: string;
  prompt: string;
  reference: string;
  answer: string;
  correct: boolean;
  /** Whether the model ended its turn (`stop`) or ran out of budget (`length`). */
  finishReason: string;
  toolCalls: number;
}

/** What {@link evaluateTasks} returns (plain JSON). */
export interface TaskEvaluation extends SuccessRate {
  perFamily: Record<string, SuccessRate>;
  /** The first `keepSamples` answers (default 8), in task order. */
  samples: JudgedAnswer[];
  /** Fraction of answers that ended their turn. */
  endedFraction: number;
  seconds: number;
}

/** Options of {@link evaluateTasks}. */
export interface EvaluateTasksOptions {
  /** Most generated tokens per answer (default 32). */
  maxNewTokens?: number;
  /** Answers kept in `samples` (default 8). */
  keepSamples?: number;
  tools?: Readonly<Record<string, Tool>>;
  system?: string;
  signal?: AbortSignal;
  /** Called after each task. */
  onTask?: (done: number, total: number) => void;
}

/** Rates per family from (family, correct) pairs. */
export function successRates(judged: readonly { family: string; correct: boolean }[]): {
  overall: SuccessRate;
  perFamily: Record<string, SuccessRate>;
} {
  const rate = (list: readonly { correct: boolean }[]): SuccessRate => {
    const solved = list.filter((j) => j.correct).length;
    return { success: list.length === 0 ? 0 : solved / list.length, solved, total: list.length };
  };
  const families = [...new Set(judged.map((j) => j.family))].sort();
  return {
    overall: rate(judged),
    perFamily: Object.fromEntries(families.map((f) => [f, rate(judged.filter((j) => j.family === f))])),
  };
}

/**
 * Greedy, checker-judged success of `model` on `tasks`, overall and per family.
 *
 * @example
 * ```ts
 * const heldOut = buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 2, split: 'heldout' });
 * const ev = await evaluateTasks(model, tokenizer, heldOut);
 * console.log(ev.success, ev.perFamily['capital-lookup']);
 * ```
 */
export async function evaluateTasks(
  model: Model,
  tokenizer: ChatFormatTokenizer | ChatFormat,
  tasks: readonly Task[],
  o: EvaluateTasksOptions = {},
): Promise<TaskEvaluation> {
  if (tasks.length === 0) {
    throw new PostTrainingConfigError({
      operation: 'evaluateTasks',
      where: 'tasks',
      expected: 'at least one task',
      found: 'none',
      hint: "build them with buildTasks(data, { ..., split: 'heldout' })",
    });
  }
  const started = performance.now();
  const format = tokenizer instanceof ChatFormat ? tokenizer : new ChatFormat(tokenizer);
  const rollouts = await sampleRollouts(model, format, tasks, {
    temperature: 0,
    maxNewTokens: o.maxNewTokens ?? 32,
    ...(o.tools ? { tools: o.tools } : {}),
    ...(o.system === undefined ? {} : { system: o.system }),
    ...(o.signal ? { signal: o.signal } : {}),
    onTask: (done) => o.onTask?.(done, tasks.length),
  });
  const judged: JudgedAnswer[] = rollouts.map((r) => ({
    id: r.task.id,
    family: r.task.family,
    prompt: r.task.prompt,
    reference: r.task.reference,
    answer: r.answer,
    correct: taskReward(r.task, r.answer) === 1,
    finishReason: r.finishReason,
    toolCalls: r.toolCalls,
  }));
  const { overall, perFamily } = successRates(judged);
  return {
    ...overall,
    perFamily,
    samples: judged.slice(0, o.keepSamples ?? 8),
    endedFraction: judged.filter((j) => j.finishReason === 'stop').length / judged.length,
    seconds: (performance.now() - started) / 1000,
  };
}
