/**
 * CPU kernel of `binary`: y = a ∘ b with numpy broadcasting.
 *
 * The output is walked row by row (`strided.ts` merges contiguous dims, so same-shape operands run as
 * one long row and `(N,C) + (C)` as N rows with b's stride 0); `binaryRow` picks the op's loop once
 * per row.
 */
import type { TypedArray } from '../../backend/dtype.js';
import type { BinaryKind } from '../../backend/ops.js';
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { broadcastStrides, forEachRow, planStrided } from './strided.js';

/**
 * y[yo + i] = a[ao + i·as] ∘ b[bo + i·bs] for i < n.
 */
export function binaryRow(
  op: BinaryKind,
  y: TypedArray,
  yo: number,
  a: TypedArray,
  ao: number,
  as: number,
  b: TypedArray,
  bo: number,
  bs: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! + b[bo + i * bs]!;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! - b[bo + i * bs]!;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! * b[bo + i * bs]!;
      return;
    case 'div':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! / b[bo + i * bs]!;
      return;
    case 'pow':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! ** b[bo + i * bs]!;
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const u = a[ao + i * as]!;
        const v = b[bo + i * bs]!;
        y[yo + i] = u >= v || Number.isNaN(u) ? u : v;
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const u = a[ao + i * as]!;
        const v = b[bo + i * bs]!;
        y[yo + i] = u <= v || Number.isNaN(u) ? u : v;
      }
      return;
    case 'eq':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as] === b[bo + i * bs] ? 1 : 0;
      return;
    case 'ne':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as] !== b[bo + i * bs] ? 1 : 0;
      return;
    case 'lt':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! < b[bo + i * bs]! ? 1 : 0;
      return;
    case 'le':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! <= b[bo + i * bs]! ? 1 : 0;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! > b[bo + i * bs]! ? 1 : 0;
      return;
    case 'ge':
      for (let i = 0; i < n; i++) y[yo + i] = a[ao + i * as]! >= b[bo + i * bs]! ? 1 : 0;
      return;
  }
}

export const binaryKernel: CpuKernel<'binary'> = ({ inputs: { a, b }, outputs: { y }, attrs: { op } }) => {
  const plan = planStrided(y.shape, [
    stridesOf(y.shape),
    broadcastStrides(a.shape, y.shape),
    broadcastStrides(b.shape, y.shape),
  ]);
  // the output is contiguous, so its inner stride is 1
  const [, as, bs] = plan.innerStrides as [number, number, number];
  const ya = y.storage;
  const aa = a.storage;
  const ba = b.storage;
  forEachRow(plan, (o) => binaryRow(op, ya, o[0]!, aa, o[1]!, as, ba, o[2]!, bs, plan.inner));
};
