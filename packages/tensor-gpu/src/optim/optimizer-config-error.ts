import { TensorError } from '../errors.js';

/**
 * An option or hyper-parameter is outside what the optimizer, schedule or module accepts
 * (a negative learning rate, betas outside [0, 1), warmup longer than the run, ...).
 *
 * @example
 * ```ts
 * try { cosineSchedule({ lr: -1, totalSteps: 10 }); }
 * catch (e) { if (OptimizerConfigError.isInstance(e)) console.error(e.message); }
 * // cosineSchedule: expected lr a finite number >= 0, found -1; hint: pass the peak learning rate
 * ```
 */
export class OptimizerConfigError extends TensorError {
  static override readonly errorName: string = 'OptimizerConfigError';
}
