/**
 * Learning-rate schedules: pure functions from the optimizer step (0-based, the number of steps taken
 * so far) to the learning rate to use for the next step. No state, so resuming a run only needs the
 * step count, and a schedule can be described by a JSON config (`createSchedule(config)`).
 *
 * Every schedule starts with an optional linear warmup, the Hugging Face convention
 * (`get_*_schedule_with_warmup`): lr(step) = peak · step / warmupSteps for step < warmupSteps, so the
 * first step runs at lr 0 and step `warmupSteps` reaches the peak. After warmup:
 *
 * ```
 * constant  peak
 * linear    peak → minLr in a straight line, reaching minLr at totalSteps
 * cosine    minLr + (peak − minLr) · ½(1 + cos(π · progress)), progress 0 → 1 over [warmup, total]
 * wsd       warmup, stable at peak, then decay over the last decaySteps (linear, cosine or 1 − sqrt)
 * ```
 *
 * Worked example, cosine with lr 1e-3, warmupSteps 10, totalSteps 110, minLr 1e-4:
 * step 0 → 0, step 5 → 5e-4, step 10 → 1e-3, step 60 (halfway) → 5.5e-4, step 110 and later → 1e-4.
 */

import { describeValue } from '../arguments.js';
import { OptimizerConfigError } from './optimizer-config-error.js';

/** Maps a step count to a learning rate. */
export type LrSchedule = (step: number) => number;

/** JSON description of a schedule, for configs and checkpoints. */
export type ScheduleConfig =
  | { type: 'constant'; lr: number; warmupSteps?: number }
  | { type: 'linear'; lr: number; warmupSteps?: number; totalSteps: number; minLr?: number }
  | { type: 'cosine'; lr: number; warmupSteps?: number; totalSteps: number; minLr?: number }
  | {
      type: 'wsd';
      lr: number;
      warmupSteps?: number;
      totalSteps: number;
      decaySteps: number;
      minLr?: number;
      decayShape?: 'linear' | 'cosine' | 'sqrt';
    };

function check(op: string, ok: boolean, expected: string, found: string, hint: string): void {
  if (!ok) throw new OptimizerConfigError({ operation: op, expected, found, hint });
}

function checkCommon(op: string, lr: number, warmupSteps: number, minLr: number): void {
  check(
    op,
    Number.isFinite(lr) && lr >= 0,
    'lr a finite number >= 0',
    describeValue(lr),
    'pass the peak learning rate',
  );
  check(
    op,
    Number.isInteger(warmupSteps) && warmupSteps >= 0,
    'warmupSteps an integer >= 0',
    describeValue(warmupSteps),
    'use 0 for no warmup',
  );
  check(
    op,
    Number.isFinite(minLr) && minLr >= 0 && minLr <= lr,
    `minLr in [0, lr=${lr}]`,
    describeValue(minLr),
    'minLr is the floor the schedule decays to',
  );
}

function options<T extends object>(op: string, opts: T): T {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new OptimizerConfigError({
      operation: op,
      expected: 'an options object ({ lr, totalSteps, ... })',
      found: describeValue(opts),
      hint: `e.g. ${op === 'createSchedule' ? "createSchedule({ type: 'cosine', lr: 3e-4, totalSteps: 1000 })" : `${op}({ lr: 3e-4, totalSteps: 1000 })`}`,
    });
  }
  return opts;
}

function checkStep(op: string, step: number): void {
  check(
    op,
    Number.isFinite(step) && step >= 0,
    'step a number >= 0',
    describeValue(step),
    'steps count from 0',
  );
}

/** The warmup factor at `step` (1 once warmup is over). */
function warmup(step: number, warmupSteps: number): number {
  return step < warmupSteps ? step / warmupSteps : 1;
}

/**
 * A constant learning rate after an optional linear warmup.
 *
 * @example
 * ```ts
 * const s = constantSchedule({ lr: 3e-4, warmupSteps: 100 });
 * s(50);   // 1.5e-4
 * s(1000); // 3e-4
 * ```
 */
export function constantSchedule(opts: { lr: number; warmupSteps?: number }): LrSchedule {
  const { lr, warmupSteps = 0 } = options('constantSchedule', opts);
  checkCommon('constantSchedule', lr, warmupSteps, 0);
  return (step) => {
    checkStep('constantSchedule', step);
    return lr * warmup(step, warmupSteps);
  };
}

/**
 * Linear warmup, then a straight line from `lr` down to `minLr` (default 0) at `totalSteps`, then
 * `minLr` (as `get_linear_schedule_with_warmup` when minLr is 0).
 *
 * @example
 * ```ts
 * const s = linearSchedule({ lr: 1, warmupSteps: 10, totalSteps: 110 });
 * s(5);   // 0.5
 * s(60);  // 0.5
 * s(110); // 0
 * ```
 */
export function linearSchedule(opts: {
  lr: number;
  warmupSteps?: number;
  totalSteps: number;
  minLr?: number;
}): LrSchedule {
  const { lr, warmupSteps = 0, totalSteps, minLr = 0 } = options('linearSchedule', opts);
  checkCommon('linearSchedule', lr, warmupSteps, minLr);
  check(
    'linearSchedule',
    Number.isInteger(totalSteps) && totalSteps >= warmupSteps,
    `totalSteps an integer >= warmupSteps (${warmupSteps})`,
    describeValue(totalSteps),
    'totalSteps counts the warmup steps too',
  );
  const span = Math.max(1, totalSteps - warmupSteps);
  return (step) => {
    checkStep('linearSchedule', step);
    if (step < warmupSteps) return lr * warmup(step, warmupSteps);
    const progress = Math.min(1, (step - warmupSteps) / span);
    return minLr + (lr - minLr) * (1 - progress);
  };
}

/**
 * Linear warmup, then half a cosine from `lr` to `minLr` (default 0) at `totalSteps`, then `minLr`
 * (as `get_cosine_schedule_with_warmup` when minLr is 0, nanoGPT's `get_lr` with a floor otherwise).
 *
 * @example
 * ```ts
 * const s = cosineSchedule({ lr: 1e-3, warmupSteps: 10, totalSteps: 110, minLr: 1e-4 });
 * s(10);  // 1e-3
 * s(60);  // 5.5e-4
 * s(500); // 1e-4
 * ```
 */
export function cosineSchedule(opts: {
  lr: number;
  warmupSteps?: number;
  totalSteps: number;
  minLr?: number;
}): LrSchedule {
  const { lr, warmupSteps = 0, totalSteps, minLr = 0 } = options('cosineSchedule', opts);
  checkCommon('cosineSchedule', lr, warmupSteps, minLr);
  check(
    'cosineSchedule',
    Number.isInteger(totalSteps) && totalSteps >= warmupSteps,
    `totalSteps an integer >= warmupSteps (${warmupSteps})`,
    describeValue(totalSteps),
    'totalSteps counts the warmup steps too',
  );
  const span = Math.max(1, totalSteps - warmupSteps);
  return (step) => {
    checkStep('cosineSchedule', step);
    if (step < warmupSteps) return lr * warmup(step, warmupSteps);
    const progress = Math.min(1, (step - warmupSteps) / span);
    return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/**
 * Warmup-stable-decay (WSD, as in MiniCPM): linear warmup, hold `lr`, then decay to `minLr` over the
 * last `decaySteps` steps before `totalSteps`. The decay shape is `linear` (default), `cosine`, or
 * `sqrt` (1 − sqrt(progress), which keeps the rate high longer).
 *
 * @example
 * ```ts
 * const s = wsdSchedule({ lr: 1, warmupSteps: 10, totalSteps: 100, decaySteps: 20 });
 * s(50); // 1 (stable)
 * s(90); // 0.5 (halfway through the decay)
 * ```
 */
export function wsdSchedule(opts: {
  lr: number;
  warmupSteps?: number;
  totalSteps: number;
  decaySteps: number;
  minLr?: number;
  decayShape?: 'linear' | 'cosine' | 'sqrt';
}): LrSchedule {
  const {
    lr,
    warmupSteps = 0,
    totalSteps,
    decaySteps,
    minLr = 0,
    decayShape = 'linear',
  } = options('wsdSchedule', opts);
  checkCommon('wsdSchedule', lr, warmupSteps, minLr);
  check(
    'wsdSchedule',
    Number.isInteger(decaySteps) && decaySteps >= 0 && Number.isInteger(totalSteps),
    'integer decaySteps >= 0 and totalSteps',
    `decaySteps=${decaySteps}, totalSteps=${totalSteps}`,
    'decaySteps is the length of the final decay phase',
  );
  check(
    'wsdSchedule',
    warmupSteps + decaySteps <= totalSteps,
    `warmupSteps + decaySteps <= totalSteps (${totalSteps})`,
    `${warmupSteps} + ${decaySteps}`,
    'shorten the warmup or the decay',
  );
  check(
    'wsdSchedule',
    decayShape === 'linear' || decayShape === 'cosine' || decayShape === 'sqrt',
    'decayShape linear, cosine or sqrt',
    describeValue(decayShape),
    'linear is the default',
  );
  const decayStart = totalSteps - decaySteps;
  return (step) => {
    checkStep('wsdSchedule', step);
    if (step < warmupSteps) return lr * warmup(step, warmupSteps);
    if (step < decayStart) return lr;
    const progress = decaySteps === 0 ? 1 : Math.min(1, (step - decayStart) / decaySteps);
    const factor =
      decayShape === 'linear'
        ? 1 - progress
        : decayShape === 'cosine'
          ? 0.5 * (1 + Math.cos(Math.PI * progress))
          : 1 - Math.sqrt(progress);
    return minLr + (lr - minLr) * factor;
  };
}

/**
 * Builds a schedule from its JSON config (the `type` field picks the kind).
 *
 * @example
 * ```ts
 * const s = createSchedule({ type: 'cosine', lr: 6e-4, warmupSteps: 100, totalSteps: 5000, minLr: 6e-5 });
 * s(100); // 6e-4
 * ```
 */
export function createSchedule(config: ScheduleConfig): LrSchedule {
  options('createSchedule', config);
  switch (config.type) {
    case 'constant':
      return constantSchedule(config);
    case 'linear':
      return linearSchedule(config);
    case 'cosine':
      return cosineSchedule(config);
    case 'wsd':
      return wsdSchedule(config);
    default:
      throw new OptimizerConfigError({
        operation: 'createSchedule',
        expected: 'type constant, linear, cosine or wsd',
        found: JSON.stringify((config as { type?: unknown }).type),
        hint: 'see ScheduleConfig',
      });
  }
}
