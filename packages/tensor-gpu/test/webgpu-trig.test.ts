/**
 * sin and cos on WebGPU are tensor-gpu's own (range reduction and polynomials, `unary-math.ts`), not
 * WGSL's builtins, which the spec bounds only to 2⁻¹¹ absolute error on [−π, π] (SwiftShader is off by
 * ~1.5e-4). They must keep float64 accuracy, a few f32 ulps, in every quadrant and far outside
 * [−π, π]; and so must their gradients and randomNormal's Box–Muller cosine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { openWebGPU } from './webgpu-helpers.js';

const gpu = await openWebGPU();
afterAll(() => gpu.backend?.dispose());

/** f32 inputs: a sweep over ±10⁴, the quadrant edges k·π/4 and their neighbours, tiny and zero. */
function inputs(): Float32Array {
  const xs: number[] = [0, -0, 1e-30, -1e-30, 1e-7, 3.4e-4];
  for (let i = -2000; i <= 2000; i++) xs.push(i * 5.0001);
  for (let k = -64; k <= 64; k++) {
    const edge = Math.fround((k * Math.PI) / 4);
    xs.push(edge, edge * (1 + 2 ** -22), edge * (1 - 2 ** -22));
  }
  return Float32Array.from(xs);
}

/** Largest |got − want| with `want` in float64 from the same f32 inputs. */
function maxAbsErr(got: ArrayLike<number>, x: Float32Array, f: (v: number) => number): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(got[i]! - f(x[i]!)));
  return worst;
}

describe.skipIf(gpu.skip)(gpu.title('webgpu sin and cos hold float64 accuracy'), () => {
  const x = inputs();

  it.each([
    ['sin', Math.sin],
    ['cos', Math.cos],
  ] as const)('%s on ±1e4, every quadrant edge: within 2.5e-7 of float64', async (name, f) => {
    const t = tensor(x, [x.length], 'f32', gpu.backend!);
    const y = name === 'sin' ? t.sin() : t.cos();
    expect(maxAbsErr(await y.data(), x, f)).toBeLessThan(2.5e-7);
    t.dispose();
    y.dispose();
  });

  it('the gradients: d sin = cos, d cos = −sin', async () => {
    const t = tensor(x, [x.length], 'f32', gpu.backend!).requireGrad();
    t.sin().sum().backward();
    expect(maxAbsErr(await t.grad!.data(), x, Math.cos)).toBeLessThan(2.5e-7);
    const u = tensor(x, [x.length], 'f32', gpu.backend!).requireGrad();
    u.cos().sum().backward();
    expect(maxAbsErr(await u.grad!.data(), x, (v) => -Math.sin(v))).toBeLessThan(2.5e-7);
  });
});
