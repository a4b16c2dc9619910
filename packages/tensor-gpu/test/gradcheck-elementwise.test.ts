import { describe, it } from 'vitest';
import {
  BINARY_KINDS,
  type BinaryKind,
  binary,
  binaryScalar,
  isCompareKind,
  UNARY_KINDS,
  type UnaryKind,
  unary,
} from '../src/index.js';
import { awayFromZero, gradcheck, uniformIn } from './gradcheck-helpers.js';

const domain: Partial<Record<UnaryKind, (i: number, u: number) => number>> = {
  log: uniformIn(0.2, 2),
  sqrt: uniformIn(0.2, 2),
  rsqrt: uniformIn(0.2, 2),
  reciprocal: awayFromZero,
  relu: awayFromZero,
  abs: awayFromZero,
};

describe('gradcheck: unary', () => {
  for (const op of UNARY_KINDS) {
    it(op, () => {
      gradcheck([{ shape: [3, 5], init: domain[op] ?? uniformIn(-2, 2) }], (x) => unary(x, op));
    });
  }
});

const arithmetic = BINARY_KINDS.filter((k) => !isCompareKind(k));
const positive = uniformIn(0.5, 2);

describe('gradcheck: binary with broadcasting', () => {
  const shapes: [number[], number[]][] = [
    [
      [2, 3],
      [2, 3],
    ],
    [[2, 3, 4], [4]],
    [
      [3, 1],
      [2, 1, 4],
    ],
    [[1], [2, 3]],
  ];
  for (const op of arithmetic) {
    for (const [sa, sb] of shapes) {
      it(`${op} ${JSON.stringify(sa)} ∘ ${JSON.stringify(sb)}`, () => {
        const init = op === 'pow' || op === 'div' ? positive : undefined;
        gradcheck(
          [
            { shape: sa, init },
            { shape: sb, init: op === 'maximum' || op === 'minimum' ? uniformIn(-0.9, 0.9) : init },
          ],
          (a, b) => binary(a, b, op as BinaryKind),
        );
      });
    }
  }
});

describe('gradcheck: binaryScalar', () => {
  for (const op of arithmetic) {
    for (const reverse of [false, true]) {
      it(`${op}${reverse ? ' (reverse)' : ''}`, () => {
        const scalar = op === 'pow' ? (reverse ? 1.7 : 2.5) : 0.3;
        gradcheck([{ shape: [4, 3], init: op === 'pow' || op === 'div' ? positive : undefined }], (a) =>
          binaryScalar(a, op as BinaryKind, scalar, reverse),
        );
      });
    }
  }
});

describe('gradcheck: composites', () => {
  it('clamp', () => gradcheck([{ shape: [4, 5], init: uniformIn(-2, 2) }], (x) => x.clamp(-0.5, 0.7)));
});
