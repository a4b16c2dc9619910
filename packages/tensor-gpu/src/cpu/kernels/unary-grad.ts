/**
 * CPU kernel of `unaryGrad`: dx = dy · f'(x), with f' recomputed from x (the table is in `unary.ts`).
 */

import { type CpuKernel, floatData } from './kernel.js';
import { erf, INV_SQRT_2PI, SQRT_2_OVER_PI, SQRT1_2, sigmoid } from './math.js';

export const unaryGradKernel: CpuKernel<'unaryGrad'> = ({ inputs, outputs, attrs }) => {
  const x = floatData('unaryGrad', inputs.x.storage);
  const dy = floatData('unaryGrad', inputs.dy.storage);
  const dx = floatData('unaryGrad', outputs.dx.storage);
  const n = x.length;
  switch (attrs.op) {
    case 'neg':
      for (let i = 0; i < n; i++) dx[i] = -dy[i]!;
      return;
    case 'abs':
      for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : x[i]! < 0 ? -dy[i]! : 0;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! / x[i]!;
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! / (2 * Math.sqrt(x[i]!));
      return;
    case 'rsqrt':
      for (let i = 0; i < n; i++) {
        const r = 1 / Math.sqrt(x[i]!);
        dx[i] = -0.5 * dy[i]! * r * r * r;
      }
      return;
    case 'square':
      for (let i = 0; i < n; i++) dx[i] = 2 * x[i]! * dy[i]!;
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) dx[i] = -dy[i]! / (x[i]! * x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const t = Math.tanh(x[i]!);
        dx[i] = dy[i]! * (1 - t * t);
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const s = sigmoid(x[i]!);
        dx[i] = dy[i]! * s * (1 - s);
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = x[i]! > 0 ? dy[i]! : 0;
      return;
    case 'gelu_erf':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const cdf = 0.5 * (1 + erf(v * SQRT1_2));
        dx[i] = dy[i]! * (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
      return;
    case 'gelu_tanh':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
        const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
        dx[i] = dy[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
      }
      return;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const s = sigmoid(x[i]!);
        dx[i] = dy[i]! * s * (1 + x[i]! * (1 - s));
      }
      return;
    case 'sin':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * Math.cos(x[i]!);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) dx[i] = -dy[i]! * Math.sin(x[i]!);
      return;
  }
};
