/**
 * Parameter groups: lists of parameters sharing hyper-parameters, as in torch. The usual split for
 * transformers (nanoGPT, HF Trainer) decays matrices (embeddings, linear weights) and not vectors
 * (biases, LayerNorm/RMSNorm weights): `decayGroups(model.namedParameters(), 0.1)` gives
 *
 * ```
 * [{ name: 'decay',    params: [wte, wpe, c_attn.weight, ...], weightDecay: 0.1 },
 *  { name: 'no_decay', params: [c_attn.bias, ln_1.weight, ...], weightDecay: 0 }]
 * ```
 */

import { describeValue } from '../arguments.js';
import { Tensor } from '../tensor.js';
import { OptimizerConfigError } from './optimizer-config-error.js';

/** Parameters with optional per-group overrides of the optimizer's defaults. */
export interface ParamGroup {
  params: readonly Tensor[];
  /** A label for logs and state files. */
  name?: string;
  lr?: number;
  weightDecay?: number;
  /** AdamW only. */
  betas?: readonly [number, number];
  /** AdamW only. */
  eps?: number;
  /** SGD only. */
  momentum?: number;
}

/**
 * Splits named parameters into a decayed group (rank ≥ 2) and an undecayed one (rank < 2: biases and
 * norm weights). Empty groups are left out.
 *
 * @example
 * ```ts
 * const opt = new AdamW(decayGroups(model.namedParameters(), 0.1), { lr: 6e-4, betas: [0.9, 0.95] });
 * ```
 */
export function decayGroups(named: Iterable<readonly [string, Tensor]>, weightDecay: number): ParamGroup[] {
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  for (const [, p] of named) (p.rank >= 2 ? decay : noDecay).push(p);
  const groups: ParamGroup[] = [];
  if (decay.length > 0) groups.push({ name: 'decay', params: decay, weightDecay });
  if (noDecay.length > 0) groups.push({ name: 'no_decay', params: noDecay, weightDecay: 0 });
  return groups;
}

/** Normalises `Tensor[] | ParamGroup[]` to groups and checks that no parameter appears twice. */
export function toGroups(op: string, params: readonly Tensor[] | readonly ParamGroup[]): ParamGroup[] {
  if (!Array.isArray(params) || params.length === 0) {
    throw new OptimizerConfigError({
      operation: op,
      expected: 'a non-empty array of parameters (or of parameter groups)',
      found: describeValue(params),
      hint: 'pass model.parameters(); an optimizer with nothing to optimize is a bug upstream',
    });
  }
  const isGroup = (g: unknown) =>
    typeof g === 'object' && g !== null && !(g instanceof Tensor) && 'params' in g;
  const groups: ParamGroup[] = isGroup(params[0])
    ? (params as readonly ParamGroup[]).map((g, gi) => {
        if (!isGroup(g) || !Array.isArray(g.params)) {
          throw new OptimizerConfigError({
            operation: op,
            expected: `group ${gi} an object { params: Tensor[], ... }`,
            found: describeValue(g),
            hint: 'pass either tensors or groups, not a mix',
          });
        }
        return { ...g };
      })
    : [{ params: params as readonly Tensor[] }];
  const seen = new Set<Tensor>();
  for (const [gi, g] of groups.entries()) {
    for (const p of g.params) {
      if (!(p instanceof Tensor)) {
        throw new OptimizerConfigError({
          operation: op,
          expected: `parameters (Tensors) in group ${gi}`,
          found: describeValue(p),
          hint: 'pass model.parameters(), or tensors made with requireGrad()',
        });
      }
      if (seen.has(p)) {
        throw new OptimizerConfigError({
          operation: op,
          expected: 'each parameter in one group only',
          found: `a ${p.dtype} parameter of shape (${p.shape.join(',')}) repeated in group ${gi}`,
          hint: 'tied weights: pass model.parameters(), which lists them once',
        });
      }
      if (!p.requiresGrad) {
        throw new OptimizerConfigError({
          operation: op,
          expected: 'parameters that require grad',
          found: `a tensor of shape (${p.shape.join(',')}) without requiresGrad in group ${gi}`,
          hint: 'call requireGrad() on it, or register it as a Module parameter',
        });
      }
      seen.add(p);
    }
  }
  return groups;
}

/** Checks a hyper-parameter is a finite number in [min, max) (or [min, max] when `inclusive`). */
export function checkRange(
  op: string,
  name: string,
  value: number,
  min: number,
  max: number,
  inclusive = false,
): void {
  const ok = Number.isFinite(value) && value >= min && (inclusive ? value <= max : value < max);
  if (!ok) {
    throw new OptimizerConfigError({
      operation: op,
      expected: `${name} in [${min}, ${max}${inclusive ? ']' : ')'}`,
      found: describeValue(value),
      hint:
        typeof value === 'string'
          ? `pass a number, e.g. Number(${JSON.stringify(value)})`
          : `check the ${name} setting`,
    });
  }
}
