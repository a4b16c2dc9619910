/**
 * Token ids and labels in: the checks every entry point (forward, forwardBackward, tokenLogProbs)
 * runs before touching the model, and HF's label shift.
 */

import { type Backend, concat, full, type Tensor, tensor, tidy } from '@llmforge/tensor-gpu';
import { ModelInputError } from './errors.js';

/** Token ids: a rectangular batch of number arrays, or an i32 tensor (B, T). */
export type TokenIds = readonly (readonly number[])[] | Tensor;

/**
 * Checks token ids and turns them into an i32 tensor (B, T) on `backend`. Ids given as arrays are
 * checked against the vocabulary; ids given as a tensor are checked when the backend reads
 * synchronously (the CPU), since a GPU read-back would stall the pipeline. A bad id raises a
 * {@link ModelInputError} naming `operation` and `where`. The caller disposes the result.
 *
 * @example
 * ```ts
 * const idsT = toIdsTensor('myLoss', 'ids', [[1, 2, 3]], model.backend, model.config.vocabSize); // i32 (1, 3)
 * ```
 */
export function toIdsTensor(
  operation: string,
  where: string,
  ids: TokenIds,
  backend: Backend,
  vocabSize: number,
): Tensor {
  const bad = (
    expected: string,
    found: string,
    hint = 'ids are (B, T): a batch of equal-length rows of token ids',
  ): never => {
    throw new ModelInputError({ operation, where, expected, found, hint });
  };
  const checkId = (id: number, b: number, t: number): void => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      bad(
        `token ids in [0, ${vocabSize})`,
        `${id} at [${b}][${t}]`,
        'the tokenizer and the model must share a vocabulary',
      );
    }
  };
  if (!Array.isArray(ids)) {
    const t = ids as Tensor;
    if (t.rank !== 2 || t.dtype !== 'i32')
      bad('an i32 tensor of shape (B, T)', `${t.dtype} (${t.shape.join(', ')})`);
    if (t.shape[1] === 0) bad('at least one token per row', 'an empty sequence');
    if (t.backend !== backend) bad(`a tensor on the model's ${backend.name} backend`, t.backend.name);
    if (backend.readSync) {
      const data = t.dataSync();
      const T = t.shape[1]!;
      for (let i = 0; i < data.length; i++) checkId(data[i]!, Math.floor(i / T), i % T);
    }
    return t.reshape(t.shape);
  }
  const rows = ids as readonly (readonly number[])[];
  const B = rows.length;
  if (B === 0) bad('at least one sequence', 'an empty batch');
  const T = rows[0]?.length ?? 0;
  if (T === 0) bad('at least one token per row', 'an empty sequence');
  const data = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const row = rows[b]!;
    if (!Array.isArray(row) || row.length !== T) {
      bad(
        `rows of equal length ${T}`,
        `row ${b} of length ${Array.isArray(row) ? row.length : typeof row}`,
        'pad the batch',
      );
    }
    for (let t = 0; t < T; t++) {
      const id = row[t]!;
      checkId(id, b, t);
      data[b * T + t] = id;
    }
  }
  return tensor(data, [B, T], 'i32', backend);
}

/**
 * HF labels → per-position targets: target[b, t] = labels[b, t + 1], the last position −100.
 *   labels [[-100, 5, 6, 7]] → targets [[5, 6, 7, -100]]
 * Arrays give targets (B·T), a tensor gives (B, T); crossEntropy reads either row-major.
 *
 * @example
 * ```ts
 * shiftLabels([[-100, 5, 6, 7]], 1, 4, backend, 98).dataSync(); // Int32Array [5, 6, 7, -100]
 * ```
 */
export function shiftLabels(
  labels: TokenIds,
  B: number,
  T: number,
  backend: Backend,
  vocabSize: number,
): Tensor {
  if (!Array.isArray(labels)) {
    const l = labels as Tensor;
    if (l.rank !== 2 || l.shape[0] !== B || l.shape[1] !== T || l.dtype !== 'i32') {
      throw new ModelInputError({
        operation: 'forward',
        where: 'labels',
        expected: `an i32 tensor of shape (${B}, ${T}) like ids`,
        found: `${l.dtype} (${l.shape.join(', ')})`,
        hint: 'labels are the ids themselves (HF convention: the shift happens inside), -100 to ignore',
      });
    }
    return tidy(() => {
      const pad = full([B, 1], -100, 'i32', backend);
      return T === 1 ? pad : concat([l.narrow(1, 1, T - 1), pad], 1);
    });
  }
  const rows = labels as readonly (readonly number[])[];
  if (rows.length !== B || rows.some((r) => !Array.isArray(r) || r.length !== T)) {
    throw new ModelInputError({
      operation: 'forward',
      where: 'labels',
      expected: `${B} rows of ${T} labels (the shape of ids)`,
      found: `${rows.length} rows of lengths ${rows.map((r) => (Array.isArray(r) ? r.length : '?')).join(', ')}`,
      hint: 'labels follow HF: same length as ids, shifted inside the model',
    });
  }
  const data = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t + 1 < T; t++) {
      const id = rows[b]![t + 1]!;
      if (!Number.isInteger(id) || (id !== -100 && (id < 0 || id >= vocabSize))) {
        throw new ModelInputError({
          operation: 'forward',
          where: 'labels',
          expected: `labels in [0, ${vocabSize}) or -100 (ignored)`,
          found: `${id} at [${b}][${t + 1}]`,
          hint: 'mask positions with -100, not another negative number',
        });
      }
      data[b * T + t] = id;
    }
  }
  return tensor(data, [B * T], 'i32', backend);
}
