/**
 * @llmforge/sft-rlhf/node — what needs Node's file system: loading the task data shipped in the
 * package's `data/` folder (gzip-compressed files are inflated with `node:zlib`), conversations
 * from JSONL files, and the trainers (SFT, reward model, PPO, GRPO, DPO), which read and write
 * checkpoint folders.
 *
 * @example
 * ```ts
 * import { buildTasks } from '@llmforge/sft-rlhf';
 * import { loadTaskData } from '@llmforge/sft-rlhf/node';
 * const data = await loadTaskData();
 * const tasks = buildTasks(data, { mix: { capital: 1, addition: 1 }, count: 100, seed: 1 });
 * ```
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { TaskDataError } from './errors.js';
import { parseTaskData, TASK_DATA_FILES, type TaskData, type TaskDataFiles } from './tasks/task-data.js';

export { readConversationsFile } from './chat/conversation-file.js';
export {
  checkChatTokens,
  checkSameTokenizer,
  copyModel,
  frozenCopy,
  type LoadedModel,
  loadPolicy,
  type ModelSource,
  type Policy,
} from './common/policy.js';
export {
  evaluateRl,
  loadRlModels,
  type RlEvaluation,
  type RlModels,
  type RlResult,
} from './common/rl-run.js';
export {
  type Algorithm,
  POST_TRAINING_STATE_FORMAT,
  POST_TRAINING_STATE_VERSION,
  type PostTrainingProgress,
  PostTrainingRun,
  type PostTrainingState,
  type RunOptions,
  readState,
} from './common/run.js';
export { trainDpo } from './dpo/dpo-trainer.js';
export { trainGrpo } from './grpo/grpo-trainer.js';
export * from './index.js';
export {
  MID_TRAINING_TASK_SEED,
  type MidTrainingShardOptions,
  midTrainingShardPath,
  readShardDocuments,
  writeMidTrainingShard,
} from './mid-training/mid-training-shard.js';
export { trainPpo } from './ppo/ppo-trainer.js';
export {
  REWARD_MODEL_FORMAT,
  REWARD_MODEL_VERSION,
  RewardModel,
  type RewardModelInfo,
} from './reward/reward-model.js';
export {
  evaluatePairs,
  type PairEvaluation,
  type RewardResult,
  trainRewardModel,
} from './reward/reward-trainer.js';
export { heldOutLoss, type SftResult, trainSft } from './sft/sft-trainer.js';

/** The package's `data/` folder (beside `src/` and `dist/`). */
export const TASK_DATA_DIR: URL = new URL('../data/', import.meta.url);

/**
 * Reads, decompresses and parses the task data (default: the copy shipped with the package).
 *
 * @example
 * ```ts
 * const data = await loadTaskData();
 * data.words.length; // 3000
 * ```
 */
export async function loadTaskData(dir: string | URL = TASK_DATA_DIR): Promise<TaskData> {
  const base = typeof dir === 'string' ? pathToFileURL(`${resolve(dir)}/`) : dir;
  // read concurrently, report the first failure in file order (not whichever finished first)
  const settled = await Promise.allSettled(
    (Object.entries(TASK_DATA_FILES) as [keyof TaskDataFiles, string][]).map(async ([role, name]) => {
      const url = new URL(name, base);
      const fail: (expected: string, cause: unknown, hint?: string) => never = (expected, cause, hint) => {
        throw new TaskDataError({
          operation: 'loadTaskData',
          file: url.pathname,
          expected,
          found: cause instanceof Error ? cause.message : String(cause),
          ...(hint ? { hint } : {}),
          cause,
        });
      };
      let bytes: Buffer;
      try {
        bytes = await readFile(url);
      } catch (cause) {
        fail(
          'a readable data file',
          cause,
          'pass the folder holding the data files, or reinstall @llmforge/sft-rlhf',
        );
      }
      let text = '';
      try {
        text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      } catch (cause) {
        fail('a gzip file', cause);
      }
      return [role, text] as const;
    }),
  );
  const entries = settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
  return parseTaskData(Object.fromEntries(entries) as unknown as TaskDataFiles);
}
