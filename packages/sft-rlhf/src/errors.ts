/**
 * Typed errors of @llmforge/sft-rlhf.
 *
 * Every message names the operation, the record (a conversation or task id) or file when there is
 * one, what was expected, what was found and a hint:
 *
 *   `validateConversation: record "chat-17": messages[2]: expected a tool result to answer a tool
 *    call of an earlier assistant message, found a tool message with no pending call; hint: ...`
 *
 * Every class extends `LlmforgeError` (@llmforge/errors), whose `isInstance` works even when two
 * copies of this package are installed (where `instanceof` would fail).
 */
import { type ErrorDetails, LlmforgeError } from '@llmforge/errors';

/** The parts of every error message, plus the record at fault. */
export interface SftRlhfErrorDetails extends ErrorDetails {
  /** The id of the conversation, task or example at fault, when there is one. */
  record?: string;
}

/**
 * Base class of every error this package throws on purpose.
 *
 * @example
 * ```ts
 * try { validateConversation({ id: 'a', messages: [] }); }
 * catch (e) { if (SftRlhfError.isInstance(e)) console.error(e.record); } // 'a'
 * ```
 */
export class SftRlhfError extends LlmforgeError {
  static override readonly errorName: string = 'SftRlhfError';
  /** The id of the conversation, task or example at fault, when there is one. */
  readonly record: string | undefined;

  constructor(details: SftRlhfErrorDetails) {
    const where = [
      details.record === undefined ? undefined : `record ${JSON.stringify(details.record)}`,
      details.where,
    ]
      .filter((part) => part !== undefined && part !== '')
      .join(': ');
    super({ ...details, ...(where ? { where } : {}) });
    this.record = details.record;
  }
}

/**
 * A malformed conversation: no messages, an unknown role, empty content, no assistant turn, a tool
 * result without a call, a call never answered, a system message after the first turn.
 *
 * @example
 * ```ts
 * validateConversation({ id: 'x', messages: [{ role: 'robot', content: 'hi' } as never] });
 * // ConversationError: validateConversation: record "x": messages[0]: expected a role ...
 * ```
 */
export class ConversationError extends SftRlhfError {
  static override readonly errorName: string = 'ConversationError';
}

/**
 * Batching failed: an example longer than the row length with `overflow: 'error'`, bad batch
 * options, labels that do not match their ids.
 *
 * @example
 * ```ts
 * makeSftBatches([{ id: 'a', ids: [1, 2, 3], labels: [-100, 2, 3] }], { batchSize: 1, maxLength: 2, padId: 0, overflow: 'error' });
 * // BatchError: makeSftBatches: record "a": expected at most 2 tokens ...
 * ```
 */
export class BatchError extends SftRlhfError {
  static override readonly errorName: string = 'BatchError';
}

/**
 * Task data or a task request is unusable: a data file that does not parse, an unknown family, a
 * mix or split that leaves no task (an empty dataset).
 *
 * @example
 * ```ts
 * buildTasks(data, { mix: { astrology: 1 }, count: 10 });
 * // TaskDataError: buildTasks: option mix: expected a known task family ...
 * ```
 */
export class TaskDataError extends SftRlhfError {
  static override readonly errorName: string = 'TaskDataError';
}

/**
 * A tool call cannot run: its text is not `name(arguments)`, the tool is unknown, or the
 * calculator's expression does not parse or evaluate (division by zero, too long, too deep).
 *
 * @example
 * ```ts
 * evaluateArithmetic('2 +* 3');
 * // ToolCallError: evaluateArithmetic: expected a number or '(' at column 4, found '*' ...
 * ```
 */
export class ToolCallError extends SftRlhfError {
  static override readonly errorName: string = 'ToolCallError';
}

/**
 * A loss or estimator got inputs that do not fit: shapes that differ, a group size that does not
 * divide the batch, a non-positive β.
 *
 * @example
 * ```ts
 * maskedMean(x, mask); // with x (2, 3) and mask (2, 4)
 * // LossInputError: maskedMean: expected mask of shape (2, 3) ...
 * ```
 */
export class LossInputError extends SftRlhfError {
  static override readonly errorName: string = 'LossInputError';
}

/**
 * A trainer's configuration cannot work: a missing or out-of-range field, an empty task set, an
 * `outDir` that already holds a run without `resume`. Thrown before anything is written.
 *
 * @example
 * ```ts
 * await trainSft({ outDir: 'runs/sft', model: 'runs/base', tasks: [] });
 * // PostTrainingConfigError: trainSft: option tasks: expected at least one task or conversation ...
 * ```
 */
export class PostTrainingConfigError extends SftRlhfError {
  static override readonly errorName: string = 'PostTrainingConfigError';
}

/**
 * A checkpoint a trainer reads is missing, incomplete or of the wrong kind: no `tokenizer.json`
 * beside the weights, a tokenizer without the chat template's special tokens, a folder that is not
 * a reward model, a state file of another algorithm or version.
 *
 * @example
 * ```ts
 * await RewardModel.load('runs/sft/checkpoints/step-000100');
 * // PostTrainingCheckpointError: RewardModel.load: file .../reward_model.json: expected a reward model checkpoint ...
 * ```
 */
export class PostTrainingCheckpointError extends SftRlhfError {
  static override readonly errorName: string = 'PostTrainingCheckpointError';
}

/**
 * Two models that must share a tokenizer do not (a reward model trained with another vocabulary
 * than the policy it scores): the message names both tokenizer files and the first difference.
 *
 * @example
 * ```ts
 * await trainPpo({ ..., policy: 'runs/sft/...', rewardModel: 'runs/other-rm/...' });
 * // TokenizerMismatchError: trainPpo: file runs/other-rm/.../tokenizer.json: expected the policy's tokenizer (...) ...
 * ```
 */
export class TokenizerMismatchError extends PostTrainingCheckpointError {
  static override readonly errorName: string = 'TokenizerMismatchError';
}
