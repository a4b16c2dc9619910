/**
 * CPU kernel of `unary`: y = f(x) elementwise. The switch picks a tight loop once per call, never per
 * element. Math of each kind (and its derivative, used by `unary-grad.ts`):
 *
 * | kind       | f(x)                                   | f'(x)                                   |
 * |------------|----------------------------------------|-----------------------------------------|
 * | neg        | −x                                     | −1                                      |
 * | abs        | |x|                                    | sign(x) (0 at 0)                        |
 * | exp / log  | eˣ / ln x                              | eˣ / 1/x                                |
 * | sqrt/rsqrt | √x / x^−½                              | 1/(2√x) / −½ x^−³ᐟ²                     |
 * | square     | x²                                     | 2x                                      |
 * | reciprocal | 1/x                                    | −1/x²                                   |
 * | tanh       | tanh x                                 | 1 − tanh² x                             |
 * | sigmoid    | s = 1/(1+e^−x)                         | s(1−s)                                  |
 * | relu       | max(x, 0)                              | 1 if x > 0 else 0                       |
 * | gelu_erf   | ½x(1+erf(x/√2))                        | ½(1+erf(x/√2)) + x·φ(x)                 |
 * | gelu_tanh  | ½x(1+tanh u), u = √(2/π)(x+0.044715x³) | ½(1+t) + ½x(1−t²)√(2/π)(1+0.134145x²)   |
 * | silu       | x·s                                    | s(1 + x(1−s))                           |
 * | sin / cos  | sin x / cos x                          | cos x / −sin x                          |
 */

import { type CpuKernel, floatData } from './kernel.js';
import { erf, SQRT_2_OVER_PI, SQRT1_2, sigmoid } from './math.js';

export const unaryKernel: CpuKernel<'unary'> = ({ inputs, outputs, attrs }) => {
  const x = floatData('unary', inputs.x.storage);
  const y = floatData('unary', outputs.y.storage);
  const n = x.length;
  switch (attrs.op) {
    case 'neg':
      for (let i = 0; i < n; i++) y[i] = -x[i]!;
      return;
    case 'abs':
      for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]!);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]!);
      return;
    case 'rsqrt':
      for (let i = 0; i < n; i++) y[i] = 1 / Math.sqrt(x[i]!);
      return;
    case 'square':
      for (let i = 0; i < n; i++) y[i] = x[i]! * x[i]!;
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) y[i] = 1 / x[i]!;
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) y[i] = Math.max(x[i]!, 0);
      return;
    case 'gelu_erf':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        y[i] = 0.5 * v * (1 + erf(v * SQRT1_2));
      }
      return;
    case 'gelu_tanh':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        y[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
      }
      return;
    case 'silu':
      for (let i = 0; i < n; i++) y[i] = x[i]! * sigmoid(x[i]!);
      return;
    case 'sin':
      for (let i = 0; i < n; i++) y[i] = Math.sin(x[i]!);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) y[i] = Math.cos(x[i]!);
      return;
  }
};
