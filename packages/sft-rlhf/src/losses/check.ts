/**
 * Input checks shared by the losses: shapes that must agree and hyper-parameters in range, each a
 * {@link LossInputError} naming the operation and the argument.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { LossInputError } from '../errors.js';

const shapeText = (t: Tensor) => `(${t.shape.join(', ')})`;

/** Throws unless every named tensor has the shape of the first one. */
export function sameShape(operation: string, tensors: Record<string, Tensor | undefined>): void {
  const entries = Object.entries(tensors).filter((e): e is [string, Tensor] => e[1] !== undefined);
  const [firstName, first] = entries[0]!;
  for (const [name, t] of entries.slice(1)) {
    if (t.shape.length !== first.shape.length || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new LossInputError({
        operation,
        where: name,
        expected: `the shape of ${firstName} ${shapeText(first)}`,
        found: shapeText(t),
      });
    }
  }
}

/** Throws unless `t` has rank `rank`. */
export function hasRank(operation: string, name: string, t: Tensor, rank: number, meaning: string): void {
  if (t.rank !== rank) {
    throw new LossInputError({
      operation,
      where: name,
      expected: `${meaning} (rank ${rank})`,
      found: shapeText(t),
    });
  }
}

/** Throws unless `value` is a finite number ≥ `min` (> `min` when `strict`). */
export function inRange(operation: string, name: string, value: number, min: number, strict = false): void {
  if (!(Number.isFinite(value) && (strict ? value > min : value >= min))) {
    throw new LossInputError({
      operation,
      where: `option ${name}`,
      expected: `a finite number ${strict ? '>' : '≥'} ${min}`,
      found: String(value),
    });
  }
}
