/**
 * `runOp`: the one path from the Tensor layer to a backend. It checks the tensors (alive, same
 * backend, dtype supported), infers output shapes from the contract, allocates the outputs from the
 * backend's pool, runs the kernel and wraps the outputs as Tensors. Not differentiable by itself:
 * the functions in this folder call it and record their backward on the tape.
 */

import { describeValue } from '../arguments.js';
import type { Backend, DeviceTensor } from '../backend/backend.js';
import {
  inferOutputs,
  type OpAttrs,
  type OpInouts,
  type OpInputs,
  type OpName,
  type OpOutputs,
  type TensorMeta,
} from '../backend/ops.js';
import { ArgumentError, BackendError, DTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';

type Rec<T> = Record<string, T | readonly T[] | undefined>;

function mapRec<A, B>(r: Rec<A>, f: (a: A, key: string) => B): Rec<B> {
  const out: Rec<B> = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? (v as readonly A[]).map((a) => f(a, k)) : f(v as A, k);
  }
  return out;
}

function checkDType(op: string, backend: Backend, meta: TensorMeta): void {
  if (!backend.dtypes.includes(meta.dtype)) {
    throw new DTypeError({
      operation: op,
      expected: `a dtype the ${backend.name} backend supports (${backend.dtypes.join(', ')})`,
      found: meta.dtype,
      hint: meta.dtype === 'f64' ? 'f64 exists on the CPU backend only; cast to f32' : 'cast to f32',
    });
  }
}

/**
 * `value` if it is a Tensor, else ArgumentError naming the argument.
 *
 * @example
 * ```ts
 * requireTensor('softmax', 'x', x);
 * ```
 */
export function requireTensor(op: string, name: string, value: unknown): Tensor {
  if (value instanceof Tensor) return value;
  throw new ArgumentError({
    operation: op,
    expected: `${name} a Tensor`,
    found: describeValue(value),
    hint: 'make one with tensor(data, shape, dtype, backend)',
  });
}

/**
 * The backend shared by every tensor in `tensors` (BackendError when they differ; ArgumentError for
 * an entry that is not a Tensor; `undefined` entries are optional inputs left out).
 */
export function commonBackend(op: string, tensors: readonly (Tensor | undefined)[]): Backend {
  let backend: Backend | undefined;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t === undefined) continue;
    if (!(t instanceof Tensor)) requireTensor(op, `input ${i}`, t);
    if (!backend) backend = t.backend;
    else if (t.backend !== backend) {
      throw new BackendError({
        operation: op,
        expected: 'tensors on one backend',
        found: `${backend.name} and ${t.backend.name}`,
        hint: 'move one with tensor.to(backend)',
      });
    }
  }
  if (!backend) {
    throw new BackendError({
      operation: op,
      expected: 'at least one tensor input',
      found: 'none',
      hint: 'pass the tensors to operate on',
    });
  }
  return backend;
}

/**
 * Runs op `op` on `backend` and returns its outputs as new Tensors.
 *
 * @example
 * ```ts
 * const { y } = runOp('unary', x.backend, { x }, {}, { op: 'exp' });
 * ```
 */
export function runOp<K extends OpName>(
  op: K,
  backend: Backend,
  inputs: OpInputs<K, Tensor>,
  inouts: OpInouts<K, Tensor>,
  attrs: OpAttrs<K>,
): OpOutputs<K, Tensor> {
  const check = (t: Tensor): TensorMeta => {
    if (!(t instanceof Tensor)) requireTensor(op, 'an input', t);
    t._assertLive(op);
    if (t.backend !== backend) {
      throw new BackendError({
        operation: op,
        expected: `tensors on the ${backend.name} backend`,
        found: `a tensor on ${t.backend.name}`,
        hint: 'move it with tensor.to(backend)',
      });
    }
    return { shape: t.shape, dtype: t.dtype };
  };
  const inMeta = mapRec(inputs as Rec<Tensor>, check);
  const ioMeta = mapRec(inouts as Rec<Tensor>, check);
  const outMeta = inferOutputs(op, inMeta as never, ioMeta as never, attrs) as Record<string, TensorMeta>;
  for (const m of [...Object.values(outMeta)]) checkDType(op, backend, m);
  for (const m of Object.values(inMeta)) if (m && !Array.isArray(m)) checkDType(op, backend, m as TensorMeta);
  const outputs: Record<string, Tensor> = {};
  try {
    for (const [k, m] of Object.entries(outMeta)) outputs[k] = Tensor._allocate(backend, m.shape, m.dtype);
    const dev = (t: Tensor): DeviceTensor<unknown> => t._device();
    backend.run(op, {
      inputs: mapRec(inputs as Rec<Tensor>, dev),
      outputs: mapRec(outputs, dev),
      inouts: mapRec(inouts as Rec<Tensor>, dev),
      attrs,
    } as never);
  } catch (e) {
    for (const t of Object.values(outputs)) t.dispose();
    throw e;
  }
  // in-place writes (AdamW's param, m, v) count in the version the autograd tape checks
  for (const t of Object.values(inouts as Rec<Tensor>)) {
    if (t === undefined) continue;
    if (Array.isArray(t)) for (const u of t as readonly Tensor[]) u._bumpVersion();
    else (t as Tensor)._bumpVersion();
  }
  return outputs as OpOutputs<K, Tensor>;
}
