/**
 * One tensor at a time from a safetensors source that is not a path: the header is parsed first, and
 * `read(name)` converts one tensor. A `Blob` (a `File` from a picker) is read by slices, so a
 * checkpoint larger than memory loads into a model piece by piece in a browser, the way the Node
 * entry's `SafetensorsFile` reads a file through a handle; bytes in memory are sliced directly.
 *
 *   openSafetensors(source) ─► header (8-byte length + JSON) ─► read(name) ─► decodeTensor
 */
import {
  type BinarySource,
  binarySourceName,
  isBinarySource,
  isBlob,
  notABinarySource,
  readBinarySource,
} from './binary-source.js';
import { decodeTensor } from './safetensors-decode.js';
import { SafetensorsError } from './safetensors-error.js';
import type {
  SafetensorsHeader,
  SafetensorsHeaderEntry,
  SafetensorsReadOptions,
  SafetensorsTensor,
} from './safetensors-format.js';
import { parseHeader, readHeaderLength } from './safetensors-header.js';

/**
 * A safetensors source opened for reading tensor by tensor: what `openSafetensors` returns, and what
 * the Node entry's `SafetensorsFile` is too.
 */
export interface SafetensorsReader {
  /** The tensor names in header order. */
  readonly names: string[];
  /** The `__metadata__` strings. */
  readonly metadata: Record<string, string>;
  /** A tensor's dtype, shape and offsets, without reading it (undefined when absent). */
  entry(name: string): SafetensorsHeaderEntry | undefined;
  /** Reads one tensor and converts it to its host array. */
  read(name: string, options?: SafetensorsReadOptions): Promise<SafetensorsTensor>;
  /** Releases what the reader holds (idempotent). */
  close(): Promise<void>;
}

/** Reads the bytes `[begin, end)` of a source: a Blob by slices, bytes by subarrays, a file by a handle. */
export type RangeReader = (begin: number, end: number) => Promise<Uint8Array>;

/**
 * A {@link SafetensorsReader} over anything that reads byte ranges: the header is parsed already,
 * and `read(name)` fetches one tensor's range and decodes it. `openSafetensors` builds one for bytes
 * and Blobs; the Node entry's `SafetensorsFile` is one over a file handle.
 */
export class RangeSafetensorsReader implements SafetensorsReader {
  private closed = false;

  constructor(
    /** The name errors give the source (a path, a File's name, a URL). */
    readonly file: string,
    /** The parsed header. */
    readonly header: SafetensorsHeader,
    private readonly range: RangeReader,
    /** Whether `range` returns fresh buffers the decoder may keep (Blob slices and file reads do). */
    private readonly fresh: boolean,
    /** Releases what the source holds (a file handle), once. */
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  get names(): string[] {
    return [...this.header.tensors.keys()];
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  entry(name: string): SafetensorsHeaderEntry | undefined {
    return this.header.tensors.get(name);
  }

  async read(name: string, options: SafetensorsReadOptions = {}): Promise<SafetensorsTensor> {
    if (this.closed) {
      throw new SafetensorsError({
        operation: 'read',
        file: this.file,
        tensor: name,
        expected: 'an open reader',
        found: 'a closed one',
        hint: 'call read() before close()',
      });
    }
    const entry = this.header.tensors.get(name);
    if (entry === undefined) {
      const names = this.names;
      throw new SafetensorsError({
        operation: 'read',
        file: this.file,
        tensor: name,
        expected: `one of ${names.length} tensors (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''})`,
        found: 'no such tensor',
        hint: 'check the name against .names',
      });
    }
    const [begin, end] = entry.dataOffsets;
    const raw = await this.range(this.header.dataStart + begin, this.header.dataStart + end);
    return decodeTensor(name, entry, raw, this.file, options, this.fresh);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }
}

/**
 * Opens a safetensors source (bytes, a `Blob`/`File`, or a `Response`) and parses its header; the
 * tensors are read on demand with `read(name)`. A Blob is never read whole: each `read` slices the
 * tensor's bytes out of it.
 *
 * @example
 * ```ts
 * const reader = await openSafetensors(fileInput.files![0]!);
 * console.log(reader.names, reader.metadata);
 * const wte = await reader.read('transformer.wte.weight'); // { dtype: 'F32', shape: [98, 48], data }
 * ```
 */
export async function openSafetensors(
  source: BinarySource,
  options: {
    /** The name errors give the source (default: a File's name, a Response's URL, or `<bytes>`). */
    file?: string;
    /** The loader that asked (names the Node entry's path version in the error for a path). */
    operation?: string;
  } = {},
): Promise<SafetensorsReader> {
  if (!isBinarySource(source)) {
    throw notABinarySource(options.operation ?? 'openSafetensors', source, {
      entry: '@llmforge/tensor-gpu/node',
      name: options.operation ?? 'SafetensorsFile',
    });
  }
  const file = options.file ?? binarySourceName(source);
  if (isBlob(source)) {
    const size = source.size;
    const range: RangeReader = async (begin, end) =>
      new Uint8Array(await source.slice(begin, end).arrayBuffer());
    const headerLength = readHeaderLength(await range(0, Math.min(8, size)), file, size);
    const header = parseHeader(await range(8, 8 + headerLength), file, size - 8 - headerLength);
    return new RangeSafetensorsReader(file, header, range, true);
  }
  const bytes = await readBinarySource(source, options.operation ?? 'openSafetensors');
  const headerLength = readHeaderLength(bytes.subarray(0, 8), file, bytes.length);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), file, bytes.length - 8 - headerLength);
  return new RangeSafetensorsReader(file, header, async (begin, end) => bytes.subarray(begin, end), false);
}
