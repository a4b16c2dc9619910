/**
 * An optimizer from a JSON config (trainer configs, checkpoints): the `type` field picks AdamW or
 * SGD, the rest are its options. Matrices (rank ≥ 2) get the weight decay and vectors (biases, norm
 * weights) none, unless `decayVectors: true` (see `decayGroups`).
 *
 * ```
 * { "type": "adamw", "lr": 6e-4, "betas": [0.9, 0.95], "weightDecay": 0.1 }
 *   → AdamW([{ name: 'decay', params: matrices, weightDecay: 0.1 },
 *            { name: 'no_decay', params: vectors, weightDecay: 0 }], { lr: 6e-4, betas: [0.9, 0.95] })
 * ```
 */

import { describeValue, requireOptions } from '../arguments.js';
import { Module } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { OptimizerConfigError } from './optimizer-config-error.js';
import { decayGroups, type ParamGroup } from './param-groups.js';
import { SGD, type SGDOptions } from './sgd.js';

/** JSON description of an optimizer. */
export type OptimizerConfig =
  | ({ type: 'adamw'; decayVectors?: boolean } & AdamWOptions)
  | ({ type: 'sgd'; decayVectors?: boolean } & SGDOptions);

/**
 * Builds the optimizer a config describes over a module's (or named) parameters.
 *
 * @example
 * ```ts
 * const opt = createOptimizer(model, { type: 'adamw', lr: 6e-4, betas: [0.9, 0.95], weightDecay: 0.1 });
 * opt.step();
 * ```
 */
export function createOptimizer(
  params: Module | Iterable<readonly [string, Tensor]>,
  config: OptimizerConfig,
): Optimizer {
  const cfg = requireOptions('createOptimizer', config, 'config', OptimizerConfigError);
  const iterable = typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] === 'function';
  if (!(params instanceof Module) && !iterable) {
    throw new OptimizerConfigError({
      operation: 'createOptimizer',
      expected: 'a Module or an iterable of [name, parameter] pairs',
      found: describeValue(params),
      hint: 'pass the model itself, or model.namedParameters()',
    });
  }
  const named = params instanceof Module ? params.namedParameters() : [...params];
  for (const entry of named) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      throw new OptimizerConfigError({
        operation: 'createOptimizer',
        expected: '[name, parameter] pairs',
        found: describeValue(entry),
        hint: 'model.namedParameters() gives them',
      });
    }
  }
  const wd = cfg.weightDecay ?? (cfg.type === 'adamw' ? 0.01 : 0);
  const groups: ParamGroup[] = cfg.decayVectors
    ? [{ params: named.map(([, p]) => p), weightDecay: wd }]
    : decayGroups(named, wd);
  const { type, decayVectors: _unused, ...options } = cfg;
  if (type === 'adamw') return new AdamW(groups, options as AdamWOptions);
  if (type === 'sgd') return new SGD(groups, options as SGDOptions);
  throw new OptimizerConfigError({
    operation: 'createOptimizer',
    expected: 'type adamw or sgd',
    found: JSON.stringify(type),
    hint: 'see OptimizerConfig',
  });
}
