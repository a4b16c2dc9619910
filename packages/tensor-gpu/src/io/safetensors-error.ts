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
  /** The file involved (`<bytes>` for an in-memory buffer). */
  readonly file: string;
  /** The tensor involved, if any. */
  readonly tensor: string | undefined;

  constructor(details: ErrorDetails & { file: string; tensor?: string }) {
    const where = details.tensor === undefined ? details.file : `${details.file}: tensor "${details.tensor}"`;
    super({ ...details, operation: `${details.operation}: ${where}` });
    this.name = 'SafetensorsError';
    this.file = details.file;
    this.tensor = details.tensor;
  }
  static override isInstance(error: unknown): error is SafetensorsError {
    return TensorError.isInstance(error) && (error as Error).name === 'SafetensorsError';
  }
}
