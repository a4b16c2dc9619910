/**
 * Every stage by name, in pipeline order: an explicit table (nothing registers itself on import).
 */
import type { StageName } from '../config.js';
import type { Stage } from '../stage.js';
import { dpoStage, grpoStage, ppoStage, rewardStage, sftStage } from './post-training.js';
import { prepareStage } from './prepare.js';
import { pretrainStage } from './pretrain.js';
import { tokenizerStage } from './tokenizer.js';

export const STAGE_TABLE: Readonly<Record<StageName, Stage>> = {
  prepare: prepareStage as Stage,
  tokenizer: tokenizerStage as Stage,
  pretrain: pretrainStage as Stage,
  sft: sftStage as Stage,
  reward: rewardStage as Stage,
  ppo: ppoStage as Stage,
  grpo: grpoStage as Stage,
  dpo: dpoStage as Stage,
};
