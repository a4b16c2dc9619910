/**
 * CPU kernels of the counter-based random ops: `dropout`, `randomUniform`, `randomNormal`. Element i
 * draws Philox block offset + ⌊i/4⌋ (uniform) or offset + ⌊i/2⌋ (normal): see `random/philox.ts`.
 * The WebGPU kernels compute the same bits, so a dropout mask is identical on both backends and is
 * regenerated (not stored) in backward.
 */
import { fillNormal, fillUniform, philoxBlock } from '../../random/philox.js';
import { type CpuKernel, floatData } from './kernel.js';

const INV24 = 1 / 16777216;

export const dropoutKernel: CpuKernel<'dropout'> = ({
  inputs: { x },
  outputs: { y },
  attrs: { p, seed, offset },
}) => {
  const xa = floatData('dropout', x.storage);
  const ya = floatData('dropout', y.storage);
  const n = xa.length;
  const scale = 1 / (1 - p);
  const bits = new Uint32Array(4);
  for (let b = 0; b * 4 < n; b++) {
    philoxBlock(seed, offset + b, bits);
    const end = Math.min(4, n - b * 4);
    for (let l = 0; l < end; l++) {
      const i = b * 4 + l;
      ya[i] = (bits[l]! >>> 8) * INV24 < p ? 0 : xa[i]! * scale;
    }
  }
};

export const randomUniformKernel: CpuKernel<'randomUniform'> = ({ outputs: { y }, attrs }) => {
  fillUniform(floatData('randomUniform', y.storage), attrs.seed, attrs.offset, attrs.low, attrs.high);
};

export const randomNormalKernel: CpuKernel<'randomNormal'> = ({ outputs: { y }, attrs }) => {
  fillNormal(floatData('randomNormal', y.storage), attrs.seed, attrs.offset, attrs.mean, attrs.std);
};
