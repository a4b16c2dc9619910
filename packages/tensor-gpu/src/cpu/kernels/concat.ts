/**
 * CPU kernel of `concat`: joins tensors along `axis`. Each input is a sequence of `outer` chunks
 * (outer = product of the dims before axis); chunk o of input t lands at o·(total chunk) + (sum of the
 * previous inputs' chunk sizes). Example: (2,3)+(2,5) axis 1 → each output row = 3 from a, 5 from b.
 */
import type { CpuKernel } from './kernel.js';

export const concatKernel: CpuKernel<'concat'> = ({ inputs: { xs }, outputs: { y }, attrs: { axis } }) => {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= y.shape[i]!;
  const outChunk = outer === 0 ? 0 : y.storage.length / outer;
  const ya = y.storage;
  let offset = 0;
  for (const x of xs) {
    const xa = x.storage;
    const chunk = outer === 0 ? 0 : xa.length / outer;
    for (let o = 0; o < outer; o++) ya.set(xa.subarray(o * chunk, (o + 1) * chunk), o * outChunk + offset);
    offset += chunk;
  }
};
