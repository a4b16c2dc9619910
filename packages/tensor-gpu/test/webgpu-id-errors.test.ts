/**
 * Ids out of range on WebGPU: a GPU kernel cannot throw, so the kernels that take ids set a device
 * error flag and the next read (data(), item(), to()) or sync() raises the same ShapeError the CPU
 * backend throws at once (issue 10, item 2). Each case runs on both backends and compares the errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend,
  createCpuBackend,
  crossEntropy,
  embedding,
  runOp,
  ShapeError,
  type Tensor,
  takeAlongAxis,
  tensor,
  type WebGPUBackend,
} from '../src/index.js';
import { openWebGPU } from './webgpu-helpers.js';

const webgpu = await openWebGPU();
const cpu = createCpuBackend();
afterAll(() => {
  webgpu.backend?.dispose();
  cpu.dispose();
});
const gpu = webgpu.backend as WebGPUBackend;

/** The error `run` throws on the CPU backend (at once) and on WebGPU (from the read it ends with). */
async function bothErrors(run: (b: Backend) => Promise<unknown>): Promise<{ cpu: unknown; gpu: unknown }> {
  const caught = async (b: Backend) => {
    try {
      await run(b);
    } catch (e) {
      return e;
    }
    return undefined;
  };
  return { cpu: await caught(cpu), gpu: await caught(gpu) };
}

function expectSameShapeError(errors: { cpu: unknown; gpu: unknown }, message: RegExp): void {
  expect(ShapeError.isInstance(errors.cpu), `cpu: ${String(errors.cpu)}`).toBe(true);
  expect(ShapeError.isInstance(errors.gpu), `gpu: ${String(errors.gpu)}`).toBe(true);
  expect((errors.gpu as Error).message).toBe((errors.cpu as Error).message);
  expect((errors.gpu as Error).message).toMatch(message);
}

const logits = (b: Backend) => tensor([1, 2, 3, 4, 5, 6], [2, 3], 'f32', b);
const ids = (values: number[], b: Backend, shape = [values.length]) => tensor(values, shape, 'i32', b);

describe.skipIf(webgpu.skip)(
  webgpu.title('WebGPU kernels that take ids raise the CPU backend’s ShapeError'),
  () => {
    it('crossEntropy with target 5 for V = 3: raised by item(), as on the CPU', async () => {
      const errors = await bothErrors(async (b) => crossEntropy(logits(b), ids([0, 5], b)).item());
      expectSameShapeError(
        errors,
        /^crossEntropy: expected every target in \[0, 3\) or equal to ignoreIndex -100, found target 5 at row 1; hint: /,
      );
    });

    it('crossEntropy: a negative target that is not ignoreIndex is an error; ignoreIndex rows are not', async () => {
      expectSameShapeError(
        await bothErrors(async (b) => crossEntropy(logits(b), ids([-1, 2], b)).item()),
        /found target -1 at row 0/,
      );
      const ok = crossEntropy(logits(gpu), ids([-100, 2], gpu));
      const ref = crossEntropy(logits(cpu), ids([-100, 2], cpu));
      expect(await ok.item()).toBeCloseTo(await ref.item(), 5);
    });

    it('crossEntropy backward (reading the gradient) and the kernels called directly', async () => {
      // forward and backward both run before any read: the first bad op (the forward) is reported
      const errors = await bothErrors(async (b) => {
        const x = logits(b).requireGrad();
        crossEntropy(x, ids([3, 0], b)).backward();
        return x.grad!.data();
      });
      expectSameShapeError(errors, /^crossEntropy: .*found target 3 at row 0/);
      // the backward kernel alone
      const backward = await bothErrors(async (b) => {
        const lse = tensor([0, 0], [2], 'f32', b);
        const dloss = tensor([1, 1], [2], 'f32', b);
        const { dlogits } = runOp(
          'crossEntropyBackward',
          b,
          { logits: logits(b), targets: ids([1, 7], b), lse, dloss },
          {},
          { ignoreIndex: -100 },
        );
        return dlogits.data();
      });
      expectSameShapeError(backward, /^crossEntropyBackward: .*found target 7 at row 1/);
    });

    it('embedding (gather) id 5 of 3 rows: raised by data() instead of a row of zeros', async () => {
      const table = (b: Backend) => tensor([0, 1, 2, 3, 4, 5], [3, 2], 'f32', b);
      const errors = await bothErrors(async (b) => embedding(table(b), ids([0, 2, 5, 9], b)).data());
      expectSameShapeError(
        errors,
        /^gather: expected ids in \[0, 3\) for a table of shape \(3,2\), found id 5 at position 2; hint: /,
      );
      // the lowest bad position is reported, whatever order the GPU threads ran in
      expect((errors.gpu as Error).message).not.toMatch(/id 9/);
    });

    it('gather with rows of zero width still checks its ids', async () => {
      const errors = await bothErrors(async (b) => {
        const y = embedding(tensor([], [3, 0], 'f32', b), ids([1, -4], b));
        await b.sync();
        return y;
      });
      expectSameShapeError(errors, /found id -4 at position 1/);
    });

    it('scatterAdd (embedding backward) called with a bad id', async () => {
      const errors = await bothErrors(async (b) => {
        const src = tensor([1, 2, 3, 4], [2, 2], 'f32', b);
        return runOp('scatterAdd', b, { ids: ids([1, 4], b), src }, {}, { rows: 3 }).y.data();
      });
      expect(ShapeError.isInstance(errors.cpu) && ShapeError.isInstance(errors.gpu)).toBe(true);
      const [c, g] = [errors.cpu as ShapeError, errors.gpu as ShapeError];
      expect([g.operation, g.expected, g.found]).toEqual([c.operation, c.expected, c.found]);
      expect(g.message).toMatch(/^scatterAdd: expected ids in \[0, 3\), found id 4 at position 1; hint: /);
    });

    it('takeAlongAxis: an index past the axis raises instead of reading the next row', async () => {
      const x = (b: Backend) => tensor([10, 11, 12, 20, 21, 22], [2, 3], 'f32', b);
      const errors = await bothErrors(async (b) => takeAlongAxis(x(b), ids([3, 0], b, [2, 1])).data());
      expectSameShapeError(
        errors,
        /^takeAlongAxis: expected indices in \[0, 3\) \(the size of axis 1 of x \(2,3\)\), found index 3 at position 0 of indices \(2,1\); hint: /,
      );
      // along another axis
      const axis0 = await bothErrors(async (b) => takeAlongAxis(x(b), ids([0, 1, 2], b, [1, 3]), 0).data());
      expectSameShapeError(
        axis0,
        /indices in \[0, 2\) \(the size of axis 0 of x \(2,3\)\), found index 2 at position 2/,
      );
      // valid indices: the same values on both backends, no error
      const good = await takeAlongAxis(x(gpu), ids([2, 0], gpu, [2, 1])).data();
      expect(Array.from(good)).toEqual([12, 20]);
    });

    it('the error comes from the next read of any tensor, or from sync(), once; later reads are clean', async () => {
      const bad = crossEntropy(logits(gpu), ids([0, 9], gpu), { reduction: 'none' });
      const unrelated = tensor([1, 2], [2], 'f32', gpu);
      await expect(unrelated.data()).rejects.toThrow(/found target 9 at row 1/);
      expect(Array.from(await unrelated.data())).toEqual([1, 2]); // reported once
      expect(Array.from(await bad.data())).toEqual([expect.any(Number), 0]); // the bad row's loss is 0

      crossEntropy(logits(gpu), ids([4, 0], gpu));
      await expect(gpu.sync()).rejects.toThrow(/^crossEntropy: .*found target 4 at row 0/);
      await gpu.sync(); // settled
    });

    it('the first bad op is reported, as on the CPU where it throws at once', async () => {
      const table = tensor([0, 1, 2, 3], [2, 2], 'f32', gpu);
      const first = embedding(table, ids([7], gpu));
      const second = crossEntropy(logits(gpu), ids([0, 5], gpu));
      const error = await second.item().catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/^gather: .*found id 7 at position 0/);
      for (const t of [table, first, second] as Tensor[]) t.dispose();
    });

    it('valid ids give the CPU backend’s results and no error (the check costs no extra read)', async () => {
      const gpuLoss = crossEntropy(logits(gpu), ids([2, 0], gpu));
      const cpuLoss = crossEntropy(logits(cpu), ids([2, 0], cpu));
      expect(await gpuLoss.item()).toBeCloseTo(await cpuLoss.item(), 5);
      const table = (b: Backend) => tensor([0, 1, 2, 3, 4, 5], [3, 2], 'f32', b);
      expect(Array.from(await embedding(table(gpu), ids([2, 0], gpu)).data())).toEqual([4, 5, 0, 1]);
      await gpu.sync();
    });
  },
);
