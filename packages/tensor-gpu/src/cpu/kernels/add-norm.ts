/**
 * CPU kernels of the fused residual add + norm: `addLayerNorm` and `addRmsNorm` write sum = x + r,
 * then normalise it exactly as `layerNorm` / `rmsNorm` do (the same functions).
 */
import type { FloatArray } from '../../backend/dtype.js';
import { type CpuKernel, floatData } from './kernel.js';
import { layerNormCpu } from './layer-norm.js';
import { rmsNormCpu } from './rms-norm.js';

function addInto(x: FloatArray, r: FloatArray, sum: FloatArray): void {
  for (let i = 0; i < sum.length; i++) sum[i] = x[i]! + r[i]!;
}

export const addLayerNormKernel: CpuKernel<'addLayerNorm'> = ({ inputs, outputs, attrs }) => {
  const op = 'addLayerNorm';
  const C = inputs.x.shape[inputs.x.shape.length - 1]!;
  const sum = floatData(op, outputs.sum.storage);
  addInto(floatData(op, inputs.x.storage), floatData(op, inputs.residual.storage), sum);
  layerNormCpu(
    sum,
    floatData(op, inputs.weight.storage),
    floatData(op, inputs.bias.storage),
    floatData(op, outputs.y.storage),
    floatData(op, outputs.mean.storage),
    floatData(op, outputs.rstd.storage),
    C === 0 ? 0 : sum.length / C,
    C,
    attrs.eps,
  );
};

export const addRmsNormKernel: CpuKernel<'addRmsNorm'> = ({ inputs, outputs, attrs }) => {
  const op = 'addRmsNorm';
  const C = inputs.x.shape[inputs.x.shape.length - 1]!;
  const sum = floatData(op, outputs.sum.storage);
  addInto(floatData(op, inputs.x.storage), floatData(op, inputs.residual.storage), sum);
  rmsNormCpu(
    sum,
    floatData(op, inputs.weight.storage),
    floatData(op, outputs.y.storage),
    floatData(op, outputs.rstd.storage),
    C === 0 ? 0 : sum.length / C,
    C,
    attrs.eps,
  );
};
