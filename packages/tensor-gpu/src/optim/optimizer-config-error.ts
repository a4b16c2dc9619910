import { ArgumentError } from '../errors.js';

/**
 * An option or hyper-parameter is outside what the optimizer or schedule accepts (a negative
 * learning rate, betas outside [0, 1), warmup longer than the run, ...). An ArgumentError, so one
 * `ArgumentError.isInstance(e)` catches every bad argument of the package.
 *
 * @example
 * ```ts
 * try { cosineSchedule({ lr: -1, totalSteps: 10 }); }
 * catch (e) { if (OptimizerConfigError.isInstance(e)) console.error(e.message); }
 * // cosineSchedule: expected lr a finite number >= 0, found -1; hint: pass the peak learning rate
 * ```
 */
export class OptimizerConfigError extends ArgumentError {
  static override readonly errorName: string = 'OptimizerConfigError';
}
