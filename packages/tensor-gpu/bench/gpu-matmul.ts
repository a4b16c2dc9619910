/**
 * WebGPU matmul and softmax on whatever adapter this machine has (Vulkan on a GPU, llvmpipe on a
 * CPU-only machine) against @tensorflow/tfjs-backend-wasm (XNNPACK) on the same machine, same shapes,
 * same process. The kernels are timed including the readback of the result (`backend.read`), as a
 * user calling `await t.data()` would see them; tfjs likewise with `dataSync()`.
 *
 * On llvmpipe this measures a CPU emulating a GPU and is expected to lose; the H100 figures come from
 * bench/gpu-bench.ts (see docs/webgpu-backend.md).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createNodeBackend } from '../src/node.js';
import { printTable, randomF32, timeMs } from './timing.js';

export async function run(): Promise<void> {
  let backend: Awaited<ReturnType<typeof createNodeBackend>>;
  try {
    backend = await createNodeBackend();
  } catch (e) {
    console.log(`gpu-matmul: no WebGPU adapter (${(e as Error).message.split(';')[0]}), nothing measured`);
    return;
  }
  const onGpu = backend.caps.subgroups || backend.caps.maxStorageBinding > 134217728;
  const sizes = onGpu ? [1024, 2048, 4096] : [128, 256];
  await tf.setBackend('wasm');
  await tf.ready();
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const a = randomF32(n * n, 1);
    const b = randomF32(n * n, 2);
    const sa = backend.allocate('f32', n * n);
    const sb = backend.allocate('f32', n * n);
    const sc = backend.allocate('f32', n * n);
    backend.write(sa, a);
    backend.write(sb, b);
    const ours = await timeMs(async () => {
      backend.run('matmul', {
        inputs: {
          a: { storage: sa, shape: [n, n], dtype: 'f32' },
          b: { storage: sb, shape: [n, n], dtype: 'f32' },
        },
        outputs: { y: { storage: sc, shape: [n, n], dtype: 'f32' } },
        inouts: {},
        attrs: { transA: false, transB: false },
      });
      await backend.read(sc, 'f32', n * n);
    }, 5);
    const ta = tf.tensor2d(a, [n, n]);
    const tb = tf.tensor2d(b, [n, n]);
    const peer = await timeMs(() => {
      const c = tf.matMul(ta, tb);
      c.dataSync();
      c.dispose();
    }, 5);
    ta.dispose();
    tb.dispose();
    for (const s of [sa, sb, sc]) backend.free(s);
    const gflop = (2 * n ** 3) / 1e9;
    rows.push([
      `matmul ${n}³`,
      ours.toFixed(2),
      (gflop / (ours / 1e3)).toFixed(1),
      peer.toFixed(2),
      (gflop / (peer / 1e3)).toFixed(1),
      (peer / ours).toFixed(2),
    ]);
  }
  console.log(`adapter: ${onGpu ? 'GPU (Vulkan)' : 'llvmpipe (OpenGL ES on the CPU)'}`);
  printTable(['case', 'webgpu ms', 'GFLOP/s', 'tfjs-wasm ms', 'GFLOP/s', 'speed-up ×'], rows);
  backend.dispose();
}
