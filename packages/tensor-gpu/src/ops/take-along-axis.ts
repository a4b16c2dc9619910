/**
 * takeAlongAxis (numpy's take_along_axis, torch.gather): y[..., j] = x[..., indices[..., j]] along the
 * last axis, differentiable in x. Built from the embedding lookup on a flattened view, so its backward
 * is the scatter-add of embedding: x (N,V) is read as a (N·V, 1) table and row n's index i becomes
 * n·V + i.
 *
 * Example: x = [[10, 11, 12], [20, 21, 22]], indices = [[2], [0]] → [[12], [20]].
 * PPO uses it for the log-probability of the sampled tokens: takeAlongAxis(logSoftmax(logits), ids).
 *
 * The flat ids hide a bad index (index 3 of row 0 is row 1's entry 0), so the indices are checked
 * against the axis first: on the host where the backend reads synchronously (CPU), on the device
 * otherwise (`Backend.checkIds`: WebGPU raises the ShapeError from the next read).
 */
import { type IdCheck, idError } from '../backend/id-check.js';
import { normalizeAxis } from '../backend/ops.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './creation.js';
import { embedding } from './gather.js';
import { transpose } from './permute.js';
import { commonBackend } from './run.js';

function lastAxis(x: Tensor, indices: Tensor): Tensor {
  const V = x.shape[x.rank - 1] ?? 1;
  const k = indices.shape[indices.rank - 1] ?? 1;
  const lead = x.shape.slice(0, -1);
  const sameLead = indices.rank === x.rank && lead.every((d, i) => indices.shape[i] === d);
  if (!sameLead) {
    throw new ShapeError({
      operation: 'takeAlongAxis',
      expected: `indices of shape (${[...lead, 'k'].join(',')}) for x ${formatShape(x.shape)}`,
      found: formatShape(indices.shape),
      hint: 'add a trailing axis to pick one entry per row: ids.unsqueeze(-1)',
    });
  }
  const N = lead.reduce((a, b) => a * b, 1);
  const rows = arange(0, N * V, V, 'i32', x.backend).reshape([N, 1]); // row n starts at n·V
  const idx = indices.reshape([N, k]);
  const flat = rows.add(idx); // (N, k): n·V + i
  const table = x.reshape([N * V, 1]);
  const picked = embedding(table, flat); // (N, k, 1)
  const y = picked.reshape([...lead, k]);
  for (const t of [rows, idx, flat, table, picked]) t.dispose();
  return y;
}

/**
 * Entries of `x` picked by integer `indices` along `axis` (default last); indices has x's shape
 * except on that axis.
 *
 * @example
 * ```ts
 * const logp = logSoftmax(logits);                       // (B, T, V)
 * const taken = takeAlongAxis(logp, ids.unsqueeze(-1));  // (B, T, 1): log p(token)
 * ```
 */
export function takeAlongAxis(x: Tensor, indices: Tensor, axis = -1): Tensor {
  const backend = commonBackend('takeAlongAxis', [x, indices]);
  if (indices.dtype !== 'i32') {
    throw new DTypeError({
      operation: 'takeAlongAxis',
      expected: 'indices of dtype i32',
      found: indices.dtype,
      hint: "cast them with .cast('i32')",
    });
  }
  const a = normalizeAxis('takeAlongAxis', axis, x.rank);
  const V = x.shape[a]!;
  if (indices.rank !== x.rank || x.shape.some((d, i) => i !== a && indices.shape[i] !== d)) {
    throw new ShapeError({
      operation: 'takeAlongAxis',
      expected: `indices of x's shape ${formatShape(x.shape)} except on axis ${a}`,
      found: formatShape(indices.shape),
      hint: 'add a trailing axis to pick one entry per row: ids.unsqueeze(-1)',
    });
  }
  const check = (): IdCheck => ({
    operation: 'takeAlongAxis',
    bound: V,
    expected: `indices in [0, ${V}) (the size of axis ${a} of x ${formatShape(x.shape)})`,
    found: (i, p) => `index ${i} at position ${p} of indices ${formatShape(indices.shape)}`,
    hint: 'negative indices do not count from the end here; is an ignore label (-100) among the ids?',
  });
  indices._assertLive('takeAlongAxis');
  if (backend.checkIds) {
    backend.checkIds(indices._device(), check());
  } else if (backend.readSync) {
    // the host check, building the message only when an index is bad
    const values = backend.readSync(indices._storageHandle(), 'i32', indices.size);
    for (let p = 0; p < values.length; p++) {
      const i = values[p]!;
      if (i < 0 || i >= V) throw idError(check(), i, p);
    }
  }
  return takeAlongAxisUnchecked(x, indices, a);
}

/**
 * takeAlongAxis for indices known to be in range (topK's own indices): no check.
 * @internal
 */
export function takeAlongAxisUnchecked(x: Tensor, indices: Tensor, a: number): Tensor {
  if (a === x.rank - 1) return lastAxis(x, indices);
  const xt = transpose(x, a, -1);
  const it = transpose(indices, a, -1);
  const yt = lastAxis(xt, it);
  const y = transpose(yt, a, -1);
  for (const t of [xt, it, yt]) t.dispose();
  return y;
}
