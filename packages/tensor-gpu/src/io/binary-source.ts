/**
 * Bytes from wherever a program has them: a `Uint8Array` or `ArrayBuffer` in memory, a `Blob` (a
 * `File` from a file picker or a drop), or a fetched `Response`. Every loader of the main entry
 * (`loadSafetensors`, `loadSafetensorsInto`, transformer's `fromPretrained`) takes these, so the same
 * call works in a browser and in Node; a file path is for the `/node` entry's versions only.
 */
import { TensorError } from '../errors.js';

/**
 * What the main entry's loaders read: bytes in memory, a `Blob`/`File`, or a fetched `Response`.
 *
 * @example
 * ```ts
 * const fromFetch: BinarySource = await fetch('/models/gpt2-tiny/model.safetensors');
 * const fromPicker: BinarySource = input.files![0]!;     // a File
 * const inMemory: BinarySource = new Uint8Array(bytes);
 * ```
 */
export type BinarySource = Uint8Array | ArrayBuffer | Blob | Response;

/** True for a `Blob` (a `File` included) of this realm or another (checked by shape, not `instanceof`). */
export function isBlob(x: unknown): x is Blob {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Blob).arrayBuffer === 'function' &&
    typeof (x as Blob).slice === 'function' &&
    typeof (x as Blob).size === 'number'
  );
}

/** True for a fetch `Response` (checked by shape). */
export function isResponse(x: unknown): x is Response {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Response).arrayBuffer === 'function' &&
    typeof (x as Response).status === 'number' &&
    typeof (x as Response).ok === 'boolean'
  );
}

/** True when `x` is one of the {@link BinarySource} kinds. */
export function isBinarySource(x: unknown): x is BinarySource {
  return x instanceof Uint8Array || x instanceof ArrayBuffer || isBlob(x) || isResponse(x);
}

/** A name for messages: a File's name, a Response's URL, else `<bytes>`. */
export function binarySourceName(source: BinarySource): string {
  const name = (source as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '') return name;
  const url = (source as { url?: unknown }).url;
  if (typeof url === 'string' && url !== '') return url;
  return '<bytes>';
}

/**
 * The bytes of a {@link BinarySource} (a `Uint8Array` is returned as is). A `Response` that is not
 * `ok` (a 404) is an error naming its URL and status; anything else that is not a source is an error
 * whose hint points a file path at the `/node` entry.
 *
 * @example
 * ```ts
 * const bytes = await readBinarySource(await fetch('/tokenizer.json'), 'loadTokenizer');
 * ```
 */
export async function readBinarySource(
  source: BinarySource,
  operation: string,
  node: NodeAlternative = { entry: '@llmforge/tensor-gpu/node', name: operation },
): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (isResponse(source)) {
    if (!source.ok) {
      throw new TensorError({
        operation,
        file: binarySourceName(source),
        expected: 'a successful response (status 200-299)',
        found: `status ${source.status}${source.statusText ? ` ${source.statusText}` : ''}`,
        hint: 'check the URL; a server must serve the file with CORS headers when it is on another origin',
      });
    }
    return new Uint8Array(await source.arrayBuffer());
  }
  if (isBlob(source)) return new Uint8Array(await source.arrayBuffer());
  throw notABinarySource(operation, source, node);
}

/** Where a Node program finds the version of a loader that takes a path. */
export interface NodeAlternative {
  /** The entry, e.g. `@llmforge/tensor-gpu/node`. */
  entry: string;
  /** The export that reads paths, e.g. `loadSafetensors` or `SafetensorsFile`. */
  name: string;
}

/**
 * The error for a value that is not a {@link BinarySource}; for a string (a path) the hint names the
 * Node entry's export that reads files.
 */
export function notABinarySource(
  operation: string,
  found: unknown,
  node: NodeAlternative = { entry: '@llmforge/tensor-gpu/node', name: operation },
): TensorError {
  const isPath = typeof found === 'string';
  return new TensorError({
    operation,
    expected: 'a Uint8Array, ArrayBuffer, Blob/File or Response',
    found: isPath ? `the string ${JSON.stringify(found.slice(0, 80))}` : describeValue(found),
    hint: isPath
      ? `a file path needs the Node entry: import { ${node.name} } from '${node.entry}'`
      : 'in a browser, pass await fetch(url) or a File from an <input type="file">',
  });
}

function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'an object';
}
