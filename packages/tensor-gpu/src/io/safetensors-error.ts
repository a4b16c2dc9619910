import { type ErrorDetails, TensorError } from '../errors.js';

/**
 * A safetensors file or buffer is malformed, uses a dtype this package cannot read, or a tensor asked
 * for is not in it. The message starts with the file (or `<bytes>`) and the tensor involved:
 * `loadSafetensors: model.safetensors: tensor "wte.weight": expected data_offsets [begin, end] ...`.
 *
 * @example
 * ```ts
 * try { decodeSafetensors(new Uint8Array(3)); }
 * catch (e) { if (SafetensorsError.isInstance(e)) console.error(e.file, e.tensor, e.message); }
 * ```
 */
export class SafetensorsError extends TensorError {
  static override readonly errorName: string = 'SafetensorsError';
  /** The file involved (`<bytes>` for an in-memory buffer). */
  declare readonly file: string;
  /** The tensor involved, if any. */
  readonly tensor: string | undefined;

  constructor(details: ErrorDetails & { file: string; tensor?: string }) {
    super({ ...details, where: details.tensor === undefined ? details.where : `tensor "${details.tensor}"` });
    this.tensor = details.tensor;
  }
}
