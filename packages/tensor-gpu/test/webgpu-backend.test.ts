/**
 * The WebGPU backend's machinery: size classes and pool reuse, uploads (including the chunked path),
 * batching across many dispatches, the write-after-use hazard, typed errors (f64, freed storage,
 * disposed backend, oversized bindings, lost device).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceTensor } from '../src/backend/backend.js';
import { BackendError, DeviceLostError, DisposedError, DTypeError } from '../src/errors.js';
import { createNodeBackend } from '../src/node.js';
import { sizeClass } from '../src/webgpu/buffer-pool.js';
import type { GpuStorage } from '../src/webgpu/kernel-context.js';
import { createWebGPUBackend, UPLOAD_CHUNK_BYTES, type WebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { openWebGPU } from './webgpu-helpers.js';

const gpu = await openWebGPU();
afterAll(() => gpu.backend?.dispose());
/** The backend: only the suites skipped without an adapter use it. */
const backend = gpu.backend as WebGPUBackend;

const t = (storage: GpuStorage, shape: number[], dtype: 'f32' | 'i32' = 'f32'): DeviceTensor<GpuStorage> => ({
  storage,
  shape,
  dtype,
});

function neg(b: WebGPUBackend, x: GpuStorage, y: GpuStorage, n: number): void {
  b.run('unary', { inputs: { x: t(x, [n]) }, outputs: { y: t(y, [n]) }, inouts: {}, attrs: { op: 'neg' } });
}

describe('size classes', () => {
  it('rounds to 256 bytes, then to quarter steps of a power of two', () => {
    expect([1, 256, 257, 1000, 1024, 1025, 1100, 1300, 1600, 1800].map(sizeClass)).toEqual([
      256, 256, 320, 1024, 1024, 1280, 1280, 1536, 1792, 2048,
    ]);
  });
});

describe.skipIf(gpu.skip)(gpu.title('webgpu backend'), () => {
  it('round-trips f32, i32 and u32 data, including odd sizes', async () => {
    for (const [dtype, data] of [
      ['f32', new Float32Array([1.5, -2, 3.25])],
      ['i32', new Int32Array([-7, 2 ** 31 - 1, 0, 5, 9])],
      ['u32', new Uint32Array([2 ** 32 - 1, 1])],
    ] as const) {
      const s = backend.allocate(dtype, data.length);
      backend.write(s, data);
      expect(Array.from(await backend.read(s, dtype, data.length))).toEqual(Array.from(data));
      backend.free(s);
    }
  });

  it('reuses freed buffers of the same size class and reports memory', () => {
    const before = backend.memory();
    const a = backend.allocate('f32', 1000);
    const live = backend.memory();
    expect(live.liveBytes - before.liveBytes).toBe(4096);
    backend.free(a);
    const b = backend.allocate('f32', 900); // 3600 bytes → the same 4096 class
    expect(b.buffer).toBe(a.buffer);
    backend.free(b);
    expect(backend.memory().liveBytes).toBe(before.liveBytes);
    expect(backend.memory().pooledBytes).toBeGreaterThanOrEqual(4096);
  });

  it('uploads more than one chunk (> 64 MiB) intact', async () => {
    const n = UPLOAD_CHUNK_BYTES / 4 + 1001;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (i % 9973) - 17;
    const s = backend.allocate('f32', n);
    backend.write(s, data);
    const back = (await backend.read(s, 'f32', n)) as Float32Array;
    expect(back[0]).toBe(data[0]);
    expect(back[UPLOAD_CHUNK_BYTES / 4 - 1]).toBe(data[UPLOAD_CHUNK_BYTES / 4 - 1]);
    expect(back[UPLOAD_CHUNK_BYTES / 4]).toBe(data[UPLOAD_CHUNK_BYTES / 4]);
    expect(back[n - 1]).toBe(data[n - 1]);
    backend.free(s);
  });

  it('keeps results right across many batches (more dispatches than one batch holds)', async () => {
    const small = await createNodeBackend({ maxBatch: 4 });
    const x = small.allocate('f32', 3);
    const y = small.allocate('f32', 3);
    small.write(x, new Float32Array([1, 2, 3]));
    for (let i = 0; i < 11; i++) {
      neg(small, x, y, 3);
      neg(small, y, x, 3);
    }
    neg(small, x, y, 3); // 23 negations in all
    expect(Array.from(await small.read(y, 'f32', 3))).toEqual([-1, -2, -3]);
    small.dispose();
  });

  it('a write into a buffer the pending batch reads waits for that batch', async () => {
    const x = backend.allocate('f32', 2);
    const y = backend.allocate('f32', 2);
    backend.write(x, new Float32Array([1, 2]));
    neg(backend, x, y, 2); // recorded, not submitted
    backend.write(x, new Float32Array([10, 20])); // must not overtake the recorded dispatch
    expect(Array.from(await backend.read(y, 'f32', 2))).toEqual([-1, -2]);
    expect(Array.from(await backend.read(x, 'f32', 2))).toEqual([10, 20]);
    backend.free(x);
    backend.free(y);
  });

  it('raises DTypeError for f64 (WGSL has no 64-bit floats)', () => {
    expect(() => backend.allocate('f64', 4)).toThrowError(DTypeError);
    try {
      backend.allocate('f64', 4);
    } catch (e) {
      expect((e as Error).message).toMatch(/allocate: expected .*found f64; hint: WGSL has no f64/);
    }
  });

  it('raises DisposedError for freed storage, naming the op', async () => {
    const x = backend.allocate('f32', 2);
    const y = backend.allocate('f32', 2);
    backend.free(x);
    expect(() => neg(backend, x, y, 2)).toThrowError(DisposedError);
    await expect(backend.read(x, 'f32', 2)).rejects.toThrowError(/read: expected a live tensor/);
    backend.free(y);
  });

  // only where the limit is small enough to allocate past it (llvmpipe's 128 MiB; not a 2 GiB GPU)
  const bigBindings = (gpu.backend?.caps.maxStorageBinding ?? 0) > 256 * 1024 * 1024;
  it.skipIf(bigBindings)('raises BackendError when a tensor exceeds maxStorageBufferBindingSize', () => {
    const limit = backend.caps.maxStorageBinding;
    const n = limit / 4 + 64;
    const x = backend.allocate('f32', n);
    const y = backend.allocate('f32', n);
    expect(() => neg(backend, x, y, n)).toThrowError(BackendError);
    expect(() => neg(backend, x, y, n)).toThrowError(/maxStorageBufferBindingSize/);
    backend.free(x);
    backend.free(y);
  });

  it('raises BackendError for a tensor larger than maxBufferSize', () => {
    const n = backend.device.limits.maxBufferSize / 4 + 1;
    expect(() => backend.allocate('f32', n)).toThrowError(/allocate: expected at most maxBufferSize/);
  });

  it('rejects reads with DeviceLostError after the device is lost, and refuses new work', async () => {
    const lost = await createNodeBackend();
    const x = lost.allocate('f32', 2);
    lost.device.destroy();
    await expect(lost.read(x, 'f32', 2)).rejects.toSatisfy((e: unknown) => DeviceLostError.isInstance(e));
    expect(() => lost.allocate('f32', 2)).toThrowError(DeviceLostError);
    lost.dispose();
  });

  it('is unusable after dispose', () => {
    return createNodeBackend().then((b) => {
      b.dispose();
      expect(b.disposed).toBe(true);
      expect(() => b.allocate('f32', 1)).toThrowError(DisposedError);
    });
  });
});

describe('createWebGPUBackend', () => {
  it('without a GPU or device says what to pass', async () => {
    await expect(createWebGPUBackend({})).rejects.toThrowError(
      /options.gpu \(a GPU object\) or options.device/,
    );
  });
});
