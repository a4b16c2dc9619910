/**
 * A task: one checkable question, and what each training stage makes of it.
 *
 * ```
 * task      { prompt: 'What is 23+45?', reference: '68', incorrect: ['67', '58'], check }
 * SFT       user: What is 23+45?   assistant: 68                          taskConversation
 * RM / DPO  prompt [user], chosen [assistant: 68], rejected [assistant: 67]  taskPreferencePairs
 * RL        reward = check(final answer) ? 1 : 0                           taskReward
 * ```
 *
 * A task whose reference calls a tool (`toolCall`) teaches the call, the tool's result and then the
 * answer; its rejected responses answer directly (and wrongly).
 */
import type { ChatMessage, ChatToolCall, Conversation } from '../chat/conversation.js';
import type { Checker } from './answers.js';
import type { TaskRandom } from './random.js';
import type { TaskData } from './task-data.js';

/** One checkable question. */
export interface Task {
  /** Unique: `<family>:<item>` (plus a variant when a family asks several things of an item). */
  id: string;
  /** The family that made it, e.g. `capital`. */
  family: string;
  /**
   * The underlying item, shared across families (`country:France`, `word:house`, `add:23+45`):
   * splits are by item, so a held-out item is never seen in training under any family.
   */
  item: string;
  /** The user's message. */
  prompt: string;
  /** The answer SFT teaches (after the tool's result, for tool tasks). */
  reference: string;
  /** Plausible wrong answers (at least one); `check` rejects every one. */
  incorrect: string[];
  /** The call the reference makes before answering, e.g. `calculator(347*29)`. */
  toolCall?: ChatToolCall;
  /** The tool's result the reference reads (with `toolCall`). */
  toolResult?: string;
  /**
   * Wrong calls of the tool (with `toolCall`): an argument copied wrong, e.g. `calculator(348*29)`,
   * each with the tool's (true) result for it, which the checker rejects. Their rejected
   * continuations call, read and repeat that result, so a reward model learns to check the call's
   * arguments against the prompt, not only that a call was made.
   */
  incorrectCalls?: { toolCall: ChatToolCall; toolResult: string }[];
  /** True when a final answer is correct. */
  check: Checker;
}

/** What a family sees: the data, the seed, and which items are in the requested split. */
export interface FamilyContext {
  data: TaskData;
  seed: number;
  inSplit(item: string): boolean;
}

/**
 * A family of tasks. A finite one (`all`) lists every task it has — buildTasks keeps those in the
 * split and draws without replacement; a generated one (`draw`) makes a random task on demand.
 */
export interface TaskFamily {
  readonly name: string;
  /** One line for READMEs and reports. */
  readonly description: string;
  all?(ctx: FamilyContext): Task[];
  draw?(rng: TaskRandom, ctx: FamilyContext): Task;
}

/** Options of the conversions. */
export interface TaskMessageOptions {
  /** A system message before the user's (default none). */
  system?: string;
}

/**
 * The prompt messages of a task (what generation starts from).
 *
 * @example
 * ```ts
 * format.prompt(taskPrompt(task)); // ids ending with the assistant header
 * ```
 */
export function taskPrompt(task: Task, options: TaskMessageOptions = {}): ChatMessage[] {
  return [
    ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
    { role: 'user', content: task.prompt },
  ];
}

/** The reference continuation: the tool call and its result when there is one, then the answer. */
export function referenceMessages(task: Task): ChatMessage[] {
  if (!task.toolCall) return [{ role: 'assistant', content: task.reference }];
  return [
    { role: 'assistant', content: '', toolCalls: [task.toolCall] },
    { role: 'tool', content: task.toolResult ?? '' },
    { role: 'assistant', content: task.reference },
  ];
}

/**
 * The SFT conversation of a task.
 *
 * @example
 * ```ts
 * const examples = tasks.map((t) => format.render(taskConversation(t)));
 * ```
 */
export function taskConversation(task: Task, options: TaskMessageOptions = {}): Conversation {
  return { id: task.id, messages: [...taskPrompt(task, options), ...referenceMessages(task)] };
}

/** A preference pair in TRL's conversational format: a shared prompt, a chosen and a rejected continuation. */
export interface PreferencePair {
  /** `<task id>#<k>`. */
  id: string;
  family: string;
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
}

/**
 * The rejected continuations of a task, most instructive first: wrong tool calls (see
 * `Task.incorrectCalls`) alternate with the direct incorrect answers.
 *
 * @example
 * ```ts
 * rejectedContinuations(calculatorTask)[0];
 * // [assistant: call calculator(348*29)] [tool: 10092] [assistant: 10092]
 * ```
 */
export function rejectedContinuations(task: Task): ChatMessage[][] {
  const calls: ChatMessage[][] = (task.incorrectCalls ?? []).map((c) => [
    { role: 'assistant', content: '', toolCalls: [c.toolCall] },
    { role: 'tool', content: c.toolResult },
    { role: 'assistant', content: c.toolResult },
  ]);
  const direct: ChatMessage[][] = task.incorrect.map((wrong) => [{ role: 'assistant', content: wrong }]);
  const out: ChatMessage[][] = [];
  for (let i = 0; i < Math.max(calls.length, direct.length); i++) {
    if (calls[i]) out.push(calls[i]!);
    if (direct[i]) out.push(direct[i]!);
  }
  return out;
}

/**
 * (correct, incorrect) pairs of a task: one per rejected continuation (incorrect answers and wrong
 * tool calls, {@link rejectedContinuations}), at most `max` (default all).
 *
 * @example
 * ```ts
 * const pairs = tasks.flatMap((t) => taskPreferencePairs(t, { max: 1 }));
 * ```
 */
export function taskPreferencePairs(
  task: Task,
  options: TaskMessageOptions & { max?: number } = {},
): PreferencePair[] {
  const prompt = taskPrompt(task, options);
  const rejected = rejectedContinuations(task);
  return rejected.slice(0, options.max ?? rejected.length).map((messages, k) => ({
    id: `${task.id}#${k}`,
    family: task.family,
    prompt,
    chosen: referenceMessages(task),
    rejected: messages,
  }));
}

/**
 * The verifiable reward of a final answer: 1 when the task's checker accepts it, else 0.
 *
 * @example
 * ```ts
 * taskReward(task, '68'); // 1
 * ```
 */
export function taskReward(task: Task, answer: string): number {
  return task.check(answer) ? 1 : 0;
}

/** Keeps the distinct incorrect answers the checker rejects; at least one must remain. */
export function rejectedBy(check: Checker, candidates: readonly string[], reference: string): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    if (c.trim() !== '' && c !== reference && !check(c) && !out.includes(c)) out.push(c);
  }
  return out;
}
