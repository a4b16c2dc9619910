/**
 * The main entry's safetensors I/O without paths (what a browser has): bytes, ArrayBuffer, a Blob or
 * File read by slices, a fetch Response; encodeTensors for a download. Each is checked against the
 * Node entry's path reader on the HF fixture (written by the reference safetensors library).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createCpuBackend,
  decodeSafetensors,
  Embedding,
  encodeTensors,
  LayerNorm,
  loadSafetensors,
  loadSafetensorsInto,
  Module,
  openSafetensors,
  RandomGenerator,
  readBinarySource,
  SafetensorsError,
  type SafetensorsMap,
  TensorError,
  tensor,
} from '../src/index.js';
import * as node from '../src/node.js';

const FILE = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'gpt2-tiny', 'model.safetensors');
const bytes = new Uint8Array(await readFile(FILE));
const byPath = await node.loadSafetensors(FILE);

/** A Blob-shaped object that counts the bytes read out of it (to show a read is by slices). */
function countingBlob(data: Uint8Array): { blob: Blob; read: () => number } {
  let read = 0;
  const wrap = (b: Blob): Blob =>
    ({
      size: b.size,
      slice: (start?: number, end?: number) => wrap(b.slice(start, end)),
      arrayBuffer: async () => {
        read += b.size;
        return b.arrayBuffer();
      },
    }) as Blob;
  return { blob: wrap(new Blob([new Uint8Array(data)])), read: () => read };
}

function sameMap(a: SafetensorsMap, b: SafetensorsMap): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, t] of a) {
    expect(t.shape, name).toEqual(b.get(name)!.shape);
    expect(Array.from(t.data as Float32Array), name).toEqual(Array.from(b.get(name)!.data as Float32Array));
  }
}

describe('loadSafetensors from every source a browser has', () => {
  it('reads bytes, an ArrayBuffer, a Blob, a File and a Response the same as the path', async () => {
    const sources = [
      bytes,
      bytes.slice().buffer,
      new Blob([bytes]),
      new File([bytes], 'model.safetensors'),
      new Response(bytes),
    ];
    for (const source of sources) {
      const m = await loadSafetensors(source);
      expect(m.metadata).toEqual({ format: 'pt' });
      sameMap(m, byPath);
    }
  });

  it('reads a Blob by slices: opening reads the header only, one tensor reads its own bytes', async () => {
    const { blob, read } = countingBlob(bytes);
    const reader = await openSafetensors(blob, { file: 'model.safetensors' });
    const headerBytes = read();
    expect(headerBytes).toBeLessThan(bytes.length / 20);
    const entry = reader.entry('transformer.wte.weight')!;
    const wte = await reader.read('transformer.wte.weight');
    expect(read() - headerBytes).toBe(entry.dataOffsets[1] - entry.dataOffsets[0]);
    expect(Array.from(wte.data as Float32Array)).toEqual(
      Array.from(byPath.get('transformer.wte.weight')!.data as Float32Array),
    );
    await reader.close();
    await expect(reader.read('transformer.wte.weight')).rejects.toThrow(/closed/);
  });

  it('names the file and tensor in errors: a missing tensor, a truncated Blob, a failed Response', async () => {
    const reader = await openSafetensors(new File([bytes], 'w.safetensors'));
    await expect(reader.read('nope')).rejects.toThrow(/w\.safetensors.*no such tensor/);
    const truncated = new Blob([bytes.subarray(0, 1000)]);
    const caught = await openSafetensors(truncated).catch((e: unknown) => e);
    expect(SafetensorsError.isInstance(caught)).toBe(true);
    const notFound = new Response('missing', { status: 404, statusText: 'Not Found' });
    await expect(loadSafetensors(notFound)).rejects.toThrow(/expected a successful response.*status 404/);
  });

  it('rejects a path with a typed error that points at the Node entry', async () => {
    const caught = await loadSafetensors(FILE as never).catch((e: unknown) => e);
    expect(TensorError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toContain(
      "import { loadSafetensors } from '@llmforge/tensor-gpu/node'",
    );
    await expect(readBinarySource(42 as never, 'op')).rejects.toThrow(/found number/);
  });
});

describe('tensors and modules without files', () => {
  const cpu = createCpuBackend();

  it('encodeTensors gives the bytes saveTensors writes, and they load back', async () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'f32', cpu);
    const state = new Map([['w', t]]);
    const encoded = await encodeTensors(state, { format: 'pt' }, { floatDType: 'BF16' });
    const back = decodeSafetensors(encoded);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.get('w')!.dtype).toBe('BF16');
    expect(Array.from(back.get('w')!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    t.dispose();
  });

  it('loadSafetensorsInto reads a File into a module, the same as from the path', async () => {
    class Slice extends Module {
      wte = this.registerModule(
        'wte',
        new Embedding(98, 48, { generator: new RandomGenerator(0), backend: cpu }),
      );
      ln_f = this.registerModule('ln_f', new LayerNorm(48, { backend: cpu }));
    }
    const strip = (n: string) => (n.startsWith('transformer.') ? n.slice('transformer.'.length) : null);
    const fromFile = new Slice();
    const fromPath = new Slice();
    await loadSafetensorsInto(new File([bytes], 'model.safetensors'), fromFile, {
      rename: strip,
      strict: false,
    });
    await node.loadSafetensorsInto(FILE, fromPath, { rename: strip, strict: false });
    expect(Array.from(fromFile.wte.weight.dataSync())).toEqual(Array.from(fromPath.wte.weight.dataSync()));
    expect(Array.from(fromFile.ln_f.weight!.dataSync())).toEqual(
      Array.from(byPath.get('transformer.ln_f.weight')!.data as Float32Array),
    );
    fromFile.dispose();
    fromPath.dispose();
  });
});
