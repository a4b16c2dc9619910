/**
 * CPU kernels of `linear` (y = act(x·Wᵀ + b)) and `biasActivationBackward` (dpre = dy·act'(pre),
 * dbias = Σ_rows dpre), written as the chain of ops they fuse: the product (`matmulCpu`), the bias
 * added to every row, then the `unary` kernel; in the backward the `unaryGrad` kernel, then column
 * sums in float64. The fast kernels (`simd/linear.ts`) do the same arithmetic in fewer passes.
 */
import type { FloatArray } from '../../backend/dtype.js';
import type { GemmArgs } from './gemm/gemm.js';
import { type CpuKernel, floatData } from './kernel.js';
import { matmulCpu } from './matmul.js';
import { unaryKernel } from './unary.js';
import { unaryGradKernel } from './unary-grad.js';

/** out[r, j] += bias[j] for every row r of out (rows × F). */
function addBias(out: FloatArray, bias: FloatArray, F: number): void {
  for (let i = 0; i < out.length; i += F) for (let j = 0; j < F; j++) out[i + j]! += bias[j]!;
}

/** The `linear` kernel with its product computed by `run` (one GEMM call). */
export function linearKernelOn(run?: (args: GemmArgs) => void): CpuKernel<'linear'> {
  return ({ inputs: { x, weight, bias }, outputs: { y, pre }, attrs: { activation } }) => {
    const op = 'linear';
    const [F, K] = weight.shape as [number, number];
    const acc = floatData(op, (activation === 'none' ? y : pre).storage);
    const rows = F === 0 ? 0 : acc.length / F;
    matmulCpu(
      floatData(op, x.storage),
      floatData(op, weight.storage),
      acc,
      { aShape: [rows, K], bShape: [F, K], transB: true },
      false,
      run,
    );
    if (bias) addBias(acc, floatData(op, bias.storage), F);
    if (activation !== 'none')
      unaryKernel({ inputs: { x: pre }, outputs: { y }, inouts: {}, attrs: { op: activation } });
  };
}

export const linearKernel: CpuKernel<'linear'> = linearKernelOn();

/** Column sums of `m` (rows × F) into `out` (F), in float64, rows in order. */
export function columnSums(m: FloatArray, F: number, out: FloatArray): void {
  const acc = new Float64Array(F);
  for (let i = 0; i < m.length; i += F) for (let j = 0; j < F; j++) acc[j]! += m[i + j]!;
  out.set(acc);
}

export const biasActivationBackwardKernel: CpuKernel<'biasActivationBackward'> = ({
  inputs: { pre, dy },
  outputs: { dpre, dbias },
  attrs: { activation },
}) => {
  const op = 'biasActivationBackward';
  const out = floatData(op, dpre.storage);
  if (activation === 'none') out.set(floatData(op, dy.storage));
  else
    unaryGradKernel({ inputs: { x: pre, dy }, outputs: { dx: dpre }, inouts: {}, attrs: { op: activation } });
  columnSums(out, pre.shape[pre.shape.length - 1]!, floatData(op, dbias.storage));
};
