/**
 * The saved state of an optimizer, for exact resume: a JSON part (`meta`: format, version, each
 * group's hyper-parameters, each parameter's step count) and host tensors (AdamW's `m.<i>`/`v.<i>`,
 * SGD's `momentum.<i>`, `i` = the parameter's index over all groups in order). The tensors map is
 * ready for `saveSafetensors(path, state.tensors, { optimizer: JSON.stringify(state.meta) })`.
 */

import { StateDictError } from '../nn/state-dict-error.js';
import type { Tensor } from '../tensor.js';

/** Format name written in every optimizer state. */
export const OPTIMIZER_STATE_FORMAT = 'llmforge.optimizer';
/** Version of the format; `loadState` accepts this version only. */
export const OPTIMIZER_STATE_VERSION = 1;

/** One group's hyper-parameters as saved. */
export interface SavedGroup {
  name?: string;
  size: number;
  hyper: Record<string, number | readonly number[] | boolean>;
}

/** The JSON part of an optimizer state. */
export interface OptimizerStateMeta {
  format: typeof OPTIMIZER_STATE_FORMAT;
  version: number;
  type: string;
  groups: SavedGroup[];
  /** Per parameter (flat index): updates applied so far (0 = never stepped, no state tensors). */
  steps: number[];
}

/** A host tensor of the state (always F32 in the file). */
export interface StateTensor {
  dtype: 'F32';
  shape: number[];
  data: Float32Array;
}

/** A whole optimizer state. */
export interface OptimizerState {
  meta: OptimizerStateMeta;
  tensors: Map<string, StateTensor>;
}

/** Reads a device tensor into a state entry (f16 widened to f32). */
export async function toStateTensor(t: Tensor): Promise<StateTensor> {
  const data = await t.data();
  return {
    dtype: 'F32',
    shape: [...t.shape],
    data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>),
  };
}

/** Checks format, version, type and group sizes before anything is loaded. */
export function checkStateMeta(
  op: string,
  meta: OptimizerStateMeta,
  type: string,
  groupSizes: readonly number[],
): void {
  if (meta?.format !== OPTIMIZER_STATE_FORMAT || meta.version !== OPTIMIZER_STATE_VERSION) {
    throw new StateDictError({
      operation: op,
      expected: `format ${OPTIMIZER_STATE_FORMAT} version ${OPTIMIZER_STATE_VERSION}`,
      found: `format ${String(meta?.format)} version ${String(meta?.version)}`,
      hint: 'the state was written by another tool or version; re-create the optimizer and start its state fresh',
    });
  }
  if (meta.type !== type) {
    throw new StateDictError({
      operation: op,
      expected: `a ${type} state`,
      found: `a ${meta.type} state`,
      hint: 'load it into the optimizer type that saved it',
    });
  }
  const saved = meta.groups.map((g) => g.size);
  if (saved.length !== groupSizes.length || saved.some((s, i) => s !== groupSizes[i])) {
    throw new StateDictError({
      operation: op,
      expected: `groups of sizes [${groupSizes.join(', ')}]`,
      found: `[${saved.join(', ')}]`,
      hint: 'build the optimizer with the same parameter groups as the run that saved it',
    });
  }
}

/** The state tensor `name`, checked against the parameter's shape. */
export function stateTensorFor(op: string, state: OptimizerState, name: string, param: Tensor): StateTensor {
  const t = state.tensors.get(name);
  const expected = `(${param.shape.join(',')})`;
  if (
    t === undefined ||
    t.shape.length !== param.shape.length ||
    t.shape.some((d, i) => d !== param.shape[i])
  ) {
    throw new StateDictError({
      operation: op,
      expected: `state tensor ${name} of shape ${expected}`,
      found: t === undefined ? 'none' : `(${t.shape.join(',')})`,
      hint: 'the parameters differ from the run that saved this state',
      ...(t === undefined ? { missing: [name] } : { mismatched: [name] }),
    });
  }
  return t;
}
