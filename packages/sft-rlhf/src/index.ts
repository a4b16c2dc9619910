/**
 * @llmforge/sft-rlhf — the data and the math of post-training: from a base model to an assistant.
 *
 * Files in data-flow order (start with `chat/conversation.ts`):
 * `chat/conversation.ts` (conversations, validation) → `chat/chat-format.ts` (the tokenizer's chat
 * template → ids and HF labels, assistant-only) → `chat/sft-batches.ts` (padding / packing, never
 * cropping) → `tasks/*` (checkable task families, splits by item, SFT conversations, preference
 * pairs, verifiable rewards; `node.ts` loads the shipped data) → `tools/*` (the tool-call syntax,
 * the calculator, the generate → call → resume loop) → `losses/*` (SFT cross entropy, masked
 * statistics, GAE, KL estimators, PPO, entropy, Bradley–Terry, DPO, GRPO) → `common/*` (rollouts,
 * packed sequences, log-probs) → `evaluate/*` (checker-judged success, KL of sampled answers) →
 * the trainers' configs (`sft/`, `reward/`, `ppo/`, `grpo/`, `dpo/`) and `recipes.ts`. The trainers
 * themselves write files: they come from `@llmforge/sft-rlhf/node`.
 *
 * @example
 * ```ts
 * import { buildTasks, ChatFormat, makeSftBatches, SMALL_MODEL_MIX, taskConversation } from '@llmforge/sft-rlhf';
 * import { loadTaskData } from '@llmforge/sft-rlhf/node';
 * const tasks = buildTasks(await loadTaskData(), { mix: SMALL_MODEL_MIX, count: 1000, seed: 1 });
 * const format = new ChatFormat(tokenizer);
 * const { batches } = makeSftBatches(tasks.map((t) => format.render(taskConversation(t))), {
 *   batchSize: 16, maxLength: model.config.contextLength, padId: 0, packing: true,
 * });
 * ```
 */

export {
  ChatFormat,
  type ChatFormatOptions,
  type ChatFormatTokenizer,
  IGNORE_INDEX,
  type SftExample,
} from './chat/chat-format.js';
export {
  type ChatMessage,
  type ChatRole,
  type ChatToolCall,
  type Conversation,
  TOOL_NAME,
  type ValidateConversationOptions,
  validateConversation,
} from './chat/conversation.js';
export { makeSftBatches, type SftBatch, type SftBatches, type SftBatchOptions } from './chat/sft-batches.js';
export { type CollectedRollouts, type CollectOptions, collectRollouts } from './common/rl-rollout.js';
export { EpochOrder } from './common/epoch-order.js';
export { type PolicyOutputs, policyOutputs } from './common/policy-outputs.js';
export { type RenderedPair, renderPair } from './common/preference-pairs.js';
export {
  DocumentReplay,
  PackedEpochs,
  REPLAY_DEFAULTS,
  type ReplayOptions,
  replayExamples,
} from './common/replay.js';
export { type Rollout, type RolloutOptions, rolloutSequence, sampleRollouts } from './common/rollout.js';
export {
  type PackedBatch,
  type PackOptions,
  packSequences,
  rowsTensor,
  type TokenSequence,
} from './common/sequences.js';
export { type DpoConfig, DPO_DEFAULTS, type ResolvedDpoConfig, resolveDpoConfig } from './dpo/dpo-config.js';
export {
  BatchError,
  ConversationError,
  LossInputError,
  PostTrainingCheckpointError,
  PostTrainingConfigError,
  SftRlhfError,
  type SftRlhfErrorDetails,
  TaskDataError,
  TokenizerMismatchError,
  ToolCallError,
} from './errors.js';
export {
  type EvaluateTasksOptions,
  evaluateTasks,
  type JudgedAnswer,
  type SuccessRate,
  successRates,
  type TaskEvaluation,
} from './evaluate/evaluate-tasks.js';
export { type SampleAnswersOptions, type SampledAnswers, sampleAnswers } from './evaluate/sampled-answers.js';
export {
  GRPO_DEFAULTS,
  type GrpoConfig,
  type ResolvedGrpoConfig,
  resolveGrpoConfig,
} from './grpo/grpo-config.js';
export { entropyFromLogits } from './losses/entropy.js';
export { type DpoInput, dpoLoss, sequenceLogProbs } from './losses/dpo.js';
export { type GaeArrays, type GaeOptions, gae, gaeArrays } from './losses/gae.js';
export { type GroupAdvantageOptions, type GrpoLossInput, groupAdvantages, grpoLoss } from './losses/grpo.js';
export { type KlEstimator, klEstimate } from './losses/kl.js';
export { logSigmoid } from './losses/log-sigmoid.js';
export { maskedMean, maskedSum, maskedVar, maskedWhiten, type WhitenOptions } from './losses/masked.js';
export {
  PPO_DEFAULTS,
  type PpoLossInput,
  type PpoPolicyInput,
  type PpoPolicyOutput,
  type PpoValueInput,
  ppoLoss,
  ppoPolicyLoss,
  ppoValueLoss,
  tokenRewards,
} from './losses/ppo.js';
export { type BradleyTerryInput, bradleyTerryLoss } from './losses/reward-loss.js';
export {
  PPO_TRAINER_DEFAULTS,
  type PpoConfig,
  type ResolvedPpoConfig,
  resolvePpoConfig,
} from './ppo/ppo-config.js';
export {
  DEMO_RECIPE,
  type PostTrainingRecipe,
  QUICK_RECIPE,
  RECIPE_HELDOUT_MIX,
  RECIPE_RL_MIX,
  RECIPE_MIX,
  type RecipeTasks,
  recipeTasks,
} from './recipes.js';
export {
  REWARD_DEFAULTS,
  type ResolvedRewardConfig,
  type RewardConfig,
  resolveRewardConfig,
} from './reward/reward-config.js';
export { type ResolvedSftConfig, resolveSftConfig, SFT_DEFAULTS, type SftConfig } from './sft/sft-config.js';
export { modelSftLoss, type SftLossOptions, sftLoss, shiftLabels } from './losses/sft-loss.js';
export {
  type Checker,
  DONT_KNOW_ANSWERS,
  isRefusal,
  normalizeAnswer,
  numberIs,
  oneOf,
  REFUSAL_OPENERS,
} from './tasks/answers.js';
export { type BuildTasksOptions, buildTasks, type MixEntry, type TaskMix } from './tasks/build-tasks.js';
export {
  type ArithmeticOptions,
  additionFamily,
  multiplicationFamily,
  subtractionFamily,
} from './tasks/families/arithmetic.js';
export { type CalculatorOptions, calculatorFamily } from './tasks/families/calculator.js';
export {
  type CapitalLookupOptions,
  type CapitalOptions,
  capitalFamily,
  capitalLookupFamily,
} from './tasks/families/capitals.js';
export { type DaysBetweenOptions, daysBetweenFamily } from './tasks/families/dates.js';
export { elementNameFamily, elementNumberFamily, elementSymbolFamily } from './tasks/families/elements.js';
export {
  FAMILY_NAMES,
  type FamilyName,
  type FamilyOptionsMap,
  SMALL_MODEL_MIX,
  TASK_FAMILIES,
} from './tasks/families/index.js';
export { countLetterFamily, type LetterOptions, reverseFamily } from './tasks/families/letters.js';
export { QUIZ_SPECS, type QuizOptions, type QuizTable, quizFamily } from './tasks/families/quiz.js';
export { HARMFUL_REQUESTS, REFUSAL, refusalFamily } from './tasks/families/refusal.js';
export { type SortOptions, sortFamily } from './tasks/families/sorting.js';
export {
  madeUpName,
  type UnknownKind,
  type UnknownOptions,
  unknownFamily,
} from './tasks/families/unknown.js';
export { definitionFamily, synonymFamily } from './tasks/families/wordnet.js';
export { canonicalAnswer, expandQuizPattern, parseQuizTable, topAlternatives } from './tasks/quiz-pattern.js';
export { fnv1a32, isHeldOut, TaskRandom } from './tasks/random.js';
export {
  type CopySequencesOptions,
  copySequences,
  type FactDocumentsOptions,
  factDocuments,
  type GazetteerFact,
  type MidTrainingMix,
  taskDocuments,
} from './mid-training/mid-training-data.js';
export {
  type FamilyContext,
  type PreferencePair,
  referenceMessages,
  type Task,
  type TaskFamily,
  type TaskMessageOptions,
  rejectedContinuations,
  taskConversation,
  taskPreferencePairs,
  taskPrompt,
  taskReward,
} from './tasks/task.js';
export {
  type ElementFact,
  parseTaskData,
  type Synset,
  TASK_DATA_FILES,
  type TaskData,
  type TaskDataFiles,
} from './tasks/task-data.js';
export {
  CALCULATOR_MAX_DEPTH,
  CALCULATOR_MAX_LENGTH,
  calculator,
  evaluateArithmetic,
  formatNumber,
} from './tools/calculator.js';
export {
  type FoundToolCall,
  findToolCall,
  formatToolCall,
  LLMFORGE_CALL_MARKERS,
  parseToolCall,
  type ToolCallMarkers,
} from './tools/tool-call.js';
export {
  runToolLoop,
  samplerGenerate,
  type Tool,
  type ToolLoopCall,
  type ToolLoopFinish,
  type ToolLoopGenerate,
  type ToolLoopOptions,
  type ToolLoopResult,
  type ToolLoopStep,
} from './tools/tool-loop.js';
