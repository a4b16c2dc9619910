/**
 * CPU kernel of `scaleInPlace`: xs[i] ← xs[i]·scale for every tensor of the list. The scale is read
 * from its storage (on the CPU that is plain memory, not a device read-back). An f32 product is
 * computed in float64 and rounded once, which is exactly f32 multiplication, so the WebAssembly
 * kernel gives the same bits.
 *
 * Example: xs [[1, 2], [4]], scale [0.5] → [[0.5, 1], [2]].
 */
import { type CpuKernel, floatData } from './kernel.js';

export const scaleInPlaceKernel: CpuKernel<'scaleInPlace'> = ({ inputs: { scale }, inouts: { xs } }) => {
  const s = floatData('scaleInPlace', scale.storage)[0]!;
  for (const x of xs) {
    const a = floatData('scaleInPlace', x.storage);
    for (let i = 0; i < a.length; i++) a[i]! *= s;
  }
};
