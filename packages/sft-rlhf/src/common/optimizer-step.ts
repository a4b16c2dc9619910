/**
 * The optimizer side every trainer shares, from @llmforge/trainer and tensor-gpu: AdamW with decay
 * on matrices only, a warmup + cosine schedule, and one step = norm → NaN/Inf guard → clip → update.
 */
import { AdamW, createSchedule, decayGroups, type LrSchedule, type Tensor } from '@llmforge/tensor-gpu';
import { checkFinite, clipCoefficient, globalGradNorm, scaleGradients } from '@llmforge/trainer';
import type { Model } from '@llmforge/transformer';

/** Optimizer settings common to the trainers. */
export interface OptimizerSettings {
  lr: number;
  betas: [number, number];
  weightDecay: number;
  /** Steps of linear warmup, then cosine decay to `minLr` at `totalSteps`. */
  warmupSteps: number;
  minLr: number;
  totalSteps: number;
}

/**
 * AdamW over named parameters (decay on rank ≥ 2 only, as pretraining) and its schedule.
 *
 * @example
 * ```ts
 * const { optimizer, schedule } = createOptimizer([...model.namedParameters(), ...head.namedParameters()], settings);
 * optimizer.setLr(schedule(step));
 * ```
 */
export function createOptimizer(
  named: Iterable<readonly [string, Tensor]>,
  s: OptimizerSettings,
): { optimizer: AdamW; schedule: LrSchedule } {
  const optimizer = new AdamW(decayGroups(named, s.weightDecay), { lr: s.lr, betas: s.betas });
  const schedule = createSchedule({
    type: 'cosine',
    lr: s.lr,
    minLr: s.minLr,
    warmupSteps: Math.min(s.warmupSteps, Math.max(s.totalSteps - 1, 0)),
    totalSteps: Math.max(s.totalSteps, 1),
  });
  return { optimizer, schedule };
}

/**
 * One update from the accumulated gradients: global norm, the NaN/Inf guard (a `NonFiniteError`
 * naming the step and parameter), clipping (0 disables), AdamW, zeroed gradients. Returns the norm
 * before clipping.
 *
 * @example
 * ```ts
 * loss.backward();
 * const gradNorm = await clippedStep({ model, params, optimizer, clip: 1, step, loss: lossValue });
 * ```
 */
export async function clippedStep(o: {
  model: Model;
  params: readonly Tensor[];
  optimizer: AdamW;
  clip: number;
  step: number;
  loss: number;
}): Promise<number> {
  const norm = await globalGradNorm(o.params);
  await checkFinite(o.model, o.step, o.loss, norm);
  scaleGradients(o.params, clipCoefficient(norm, o.clip > 0 ? o.clip : null));
  o.optimizer.step();
  o.optimizer.zeroGrad();
  return norm;
}
