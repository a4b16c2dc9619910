import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeBf16,
  decodeF16,
  decodeSafetensors,
  encodeBf16,
  encodeF16,
  encodeSafetensors,
  SafetensorsError,
} from '../src/index.js';
import { loadSafetensors, SafetensorsFile, saveSafetensors } from '../src/node.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'gpt2-tiny');
const config = JSON.parse(await readFile(join(FIXTURES, 'config.json'), 'utf8')) as {
  n_embd: number;
  n_layer: number;
  n_positions: number;
  vocab_size: number;
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llmforge-safetensors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A hand-built file: 8-byte length, JSON header, then data, as the format spec describes. */
function handBuilt(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectSafetensorsError(fn: () => unknown, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(SafetensorsError.isInstance(caught)).toBe(true);
  for (const p of parts) expect((caught as Error).message).toContain(p);
}

describe('reading the PyTorch/HF fixture files', () => {
  it('reads model.safetensors (written by the reference safetensors library) by path', async () => {
    const m = await loadSafetensors(join(FIXTURES, 'model.safetensors'));
    expect(m.metadata).toEqual({ format: 'pt' });
    // 12 tensors per block + ln_f (2) + wte + wpe, all F32, shapes from config.json
    expect(m.size).toBe(12 * config.n_layer + 4);
    const wte = m.get('transformer.wte.weight')!;
    expect(wte.dtype).toBe('F32');
    expect(wte.shape).toEqual([config.vocab_size, config.n_embd]);
    expect(wte.data).toBeInstanceOf(Float32Array);
    expect(m.get('transformer.wpe.weight')!.shape).toEqual([config.n_positions, config.n_embd]);
    expect(m.get('transformer.h.1.mlp.c_fc.weight')!.shape).toEqual([config.n_embd, 4 * config.n_embd]);
    for (const t of m.values()) expect((t.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('reads expected.safetensors: I32 ids and the documented loss 4.62918', async () => {
    const m = await loadSafetensors(join(FIXTURES, 'expected.safetensors'));
    expect(m.metadata).toEqual({});
    const loss = m.get('loss')!;
    expect(loss.shape).toEqual([1]);
    expect(loss.data[0]).toBeCloseTo(4.62918, 5);
    const ids = m.get('input_ids')!;
    expect(ids.dtype).toBe('I32');
    expect(ids.data).toBeInstanceOf(Int32Array);
    expect(ids.shape).toEqual([2, 24]);
    for (const v of ids.data as Int32Array) expect(v >= 0 && v < config.vocab_size).toBe(true);
    const labels = m.get('labels')!.data as Int32Array;
    expect(labels.includes(-100)).toBe(true);
    expect(m.get('logits')!.shape).toEqual([2, 24, config.vocab_size]);
  });

  it('path and in-memory reads agree tensor for tensor', async () => {
    const path = join(FIXTURES, 'expected.safetensors');
    const fromPath = await loadSafetensors(path);
    const fromBytes = decodeSafetensors(new Uint8Array(await readFile(path)));
    expect([...fromPath.keys()]).toEqual([...fromBytes.keys()]);
    for (const [name, t] of fromPath) expect(fromBytes.get(name)).toEqual(t);
  });

  it('re-encoding the fixture tensors reproduces the reference library bytes exactly', async () => {
    for (const f of ['model.safetensors', 'expected.safetensors']) {
      const bytes = new Uint8Array(await readFile(join(FIXTURES, f)));
      const m = decodeSafetensors(bytes);
      const inputs = new Map(
        [...m].map(([k, t]) => [
          k,
          { dtype: t.dtype as 'F32' | 'I32', shape: t.shape, data: t.data as Float32Array },
        ]),
      );
      const again = encodeSafetensors(inputs, m.metadata);
      expect(again.length).toBe(bytes.length);
      expect(Buffer.compare(Buffer.from(again), Buffer.from(bytes))).toBe(0);
    }
  });

  it('SafetensorsFile streams one tensor at a time and names missing tensors', async () => {
    const f = await SafetensorsFile.open(join(FIXTURES, 'model.safetensors'));
    try {
      expect(f.names.length).toBe(28);
      expect(f.entry('transformer.wte.weight')).toEqual({
        dtype: 'F32',
        shape: [98, 48],
        dataOffsets: f.entry('transformer.wte.weight')!.dataOffsets,
      });
      const t = await f.read('transformer.h.0.attn.c_attn.bias');
      expect(t.shape).toEqual([144]);
      await expect(f.read('lm_head.weight')).rejects.toThrow(/model\.safetensors: tensor "lm_head\.weight"/);
    } finally {
      await f.close();
    }
    await expect(f.read('transformer.wte.weight')).rejects.toThrow(/closed/);
  });
});

describe('writing', () => {
  it('round-trips F32, F16, BF16 and I32 with metadata through a file', async () => {
    const path = join(dir, 'roundtrip.safetensors');
    const f32 = new Float32Array([0.1, -2.5, 3e-8, 65504, Number.POSITIVE_INFINITY, -0]);
    await saveSafetensors(
      path,
      {
        a: { dtype: 'F32', shape: [2, 3], data: f32 },
        b: { dtype: 'F16', shape: [3], data: [1, 0.5, -65504] },
        c: { dtype: 'BF16', shape: [1, 2], data: new Float32Array([1, -3]) },
        d: { dtype: 'I32', shape: [4], data: [0, -1, 2147483647, -2147483648] },
        e: { dtype: 'F32', shape: [0, 5], data: new Float32Array(0) },
      },
      { format: 'pt', note: 'llmforge test' },
    );
    const m = await loadSafetensors(path);
    expect(m.metadata).toEqual({ format: 'pt', note: 'llmforge test' });
    expect([...m.keys()]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(m.get('a')).toEqual({ dtype: 'F32', shape: [2, 3], data: f32 });
    expect(m.get('b')).toEqual({ dtype: 'F16', shape: [3], data: new Float32Array([1, 0.5, -65504]) });
    expect(m.get('c')).toEqual({ dtype: 'BF16', shape: [1, 2], data: new Float32Array([1, -3]) });
    expect(m.get('d')).toEqual({
      dtype: 'I32',
      shape: [4],
      data: new Int32Array([0, -1, 2147483647, -2147483648]),
    });
    expect(m.get('e')).toEqual({ dtype: 'F32', shape: [0, 5], data: new Float32Array(0) });
    // The file on disk is exactly what the in-memory encoder produces, and the data is 8-byte aligned.
    const bytes = new Uint8Array(await readFile(path));
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('writes tensors larger than one chunk (1 Mi elements) piece by piece, converting across chunk edges', async () => {
    const n = (1 << 20) + 12345;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.sin(i * 0.001) * (1 + (i % 7));
    const tensors = {
      f32: { dtype: 'F32' as const, shape: [n], data: values },
      f16: { dtype: 'F16' as const, shape: [n], data: values },
      bf16: { dtype: 'BF16' as const, shape: [n], data: values },
    };
    const path = join(dir, 'chunks.safetensors');
    await saveSafetensors(path, tensors);
    const bytes = new Uint8Array(await readFile(path));
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(encodeSafetensors(tensors)))).toBe(0);
    const m = await loadSafetensors(path);
    expect(m.get('f32')!.data).toEqual(values);
    // Every element, including those on both sides of the chunk edge at 2^20, rounds like the scalar path.
    const f16 = m.get('f16')!.data as Float32Array;
    const bf16 = m.get('bf16')!.data as Float32Array;
    for (const i of [0, (1 << 20) - 1, 1 << 20, n - 1]) {
      expect(f16[i]).toBe(decodeF16(encodeF16([values[i]!]))[0]);
      expect(bf16[i]).toBe(decodeBf16(encodeBf16([values[i]!]))[0]);
    }
    let worst = 0;
    for (let i = 0; i < n; i++)
      worst = Math.max(worst, Math.abs(f16[i]! - values[i]!) / Math.max(Math.abs(values[i]!), 2 ** -14));
    expect(worst).toBeLessThanOrEqual(2 ** -11); // half an f16 ulp, relative
  });

  it('reads F16/BF16 as raw bits when asked, and writes given bits unchanged', () => {
    const bits = new Uint16Array([0x3c00, 0x7bff, 0x0001, 0xfc00]);
    const bytes = encodeSafetensors({ h: { dtype: 'F16', shape: [4], data: bits } });
    expect(decodeSafetensors(bytes, { half: 'bits' }).get('h')!.data).toEqual(bits);
    expect([...decodeSafetensors(bytes).get('h')!.data]).toEqual([
      1,
      65504,
      2 ** -24,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('an interrupted write leaves the previous file intact and no temporary file', async () => {
    const path = join(dir, 'atomic.safetensors');
    await saveSafetensors(path, { x: { dtype: 'F32', shape: [1], data: [7] } });
    await expect(saveSafetensors(path, { x: { dtype: 'I32', shape: [2], data: [1, 2.5] } })).rejects.toThrow(
      /atomic\.safetensors: tensor "x": expected I32 data of integers/,
    );
    expect((await loadSafetensors(path)).get('x')!.data).toEqual(new Float32Array([7]));
    await expect(saveSafetensors(join(dir, 'no', 'such', 'dir.safetensors'), {})).rejects.toThrow(/writable/);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('rejects bad inputs naming the tensor', () => {
    expectSafetensorsError(
      () => encodeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } }),
      'tensor "w"',
      '4 elements for shape (2,2)',
      'found 3',
    );
    expectSafetensorsError(
      () => encodeSafetensors({ w: { dtype: 'F64' as 'F32', shape: [1], data: [1] } }),
      'tensor "w"',
      'F32, F16, BF16, I32',
    );
  });
});

describe('other dtypes and malformed files', () => {
  it('reads I64 into Int32Array with a range check, or BigInt64Array on request', () => {
    const data = new Uint8Array(new BigInt64Array([0n, -5n, 2147483647n]).buffer);
    const bytes = handBuilt({ ids: { dtype: 'I64', shape: [3], data_offsets: [0, 24] } }, data);
    expect(decodeSafetensors(bytes).get('ids')!.data).toEqual(new Int32Array([0, -5, 2147483647]));
    expect(decodeSafetensors(bytes, { int64: 'bigint' }).get('ids')!.data).toEqual(
      new BigInt64Array([0n, -5n, 2147483647n]),
    );
    const big = handBuilt(
      { ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } },
      new Uint8Array(new BigInt64Array([1n, 2147483648n]).buffer),
    );
    expectSafetensorsError(
      () => decodeSafetensors(big),
      'tensor "ids"',
      '2147483648 at flat index 1',
      "int64: 'bigint'",
    );
  });

  it('reads U8 and F64 (narrowed to f32, or kept with float64: f64)', () => {
    const f64 = new Float64Array([0.1, 1e-3]);
    const data = new Uint8Array(16 + 3);
    data.set(new Uint8Array(f64.buffer), 0);
    data.set([0, 128, 255], 16);
    const bytes = handBuilt(
      {
        __metadata__: { k: 'v' },
        d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
        u: { dtype: 'U8', shape: [3], data_offsets: [16, 19] },
      },
      data,
    );
    const m = decodeSafetensors(bytes);
    expect(m.get('d')!.data).toEqual(new Float32Array([0.1, 1e-3]));
    expect(m.get('u')!.data).toEqual(new Uint8Array([0, 128, 255]));
    expect(decodeSafetensors(bytes, { float64: 'f64' }).get('d')!.data).toEqual(f64);
  });

  it('reads unaligned data regions (headers not padded by other writers)', () => {
    // A 55-byte header puts the data at byte 63, not a multiple of 4.
    const header = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, __metadata__: { a: 'bcd' } };
    const bytes = handBuilt(header, new Uint8Array(new Float32Array([1.5, -2]).buffer));
    expect((8 + new TextEncoder().encode(JSON.stringify(header)).length) % 4).not.toBe(0);
    expect(decodeSafetensors(bytes).get('x')!.data).toEqual(new Float32Array([1.5, -2]));
  });

  it('names the file and tensor in errors for malformed headers', async () => {
    expectSafetensorsError(() => decodeSafetensors(new Uint8Array(3)), '<bytes>', 'at least 8 bytes');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expectSafetensorsError(() => decodeSafetensors(huge), 'header length');
    const notJson = handBuilt({}, new Uint8Array(0));
    notJson[8] = 0x5b; // the header "{}" becomes "[{", which is not JSON
    notJson[9] = 0x7b;
    expectSafetensorsError(() => decodeSafetensors(notJson), 'UTF-8 JSON header');
    expectSafetensorsError(
      () =>
        decodeSafetensors(
          handBuilt({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
        ),
      'tensor "w"',
      '12 bytes for F32 (3)',
    );
    expectSafetensorsError(
      () =>
        decodeSafetensors(
          handBuilt(
            {
              a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
              b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
            },
            new Uint8Array(12),
          ),
        ),
      'tensor "b"',
      'gap',
    );
    expectSafetensorsError(
      () =>
        decodeSafetensors(
          handBuilt({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(2)),
        ),
      'truncated',
    );
    expectSafetensorsError(
      () =>
        decodeSafetensors(
          handBuilt({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)),
        ),
      'tensor "a"',
      '"Q4"',
    );
    // A dtype of the spec this package cannot convert: the header loads, reading the tensor fails.
    const fp8 = join(dir, 'fp8.safetensors');
    await writeFile(
      fp8,
      handBuilt({ q: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4)),
    );
    const f = await SafetensorsFile.open(fp8);
    expect(f.entry('q')!.dtype).toBe('F8_E4M3');
    await expect(f.read('q')).rejects.toThrow(
      /fp8\.safetensors: tensor "q": expected a dtype among .*found F8_E4M3/,
    );
    await f.close();
    await expect(SafetensorsFile.open(join(dir, 'missing.safetensors'))).rejects.toThrow(
      /missing\.safetensors.*ENOENT/,
    );
  });
});
