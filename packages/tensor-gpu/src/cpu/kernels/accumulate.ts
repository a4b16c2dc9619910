/** CPU kernel of `accumulate`: acc += x elementwise, in place (a gradient summed into its accumulator). */
import { type CpuKernel, floatData } from './kernel.js';

export const accumulateKernel: CpuKernel<'accumulate'> = ({ inputs, inouts }) => {
  const x = floatData('accumulate', inputs.x.storage);
  const acc = floatData('accumulate', inouts.acc.storage);
  for (let i = 0; i < acc.length; i++) acc[i]! += x[i]!;
};
