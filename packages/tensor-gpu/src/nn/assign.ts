/**
 * In-place writes into an existing tensor's storage, for the few places that must keep a tensor's
 * identity while changing its values: loading weights into a module (`loadStateDict`), optimizer
 * updates other than the fused AdamW (SGD), and restoring optimizer state. Not recorded by autograd:
 * call them on leaves, outside a graph. Each write counts in the tensor's `version`, so a
 * `backward()` that still needs the old values raises InplaceModificationError instead of computing
 * gradients from the new ones.
 *
 * `assignFrom(dst, src)` runs one device kernel (`binaryScalar` y = src · 1, exact for every float,
 * −0 and NaN included) whose output is `dst`'s own storage, so nothing is read back to the host.
 */

import { describeValue } from '../arguments.js';
import { allocArray, toF16Bits } from '../backend/dtype.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { commonBackend } from '../ops/run.js';
import type { Tensor } from '../tensor.js';

/**
 * Copies host values into `dst` (converted to its dtype; f16 rounds to nearest even).
 *
 * @example
 * ```ts
 * const w = zeros([2]);
 * assignHost(w, [1, 2]);
 * w.dataSync(); // Float32Array [1, 2]
 * ```
 */
export function assignHost(dst: Tensor, data: ArrayLike<number>, op = 'assign'): void {
  dst._assertLive(op);
  if (!Array.isArray(data) && !(ArrayBuffer.isView(data) && !(data instanceof DataView))) {
    throw new ArgumentError({
      operation: op,
      expected: 'host data: a typed array or an array of numbers',
      found: describeValue(data),
      hint: 'pass e.g. new Float32Array(n)',
    });
  }
  if (data.length !== dst.size) {
    throw new ShapeError({
      operation: op,
      expected: `${dst.size} values for a tensor of shape ${formatShape(dst.shape)}`,
      found: `${data.length}`,
      hint: 'the source must have as many elements as the destination',
    });
  }
  let host: ArrayBufferView;
  if (dst.dtype === 'f16') {
    const bits = allocArray('f16', data.length);
    for (let i = 0; i < data.length; i++) bits[i] = toF16Bits(data[i]!);
    host = bits;
  } else {
    const arr = allocArray(dst.dtype, data.length);
    arr.set(data);
    host = arr;
  }
  dst.backend.write(dst._storageHandle(), host as never);
  dst._bumpVersion();
}

/**
 * Copies `src` into `dst` on the device (same backend, dtype and shape).
 *
 * @example
 * ```ts
 * assignFrom(param, param.sub(update)); // param keeps its identity, gets the new values
 * ```
 */
export function assignFrom(dst: Tensor, src: Tensor, op = 'assign'): void {
  const backend = commonBackend(op, [dst, src]);
  dst._assertLive(op);
  src._assertLive(op);
  if (
    dst.dtype !== src.dtype ||
    dst.shape.length !== src.shape.length ||
    dst.shape.some((d, i) => d !== src.shape[i])
  ) {
    throw new ShapeError({
      operation: op,
      expected: `a ${dst.dtype} source of shape ${formatShape(dst.shape)}`,
      found: `${src.dtype} ${formatShape(src.shape)}`,
      hint: 'cast or reshape the source first',
    });
  }
  if (dst._storageHandle() === src._storageHandle()) return;
  backend.run('binaryScalar', {
    inputs: { a: src._device() },
    outputs: { y: dst._device() },
    inouts: {},
    attrs: { op: 'mul', scalar: 1, reverse: false },
  } as never);
  dst._bumpVersion();
}
